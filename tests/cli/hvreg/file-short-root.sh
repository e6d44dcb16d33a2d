# A section with a short root key ([HKLM\...], as reg.exe writes paths) is read, with one
# warning naming the file and the first such line: regedit refuses such a file. Keys written
# by hvreg name the root in full.
S='SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices'
printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\%s\\00000016-facb-11e6-bd58-64006a7986d3]\r\n"ElementName"="ssh"\r\n\r\n[HKLM\\%s\\00001388-facb-11e6-bd58-64006a7986d3]\r\n"ElementName"="short"\r\n\r\n[hkcu\\Software\\x]\r\n\r\n' "$S" "$S" >x.reg
$HVREG list --file x.reg; echo "rc=$?"
$HVREG add 2761 -n backup --file x.reg; echo "rc=$?"
grep -a -c 'HKEY_LOCAL_MACHINE' x.reg
echo "--- full names only: no warning"
printf 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\%s\\00001388-facb-11e6-bd58-64006a7986d3]\n"ElementName"="full"\n' "$S" >y.reg
$HVREG show 5000 --file y.reg; echo "rc=$?"
