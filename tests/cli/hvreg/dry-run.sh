# --dry-run says what add, remove and reserve would change and changes nothing: the file keeps
# its bytes, a missing file is not created; with --print nothing is printed.
$HVREG --file a.reg add 5000 -n ssh >/dev/null 2>&1
cp a.reg orig.reg
$HVREG --file a.reg add 5001 -n web --tool t --dry-run; echo "rc=$?"
$HVREG --file a.reg add 5000 -n ssh --dry-run; echo "rc=$?"
$HVREG --file a.reg add 5000 -n other --force --dry-run; echo "rc=$?"
$HVREG --file a.reg remove ssh --dry-run; echo "rc=$?"
$HVREG --file a.reg reserve 2 --tool t --dry-run; echo "rc=$?"
$HVREG --file a.reg remove --tool t --dry-run; echo "rc=$?"
cmp a.reg orig.reg && echo "a.reg unchanged"
$HVREG --file new.reg add 5000 --dry-run; echo "rc=$?"
test -e new.reg || echo "new.reg not created"
$HVREG add 5000 -n x --print gpo --dry-run; echo "rc=$?"
$HVREG remove --tool t --print powershell --dry-run; echo "rc=$?"
$HVREG reserve 2 --tool t --print reg --dry-run; echo "rc=$?"
