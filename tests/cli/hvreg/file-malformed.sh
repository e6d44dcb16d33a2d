# Malformed files: a line-numbered error, exit 1, and the file stays as it was.
t() {
	printf "$1" >m.reg
	cp m.reg orig.reg
	$HVREG add 5000 --file m.reg
	echo "rc=$?"
	cmp -s m.reg orig.reg || echo "FILE CHANGED"
}
t '\n'
t 'hello\n'
t 'Windows Registry Editor Version 5.00\n\n"a"="b"\n'
t 'Windows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\x\n'
t 'Windows Registry Editor Version 5.00\n\n[]\n'
t 'Windows Registry Editor Version 5.00\n\n[HKEY_NOWHERE\\x]\n'
t 'Windows Registry Editor Version 5.00\n\n[HKLM\\x]\n"a"="b\n'
t 'Windows Registry Editor Version 5.00\n\n[HKLM\\x]\n"a"=hex:01,02,\\\n  03,zz\n'
t 'Windows Registry Editor Version 5.00\n\n[HKLM\\x]\n"a"=hex:01,02,\\\n'
t 'Windows Registry Editor Version 5.00\n\n[HKLM\\x]\n"a"=dword:123456789\n'
t 'Windows Registry Editor Version 5.00\n\n[HKLM\\x]\n"a"=str:1\n'
t 'Windows Registry Editor Version 5.00\n\n[HKLM\\x]\n"a" "b"\n'
t 'Windows Registry Editor Version 5.00\n\n[-HKLM\\x]\n"a"="b"\n'
t 'Windows Registry Editor Version 5.00\n\n[HKLM\\x]\n\ngarbage\n'
t 'W\0i\0n\0d\0'
t '\376\377\0W\0i'
t '\377\376W\0i'
$HVREG list --file m.reg; echo "rc=$?"
$HVREG remove 5000 --file m.reg; echo "rc=$?"
