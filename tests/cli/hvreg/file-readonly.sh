# platform: posix
# A read-only file (mode 444) in a writable directory is not replaced (issue 20 item 12), also
# through a symbolic link and as root; adding a service it already has changes nothing: exit 0.
$HVREG add 5000 --file ro.reg >/dev/null 2>&1
chmod 444 ro.reg
cp ro.reg before.reg
$HVREG add 22 -n ssh --file ro.reg; echo "rc=$?"
ln -s ro.reg link.reg
$HVREG remove 5000 --file link.reg; echo "rc=$?"
$HVREG add 5000 --file ro.reg; echo "rc=$?"
cmp ro.reg before.reg && echo "ro.reg unchanged"
stat -c '%a' ro.reg
ls -d *reg* 2>/dev/null
