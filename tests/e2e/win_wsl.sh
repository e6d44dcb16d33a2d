#!/bin/sh
# platform: windows
# hv:wsl: under Wine with stand-ins for WSL's processes (tests/win/wsl_standin.c, copied as
# wslhost.exe / wslrelay.exe and started with `--vm-id {GUID}`): the real process reader of
# common/win/wsl.c finds the id on their command lines (Wine has no HCS and no wsl.exe).
# - none: the "start WSL" error, exit 1; --start-wsl: wsl.exe cannot be run here; with a
#   stand-in wsl.exe, its id, though a process it leaves holds the pipe
# - one: hvlist vms shows it as WSL (table and JSON); hvnc -v hv:wsl:5000 names it, then
#   fails with the AF_HYPERV-unavailable line naming it; hvping too
# - wslhost.exe and wslrelay.exe of one VM: one id; two VMs: the ambiguity error
# - hvnc -lk -v hv:wsl:P keeps running while binding fails (no AF_HYPERV in Wine) and, when
#   the stand-in is replaced by one with a new id, says so and binds the new id
# A Wine prefix of its own ($WSL_WINEPREFIX, default .cache/wine-wsl; created on first use),
# so that the stand-ins are not seen by tests that list VMs in the shared prefix.
. "$(dirname "$0")/lib.sh"
WINE_RUN="$HVT_SRC/tests/win/wine-run"
HVT_WINEPREFIX=${WSL_WINEPREFIX:-$HVT_SRC/.cache/wine-wsl}
export HVT_WINEPREFIX
"$WINE_RUN" --start || fail "cannot start Wine in $HVT_WINEPREFIX"
trap '"$WINE_RUN" --stop; cleanup' EXIT
standin=$HVT_BUILD/tests/wsl_standin.exe
[ -f "$standin" ] || fail "no $standin (built by the Windows tree)"
cp "$standin" wslhost.exe && cp "$standin" wslrelay.exe || fail "cannot copy the stand-in"

A=6f2d8a1e-9b3c-4d5e-8f70-1a2b3c4d5e6f
B=11111111-2222-3333-4444-555555555555
SVC=00001388-facb-11e6-bd58-64006a7986d3 # vsock port 5000
HINT='hvnc: hint: Hyper-V sockets (AF_HYPERV) are not available on this system; from a Linux guest use vsock:host:PORT'

# run NAME CMD...: stdout, stderr and exit status of CMD into NAME.out / NAME.err / NAME.rc.
run() {
	name=$1
	shift
	"$@" >"$name.out" 2>"$name.err" </dev/null
	echo $? >"$name.rc"
}
# expect NAME RC: NAME.err is want.err and the status RC.
expect() {
	diff -u want.err "$1.err" >&2 || fail "$1: unexpected message"
	[ "$(cat "$1.rc")" = "$2" ] || fail "$1: exit status $(cat "$1.rc"), expected $2"
}

# standin EXE ID: starts EXE --vm-id {ID}; its pid in $standin_pid once hvlist sees it.
standin() {
	bg "$WINE_RUN" "$T/$1" --vm-id "{$2}"
	standin_pid=$!
	i=0
	until $HVLIST -n -o id vms 2>/dev/null | grep -q "$2"; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "hvlist never saw the stand-in $1 --vm-id {$2}"
		sleep 0.1
	done
}
# stop PID: ends a stand-in and waits until hvlist no longer sees ID.
stop() {
	kill "$1"
	wait "$1" 2>/dev/null
	i=0
	while $HVLIST -n -o id vms 2>/dev/null | grep -q "$2"; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "the stand-in with {$2} did not go away"
		sleep 0.1
	done
}

# --- none ---
run none $HVNC -v hv:wsl:5000
echo "hvnc: hv:wsl:5000: no WSL 2 VM of this user is running (no wslhost.exe or wslrelay.exe with --vm-id; Host Compute Service: not available); start WSL (run wsl.exe) or add --start-wsl" >want.err
expect none 1
run start $HVNC --start-wsl hv:wsl:5000
grep -q "^hvnc: hv:wsl:5000: no WSL 2 VM found and 'wsl.exe -- wslinfo --vm-id' failed: cannot run wsl.exe: " start.err ||
	fail "--start-wsl without wsl.exe: $(cat start.err)"
[ "$(cat start.rc)" = 1 ] || fail "--start-wsl: exit status $(cat start.rc), expected 1"
ok "no WSL: the 'start WSL' error (exit 1); --start-wsl says wsl.exe cannot be run"

# --- none, for a relay's --to: it starts, and each connection says why it cannot go on ---
bg $HVNC -lk -v tcp:127.0.0.1:0 --to hv:wsl:5000 2>to.err
to_pid=$!
port=$(listen_port to.err)
python3 -c 'import socket, sys; s = socket.create_connection(("127.0.0.1", int(sys.argv[1]))); s.settimeout(20); s.recv(1)' "$port" ||
	fail "--to hv:wsl: the relay did not close the connection"
