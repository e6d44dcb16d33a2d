# --print gpo, ansible and dsc for add, reserve and remove (e2e/hvreg_fleet reads them with
# real consumers); printing twice gives the same bytes.
$HVREG add 5000 -n "ssh & <more> \"q\" 'a'" --tool mytool --print gpo
$HVREG remove 5000 --print gpo
$HVREG reserve 2 --tool podman --print ansible
$HVREG remove 5000 --print ansible
$HVREG remove --tool podman --print ansible
$HVREG add 5000 -n "it's" --print dsc
$HVREG remove 5000 --print dsc
$HVREG reserve 2 --tool podman --print powershell
$HVREG remove --tool podman --print powershell
$HVREG reserve 2 --tool podman --print cmd
$HVREG reserve 2 --tool podman --print reg
$HVREG reserve 3 --tool podman --ensure --print gpo >a.xml; $HVREG reserve 3 --tool podman --print gpo >b.xml
cmp a.xml b.xml && echo "same bytes"
