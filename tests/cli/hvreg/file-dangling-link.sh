# platform: posix
# A symbolic link to a file that does not exist is refused, naming the link and its target:
# add does not create the target (issue 20 item 12, see REGISTRY FILES in hvreg(1)).
ln -s nowhere.reg link.reg
$HVREG add 22 -n ssh --file link.reg; echo "rc=$?"
$HVREG list --file link.reg; echo "rc=$?"
test -e nowhere.reg || echo "nowhere.reg not created"
ls -d *reg* 2>/dev/null
