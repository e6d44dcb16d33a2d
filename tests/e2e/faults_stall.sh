#!/bin/sh
# platform: posix
# Nothing waits when it need not: with stdin still open but quiet, what the peer sends shows
# up at once. Stdin as a terminal and as a blocking tcp socket (hvnc run by another program
# with a socket as its stdin, as -e does) take the read/write fallback or a splice that could
# block, and HVT_NO_SPLICE=1 forces the fallback for a pipe. And small messages to a tcp peer
# are not corked: a line goes out at once, not 200 ms later. (A stdout nobody reads must not
# keep -i from ending the connection: faults_memory.sh.)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

# reply.py KIND HVNC PATH: runs "HVNC unix:PATH" with stdin of the given KIND, sends "a\n" and
# prints how long the reply took (or "none"), then ends stdin.
cat >reply.py <<'PY'
import os, select, socket, subprocess, sys, time
kind, hvnc, path = sys.argv[1], sys.argv[2], sys.argv[3]
cmd = hvnc.split() + ["unix:" + path]
if kind == "pty":
    import pty
    m, s = pty.openpty()
    p = subprocess.Popen(cmd, stdin=s, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    os.close(s)
    send = lambda b: os.write(m, b)
    out = p.stdout
    end = lambda: os.write(m, b"\x04")
elif kind == "socket":
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
    a = socket.create_connection(l.getsockname()); b, _ = l.accept()
    p = subprocess.Popen(cmd, stdin=b, stdout=b, stderr=subprocess.DEVNULL)
    b.close()
    send = a.sendall
    out = a
    end = lambda: a.shutdown(socket.SHUT_WR)
else:  # pipe
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    send = lambda b: (p.stdin.write(b), p.stdin.flush())
    out = p.stdout
    end = lambda: p.stdin.close()
t0 = time.time()
send(b"a\n")
r, _, _ = select.select([out], [], [], 4)
if r:
    data = os.read(out.fileno(), 100)
    print("%.2f %s" % (time.time() - t0, data.decode().strip()), flush=True)
else:
    print("none", flush=True)
end()
try:
    p.wait(5)
except subprocess.TimeoutExpired:
    p.kill()
    p.wait()
PY

for kind in pty socket pipe-copy pipe; do
	rm -f $T/r
	bg $HVNC -l unix:$T/r -c 'read x; echo "got $x"; cat >/dev/null' 2>l.$kind.err
	lp=$!
	wait_path $T/r
	if [ $kind = pipe-copy ]; then
		HVT_NO_SPLICE=1 python3 reply.py pipe "$HVNC" $T/r >reply.$kind
	else
		python3 reply.py ${kind%-copy} "$HVNC" $T/r >reply.$kind
	fi
	read -r secs text <reply.$kind || true
	[ "${text:-}" = "got a" ] || fail "$kind stdin: no reply while stdin stays open ($(cat reply.$kind))"
	wait_exit $lp 10 "listener"
	ok "$kind stdin: reply after $secs s while stdin stays open"
done

# Small messages are not held back: through hvnc to a tcp echo and back, a line takes well
# under the 200 ms a corked socket (MSG_MORE / SPLICE_F_MORE) would add.
cat >rtt.py <<'PY'
import os, socket, subprocess, sys, threading, time
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1)
def echo():
    c, _ = l.accept()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        d = c.recv(100)
        if not d:
            break
        c.sendall(d)
threading.Thread(target=echo, daemon=True).start()
cmd = sys.argv[1].split() + ["tcp:127.0.0.1:%d" % l.getsockname()[1]]
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
rtts = []
for i in range(7):
    t0 = time.time()
    p.stdin.write(b"line %d\n" % i)
    p.stdin.flush()
    got = b""
    while not got.endswith(b"\n"):
        got += os.read(p.stdout.fileno(), 100)
    rtts.append(time.time() - t0)
p.stdin.close()
p.wait(10)
rtts.sort()
print("%.0f" % (rtts[len(rtts) // 2] * 1000))
PY
med=$(python3 rtt.py "$HVNC") || fail "round trips failed"
[ "$med" -lt 100 ] || fail "a small message takes $med ms through hvnc and back (median of 7)"
ok "small messages: median round trip $med ms"
