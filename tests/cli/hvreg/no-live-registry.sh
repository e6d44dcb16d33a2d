# platform: posix
# Without --file or --print there is nothing to change on Linux: one line naming both.
$HVREG list; echo "rc=$?"
$HVREG add 5000; echo "rc=$?"
$HVREG remove 5000
