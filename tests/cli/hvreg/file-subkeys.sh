# remove takes exactly one key: a service key with subkeys is refused.
cat >x.reg <<'REG'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00001388-facb-11e6-bd58-64006a7986d3]
"ElementName"="web"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00001388-facb-11e6-bd58-64006a7986d3\Settings]
"x"="y"
REG
cp x.reg before.reg
$HVREG show web --file x.reg
$HVREG remove web --file x.reg; echo "rc=$?"
cmp x.reg before.reg && echo "file unchanged"
