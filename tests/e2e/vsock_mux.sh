#!/bin/sh
# platform: posix
# vsock-mux:PATH:PORT against a VMM that speaks hybrid vsock as Firecracker and Cloud
# Hypervisor document it (tests/e2e/fakevmm.py; neither VMM is in Debian 12): the CONNECT/OK
# handshake with the guest's bytes after OK kept, transfers both ways with a half-close, no
# listener (closed without a word), a line that is not OK, a VMM that never answers (-w),
# guest-initiated connections on PATH_PORT (hvnc -l), hvping through it, and -lk --to.
# Issue 19: bad OK lines (garbage, no newline within 32 bytes, closed mid-line), PATH missing
# or not a socket, PORT out of range, --retry while the guest's listener starts; the muxer's
# two variants checked on their own (Firecracker's case-insensitive command, Cloud
# Hypervisor's "CONNECT "/"connect " only, the connection cap) and hvnc against each.
. "$(dirname "$0")/lib.sh"
mkdir guests
bg python3 "$HVT_SRC/tests/e2e/fakevmm.py" "$T/vmm.sock" "$T/guests" >vmm.out 2>vmm.err
wait_line vmm.out ready
mux=vsock-mux:$T/vmm.sock

# --- a guest listener on port 5000 that greets, then echoes ---------------------------------
bg $HVNC -lk unix:$T/guests/5000 -c 'printf "hello from the guest\n"; cat' 2>guest.err
wait_path "$T/guests/5000"
random_file data 300000
{ cat data; } | $HVNC "$mux:5000" >got 2>client.err || fail "transfer: exit $?"
printf 'hello from the guest\n' >want
cat data >>want
same got want
ok "CONNECT/OK, the guest's first bytes and 300000 echoed bytes through the VMM"

# --- no guest listener: the VMM closes without a word --------------------------------------
$HVNC "$mux:5001" </dev/null >out 2>err && fail "no listener: exit 0"
grep -q "^hvnc: connect $mux:5001: connection refused$" err || fail "no listener: $(cat err)"
grep -q "^hvnc: hint: nothing listens on that guest port yet" err || fail "no hint: $(cat err)"
ok "no guest listener: connection refused with a hint"

# --- a VMM that never answers: -w bounds the wait -------------------------------------------
start=$(date +%s)
$HVNC -w 1 "$mux:9" </dev/null >out 2>err && fail "silent VMM: exit 0"
[ $(($(date +%s) - start)) -le 4 ] || fail "silent VMM: took $(($(date +%s) - start)) s"
grep -q "connect $mux:9: connection timed out" err || fail "silent VMM: $(cat err)"
ok "a VMM that never answers times out after -w"

# --- guest-initiated: the VMM connects to PATH_PORT ------------------------------------------
bg $HVNC -l -v "$mux:6000" >from-guest 2>listen.err
lpid=$!
wait_line listen.err "listening on unix:$T/vmm.sock_6000"
[ -S "$T/vmm.sock_6000" ] || fail "no socket file vmm.sock_6000"
printf 'from the guest\n' | $HVNC "unix:$T/vmm.sock_6000" || fail "connect to PATH_PORT: exit $?"
wait "$lpid" || fail "hvnc -l vsock-mux: exit $?"
[ "$(cat from-guest)" = "from the guest" ] || fail "guest-initiated: got '$(cat from-guest)'"
[ -e "$T/vmm.sock_6000" ] && fail "vmm.sock_6000 left behind"
ok "a listener on PATH_PORT takes guest-initiated connections and removes its socket file"

# --- hvping through the VMM to a responder in the "guest" -----------------------------------
bg $HVPING -l unix:$T/guests/5002 2>responder.err
wait_path "$T/guests/5002"
$HVPING -c 3 -i 0.01 "$mux:5002" >ping.out 2>ping.err || fail "hvping: $(cat ping.err)"
grep -q "^3 probes, 3 replies, 0% loss" ping.out || fail "hvping: $(cat ping.out)"
$HVPING -c 2 -i 0.01 --connect "$mux:5002" >ping.out 2>ping.err || fail "hvping --connect"
grep -q "^2 probes, 2 replies, 0% loss" ping.out || fail "hvping --connect: $(cat ping.out)"
ok "hvping echo and connect probes through vsock-mux"

# --- a forwarder to the guest: each connection gets its own handshake -----------------------
bg $HVNC -lk -v tcp:127.0.0.1:0 --to "$mux:5000" 2>fwd.err
port=$(listen_port fwd.err)
for i in 1 2; do
	printf 'via tcp %s\n' $i | $HVNC tcp:127.0.0.1:$port >fwd.got || fail "forward $i: exit $?"
	printf 'hello from the guest\nvia tcp %s\n' $i >fwd.want
	same fwd.got fwd.want
