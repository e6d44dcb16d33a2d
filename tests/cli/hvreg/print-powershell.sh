# Commands for an elevated PowerShell on the host, in the 64-bit registry view (a 32-bit
# PowerShell would see WOW6432Node under HKLM:); nothing is written.
$HVREG add 5000 --print powershell; echo "rc=$?"
$HVREG add 999e53d4-3d5c-4c3e-8779-bed06ec056e1 -n "it's ‘quoted’ \$HOME" --print powershell
$HVREG remove vsock-5000 --print powershell
$HVREG remove ssh --print powershell; echo "rc=$?"
ls -d *reg* 2>/dev/null || echo "no .reg file written"
