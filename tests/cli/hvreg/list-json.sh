# JSON keys: guid, name, port, key, canonical, deleted (hvreg(1)).
$HVREG list --json --file missing.reg; echo "rc=$?"
$HVREG add 5000 --file a.reg 2>/dev/null >/dev/null
$HVREG list --json --file a.reg
$HVREG add 999e53d4-3d5c-4c3e-8779-bed06ec056e1 -n 'say "hi" \ tab' --file a.reg >/dev/null
$HVREG list -j --file a.reg
$HVREG show -j 5000 --file a.reg
$HVREG remove 5000 --file a.reg
$HVREG remove 999e53d4-3d5c-4c3e-8779-bed06ec056e1 --file a.reg
$HVREG list --json --file a.reg
$HVREG list --file a.reg -v
