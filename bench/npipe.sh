#!/bin/sh
# npipe -> npipe under Wine (issue 17): SIZE MiB from `hvnc.exe -q 0 npipe:R` (stdin a file
# of zeros) through a relay to `hvnc.exe -l -d npipe:S` > /dev/null, the relay being
#   hvnc     hvnc.exe -l npipe:R --to npipe:S  (the event engine, both directions live)
#   minimal  bench/npipe_relay.c: blocking ReadFile/WriteFile, one direction, 256 KiB buffer
# interleaved, RUNS runs each, medians and the ratio hvnc/minimal (target >= 0.9). Source and
# sink are the same for both, so the ratio compares the relays. Not a test: figures depend on
# the machine and on Wine.
#
#   bench/npipe.sh [WIN_BUILD]     (default build-win; tests/win/build.sh makes one)
# Environment: HVT_BENCH_SIZE (MiB, 1024), HVT_BENCH_RUNS (3), HVT_WINEPREFIX (tests/win/wine-run).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
win=$(cd "${1:-$src/build-win}" && pwd)
size=${HVT_BENCH_SIZE:-1024}
runs=${HVT_BENCH_RUNS:-3}
run=$src/tests/win/wine-run
exe=$win/tools/hvnc/hvnc.exe
[ -f "$exe" ] || { echo "npipe: no $exe: run tests/win/build.sh $win" >&2; exit 1; }
T=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	rm -rf "$T"
}
trap cleanup EXIT
head -c "$((size * 1048576))" /dev/zero >"$T/data" # a file: stdin reads of 256 KiB
x86_64-w64-mingw32-gcc -O2 -o "$T/npipe_relay.exe" "$src/bench/npipe_relay.c"
$run --start

wait_ready() { # FILE PATTERN
	k=0
	until grep -q "$2" "$1" 2>/dev/null; do
		k=$((k + 1))
		[ $k -lt 600 ] || { echo "npipe: timed out waiting for '$2' in $1" >&2; exit 1; }
		sleep 0.05
	done
}

# one KIND N: prints the MiB/s of one run
one() {
	r=hvt-bench-r-$$-$1-$2 s=hvt-bench-s-$$-$1-$2
	$run "$exe" -l -v -d npipe:$s >/dev/null 2>"$T/sink.err" </dev/null &
	sink=$!
	wait_ready "$T/sink.err" 'listening on'
	if [ "$1" = hvnc ]; then
		$run "$exe" -l -v npipe:$r --to npipe:$s 2>"$T/relay.out" </dev/null &
		relay=$!
		wait_ready "$T/relay.out" 'listening on'
	else
		$run "$T/npipe_relay.exe" $r $s >"$T/relay.out" </dev/null &
		relay=$!
		wait_ready "$T/relay.out" ready
	fi
	pids="$sink $relay"
	t0=$(date +%s.%N)
	$run "$exe" -q 0 npipe:$r <"$T/data" >/dev/null
	wait "$sink"
	t1=$(date +%s.%N)
	wait "$relay" || :
	pids=
	echo "$t0 $t1" | awk -v s="$size" '{ printf "%.1f\n", s / ($2 - $1) }'
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
i=0
: >"$T/hvnc" && : >"$T/minimal"
while [ $i -lt "$runs" ]; do
	one hvnc $i >>"$T/hvnc"
	one minimal $i >>"$T/minimal"
	i=$((i + 1))
done
h=$(median <"$T/hvnc")
m=$(median <"$T/minimal")
echo "npipe -> npipe, $size MiB, median of $runs (MiB/s): hvnc $h ($(tr '\n' ' ' <"$T/hvnc")), minimal $m ($(tr '\n' ' ' <"$T/minimal"))"
echo "$h $m" | awk '{ printf "ratio hvnc/minimal: %.2f (target >= 0.9)\n", $1 / $2 }'
