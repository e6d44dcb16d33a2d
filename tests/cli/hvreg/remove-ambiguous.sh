# A name shared by several services: exit 4, listing them; nothing is removed.
$HVREG add 5000 -n web --file a.reg >/dev/null
$HVREG add 8080 -n web --file a.reg >/dev/null
cp a.reg before.reg
$HVREG remove web --file a.reg; echo "rc=$?"
$HVREG show WEB --file a.reg; echo "rc=$?"
cmp a.reg before.reg && echo "file unchanged"
$HVREG remove 8080 --file a.reg -v
