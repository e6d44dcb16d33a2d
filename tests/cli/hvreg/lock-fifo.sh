# platform: posix
# A FIFO where the lock file goes (left by someone, or a prank) must not hang a writer past -w:
# the lock file is opened without waiting for a writer on the other end.
mkfifo f.reg.lock
timeout 10 $HVREG --file f.reg -w 1 add 5000 -n fifo; echo "rc=$?"
$HVREG --file f.reg list