wait_line to.err "connect hv:wsl:"
grep -qx "hvnc: connect hv:wsl:$SVC: no WSL 2 VM of this user is running (no wslhost.exe or wslrelay.exe with --vm-id; Host Compute Service: not available); start WSL (run wsl.exe) or add --start-wsl" to.err ||
	fail "--to hv:wsl, no WSL: $(cat to.err)"
kill "$to_pid"
wait "$to_pid" 2>/dev/null
ok "-lk --to hv:wsl starts before WSL; a connection meanwhile fails with the reason"

# --- --start-wsl with a wsl.exe that leaves a process holding its stdout ---
C=22222222-3333-4444-5555-666666666666
cp "$standin" wsl.exe || fail "cannot copy the stand-in as wsl.exe"
HVT_STANDIN_VM_ID="{$C}"
export HVT_STANDIN_VM_ID
start=$(date +%s)
run started $HVNC -v --start-wsl hv:wsl:5000
el=$(($(date +%s) - start))
cat >want.err <<EOM
hvnc: hv:wsl is the WSL VM $C (wsl.exe wslinfo)
hvnc: connect hv:$C:$SVC: address family not supported by protocol
$HINT
EOM
expect started 1
[ "$el" -le 15 ] || fail "--start-wsl waited $el s for the pipe that wsl.exe's child holds"
rm -f wsl.exe
unset HVT_STANDIN_VM_ID
ok "--start-wsl takes wslinfo's id when wsl.exe exits, though a child of it holds the pipe"

# --- one ---
standin wslhost.exe $A
pid_a=$standin_pid
run list $HVLIST vms
printf 'VMs:\nID                                    STATE    KIND  NAME\n%s  Running  WSL   -\n' $A >want.out
diff -u want.out list.out >&2 || fail "hvlist vms with the stand-in"
run json $HVLIST -j -o id,kind,owner,source vms
grep -q "\"id\": *\"$A\", *\"kind\": *\"WSL\", *\"owner\": *\"WSL\", *\"source\": *\"wslhost\"" json.out ||
	fail "hvlist -j vms: $(cat json.out)"
ok "hvlist vms shows the stand-in's --vm-id as a WSL VM (table and JSON)"

run conn $HVNC -v hv:wsl:5000
wpid=$(sed -n 's/.*(wslhost.exe pid \([0-9]*\))$/\1/p' conn.err)
[ -n "$wpid" ] || fail "no pid in: $(head -n 1 conn.err)"
cat >want.err <<EOM
hvnc: hv:wsl is the WSL VM $A (wslhost.exe pid $wpid)
hvnc: connect hv:$A:$SVC: address family not supported by protocol
$HINT
EOM
expect conn 1
run ping $HVPING -c 1 hv:wsl:5000
grep -q "^HVPING hv:$A:$SVC " ping.out || fail "hvping hv:wsl:5000 does not name the VM: $(cat ping.out)"
ok "hvnc -v hv:wsl:5000 resolves to the stand-in's id and fails naming it (AF_HYPERV)"

# --- wslrelay.exe of the same VM: still one; a second VM: ambiguous ---
standin wslrelay.exe $A
pid_r=$standin_pid
run same $HVNC hv:wsl:5000
grep -q "connect hv:$A:" same.err || fail "wslhost and wslrelay of one VM: $(cat same.err)"
kill $pid_r
wait $pid_r 2>/dev/null
standin wslrelay.exe $B
pid_b=$standin_pid
run two $HVNC hv:wsl:5000
grep -Eq "^hvnc: hv:wsl:5000: 2 WSL VMs found: ($A \(wslhost.exe pid [0-9]+\), $B \(wslrelay.exe pid [0-9]+\)|$B \(wslrelay.exe pid [0-9]+\), $A \(wslhost.exe pid [0-9]+\)); give the VM id instead of wsl \(hvlist vms lists the VMs\)$" two.err ||
	fail "two VMs: $(cat two.err)"
[ "$(wc -l <two.err)" = 1 ] && [ "$(cat two.rc)" = 1 ] || fail "two VMs: not one line and exit 1"
stop $pid_b $B
ok "wslhost.exe and wslrelay.exe of one VM are one; two VMs give the ambiguity error"

# --- a listener follows the VM ---
$HVNC -lk -v hv:wsl:5000 </dev/null 2>listen.err &
lpid=$!
PIDS="$PIDS $lpid"
wait_line listen.err "^hvnc: listen on hv:$A:$SVC: address family not supported by protocol" 10
wait_line listen.err "^hvnc: waiting for the WSL VM" 5
stop $pid_a $A
standin wslhost.exe $B
wait_line listen.err "^hvnc: the WSL VM is now $B (was $A): listening again" 10
wait_line listen.err "^hvnc: listen on hv:$B:$SVC: address family not supported by protocol" 5
kill -0 $lpid 2>/dev/null || fail "hvnc -lk hv:wsl ended: $(cat listen.err)"
kill $lpid
wait $lpid 2>/dev/null
ok "hvnc -lk hv:wsl:5000 waits while binding fails and follows the stand-in's new id"
