#!/bin/sh
# platform: posix
# Peers that never read: hvnc stops taking input once its pipe or buffer and the socket buffers
# are full, so memory stays bounded and only a few MiB of the 200 MiB offered leave the
# producer; -i then ends it (exit 1, "idle for"). Connect side and listen side (stdout nobody
# reads), in splice and in copy mode (HVT_NO_SPLICE=1), and a --to forwarder whose target never
# reads.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

offer=209715200             # 200 MiB offered
max_taken=$((48 << 20))     # taken from the producer at most (buffers along the way)
rss_limit=20480             # KiB
rss_growth=16384            # KiB over the first sample (sanitizer builds start higher)

# sink.py: accepts one tcp connection and never reads from it.
cat >sink.py <<'PY'
import socket, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
time.sleep(60)
PY

# watch PID PRODUCER NAME: samples PID's RSS and PRODUCER's bytes written for 1.5 s (while
# PID lives) and checks both bounds.
watch() {
	first= max=0 taken=0 i=0
	while [ $i -lt 30 ] && alive "$1"; do
		r=$(rss_kb "$1")
		[ -n "$r" ] || break
		[ -n "$first" ] || first=$r
		[ "$r" -gt "$max" ] && max=$r
		w=$(wchar "$2")
		[ -n "$w" ] && taken=$w
		sleep 0.05
		i=$((i + 1))
	done
	[ -n "$first" ] || fail "$3: no RSS sample"
	[ $((max - first)) -lt $rss_growth ] || fail "$3: RSS grew from $first to $max KiB"
	sanitized || [ "$max" -lt $rss_limit ] || fail "$3: RSS $max KiB (limit $rss_limit)"
	[ "$taken" -lt $max_taken ] || fail "$3: took $taken of $offer bytes from a blocked pipe"
	echo "   $3: RSS $first..$max KiB, $((taken >> 10)) KiB taken of $((offer >> 20)) MiB"
}

for mode in splice copy; do
	if [ $mode = copy ]; then HVT_NO_SPLICE=1; else HVT_NO_SPLICE=0; fi
	export HVT_NO_SPLICE

	# Connect side: stdin offers 200 MiB, the peer never reads.
	python3 sink.py >sink.$mode &
	PIDS="$PIDS $!"
	wait_line sink.$mode '[0-9]'
	port=$(cat sink.$mode)
	mkfifo in.$mode
	head -c $offer /dev/zero >in.$mode &
	hp=$!
	PIDS="$PIDS $hp"
	$HVNC -i 2 tcp:127.0.0.1:$port <in.$mode >/dev/null 2>c.$mode.err &
	cp=$!
	PIDS="$PIDS $cp"
	watch $cp $hp "$mode, connect side"
	wait_exit $cp 20 "hvnc -i 2"
	[ $rc = 1 ] || fail "$mode: -i: expected exit 1, got $rc"
	grep -q 'idle for 2.0 s' c.$mode.err || fail "$mode: -i message: $(cat c.$mode.err)"
	ok "$mode: peer never reads: bounded, -i ends it"

	# Listen side: the peer pushes 200 MiB, hvnc's stdout is a fifo nobody reads.
	mkfifo out.$mode in2.$mode
	sleep 60 <out.$mode &
	PIDS="$PIDS $!"
	bg $HVNC -l -i 2 unix:$T/m.$mode >out.$mode 2>l.$mode.err
	lp=$!
	wait_path $T/m.$mode
	head -c $offer /dev/zero >in2.$mode &
	hp=$!
	PIDS="$PIDS $hp"
	$HVNC unix:$T/m.$mode <in2.$mode >/dev/null 2>c2.$mode.err &
	PIDS="$PIDS $!"
	watch $lp $hp "$mode, listen side"
	wait_exit $lp 20 "hvnc -l -i 2"
	[ $rc = 1 ] || fail "$mode: listener -i: expected exit 1, got $rc"
	grep -q 'idle for 2.0 s' l.$mode.err || fail "$mode: listener -i message: $(cat l.$mode.err)"
	[ ! -e $T/m.$mode ] || fail "$mode: socket file left behind"
	ok "$mode: stdout never read: bounded, -i ends it"
done

# A forwarder whose target never reads.
unset HVT_NO_SPLICE
python3 sink.py >sink.fwd &
PIDS="$PIDS $!"
wait_line sink.fwd '[0-9]'
bg $HVNC -l -i 2 unix:$T/fwd --to tcp:127.0.0.1:$(cat sink.fwd) 2>f.err
fp=$!
wait_path $T/fwd
mkfifo in.fwd
head -c $offer /dev/zero >in.fwd &
hp=$!
PIDS="$PIDS $hp"
$HVNC unix:$T/fwd <in.fwd >/dev/null 2>cf.err &
PIDS="$PIDS $!"
watch $fp $hp "forwarder"
wait_exit $fp 20 "hvnc --to -i 2"
[ $rc = 1 ] || fail "forwarder -i: expected exit 1, got $rc"
grep -q 'idle for 2.0 s' f.err || fail "forwarder -i message: $(cat f.err)"
ok "--to target never reads: bounded, -i ends it"
