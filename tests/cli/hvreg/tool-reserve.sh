# reserve N --tool: free ports of the tool's sequence (49152-65535, never WSL's 50000-50005),
# --ensure tops the pool up, --name-prefix names them; remove --tool removes exactly those.
$HVREG --file p.reg reserve 3 --tool podman; echo "rc=$?"
$HVREG --file p.reg reserve 5 --tool podman --ensure -v; echo "rc=$?"
$HVREG --file p.reg reserve 2 --tool podman --ensure -v; echo "rc=$?"
$HVREG --file p.reg reserve 1 --tool other --name-prefix "Other pool" --json; echo "rc=$?"
$HVREG --file p.reg add 5000 -n mine >/dev/null 2>&1
$HVREG --file p.reg list
$HVREG --file p.reg remove --tool podman -v; echo "rc=$?"
$HVREG --file p.reg remove --tool podman -v; echo "rc=$?"
$HVREG --file p.reg list
# A pool next to WSL's ports: the tool whose sequence starts at 49999 skips 50000-50005.
$HVREG --file w.reg reserve 4 --tool t3016 | cut -c39-
# --name-prefix "": the names hvreg add gives
$HVREG --file e.reg reserve 1 --tool podman --name-prefix "" | cut -c39-
