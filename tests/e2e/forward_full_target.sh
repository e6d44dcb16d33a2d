#!/bin/sh
# platform: posix
# hvnc -lk --to unix:S whose target's queue is full: the forwarder retries with a back-off,
# and a pair whose client hangs up meanwhile (nothing to deliver) is dropped at once: no
# CLOSE-WAIT sockets pile up, and its place under -m goes to the next client.
. "$(dirname "$0")/lib.sh"
command -v ss >/dev/null || { echo "skip: ss (iproute2) is not installed"; exit 77; }
python3 - "$T/target" "$T/go" <<'PY' >target.out 2>&1 &
import os, socket, sys, threading, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(0)
held = []
while True:  # fill the queue without accepting
    c = socket.socket(socket.AF_UNIX)
    c.setblocking(False)
    try:
        c.connect(sys.argv[1])
        held.append(c)
    except BlockingIOError:
        break
print("full", flush=True)
while not os.path.exists(sys.argv[2]):
    time.sleep(0.05)
for c in held:
    c.close()
def echo(c):
    while True:
        b = c.recv(65536)
        if not b:
            break
        c.sendall(b)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()
PY
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
sleep 1
cw=$(ss -tanp state close-wait 2>/dev/null | grep -c "pid=$fpid,")
[ "$cw" -eq 0 ] || fail "$cw CLOSE-WAIT sockets of pairs whose clients hung up"
ok "pairs whose clients hung up while the target was full are gone"
printf 'through\n' >want
{ cat want; sleep 2; } | $HVNC tcp:127.0.0.1:$port >got 2>c.err &
cpid=$!
sleep 0.5
touch "$T/go"
wait $cpid || fail "the fourth client: exit $?: $(cat c.err)"
same want got
ok "a fourth client gets a place under -m 3 and goes through once the target accepts"
