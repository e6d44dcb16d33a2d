#!/bin/sh
# platform: posix
# Slow peers: data arrives intact (sha256) when the peer reads or writes in small random
# pieces with pauses in between. Slow reader (hvnc sends), slow writer (hvnc receives), in
# splice and copy mode, from a pipe into TCP (copied by default), and a peer slow in both directions at once through a --to forwarder
# to an -e /bin/cat echo.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

size=${HVT_SLOW_BYTES:-3000000}
random_file data $size
want=$(sum data)

# slow.py MODE ADDR [FILE]: MODE read (listen on ADDR, read slowly, print the sha256), write
# (connect to ADDR, write FILE slowly) or both (connect, write FILE slowly while reading the
# echo slowly, print the sha256 of what came back).
cat >slow.py <<'PY'
import hashlib, random, socket, sys, threading, time
mode, addr = sys.argv[1], sys.argv[2]
rnd = random.Random(42)
def sock_for(addr):
    if addr.startswith("unix:"):
        return socket.socket(socket.AF_UNIX), addr[5:]
    host, port = addr[4:].rsplit(":", 1)
    return socket.socket(), (host, int(port))
def slow_read(c, out):
    h, n = hashlib.sha256(), 0
    while True:
        d = c.recv(rnd.randint(1, 8192))
        if not d:
            break
        h.update(d)
        n += len(d)
        if rnd.random() < 0.3:
            time.sleep(rnd.random() * 0.002)
    out.append((n, h.hexdigest()))
def slow_write(c, data):
    i = 0
    while i < len(data):
        k = rnd.randint(1, 8192)
        c.sendall(data[i:i + k])
        i += k
        if rnd.random() < 0.3:
            time.sleep(rnd.random() * 0.002)
    c.shutdown(socket.SHUT_WR)
if mode == "read":
    l, a = sock_for(addr)
    l.bind(a)
    l.listen(1)
    print("ready", *([l.getsockname()[1]] if isinstance(a, tuple) else []), flush=True)
    c, _ = l.accept()
    out = []
    slow_read(c, out)
    print(out[0][1], flush=True)
elif mode == "write":
    c, a = sock_for(addr)
    c.connect(a)
    slow_write(c, open(sys.argv[3], "rb").read())
    c.recv(1)  # wait for hvnc to close
else:
    c, a = sock_for(addr)
    c.connect(a)
    data = open(sys.argv[3], "rb").read()
    out = []
    r = threading.Thread(target=slow_read, args=(c, out))
    r.start()
    slow_write(c, data)
    r.join(120)
    print(out[0][1] if out else "none", flush=True)
PY

# to_slow_reader LABEL ADDRESS file|pipe: hvnc sends data (stdin the file, or a pipe from cat)
# to a slow reader listening on ADDRESS (tcp: port 0 picks one).
to_slow_reader() {
	python3 slow.py read $2 >r.$1.out &
	rp=$!
	PIDS="$PIDS $rp"
	wait_line r.$1.out ready
	port=$(sed -n 's/^ready //p' r.$1.out)
	addr=$2
	[ -z "$port" ] || addr=${2%:0}:$port
	if [ $3 = pipe ]; then cat data | $HVNC $addr; else $HVNC $addr <data; fi >/dev/null 2>r.$1.err &
	p=$!
	wait_exit $p 120 "hvnc to a slow reader"
	[ $rc = 0 ] || fail "$1: sending to a slow reader: exit $rc: $(cat r.$1.err)"
	wait_exit $rp 30 "slow reader"
	[ "$(sed -n 2p r.$1.out)" = "$want" ] || fail "$1: the slow reader got other data"
	ok "$1: $size bytes to a slow reader intact"
}

for mode in splice copy; do
	if [ $mode = copy ]; then HVT_NO_SPLICE=1; else HVT_NO_SPLICE=0; fi
	export HVT_NO_SPLICE

	to_slow_reader $mode unix:$T/r.$mode file

	# Slow writer.
	bg $HVNC -l unix:$T/w.$mode </dev/null >w.$mode.got 2>w.$mode.err
	lp=$!
	wait_path $T/w.$mode
	python3 slow.py write unix:$T/w.$mode data &
	wp=$!
	PIDS="$PIDS $wp"
	wait_exit $lp 120 "hvnc from a slow writer"
	[ $rc = 0 ] || fail "$mode: receiving from a slow writer: exit $rc: $(cat w.$mode.err)"
	wait_exit $wp 30 "slow writer"
	same data w.$mode.got
	ok "$mode: $size bytes from a slow writer intact"
done
unset HVT_NO_SPLICE

# Over TCP with stdin a pipe hvnc copies (faster than splicing there), and the reader's small
# random takes leave partial sends that wrap around the copy ring.
to_slow_reader pipe-to-tcp tcp:127.0.0.1:0 pipe

# Slow both ways at once, through a forwarder to an echo.
bg $HVNC -lk unix:$T/echo -e /bin/cat 2>echo.err
wait_path $T/echo
bg $HVNC -l -v tcp:127.0.0.1:0 --to unix:$T/echo 2>fwd.err
fp=$!
port=$(listen_port fwd.err)
[ -n "$port" ] || fail "forwarder did not start"
python3 slow.py both tcp:127.0.0.1:$port data >both.out &
bp=$!
PIDS="$PIDS $bp"
wait_exit $bp 180 "slow peer (both ways)"
[ "$(cat both.out)" = "$want" ] || fail "echo through the forwarder differs ($(cat both.out))"
wait_exit $fp 30 "forwarder"
[ $rc = 0 ] || fail "forwarder exited $rc: $(cat fwd.err)"
ok "$size bytes slow both ways through --to and -e /bin/cat intact"
