# Keys in upper case are fine; braced keys and keys that are no GUID are flagged. Matching
# accepts them; remove takes the exact key name to pick one of two keys for one GUID.
cat >x.reg <<'REG'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00001388-FACB-11E6-BD58-64006A7986D3]
"ElementName"="upper"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\{00000016-facb-11e6-bd58-64006a7986d3}]
"ElementName"="braced ssh"

[HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\not-a-guid]
"ElementName"="junk"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00000017-facb-11e6-bd58-64006a7986d3]
"ElementName"=dword:00000001

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00000018-facb-11e6-bd58-64006a7986d3]
REG
$HVREG list --file x.reg
echo "---"
$HVREG show 5000 --file x.reg
$HVREG add 5000 -n upper --file x.reg -v
echo "--- add the unbraced key for the braced one"
$HVREG add 22 -n ssh --file x.reg
$HVREG remove 22 --file x.reg; echo "rc=$?"
$HVREG remove '{00000016-facb-11e6-bd58-64006a7986d3}' --file x.reg -v; echo "rc=$?"
$HVREG remove not-a-guid --file x.reg; echo "rc=$?"
$HVREG add 24 --file x.reg
$HVREG list --file x.reg
