# Nothing matches: exit 3, listing what is registered; the file is left alone.
$HVREG add 5000 --file a.reg 2>/dev/null >/dev/null
$HVREG add 22 -n ssh --file a.reg >/dev/null
cp a.reg before.reg
$HVREG remove 6000 --file a.reg; echo "rc=$?"
$HVREG remove "no such name" --file a.reg; echo "rc=$?"
$HVREG show telnet --file a.reg; echo "rc=$?"
cmp a.reg before.reg && echo "file unchanged"
$HVREG remove 5000 --file a.reg && $HVREG remove 22 --file a.reg
$HVREG remove 22 --file a.reg; echo "rc=$?"
$HVREG remove 22 --file missing.reg; echo "rc=$?"
