# Another name for a registered service: exit 4 naming the existing name, unless --force.
$HVREG add 5000 -n old --file a.reg
cp a.reg before.reg
$HVREG add 5000 -n new --file a.reg; echo "rc=$?"
cmp a.reg before.reg && echo "file unchanged"
$HVREG add 5000 -n new --force --file a.reg -v; echo "rc=$?"
$HVREG list --file a.reg
