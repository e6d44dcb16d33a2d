# A regedit export (UTF-16LE, CRLF) with other keys, comments, hex values over continuation
# lines and deletion entries: add and remove change only the service sections.
cat >src.txt <<'REG'
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Contoso]
"Path"="C:\\Program Files\\Contoso"
"Quote"="say \"hi\""
"Count"=dword:0000002a
"Blob"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,\
  17,18,19,1a
"Multi"=hex(7):61,00,62,00,00,00,63,00,00,00,00,00
@="default"

; services follow
[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices]

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\999E53D4-3D5C-4C3E-8779-BED06EC056E1]
"ElementName"="VM Session Service"
"Extra"=dword:00000001

[-HKEY_CURRENT_USER\Software\Old]

REG
{ printf '\377\376'; sed 's/$/\r/' src.txt | iconv -f UTF-8 -t UTF-16LE; } >x.reg
cp x.reg orig.reg
dec() { tail -c +3 "$1" | iconv -f UTF-16LE -t UTF-8 | sed 's/\r$/<CR>/'; }
$HVREG list --file x.reg
$HVREG add 5000 --file x.reg 2>/dev/null
echo "--- after add"
dec orig.reg >a.txt; dec x.reg >b.txt; diff a.txt b.txt; echo "diff rc=$?"
$HVREG add 999e53d4-3d5c-4c3e-8779-bed06ec056e1 -n "Session" --force --file x.reg >/dev/null
echo "--- after rename"
dec x.reg >c.txt; diff b.txt c.txt; echo "diff rc=$?"
$HVREG remove 5000 --file x.reg
$HVREG add 999e53d4-3d5c-4c3e-8779-bed06ec056e1 -n "VM Session Service" --force --file x.reg >/dev/null
cmp x.reg orig.reg && echo "--- back to the original, byte for byte"
$HVREG remove 999e53d4-3d5c-4c3e-8779-bed06ec056e1 --file x.reg
echo "--- after remove"
dec x.reg >d.txt; diff a.txt d.txt; echo "diff rc=$?"
