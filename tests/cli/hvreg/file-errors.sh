# platform: posix
# Files that cannot be read or replaced: the message names the file, nothing is left behind.
$HVREG list --file missing.reg; echo "rc=$?"
$HVREG add 5000 --file nodir/a.reg; echo "rc=$?"
mkdir d.reg
$HVREG list --file d.reg; echo "rc=$?"
ls -d *reg* 2>/dev/null || echo "no .reg file written"
