# JSON strings have one escaper (common/json.c): a newline is \n, a tab \t, other controls
# \u00XX; text shows them as \xHH. The rows are those of hvlist services (plus deleted).
cat >x.reg <<'REG'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00001388-facb-11e6-bd58-64006a7986d3]
"ElementName"=hex(1):6c,00,31,00,0a,00,6c,00,32,00,09,00,22,00,01,00,00,00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\not-a-guid]
"ElementName"="plain"
REG
$HVREG list --file x.reg
$HVREG list -j --file x.reg
$HVREG show --json 5000 --file x.reg
$HVREG show 5000 --file x.reg
$HVLIST -j services --file x.reg
