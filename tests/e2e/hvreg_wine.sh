#!/bin/sh
# hvreg against a real, independent registry: Wine's.
# - .reg files written by hvreg (new, and edited regedit-style exports with other keys, hex
#   values and continuation lines) are imported with `wine reg import` and checked with
#   `wine reg query` / `wine reg export`;
# - --print cmd output is run by Wine's cmd.exe, --print reg output imported by reg.exe;
# - in the Windows tree (HVT_PLATFORM=windows) hvreg.exe also changes Wine's live registry.
# Skipped (exit 77) when wine is not installed.
# Native tree: a Wine prefix of its own ($HVREG_WINEPREFIX, default .cache/wine-hvreg in the
# source tree; created on first use, about 8 s), so that the Windows tree's wineserver fixture
# (which ends with wineserver -k on the shared prefix) cannot stop it mid-run.
. "$(dirname "$0")/lib.sh"
command -v wine >/dev/null 2>&1 || {
	echo "SKIP: wine is not installed (apt-get install wine wine64): no independent .reg consumer"
	exit 77
}
command -v iconv >/dev/null 2>&1 || fail "iconv is needed"

WINE_RUN="$HVT_SRC/tests/win/wine-run"
if [ "${HVT_PLATFORM:-posix}" != windows ]; then
	HVT_WINEPREFIX=${HVREG_WINEPREFIX:-$HVT_SRC/.cache/wine-hvreg}
	export HVT_WINEPREFIX
	"$WINE_RUN" --start || fail "cannot start Wine in $HVT_WINEPREFIX"
	trap '"$WINE_RUN" --stop; cleanup' EXIT
fi
wine_() { "$WINE_RUN" "$@"; }
# hvreg_ ARGS: $HVREG ARGS; hvreg never fails without a message, so a silent failure is Wine's
# (seen twice in CI, once on a --print that touches nothing) and is run once more, said on stderr.
hvreg_() {
	$HVREG "$@" 2>hvreg_.err
	hrc=$?
	if [ $hrc != 0 ] && [ ! -s hvreg_.err ]; then
		echo "note: hvreg $* exited $hrc without a message (Wine); once more" >&2
		$HVREG "$@" 2>hvreg_.err
		hrc=$?
	fi
	cat hvreg_.err >&2
	return $hrc
}
# failf FILE MSG: shows FILE (echo would mangle its backslashes) and fails.
failf() {
	echo "--- $1" >&2
	cat "$1" >&2
	fail "$2"
}

SVC='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices'
FULL='HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices'
# GUIDs of this test only (other tests may share the registry).
P1=0000d911-facb-11e6-bd58-64006a7986d3 # vsock port 55569
P2=0000d912-facb-11e6-bd58-64006a7986d3 # 55570
P3=0000d913-facb-11e6-bd58-64006a7986d3 # 55571
G1=7d3c0e2a-9b41-4f6e-a1c5-3e0f2b8d9a61
OTHER='HKCU\Software\hvtools-e2e'

# query KEY: `wine reg query KEY` output, CR removed, or fails.
query() {
	wine_ reg query "$@" >query.raw 2>/dev/null
	qrc=$?
	tr -d '\r' <query.raw
	return $qrc
}
forget() {
	for k in $P1 $P2 $P3 $G1; do wine_ reg delete "$SVC\\$k" /f >/dev/null 2>&1; done
	wine_ reg delete "$OTHER" /f >/dev/null 2>&1
}
forget

# 1. A regedit-style export with another key, then services added by hvreg.
cat >src.txt <<'EOF'
Windows Registry Editor Version 5.00

; written like regedit: other keys must survive hvreg's edits
[HKEY_CURRENT_USER\Software\hvtools-e2e]
"Path"="C:\\Program Files\\hvtools"
"Count"=dword:0000002a
"Blob"=hex:00,01,02,03,04,05,06,07,08,09,0a,0b,0c,0d,0e,0f,10,11,12,13,14,15,16,\
  17,18,19,1a
"Multi"=hex(7):61,00,62,00,00,00,63,00,00,00,00,00

EOF
{ printf '\377\376'; sed 's/$/\r/' src.txt | iconv -f UTF-8 -t UTF-16LE; } >svc.reg
hvreg_ --file svc.reg add 55569 -n "ssh bridge" >out.txt 2>add.err || fail "add 55569"
[ "$(cat out.txt)" = $P1 ] || fail "add printed '$(cat out.txt)'"
hvreg_ --file svc.reg add 55570 -n 'Grüße "q" \ x' >/dev/null 2>>add.err || fail "add 55570"
hvreg_ --file svc.reg add $G1 >/dev/null 2>>add.err || fail "add $G1"
hvreg_ --file svc.reg add 55571 -n gone >/dev/null 2>>add.err || fail "add 55571"
hvreg_ --file svc.reg remove gone 2>>add.err || fail "remove gone"
ok "hvreg edited a regedit-style UTF-16 file"

