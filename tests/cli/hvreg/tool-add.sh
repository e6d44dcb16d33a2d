# add --tool records the owner (ToolName); another tool's entry is a conflict (exit 4) unless
# --force; remove SERVICE --tool only removes the tool's own.
$HVREG --file a.reg add 5000 -n ssh --tool mytool; echo "rc=$?"
$HVREG --file a.reg add 5000 -n ssh --tool mytool -v; echo "rc=$?"
$HVREG --file a.reg add 5000 -n ssh --tool other; echo "rc=$?"
$HVREG --file a.reg add 5000 -n ssh --tool other --force -v; echo "rc=$?"
$HVREG --file a.reg add 5001 -n web; echo "rc=$?"
$HVREG --file a.reg add 5001 --tool other -v; echo "rc=$?"
$HVREG --file a.reg show 5000
$HVREG --file a.reg show -j 5001
$HVREG --file a.reg remove 5000 --tool mytool; echo "rc=$?"
$HVREG --file a.reg remove 5000 --tool other; echo "rc=$?"
$HVREG --file a.reg list
