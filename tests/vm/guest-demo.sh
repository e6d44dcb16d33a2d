#!/bin/sh
# The demo shown by tests/vm/demo.sh: runs inside the test guest (busybox sh) and moves a file with
# hvnc over a real AF_VSOCK connection on CID 1. The host prints what lies between HVT-DEMO-BEGIN
# and HVT-DEMO-END. Exit 0 if the file arrived intact.
#
# Environment (kernel arguments from demo.sh): hvt_demo_bytes (default 8388608).

bytes=${hvt_demo_bytes:-8388608}
port=5001
cd /tmp || exit 1

now() { cut -d' ' -f1 /proc/uptime; }
say() { echo "\$ $*"; }

echo "HVT-DEMO-BEGIN"
echo "Linux $(uname -r) under QEMU; vsock_loopback makes CID 1 (local) a real AF_VSOCK peer."
if ! command -v hvnc >/dev/null 2>&1; then
	echo "hvnc is not in this guest (not built yet?): nothing to show."
	echo "HVT-DEMO-END 1"
	exit 1
fi
echo

say "head -c $bytes /dev/urandom > file"
head -c "$bytes" /dev/urandom >file
say "hvnc -v -l vsock:any:$port > out &"
hvnc -v -l vsock:any:$port >out 2>listen.err &
listener=$!
# Wait for the listener's -v line rather than connecting to it, which would use it up.
i=0
while ! grep -qi listen listen.err 2>/dev/null && [ $i -lt 60 ]; do
	sleep 0.05
	i=$((i + 1))
done
sed 's/^/  [listener] /' listen.err
shown=$(wc -l <listen.err)
say "hvnc --progress vsock:local:$port < file"
t0=$(now)
i=0
until hvnc --progress vsock:local:$port <file; do
	# only if the listener was not up yet after all
	i=$((i + 1))
	[ $i -lt 20 ] || break
	sleep 0.2
	t0=$(now)
done
t1=$(now)
wait $listener
lrc=$?
tail -n +$((shown + 1)) listen.err | sed 's/^/  [listener] /' # what it said since
echo
a=$(sha256sum <file | cut -d' ' -f1)
b=$(sha256sum <out | cut -d' ' -f1)
echo "sender   sha256 $a  $(wc -c <file | tr -d ' ') bytes"
echo "listener sha256 $b  $(wc -c <out | tr -d ' ') bytes  (listener exit $lrc)"
echo "$bytes $t0 $t1" | awk '{ t = $3 - $2; if (t <= 0) t = 0.01
	printf "%.1f MiB in %.2f s: %.1f MiB/s (CPU-bound emulation, not a benchmark)\n", $1 / 1048576, t, $1 / 1048576 / t }'
if [ "$a" = "$b" ]; then
	echo "OK: identical"
	rc=0
else
	echo "FAILED: the received file differs"
	rc=1
fi

# ready PORT: wait until something accepts on vsock port PORT (costs one empty connection).
ready() {
	i=0
	until socat -u /dev/null VSOCK-CONNECT:1:$1 2>/dev/null || [ $i -gt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
if command -v hvping >/dev/null 2>&1; then
	echo
	say "hvping -l vsock:any:5002 &"
	hvping -l vsock:any:5002 2>/dev/null &
	ready 5002
	say "hvping -c 3 -i 0.2 vsock:local:5002"
	hvping -c 3 -i 0.2 vsock:local:5002 2>&1
fi
if command -v hvlist >/dev/null 2>&1; then
	echo
	say "hvnc -l -k vsock:any:5003 -e /bin/cat &"
	hvnc -l -k vsock:any:5003 -e /bin/cat 2>/dev/null &
	ready 5003
	say "sleep 30 | hvnc vsock:local:5003 &"
	sleep 30 | hvnc vsock:local:5003 >/dev/null 2>&1 &
	sleep 0.3
	say "hvlist sockets"
	hvlist sockets 2>&1
fi
echo "HVT-DEMO-END $rc"
exit $rc
