# add creates a missing file as regedit writes one: UTF-16LE with BOM, CRLF, a blank line
# after each key. stdout is only the GUID; the default name is reported on stderr.
$HVREG add 5000 --file new.reg
echo "rc=$?"
head -c 2 new.reg | od -An -tx1
tail -c +3 new.reg | iconv -f UTF-16LE -t UTF-8 | sed 's/\r$/<CR>/'