wine_ reg import svc.reg >import.out 2>&1 || failf import.out "wine reg import svc.reg"
query "$SVC" /s >q.txt || fail "reg query $SVC"
for k in $P1 $P2 $G1; do
	grep -qixF "$FULL\\$k" q.txt || failf q.txt "key $k not imported"
done
grep -qi "$P3" q.txt && fail "removed service $P3 was imported"
query "$SVC\\$P1" | grep -q 'ElementName.*REG_SZ.*ssh bridge$' || fail "ElementName of $P1"
query "$SVC\\$G1" | grep -q 'ElementName.*REG_SZ.*hvtools service$' || fail "default name of $G1"
ok "wine reg import took the services (reg query)"

# The non-ASCII, quoted, backslashed name, exactly: export (UTF-16) and compare.
wine_ reg export "$SVC\\$P2" p2.reg /y >/dev/null 2>&1 || fail "reg export $P2"
tail -c +3 p2.reg | iconv -f UTF-16LE -t UTF-8 | tr -d '\r' >p2.txt
grep -qxF '"ElementName"="Grüße \"q\" \\ x"' p2.txt || failf p2.txt "name of $P2 after import"
ok "non-ASCII name with quote and backslash imported intact"

# The other key and its values (hex over a continuation line, multi-string) are intact.
query "$OTHER" >o.txt || fail "other key not imported"
grep -q 'Path.*REG_SZ.*C:\\Program Files\\hvtools$' o.txt || failf o.txt "Path"
grep -q 'Count.*REG_DWORD.*0x2a$' o.txt || failf o.txt "Count"
grep -q 'Blob.*REG_BINARY.*000102030405060708090A0B0C0D0E0F101112131415161718191A$' o.txt ||
	failf o.txt "Blob"
grep -q 'Multi.*REG_MULTI_SZ.*ab\\0c$' o.txt || failf o.txt "Multi"
ok "other keys in the file survived hvreg's edits"

# 2. --print reg (remove: a deletion entry) imported by reg.exe.
hvreg_ remove $G1 --print reg >del.reg || fail "--print reg"
wine_ reg import del.reg >/dev/null 2>&1 || fail "wine reg import del.reg"
query "$SVC" /s | grep -qi "$G1" && fail "$G1 still there after importing [-KEY]"
ok "--print reg deletion entry imported"

# 3. --print cmd run by Wine's cmd.exe: quoting of spaces, cmd metacharacters, trailing '\'.
hvreg_ add 55571 -n 'a & b | c <d> ^e\' --print cmd >hvreg-add.cmd || fail "--print cmd"
wine_ cmd /c hvreg-add.cmd >cmd.out 2>&1 || failf cmd.out "cmd /c hvreg-add.cmd"
query "$SVC\\$P3" >p3.txt
grep -q 'ElementName.*REG_SZ.*a & b | c <d> ^e\\$' p3.txt || failf p3.txt "name set by --print cmd"
hvreg_ remove 55571 --print cmd >hvreg-remove.cmd || fail "--print cmd remove"
wine_ cmd /c hvreg-remove.cmd >cmd.out 2>&1 || failf cmd.out "cmd /c hvreg-remove.cmd"
query "$SVC\\$P3" >/dev/null && fail "$P3 still there after reg delete"
ok "--print cmd commands run by cmd.exe"

# 4. Windows build: hvreg.exe on Wine's live registry, checked with reg query.
if [ "${HVT_PLATFORM:-posix}" = windows ]; then
	hvreg_ list >list.txt 2>list.err || fail "hvreg list (live)"
	grep -qxF "$P1  55569  ssh bridge" list.txt || failf list.txt "live list"
	grep -qxF "$P2  55570  Grüße \"q\" \\ x" list.txt || failf list.txt "live list name"
	hvreg_ add 55571 -n "live one" >/dev/null 2>&1 || fail "hvreg add (live)"
	query "$SVC\\$P3" | grep -q 'ElementName.*REG_SZ.*live one$' || fail "reg query after live add"
	hvreg_ add 55571 -n "renamed" >/dev/null 2>&1
	[ $? = 4 ] || fail "live add with another name did not exit 4"
	hvreg_ add 55571 -n "renamed" --force >/dev/null 2>&1 || fail "live rename"
	query "$SVC\\$P3" | grep -q 'ElementName.*REG_SZ.*renamed$' || fail "reg query after rename"
	hvreg_ remove renamed 2>/dev/null || fail "hvreg remove (live)"
	query "$SVC\\$P3" >/dev/null && fail "$P3 still there after live remove"
	hvreg_ remove ssh bridge >/dev/null 2>&1 && fail "remove with two operands succeeded"
	hvreg_ remove "ssh bridge" || fail "hvreg remove by name (live)"
	query "$SVC\\$P1" >/dev/null && fail "$P1 still there after live remove"
	ok "hvreg.exe add/rename/list/remove on the live registry (checked with reg query)"
