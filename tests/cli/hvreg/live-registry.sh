# platform: windows
# The live registry (Wine's under test): add, show, list, remove. Other tests may share that
# registry: look only at this key.
g=0000d903-facb-11e6-bd58-64006a7986d3
$HVREG remove $g 2>/dev/null
$HVREG add 55555 -n "hvreg live test" -v; echo "rc=$?"
$HVREG add 55555 -n "hvreg live test"; echo "rc=$?"
$HVREG show 55555
$HVREG list --json | grep -c $g
$HVREG remove "hvreg live test" -v; echo "rc=$?"
$HVREG show 55555 2>/dev/null; echo "gone: rc=$?"
