# platform: posix
# A symlinked file is replaced through the link (the link stays a link); permissions stay.
$HVREG add 5000 --file real.reg 2>/dev/null >/dev/null
chmod 640 real.reg
ln -s real.reg link.reg
$HVREG add 22 -n ssh --file link.reg >/dev/null
test -L link.reg && echo "link.reg is still a symlink"
stat -c '%a' real.reg
$HVREG list --file real.reg
ls -d *reg* 2>/dev/null || echo "no .reg file written"
