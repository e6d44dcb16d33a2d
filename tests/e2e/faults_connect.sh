#!/bin/sh
# platform: posix
# Connecting to listeners that do not answer or go away:
#  - a tcp listener whose accept queue is full drops the SYN, so hvnc waits in connect; -w 1
#    ends that with "timed out" after about 1 s, SIGINT with exit 130 at once, and killing the
#    listener with "connection refused" at the next SYN retry (a few seconds);
#  - a listener killed with our connection still in its accept queue: the reset is reported
#    (exit 1), nothing hangs;
#  - a unix listener whose backlog is full: hvnc waits for room (like a blocking connect) up
#    to -w, instead of failing at once with "resource temporarily unavailable".
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

# full.py FAMILY ADDR: listens with backlog 0 (room for one), fills the queue with one
# connection of its own, prints "ready" (and the tcp port), never accepts; with "accept-after
# SECS" it accepts everything after SECS.
cat >full.py <<'PY'
import socket, sys, time
fam, addr = sys.argv[1], sys.argv[2]
if fam == "tcp":
    l = socket.socket(); l.bind(("127.0.0.1", 0))
else:
    l = socket.socket(socket.AF_UNIX); l.bind(addr)
l.listen(0)
fillers = []
target = l.getsockname()
for i in range(8):
    c = socket.socket(l.family)
    c.setblocking(False)
    try:
        c.connect(target)
    except (BlockingIOError, InterruptedError):
        pass
    fillers.append(c)
time.sleep(0.3)
print("ready", target[1] if fam == "tcp" else "", flush=True)
if len(sys.argv) > 4 and sys.argv[3] == "accept-after":
    time.sleep(float(sys.argv[4]))
    l.setblocking(False)
    t = time.time()
    conns = []
    while time.time() - t < 10:
        try:
            conns.append(l.accept()[0])
        except BlockingIOError:
            time.sleep(0.01)
    sys.exit(0)
time.sleep(60)
PY

nfull=0
start_full() {
	nfull=$((nfull + 1))
	python3 full.py "$@" >full.$nfull &
	fp=$!
	PIDS="$PIDS $fp"
	wait_line full.$nfull ready
	port=$(sed -n 's/^ready \([0-9]*\)/\1/p' full.$nfull)
}
ms() { echo $(($(date +%s%N) / 1000000)); }

# -w 1 against a full tcp accept queue.
start_full tcp x
t0=$(ms)
$HVNC -w 1 -d tcp:127.0.0.1:$port >/dev/null 2>w.err &
p=$!
wait_exit $p 15 "hvnc -w 1"
el=$(($(ms) - t0))
[ $rc = 1 ] || fail "-w 1: expected exit 1, got $rc: $(cat w.err)"
grep -q 'connect tcp:127.0.0.1:[0-9]*: connection timed out' w.err || fail "-w 1: $(cat w.err)"
[ $el -ge 900 ] && [ $el -lt 8000 ] || fail "-w 1 took $el ms"
ok "-w 1 against a full accept queue: timed out after $el ms"

# SIGINT while connecting.
$HVNC -d tcp:127.0.0.1:$port >/dev/null 2>i.err &
p=$!
sleep 0.5
alive $p || fail "hvnc did not wait in connect: $(cat i.err)"
t0=$(ms)
kill -INT $p
wait_exit $p 10 "hvnc (SIGINT in connect)"
el=$(($(ms) - t0))
[ $rc = 130 ] || fail "SIGINT in connect: expected exit 130, got $rc: $(cat i.err)"
[ $el -lt 3000 ] || fail "SIGINT in connect took $el ms"
ok "SIGINT while connecting: exit 130 after $el ms"

# The listener killed while hvnc waits in connect.
$HVNC -d tcp:127.0.0.1:$port >/dev/null 2>k.err &
p=$!
sleep 0.5
alive $p || fail "hvnc did not wait in connect: $(cat k.err)"
kill $fp
wait_exit $p 20 "hvnc (listener killed during connect)"
[ $rc = 1 ] || fail "listener killed during connect: expected exit 1, got $rc"
grep -q 'connection refused\|connection reset' k.err || fail "listener killed during connect: $(cat k.err)"
ok "listener killed during connect: $(sed -n 's/.*: //p' k.err | head -n 1)"

# Killed with our connection queued but not accepted (backlog with room: connect succeeds).
cat >queue.py <<'PY'
import socket, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(8)
print("ready", l.getsockname()[1], flush=True)
time.sleep(60)
PY
python3 queue.py >queue.out &
qp=$!
PIDS="$PIDS $qp"
wait_line queue.out ready
port=$(sed -n 's/^ready \([0-9]*\)/\1/p' queue.out)
( while head -c 65536 /dev/zero; do sleep 0.02; done ) | $HVNC tcp:127.0.0.1:$port >/dev/null 2>q.err &
p=$!
PIDS="$PIDS $p"
sleep 0.5
kill $qp
wait_exit $p 20 "hvnc (queued connection, listener killed)"
[ $rc = 1 ] || fail "queued connection: expected exit 1, got $rc: $(cat q.err)"
grep -q 'connection reset by peer\|broken pipe' q.err || fail "queued connection: $(cat q.err)"
ok "listener killed with the connection queued: $(sed -n 's/.*: //p' q.err | head -n 1)"

# A unix listener with a full backlog that makes room after 1 s: hvnc -z -w 5 gets through;
# with no room at all, -w 1 ends the wait with "timed out".
start_full unix $T/u accept-after 1
t0=$(ms)
$HVNC -z -w 5 unix:$T/u >/dev/null 2>u.err &
p=$!
wait_exit $p 20 "hvnc -z -w 5 (unix, full backlog)"
el=$(($(ms) - t0))
[ $rc = 0 ] || fail "unix listener with a full backlog: expected exit 0, got $rc: $(cat u.err)"
[ $el -lt 5000 ] || fail "unix listener with a full backlog: took $el ms"
ok "unix listener with a full backlog: connected after $el ms"

start_full unix $T/u2
t0=$(ms)
$HVNC -z -w 1 unix:$T/u2 >/dev/null 2>u2.err &
p=$!
wait_exit $p 20 "hvnc -z -w 1 (unix, full backlog)"
el=$(($(ms) - t0))
[ $rc = 1 ] || fail "unix, full backlog, -w 1: expected exit 1, got $rc: $(cat u2.err)"
grep -q 'connect unix:.*: connection timed out' u2.err || fail "unix, full backlog, -w 1: $(cat u2.err)"
[ $el -ge 900 ] && [ $el -lt 8000 ] || fail "unix, full backlog, -w 1: took $el ms"
ok "unix listener with a full backlog and -w 1: timed out after $el ms"