fi

# 5. Pools and tags: reserve --tool into the .reg file and as --print reg, imported by
#    reg.exe; the ToolName values are there; remove --tool takes exactly those out again.
hvreg_ --file pool.reg reserve 3 --tool hvt-wine >pool.txt || fail "reserve into pool.reg"
hvreg_ --file pool.reg add 55569 -n "not the tool's" >/dev/null || fail "add into pool.reg"
wine_ reg import pool.reg >import.out 2>&1 || failf import.out "wine reg import pool.reg"
ports=$(awk 'NR > 1 { print $1 }' pool.txt)
[ "$(echo "$ports" | wc -l)" = 3 ] || failf pool.txt "reserve 3 printed"
for k in $ports; do
	query "$SVC\\$k" >k.txt || fail "reserved key $k not imported"
	grep -q 'ToolName.*REG_SZ.*hvt-wine$' k.txt || failf k.txt "ToolName of $k"
	grep -q 'ElementName.*REG_SZ.*hvt-wine vsock port' k.txt || failf k.txt "ElementName of $k"
done
hvreg_ --file pool.reg remove --tool hvt-wine || fail "remove --tool from pool.reg"
[ "$($HVREG --file pool.reg list -j | grep -c '"guid"')" = 1 ] || fail "remove --tool left"
hvreg_ reserve 2 --tool hvt-wine2 --print reg >pool2.reg || fail "reserve --print reg"
wine_ reg import pool2.reg >/dev/null 2>&1 || fail "wine reg import pool2.reg"
[ "$(query "$SVC" /s | grep -c 'ToolName.*hvt-wine2$')" = 2 ] || fail "reserve --print reg: 2 keys"
ok "reserve --tool (.reg file and --print reg) imported by reg.exe with ToolName"

if [ "${HVT_PLATFORM:-posix}" = windows ]; then
	hvreg_ remove --tool hvt-wine --dry-run 2>dry.err || fail "remove --tool --dry-run (live)"
	for k in $ports; do query "$SVC\\$k" >/dev/null || fail "--dry-run removed $k"; done
	hvreg_ remove --tool hvt-wine || fail "remove --tool (live)"
	for k in $ports; do query "$SVC\\$k" >/dev/null && fail "$k still there after remove --tool"; done
	hvreg_ remove --tool hvt-wine2 || fail "remove --tool hvt-wine2 (live)"
	ok "remove --tool on the live registry (after a --dry-run that changed nothing)"
	# A key as podman writes it (upper case, no ElementName), made by reg.exe: every value.
	PK=0000D933-FACB-11E6-BD58-64006A7986D3
	wine_ reg add "$SVC\\$PK" /v Purpose /t REG_SZ /d Network /f >/dev/null 2>&1 || fail "reg add"
	wine_ reg add "$SVC\\$PK" /v ToolName /t REG_SZ /d podman /f >/dev/null 2>&1 || fail "reg add"
	wine_ reg add "$SVC\\$PK" /v Count /t REG_DWORD /d 42 /f >/dev/null 2>&1 || fail "reg add"
	hvreg_ list -j | tr -d '\r' | grep -i "$PK" >pk.json || fail "podman's key not listed"
	for want in '"name": null' '"tool": "podman"' '"Purpose": "Network"' '"Count": 42'; do
		grep -qF "$want" pk.json || failf pk.json "podman's key: no $want"
	done
	hvreg_ remove 55603 2>/dev/null || fail "remove podman's key by port"
	ok "a key without ElementName (podman's) is listed with every value from the live registry"
fi
for k in $ports; do wine_ reg delete "$SVC\\$k" /f >/dev/null 2>&1; done
for k in $(query "$SVC" /s | grep -i '^HKEY.*facb' | sed 's/.*\\//'); do
	query "$SVC\\$k" | grep -q 'ToolName.*hvt-wine2$' && wine_ reg delete "$SVC\\$k" /f >/dev/null 2>&1
done

forget
ok "hvreg and Wine's reg agree"
