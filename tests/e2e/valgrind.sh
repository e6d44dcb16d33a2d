#!/bin/sh
# platform: posix
# valgrind memcheck over the unit tests and a representative set of tool invocations: help and
# usage errors, bad addresses, hvnc unix transfers both ways with -e/-c, a -k --to forwarder,
# hvreg on a .reg file, hvlist replaying recorded dumps, hvping against its responder.
# Any memcheck error or definite/indirect leak fails, in the process itself or in a forked child
# (one log per process; exec'd programs such as cat are not traced).
# Skipped in the sanitizer tree: valgrind cannot run ASan binaries.
. "$(dirname "$0")/lib.sh"
if grep -q '^HVT_SANITIZE:BOOL=ON' "$HVT_BUILD/CMakeCache.txt" 2>/dev/null; then
	echo "skip: valgrind cannot run AddressSanitizer binaries"
	exit 77
fi
command -v valgrind >/dev/null || fail "valgrind is not installed (tests/deps.sh installs it)"

mkdir vg
n=0
VG="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --track-fds=no --log-file=$T/vg/%p.log"
# vg WANT CMD...: runs CMD under memcheck; WANT is the expected exit status (- for any).
vg() {
	want=$1
	shift
	n=$((n + 1))
	# shellcheck disable=SC2086
	$VG "$@" >vg.out 2>vg.err </dev/null
	rc=$?
	[ $rc -eq 99 ] && fail "memcheck errors in: $* (see the logs below)$(cat "$T"/vg/*.log)"
	[ "$want" = - ] || [ $rc -eq "$want" ] || fail "$*: exit $rc, not $want: $(cat vg.err)"
}

# --- unit tests ----------------------------------------------------------------------------
for t in "$HVT_BUILD"/tests/test_*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	vg 0 "$t"
done

# --- help, versions, usage errors, bad addresses ---------------------------------------------
for tool in "$HVNC" "$HVREG" "$HVLIST" "$HVPING"; do
	vg 0 $tool --help
	vg 0 $tool --version
	vg 2 $tool --no-such-option
done
for a in hv:nope:1 hv:00000000-0000-0000-0000-000000000000:zz vsock:x:1 vsock:1:99999999999 \
	tcp:host:99999 tcp:[::1 unix: bogus:1 ''; do
	vg 2 $HVNC "$a"
	vg 2 $HVPING -c 1 "$a"
done
vg 2 $HVNC -w -1 unix:x
vg 2 $HVNC -e '' unix:x
vg 2 $HVNC -l -e cat -c cat unix:x
vg 2 $HVPING -i 1zz unix:x
vg 1 $HVNC unix:$T/missing
vg 1 $HVPING -c 1 unix:$T/missing

# --- hvnc over unix sockets: -e and -c on either end, then a -k --to forwarder -----------------
random_file a 1048576
$VG $HVNC -l unix:$T/s1 -e cat 2>l1.err &
l=$!
wait_path $T/s1
$VG $HVNC unix:$T/s1 <a >got1 2>c1.err || fail "client to -e cat: exit $?"
wait $l || fail "listener -e cat: exit $?"
same a got1
n=$((n + 2))

$VG $HVNC -l unix:$T/s2 <a >got2 2>l2.err &
l=$!
wait_path $T/s2
$VG $HVNC -c 'cat' unix:$T/s2 2>c2.err || fail "client -c cat: exit $?"
wait $l || fail "listener (client runs -c cat): exit $?"
same a got2
n=$((n + 2))

bg $VG $HVNC -l -k unix:$T/back -e cat 2>back.err
back=$!
bg $VG $HVNC -l -k -m 4 -i 30 unix:$T/fwd --to unix:$T/back 2>fwd.err
fwd=$!
wait_path $T/back
wait_path $T/fwd
for i in 1 2; do
	$VG $HVNC unix:$T/fwd <a >got3 2>c3.err || fail "client through --to ($i): exit $?"
	same a got3
	n=$((n + 1))
done
kill -TERM $fwd $back
wait $fwd
wait $back
n=$((n + 2))

# --- hvreg on a .reg file ------------------------------------------------------------------
vg 0 $HVREG --file $T/h.reg add 5000 --name "my service"
vg 0 $HVREG --file $T/h.reg add
vg 0 $HVREG --file $T/h.reg add 4000
vg 0 $HVREG --file $T/h.reg list
vg 0 $HVREG --file $T/h.reg --json list
vg 0 $HVREG --file $T/h.reg show "my service"
vg 0 $HVREG -v --file $T/h.reg remove "my service"
vg 3 $HVREG --file $T/h.reg remove "my service"
vg 0 $HVREG --file "$HVT_SRC/tests/data/services.reg" list
for f in powershell cmd reg; do
	vg 0 $HVREG --print $f add 5000
	vg 0 $HVREG --print $f remove 5000
done
vg 2 $HVREG --file $T/h.reg add 5000 --name "$(printf 'bad\001name')"
vg 0 $HVREG --file $T/h.reg reserve 3 --tool vg
vg 0 $HVREG --file $T/h.reg reserve 5 --tool vg --ensure --json
vg 0 $HVREG --file $T/h.reg add 5001 --tool vg2 -n x
vg 0 $HVREG --file $T/h.reg remove --tool vg --dry-run
vg 0 $HVREG -v --file $T/h.reg remove --tool vg
vg 0 $HVREG --file $T/h.reg show 5001
for f in gpo ansible dsc; do
	vg 0 $HVREG --print $f reserve 2 --tool vg
	vg 0 $HVREG --print $f remove 5000
done
vg 0 $HVREG --print powershell remove --tool vg

# --- hvlist replaying recorded files ---------------------------------------------------------
d=$HVT_SRC/tests/data
vg 0 $HVLIST --file $d/services.reg services
vg 0 $HVLIST --json --file $d/services.reg services
for b in conns many empty; do
	vg 0 $HVLIST sockets --dump-file $d/vsockdiag-$b.bin
	vg 0 $HVLIST --json sockets --dump-file $d/vsockdiag-$b.bin
done
vg - $HVLIST sockets --dump-file $d/vsockdiag-noent.bin
vg - $HVLIST --file $d/services.reg --dump-file $d/vsockdiag-conns.bin
vg - $HVLIST sockets --dump-file $d/services.reg

# --- hvping against its responder --------------------------------------------------------------
bg $VG $HVPING -l -v unix:$T/p 2>resp.err
resp=$!
wait_path $T/p
vg 0 $HVPING -c 3 -i 0.01 unix:$T/p
vg 0 $HVPING --json -c 3 -i 0 -s 4088 unix:$T/p
vg 0 $HVPING --connect -c 2 -i 0 unix:$T/p
kill -TERM $resp
wait $resp || fail "responder: exit $?"
n=$((n + 1))

# --- every process's log: no errors and no definite/indirect leaks -----------------------------
# (-q: a clean process writes nothing; possible leaks are reported too, so they fail as well)
for f in "$T"/vg/*.log; do
	[ -s "$f" ] && fail "memcheck: $(cat "$f")"
done
ok "$n programs under memcheck ($(ls "$T"/vg | wc -l) processes): no errors, no leaks"
