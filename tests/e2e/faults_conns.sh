#!/bin/sh
# platform: posix
# 1000 back-to-back connections to a -k listener leak nothing: the listener's open file
# descriptors are the same before and after, its children do not pile up (ended tasks are
# reaped at the next accept: at most the last one is left as a zombie) and every echo is
# right. Against -e /bin/cat,
# -c 'exit 0' (the program ends without reading), the relay in the listener itself (no -e),
# and a --to forwarder.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

n=${HVT_FAULT_CONNS:-1000}

# conns.py PATH N MODE: N sequential connections; MODE echo (send a line, expect it back),
# eof (expect EOF without data) or sink (send, expect EOF).
cat >conns.py <<'PY'
import socket, sys, time
path, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t = time.time()
for i in range(n):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(10)
    s.connect(path)
    msg = b"connection %d\n" % i
    if mode != "eof":
        try:
            s.sendall(msg)
        except (BrokenPipeError, ConnectionResetError):
            pass
    s.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        try:
            d = s.recv(4096)
        except ConnectionResetError:
            break
        if not d:
            break
        got += d
    s.close()
    want = msg if mode == "echo" else b""
    if got != want:
        print("connection %d: got %r, expected %r" % (i, got, want))
        sys.exit(1)
print("%d connections in %.1f s" % (n, time.time() - t))
PY

# settle PID: waits (at most 10 s) until none of PID's children runs any more (tasks that
# ended are zombies until the listener's next accept reaps them).
settle() {
	i=0
	while [ "$(children $1)" != "$(children $1 Z)" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && fail "tasks of $1 still running after 10 s"; sleep 0.05
	done
}

# run TAG NAME PID PATH MODE: fds of PID before and after n connections, and its children:
# after the n connections and one more (whose accept reaps every task that ended before it),
# at most that last task is left, as a zombie.
run() {
	tag=$1 name=$2 pid=$3 path=$4 mode=$5
	python3 conns.py $path 3 $mode >warm.$tag || fail "$name: $(cat warm.$tag)"
	settle $pid
	fd0=$(nfds $pid)
	python3 conns.py $path $n $mode >conns.$tag || fail "$name: $(cat conns.$tag)"
	settle $pid
	python3 conns.py $path 1 $mode >last.$tag || fail "$name: $(cat last.$tag)"
	settle $pid
	fd1=$(nfds $pid)
	z=$(children $pid Z)
	kids=$(children $pid)
	[ "$fd1" = "$fd0" ] || { ls -l /proc/$pid/fd >&2; fail "$name: $fd0 fds before, $fd1 after"; }
	[ "$kids" -le 1 ] || fail "$name: $kids children ($z zombies) left after $n connections"
	ok "$name: $(cat conns.$tag), fds $fd0 -> $fd1, $z zombie"
}

bg $HVNC -lk unix:$T/cat -e /bin/cat 2>cat.err
cp=$!
wait_path $T/cat
run cat "-e /bin/cat" $cp $T/cat echo

bg $HVNC -lk unix:$T/exit -c 'exit 0' 2>exit.err
ep=$!
wait_path $T/exit
run exit "-c 'exit 0'" $ep $T/exit eof

# The relay inside the listener: stdin is empty, so each connection only receives.
bg $HVNC -lk unix:$T/plain </dev/null >plain.out 2>plain.err
pp=$!
wait_path $T/plain
run plain "relay in the listener" $pp $T/plain sink
[ "$(wc -l <plain.out)" = $((n + 4)) ] || fail "relay in the listener: $(wc -l <plain.out) lines received"

bg $HVNC -lk unix:$T/fwd --to unix:$T/cat 2>fwd.err
fp=$!
wait_path $T/fwd
run fwd "--to forwarder" $fp $T/fwd echo
