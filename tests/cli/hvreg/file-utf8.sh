# UTF-8 / ASCII files (LF) stay UTF-8 with LF; REGEDIT4 files stay REGEDIT4; a file without
# a final newline gets one before the new key.
printf 'Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\Software\\A]\n"x"="y"' >u.reg
$HVREG add 22 -n ssh --file u.reg >/dev/null
od -c u.reg | head -n 1
cat u.reg
printf 'REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\Software\\A]\r\n"x"="y"\r\n\r\n' >r4.reg
$HVREG add 22 -n ssh --file r4.reg >/dev/null
sed 's/\r$/<CR>/' r4.reg
$HVREG add 23 -n 'café' --file r4.reg; echo "rc=$?"
printf '\357\273\277Windows Registry Editor Version 5.00\n\n' >bom.reg
$HVREG add 22 -n 'café' --file bom.reg >/dev/null
od -c bom.reg | head -n 1
$HVREG list --file bom.reg
# A file of zero bytes (mktemp) counts as an empty one.
: >empty.reg
$HVREG add 22 -n ssh --file empty.reg >/dev/null
head -c 2 empty.reg | od -An -tx1
$HVREG list --file empty.reg
