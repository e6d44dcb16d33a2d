# hvlist reads a .reg file with [HKLM\...] sections too, and warns once that regedit refuses it.
S='SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices'
printf 'Windows Registry Editor Version 5.00\n\n; reg.exe style paths\n[HKLM\\%s\\00001388-facb-11e6-bd58-64006a7986d3]\n"ElementName"="short"\n' "$S" >x.reg
$HVLIST services --file x.reg; echo "rc=$?"
