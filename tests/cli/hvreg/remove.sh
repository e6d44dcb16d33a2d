# remove by port, GUID (any form), name (any ASCII case) or exact key name.
$HVREG add 5000 --file a.reg >/dev/null
$HVREG add 22 -n "ssh" --file a.reg >/dev/null
$HVREG add 999e53d4-3d5c-4c3e-8779-bed06ec056e1 -n "VM Session Service" --file a.reg >/dev/null
$HVREG add 6000 -n "six" --file a.reg >/dev/null
$HVREG remove vsock-5000 --file a.reg -v; echo "rc=$?"
$HVREG remove SSH --file a.reg -v; echo "rc=$?"
$HVREG remove '{999E53D4-3D5C-4C3E-8779-BED06EC056E1}' --file a.reg; echo "rc=$?"
$HVREG list --file a.reg
$HVREG remove 00001770-facb-11e6-bd58-64006a7986d3 --file a.reg; echo "rc=$?"
tail -c +3 a.reg | iconv -f UTF-16LE -t UTF-8 | sed 's/\r$/<CR>/'
