#!/bin/sh
# Concurrent hvreg runs lose nothing. Before the lock, 20 parallel `hvreg --file f.reg add`
# kept 3 to 5 of the 20 entries and all exited 0. Here (native tree: flock on f.reg.lock;
# Windows tree under Wine: a no-share, delete-on-close f.reg.lock, and the named mutex for
# the live registry):
# - 20 parallel adds to one .reg file (which holds other keys, comments and unknown
#   sections): all 20 are there, and removing them gives back the original bytes;
# - 8 parallel `reserve 3 --tool conc`: 24 distinct ports, 24 entries;
# - adds and removes at once: exactly the expected set;
# - a run that cannot get the lock within -w says so and exits 1, file untouched (the lock
#   held by flock(1) natively, by cmd.exe writing to f.reg.lock under Wine);
# - (Windows tree) 8 parallel `reserve 2 --tool hvt-conc` on Wine's live registry: 16 keys.
. "$(dirname "$0")/lib.sh"

# The original: a regedit export with foreign keys, a comment, a value of another tool.
printf '%s\r\n' 'Windows Registry Editor Version 5.00' '' '; not ours: kept byte for byte' \
	'[HKEY_CURRENT_USER\Software\Contoso]' '"Path"="C:\\Contoso"' '' \
	'[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices\00000400-FACB-11E6-BD58-64006A7986D3]' \
	'"Purpose"="Network"' '"ToolName"="podman"' '' >orig.reg
cp orig.reg f.reg

# par N CMD...: runs CMD N times at once, each with $i set; fails unless all exit 0.
par() {
	n=$1
	shift
	pids=
	i=1
	while [ "$i" -le "$n" ]; do
		(
			i=$i
			eval "$*"
		) >"par.$i.out" 2>"par.$i.err" &
		pids="$pids $!"
		i=$((i + 1))
	done
	bad=0
	for p in $pids; do wait "$p" || bad=$((bad + 1))
	done
	[ "$bad" = 0 ] || { cat par.*.err >&2; fail "$bad of $n runs of '$*' failed"; }
}
count() { $HVREG --file "$1" list -j | grep -c '"guid"'; }

par 20 '$HVREG --file f.reg add $((7000 + i)) -n "conc $i"'
[ "$(count f.reg)" = 21 ] || fail "20 parallel adds left $(($(count f.reg) - 1)) entries"
ok "20 parallel adds to one .reg file: 20 entries (and the podman one)"

par 8 '$HVREG --file f.reg reserve 3 --tool conc'
$HVREG --file f.reg list -j | grep '"tool": "conc"' >conc.txt
[ "$(wc -l <conc.txt)" = 24 ] || fail "8 parallel reserve 3: $(wc -l <conc.txt) entries"
[ "$(sed 's/.*"port": \([0-9]*\).*/\1/' conc.txt | sort -u | wc -l)" = 24 ] ||
	fail "8 parallel reserve 3 gave the same port twice"
ok "8 parallel reserve 3: 24 distinct ports"

par 10 '$HVREG --file f.reg remove $((7000 + i)) && $HVREG --file f.reg add $((8000 + i))'
$HVREG --file f.reg list -j >l.json
for i in 1 2 3 4 5 6 7 8 9 10; do
	grep -q "\"port\": $((7000 + i))," l.json && fail "port $((7000 + i)) not removed"
	grep -q "\"port\": $((8000 + i))," l.json || fail "port $((8000 + i)) lost"
	grep -q "\"port\": $((7010 + i))," l.json || fail "port $((7010 + i)) lost"
done
ok "10 parallel remove-then-add: exactly the expected set"

par 10 '$HVREG --file f.reg remove $((7010 + i)) && $HVREG --file f.reg remove $((8000 + i))'
$HVREG --file f.reg remove --tool conc || fail "remove --tool conc"
cmp -s orig.reg f.reg || fail "after removing all ours the file differs from the original"
ok "the foreign lines survived byte for byte"

if [ "${HVT_PLATFORM:-posix}" != windows ]; then
	command -v flock >/dev/null 2>&1 || fail "flock (util-linux) is needed"
	flock f.reg.lock sh -c ': >locked; sleep 3' &
	PIDS="$PIDS $!"
	i=0
	until [ -e locked ]; do # held now (a fixed sleep races on a loaded machine)
		i=$((i + 1))
		[ $i -gt 200 ] && fail "flock never took f.reg.lock"
		sleep 0.05
	done
else
	# cmd.exe keeps its output file open (shared, which the lock's no-share open refuses).
	"$HVT_SRC/tests/win/wine-run" cmd /c "ping -n 4 127.0.0.1 > f.reg.lock" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	sleep 1.5
fi
start=$(date +%s%N)
$HVREG --file f.reg -w 0.5 add 9000 2>lock.err && fail "add while locked succeeded"
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
[ $rc = 1 ] || fail "add while locked exited $rc, expected 1"
grep -qx "hvreg: f.reg: another process is changing it (it holds f.reg.lock): gave up after 0.5 s" lock.err ||
	fail "lock message: $(cat lock.err)"
[ "$took" -ge 450 ] && [ "$took" -lt 2500 ] || fail "gave up after $took ms, expected about 500"
cmp -s orig.reg f.reg || fail "the locked file was changed"
ok "a run that cannot get the lock within -w 0.5 exits 1 with one line ($took ms)"
if [ "${HVT_PLATFORM:-posix}" = windows ]; then
	par 8 '$HVREG reserve 2 --tool hvt-conc'
	[ "$($HVREG list -j | grep -c '"tool": "hvt-conc"')" = 16 ] ||
		fail "8 parallel reserve 2 on the live registry: $($HVREG list -j | grep -c hvt-conc) keys"
	$HVREG remove --tool hvt-conc || fail "remove --tool hvt-conc (live)"
	[ "$($HVREG list -j | grep -c '"tool": "hvt-conc"')" = 0 ] || fail "hvt-conc keys left"
	ok "8 parallel reserve 2 on Wine's live registry: 16 keys, then none"
fi
