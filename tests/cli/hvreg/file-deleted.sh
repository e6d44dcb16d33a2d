# Deletion entries: the listing is the state after importing the file.
cat >x.reg <<'REG'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00001388-facb-11e6-bd58-64006a7986d3]
"ElementName"="first"

[-HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00001388-facb-11e6-bd58-64006a7986d3]

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00000016-facb-11e6-bd58-64006a7986d3]
"ElementName"="ssh"
"ElementName"=-

[-HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00000017-facb-11e6-bd58-64006a7986d3]
REG
$HVREG list --file x.reg
$HVREG list --json --file x.reg
$HVREG show 5000 --file x.reg; echo "rc=$?"
$HVREG add 5000 -n again --file x.reg
$HVREG add 22 -n ssh --file x.reg
cat x.reg