done
ok "hvnc -lk --to vsock-mux does the handshake per connection"

# --- answers that are not 'OK PORT\n' within 32 bytes: one line each (and the hint), exit 1 --
for case in "7:the VMM answered 'ERR no such thing' to CONNECT, not 'OK PORT'" \
	"11:the VMM answered 'OK 1073741824 junk' to CONNECT, not 'OK PORT'" \
	"12:the VMM answered 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' to CONNECT: no newline within 32 bytes" \
	"13:the VMM answered 'OK 5' to CONNECT and closed before the newline"; do
	port=${case%%:*} want=${case#*:}
	timeout 10 $HVNC -w 3 "$mux:$port" </dev/null >out 2>err
	[ $? = 1 ] || fail "port $port: exit $?"
	[ "$(sed -n 1p err)" = "hvnc: connect $mux:$port: $want" ] || fail "port $port: $(cat err)"
	grep -q "^hvnc: hint: PATH must be the VMM's hybrid vsock socket" err || fail "port $port: no hint: $(cat err)"
	[ "$(wc -l <err)" = 2 ] || fail "port $port: more than the line and its hint: $(cat err)"
done
timeout 10 $HVNC -w 1 "$mux:14" </dev/null >out 2>err
[ $? = 1 ] || fail "half an answer, then silence: exit $?"
[ "$(sed -n 1p err)" = "hvnc: connect $mux:14: the VMM answered 'OK 5' to CONNECT, then nothing more in time" ] ||
	fail "half an answer, then silence: $(cat err)"
[ "$(wc -l <err)" = 2 ] || fail "half an answer, then silence: $(cat err)"
$HVPING -c 2 -i 0.01 "$mux:11" >ping.out 2>ping.err && fail "hvping, bad OK line: exit 0"
[ "$(grep -c "^seq=[12] error: the VMM answered 'OK 1073741824 junk' to CONNECT, not 'OK PORT'$" ping.out)" = 2 ] ||
	fail "hvping, bad OK line: $(cat ping.out ping.err)"
ok "an ERR line, garbage after OK, no newline within 32 bytes, a half OK line (closed, or then silent): each shown in one line, exit 1"

# --- PATH missing or not a socket, PORT out of range -----------------------------------------
: >plain
$HVNC "vsock-mux:$T/plain:5000" </dev/null >out 2>err
[ $? = 1 ] || fail "plain file: exit $?"
grep -q "^hvnc: connect vsock-mux:$T/plain:5000: socket operation on non-socket$" err ||
	fail "plain file: $(cat err)"
grep -q "^hvnc: hint: PATH must be the VMM's hybrid vsock socket" err || fail "hint: $(cat err)"
$HVNC "vsock-mux:$T/none:5000" </dev/null >out 2>err
[ $? = 1 ] || fail "missing path: exit $?"
grep -q "^hvnc: connect vsock-mux:$T/none:5000: no such file or directory$" err ||
	fail "missing path: $(cat err)"
$HVNC "$mux:2147483648" </dev/null >out 2>err
[ $? = 2 ] || fail "port out of range: exit $?"
[ "$(grep -vc "^Try " err)" = 1 ] || fail "port out of range: $(cat err)"
grep -q "invalid vsock-mux port '2147483648'" err || fail "port out of range: $(cat err)"
ok "PATH not a socket, PATH missing (exit 1), PORT out of range (exit 2)"

# --- --retry: an early CONNECT is closed without a word; connect again until the guest listens
( sleep 1.5; exec $HVNC -l unix:$T/guests/5003 -c 'echo late guest' ) 2>late.err &
PIDS="$PIDS $!"
start=$(date +%s)
timeout 20 $HVNC -v --retry 10 "$mux:5003" </dev/null >got 2>retry.err || fail "--retry: exit $?"
[ "$(cat got)" = "late guest" ] || fail "--retry: got '$(cat got)'"
grep -q "connect $mux:5003: connection refused; retrying (attempt 2, " retry.err ||
	fail "--retry -v: $(cat retry.err)"
ok "--retry connects once the guest listens, and says so with -v"
start=$(date +%s)
timeout 20 $HVNC --retry 1.5 "$mux:5004" </dev/null >out 2>err && fail "--retry expired: exit 0"
el=$(($(date +%s) - start))
[ "$el" -ge 1 ] && [ "$el" -le 4 ] || fail "--retry 1.5 took $el s"
grep -q "^hvnc: connect $mux:5004: connection refused$" err || fail "--retry expired: $(cat err)"
timeout 20 $HVNC -w 1 --retry 5 "$mux:9" </dev/null >out 2>err && fail "--retry silent: exit 0"
grep -q "connection timed out" err || fail "--retry on a silent VMM: $(cat err)"
ok "--retry gives up at its deadline; a VMM that never answers is not retried"

# --- the muxer's variants, checked with raw lines (independent of hvnc) ----------------------
bg python3 "$HVT_SRC/tests/e2e/fakevmm.py" --variant cloud-hypervisor \
	--bridge "unix:$T/guests" "$T/ch.sock" >ch.out 2>ch.err
wait_line ch.out ready
raw() { # raw SOCKET LINE: what the VMM answers to LINE
	python3 - "$@" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
try:
    s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
    print(s.recv(64).decode("latin-1").split(" ")[0].strip() or "closed")
except OSError:  # closed with the line unread: a reset
    print("closed")
PY
}
[ "$(raw "$T/vmm.sock" 'cOnNeCt 5000\n')" = OK ] || fail "firecracker: mixed case refused"
[ "$(raw "$T/vmm.sock" 'CONNECT   5000\n')" = OK ] || fail "firecracker: blanks refused"
[ "$(raw "$T/ch.sock" 'connect 5000\n')" = OK ] || fail "cloud-hypervisor: lower case refused"
[ "$(raw "$T/ch.sock" 'CONNECT 5000\n')" = OK ] || fail "cloud-hypervisor: upper case refused"
[ "$(raw "$T/ch.sock" 'Connect 5000\n')" = closed ] || fail "cloud-hypervisor: took Connect"
[ "$(raw "$T/ch.sock" 'CONNECT 5000 \n')" = closed ] || fail "cloud-hypervisor: took a blank"
ok "the test muxer: Firecracker's command case-insensitive, Cloud Hypervisor's exact"

# --- hvnc against the Cloud Hypervisor variant, and its connection cap -----------------------
printf 'ch\n' | $HVNC "vsock-mux:$T/ch.sock:5000" >got 2>client.err || fail "ch: exit $?"
printf 'hello from the guest\nch\n' >want
same got want
bg python3 "$HVT_SRC/tests/e2e/fakevmm.py" --variant cloud-hypervisor --max-conns 2 \
	--bridge "unix:$T/guests" "$T/ch2.sock" >ch2.out 2>ch2.err
wait_line ch2.out ready
mkfifo hold1 hold2
$HVNC "vsock-mux:$T/ch2.sock:5000" <hold1 >/dev/null 2>hold1.err & h1=$!
exec 7>hold1
$HVNC "vsock-mux:$T/ch2.sock:5000" <hold2 >/dev/null 2>hold2.err & h2=$!
exec 8>hold2
PIDS="$PIDS $h1 $h2"
sleep 0.5
$HVNC -w 3 "vsock-mux:$T/ch2.sock:5000" </dev/null >out 2>err && fail "cap: a third connection"
grep -q "connection refused" err || fail "cap: $(cat err)"
exec 7>&- 8>&-
wait $h1 $h2
timeout 10 $HVNC --retry 5 "vsock-mux:$T/ch2.sock:5000" </dev/null >got 2>err ||
	fail "after the cap: $(cat err)"
ok "Cloud Hypervisor variant: transfer; beyond its connection cap closed silently, room again later"

# --- --to with --retry: the forwarder waits for the guest's listener per connection ----------
bg $HVNC -lk -v tcp:127.0.0.1:0 --to "$mux:5005" --retry 10 2>fwdr.err
port=$(listen_port fwdr.err)
( sleep 1; exec $HVNC -l "unix:$T/guests/5005" -c 'echo guest 5005' ) 2>late5005.err &
PIDS="$PIDS $!"
timeout 20 $HVNC -d tcp:127.0.0.1:$port >got 2>err || fail "--to --retry: exit $? ($(cat err))"
[ "$(cat got)" = "guest 5005" ] || fail "--to --retry: got '$(cat got)'"
grep -q "connect $mux:5005: connection refused; retrying" fwdr.err || fail "--to --retry -v: $(cat fwdr.err)"
$HVNC -l --retry 5 "unix:$T/r.sock" </dev/null >out 2>err
[ $? = 2 ] || fail "-l --retry without --to: exit $?"
ok "--to with --retry waits for the guest per connection; --retry on a plain listener is refused"
