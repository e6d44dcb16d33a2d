#!/bin/sh
# platform: posix
# The event-driven forwarder (hvnc -l -k --to, common/linux/forward.c) under load: 300
# concurrent connections each echoing checksummed data through it (bench/loadgen.c against
# bench/echod.c), large transfers that fill the socket buffers (back-pressure, buffered
# remainders), half-close passed on both ways, no descriptor left behind once they close, -m
# respected, a target that refuses, a unix target whose backlog is full (connects retried), -i,
# and SIGTERM with connections open.
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
for p in loadgen echod; do
	$CC -std=c11 -D_GNU_SOURCE -O2 -o $T/$p "$HVT_SRC/bench/$p.c" || fail "cannot build bench/$p.c"
done

nfds() { ls /proc/$1/fd | wc -l; }
# wait_fds PID N: waits (10 s at most) until PID has N descriptors open.
wait_fds() {
	i=0
	while [ "$(nfds $1)" != "$2" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "hvnc has $(nfds $1) descriptors open, expected $2: $(ls -l /proc/$1/fd)"
		sleep 0.05
	done
}

bg $T/echod unix:$T/echo >echod.out 2>echod.err
wait_line echod.out ready

bg $HVNC -lk -m 1000 -v tcp:127.0.0.1:0 --to unix:$T/echo 2>fwd.err
fpid=$!
port=$(listen_port fwd.err)
base=$(nfds $fpid)

# 1. 300 connections at once, 4 KiB requests back to back for 2 s, every byte checked, then
# each half-closes and must get EOF back after its last byte.
$T/loadgen -n 300 -s 4096 -d 2 -t 90 tcp:127.0.0.1:$port >lg1.out 2>lg1.err ||
	fail "300 connections: $(cat lg1.out lg1.err)"
grep -q 'established=300 ' lg1.out || fail "not all 300 set up: $(cat lg1.out)"
grep -q 'errors=0' lg1.out || fail "errors: $(cat lg1.out)"
[ "$(grep -c 'connection from tcp:127.0.0.1:' fwd.err)" = 300 ] || fail "expected 300 'connection from' lines"
wait_fds $fpid $base
ok "300 concurrent echo connections intact, half-close both ways, no descriptor left"

# 2. 40 connections each sending 3 MB in one request while the echo comes back: the socket
# buffers fill, the forwarder holds remainders and stops reading; everything arrives intact.
$T/loadgen -n 40 -s 3000000 -d 1 -t 90 tcp:127.0.0.1:$port >lg2.out 2>lg2.err ||
	fail "3 MB requests: $(cat lg2.out lg2.err)"
grep -q 'errors=0' lg2.out || fail "errors: $(cat lg2.out)"
wait_fds $fpid $base
ok "40 connections x 3 MB requests under back-pressure intact"

# 2b. The same with a pool of 2 buffers: the others read with MSG_PEEK and consume what went.
bg env HVT_FWD_POOL_MAX=2 $HVNC -lk tcp:127.0.0.1:0 -v --to unix:$T/echo 2>fp.err
fppid=$!
pport=$(listen_port fp.err)
$T/loadgen -n 40 -s 3000000 -d 1 -t 90 tcp:127.0.0.1:$pport >lg2b.out 2>lg2b.err ||
	fail "3 MB requests, pool of 2: $(cat lg2b.out lg2b.err)"
kill $fppid
ok "40 connections x 3 MB requests with the buffer pool exhausted intact"

# 3. -m 5: five are served at once; the others wait in the listen queue until one ends.
bg $HVNC -lk -m 5 unix:$T/fm --to unix:$T/echo 2>fm.err
wait_path $T/fm
python3 - "$T/fm" <<'EOF' || fail "-m 5 not respected"
import socket, sys, time
def served(s, wait):
    s.settimeout(wait)
    try:
        return s.recv(1) == b"x"
    except socket.timeout:
        return False
socks = []
for i in range(8):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    s.sendall(b"x")
    socks.append(s)
time.sleep(0.5)
got = [served(s, 2.0 if i < 5 else 0.2) for i, s in enumerate(socks)]
if got != [True] * 5 + [False] * 3:
    sys.exit("served: %s" % got)
socks[0].close()
if not served(socks[5], 5.0):
    sys.exit("the 6th connection was not served after one ended")
if served(socks[6], 0.3):
    sys.exit("a 7th connection was served with 5 open")
EOF
ok "-m 5: accepting pauses at the limit and resumes"

# 4. A target that refuses: each connection is closed and reported; the server goes on.
bg $HVNC -lk -v unix:$T/fr --to unix:$T/nothing 2>fr.err
frpid=$!
wait_path $T/fr
for i in 1 2 3; do
	out=$(echo hi | timeout 10 $HVNC unix:$T/fr 2>/dev/null)
	[ -z "$out" ] || fail "refused target: got '$out'"
done
wait_line fr.err "connect unix:$T/nothing: no such file or directory"
[ "$(grep -c 'connect unix:.*no such file' fr.err)" = 3 ] || fail "expected 3 connect errors: $(cat fr.err)"
kill -0 $frpid 2>/dev/null || fail "the forwarder ended after a refused target"
ok "a refusing target ends only its connection"

# 5. A unix target whose backlog is full: its connects return EAGAIN and are retried until the
# target accepts.
python3 - "$T/slow" >slow.out 2>slow.err <<'EOF' &
import os, socket, sys, threading, time
l = socket.socket(socket.AF_UNIX)
l.bind(sys.argv[1])
l.listen(1)
print("ready", flush=True)
time.sleep(1.5)          # the backlog (1) fills meanwhile
def echo(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
while True:
    c, _ = l.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()
EOF
PIDS="$PIDS $!"
wait_line slow.out ready
bg $HVNC -lk unix:$T/fs --to unix:$T/slow 2>fs.err
wait_path $T/fs
$T/loadgen -n 8 -c 8 -s 1000 -d 0.3 -t 30 unix:$T/fs >lg5.out 2>lg5.err ||
	fail "full unix backlog: $(cat lg5.out lg5.err fs.err)"
ok "connects to a unix target with a full backlog are retried"

# 6. -i 1: an idle pair is closed after about a second; the listener stays.
bg $HVNC -lk -i 1 unix:$T/fi --to unix:$T/echo 2>fi.err
wait_path $T/fi
python3 - "$T/fi" <<'EOF' || fail "-i 1 did not close the idle connection"
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(b"ping")
s.settimeout(5)
assert s.recv(4) == b"ping"
t = time.time()
assert s.recv(1) == b""        # closed by -i
took = time.time() - t
if not 0.7 < took < 4:
    sys.exit("closed after %.2f s" % took)
EOF
grep -q 'idle for 1.0 s, closing' fi.err || fail "no -i message: $(cat fi.err)"
ok "-i closes an idle pair"

# 7. SIGTERM with connections open: exit 143, the socket file removed, connections closed.
bg $HVNC -lk unix:$T/ft --to unix:$T/echo 2>ft.err
ftpid=$!
wait_path $T/ft
$T/loadgen -n 50 -s 1000 -d 30 -t 60 unix:$T/ft >lg7.out 2>lg7.err &
lgpid=$!
sleep 1
kill -TERM $ftpid
wait $ftpid
rc=$?
[ $rc = 143 ] || fail "SIGTERM: expected exit 143, got $rc"
[ -e $T/ft ] && fail "the forwarder left its socket file behind"
wait $lgpid && fail "loadgen did not notice its connections closing"
ok "SIGTERM with 50 connections open: exit 143, socket file removed"

kill $fpid
wait $fpid
[ $? = 143 ] || fail "SIGTERM on the loaded forwarder"
ok "forwarder ends cleanly"
