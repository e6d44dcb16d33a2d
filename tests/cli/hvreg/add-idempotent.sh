# The same service with the same name again: success, the file is not rewritten.
$HVREG add vsock-5000 --name "ssh bridge" --file a.reg
cp a.reg before.reg
touch -d 2000-01-01 a.reg
$HVREG add 5000 --name "ssh bridge" --file a.reg -v; echo "rc=$?"
$HVREG add 0x1388 --file a.reg; echo "rc=$?"
cmp a.reg before.reg && echo "file unchanged"
[ "$(find a.reg -newer before.reg)" = "" ] && echo "file not rewritten"
