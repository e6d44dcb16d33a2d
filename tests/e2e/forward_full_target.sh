#!/bin/sh
# platform: posix
# hvnc -lk --to unix:S whose target's queue is full: the forwarder retries with a back-off; a
# pair whose client ends its stream having sent nothing waits for the target 5 s at most, then
# goes with its place under -m (no CLOSE-WAIT sockets pile up); a client that half-closes and
# waits for the answer (hvnc -d, nc -N) still gets it when the target answers in time.
. "$(dirname "$0")/lib.sh"
command -v ss >/dev/null || { echo "skip: ss (iproute2) is not installed"; exit 77; }
python3 "$HVT_SRC/tests/e2e/fullq.py" "$T/target" "$T/go" >target.out 2>&1 &
PIDS="$PIDS $!"
wait_line target.out full
bg $HVNC -lk -m 3 -v tcp:127.0.0.1:0 --to unix:$T/target 2>fwd.err
fpid=$!
port=$(listen_port fwd.err)
python3 - "$port" <<'PY'
import socket, sys, time
for i in range(3):  # connect and hang up at once, nothing sent
    c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    time.sleep(0.1)
    c.close()
PY
sleep 6.5
cw=$(ss -tanp state close-wait 2>/dev/null | grep -c "pid=$fpid,")
[ "$cw" -eq 0 ] || fail "$cw CLOSE-WAIT sockets of pairs whose clients hung up 6 s ago"
grep -q "timed out" fwd.err && fail "a client that hung up was reported as a connect timeout"
ok "pairs whose clients hung up while the target was full are gone after 5 s"

bg $HVNC -d tcp:127.0.0.1:$port >hc.got 2>hc.err
hpid=$!
sleep 1
touch "$T/go"
wait $hpid || fail "the half-closer: exit $?: $(cat hc.err)"
[ "$(cat hc.got)" = hello ] || fail "the half-closer got '$(cat hc.got)', not the target's answer"
ok "a client that half-closed at once gets the target's answer once it accepts"

printf 'hello\nthrough\n' >want
printf 'through\n' | $HVNC tcp:127.0.0.1:$port >got 2>c.err || fail "a client: exit $?"
same want got
ok "the forwarder serves normally once the target accepts"
