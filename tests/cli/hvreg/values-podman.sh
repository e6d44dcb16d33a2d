# Keys written by podman (upper case, no ElementName; Purpose, ToolName, older MachineName)
# are listed with their values; a key written in both letter cases is one service.
cat >p.reg <<'REG'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\0000D2F1-FACB-11E6-BD58-64006A7986D3]
"Purpose"="Network"
"ToolName"="podman"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\0000D2F2-FACB-11E6-BD58-64006A7986D3]
"Purpose"="Events"
"MachineName"="podman-machine-default"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\0000d2f2-facb-11e6-bd58-64006a7986d3]
"ToolName"="podman"
"Count"=dword:0000002a
"Blob"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00000400-facb-11e6-bd58-64006a7986d3]
"ElementName"="gvisor-tap-vsock"

REG
$HVREG --file p.reg list
$HVREG --file p.reg list -j
$HVREG --file p.reg show 0000d2f2-facb-11e6-bd58-64006a7986d3 -j
$HVLIST services --file p.reg
$HVLIST services --file p.reg -o guid,tool,values -r
# Naming podman's key keeps its values; removing podman's entries leaves gvisor's alone.
$HVREG --file p.reg add 0000d2f1-facb-11e6-bd58-64006a7986d3 -n "podman net" -v; echo "rc=$?"
$HVREG --file p.reg remove --tool podman -v; echo "rc=$?"
$HVREG --file p.reg list
