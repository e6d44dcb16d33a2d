# platform: posix
# A FIFO (nobody writing) is refused at once instead of blocking the open (issue 20 item 12);
# so is a character device; timeout 5 makes a hang fail the case (rc=124) rather than hang it.
mkfifo fifo.reg
timeout 5 $HVREG list --file fifo.reg; echo "rc=$?"
timeout 5 $HVREG add 22 --file fifo.reg; echo "rc=$?"
ln -s fifo.reg link.reg
timeout 5 $HVREG add 22 --file link.reg; echo "rc=$?"
timeout 5 $HVREG list --file /dev/null; echo "rc=$?"
ls -d *reg* 2>/dev/null
