# A non-ASCII name in a UTF-8 file without BOM: regedit would read that file in the ANSI code
# page, so hvreg writes it as UTF-16LE instead (same content).
printf 'Windows Registry Editor Version 5.00\n\n[HKEY_CURRENT_USER\\Software\\A]\n"x"="y"\n' >u.reg
$HVREG add 22 -n 'Grüße' --file u.reg >/dev/null
head -c 2 u.reg | od -An -tx1
tail -c +3 u.reg | iconv -f UTF-16LE -t UTF-8
$HVREG show 22 --file u.reg
