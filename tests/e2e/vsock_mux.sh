#!/bin/sh
# platform: posix
# vsock-mux:PATH:PORT against a VMM that speaks hybrid vsock as Firecracker and Cloud
# Hypervisor document it (tests/e2e/fakevmm.py; neither VMM is in Debian 12): the CONNECT/OK
# handshake with the guest's bytes after OK kept, transfers both ways with a half-close, no
# listener (closed without a word), a line that is not OK, a VMM that never answers (-w),
# guest-initiated connections on PATH_PORT (hvnc -l), hvping through it, and -lk --to.
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

# --- a VMM that answers something else ------------------------------------------------------
$HVNC "$mux:7" </dev/null >out 2>err && fail "ERR line: exit 0"
grep -q "the VMM answered 'ERR no such thing' to CONNECT, not OK" err || fail "ERR line: $(cat err)"
ok "a line that is not OK is shown"

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
