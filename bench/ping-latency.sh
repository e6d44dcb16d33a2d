#!/bin/sh
# Benchmark (not a test): how much hvping adds to a round trip. For each socket type, compares
# the round trips hvping reports (hvping -l as responder, 56-byte payload + 8-byte header, times
# from its --json output) with the least a round trip of the same 64 bytes costs
# (bench/pingpong: blocking send/recv, no framing, no checks). Prints median, minimum and mean
# of both and the ratios. Target: hvping's median within 20% of the baseline's.
#
#   bench/ping-latency.sh [BUILD_DIR]            (default BUILD_DIR: build)
#
# Environment:
#   HVT_BENCH_COUNT       round trips per run (20000)
#   HVT_BENCH_ROUNDS      runs per tool, interleaved; the best of each figure is kept (5)
#   HVT_BENCH_TRANSPORTS  socket types (unix tcp); add vsock where AF_VSOCK loopback exists,
#                         e.g. in the QEMU guest (it uses vsock:1:5611 and vsock:1:5612)
#   HVT_BENCH_PIN=N       run client and server on CPU N (taskset); default: the scheduler decides
#   CC                    the compiler for bench/pingpong.c (cc), built into a scratch directory
# The mean moves with anything else the machine does (one 5 ms stall in 20000 round trips adds
# 0.25 us to it); the median and the minimum are the figures to compare.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
count=${HVT_BENCH_COUNT:-20000}
rounds=${HVT_BENCH_ROUNDS:-5}
transports=${HVT_BENCH_TRANSPORTS:-unix tcp}
hvping=$build/tools/hvping/hvping
[ -x "$hvping" ] || { echo "ping-latency: no $hvping (build first)" >&2; exit 1; }

tmp=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	for p in $pids; do wait "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

pingpong=$tmp/pingpong
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$pingpong" "$src/bench/pingpong.c"
pin=
if [ -n "${HVT_BENCH_PIN:-}" ]; then
	pin="taskset -c $HVT_BENCH_PIN"
fi

wait_for() { # FILE PATTERN
	i=0
	while ! grep -Eq "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt 200 ] && { echo "ping-latency: timed out waiting for '$2' in $1" >&2; exit 1; }
		sleep 0.05
	done
}

# start_pingpong T -> $pp_addr, $pp_pid
start_pingpong() {
	case $1 in
	unix) a=unix:$tmp/pp.sock ;;
	tcp) a=tcp:127.0.0.1:0 ;;
	vsock) a=vsock:1:5611 ;;
	*) echo "ping-latency: unknown socket type $1" >&2; exit 2 ;;
	esac
	: >"$tmp/pp.out" # before the start: the wait must not see the last run's line
	$pin "$pingpong" server "$a" >"$tmp/pp.out" 2>&1 &
	pp_pid=$!
	pids="$pids $pp_pid"
	wait_for "$tmp/pp.out" '^(port|ready)'
	case $1 in
	tcp) pp_addr=tcp:127.0.0.1:$(sed -n 's/^port //p' "$tmp/pp.out") ;;
	*) pp_addr=$a ;;
	esac
}

# start_responder T -> $hv_addr, $hv_pid
start_responder() {
	case $1 in
	unix) a=unix:$tmp/hv.sock ;;
	tcp) a=tcp:127.0.0.1:0 ;;
	vsock) a=vsock:5612 ;;
	esac
	: >"$tmp/hv.log"
	$pin "$hvping" -l -v "$a" 2>"$tmp/hv.log" &
	hv_pid=$!
	pids="$pids $hv_pid"
	wait_for "$tmp/hv.log" 'listening on'
	case $1 in
	tcp) hv_addr=tcp:127.0.0.1:$(sed -n 's/.*listening on tcp:.*:\([0-9][0-9]*\).*/\1/p' "$tmp/hv.log") ;;
	vsock) hv_addr=vsock:1:5612 ;;
	*) hv_addr=$a ;;
	esac
}

stop() { kill "$1" 2>/dev/null || :; wait "$1" 2>/dev/null || :; }

field() { echo "$1" | sed -n "s/.*$2=\\([0-9.]*\\).*/\\1/p"; } # LINE NAME
lower() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a + 0 < b + 0) ? a : b }'; }
us() { awk -v x="$1" 'BEGIN { printf "%.2f", x * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

echo "hvping round trip vs. minimal ping-pong: $count round trips x $rounds runs, best run kept"
echo "64 bytes each way (hvping: -s 56 + 8-byte header); microseconds${pin:+; $pin}"
printf '%-6s | %8s %8s %8s | %8s %8s %8s | %6s %6s %6s\n' socket median min mean \
	median min mean med-x min-x mean-x
printf '%-6s | %-26s | %-26s |\n' "" "pingpong (baseline)" "hvping"
over=0
for t in $transports; do
	pp_med= pp_min= pp_avg= hv_med= hv_min= hv_avg=
	r=0
	while [ $r -lt "$rounds" ]; do
		r=$((r + 1))
		start_pingpong "$t"
		line=$($pin "$pingpong" client "$pp_addr" 64 "$count")
		stop "$pp_pid"
		pp_med=$(lower "$(field "$line" median_ms)" "$pp_med")
		pp_min=$(lower "$(field "$line" min_ms)" "$pp_min")
		pp_avg=$(lower "$(field "$line" avg_ms)" "$pp_avg")

		start_responder "$t"
		$pin "$hvping" --json -c "$count" -i 0 -s 56 "$hv_addr" >"$tmp/hv.json"
		stop "$hv_pid"
		grep -q '"received": '"$count"',' "$tmp/hv.json" ||
			{ echo "ping-latency: hvping lost probes on $t" >&2; exit 1; }
		med=$(sed -n 's/.*"time_ms": \([0-9.]*\)}.*/\1/p' "$tmp/hv.json" | sort -n |
			awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }')
		rtt=$(grep '"rtt"' "$tmp/hv.json")
		hv_med=$(lower "$med" "$hv_med")
		hv_min=$(lower "$(echo "$rtt" | sed -n 's/.*"min": \([0-9.]*\).*/\1/p')" "$hv_min")
		hv_avg=$(lower "$(echo "$rtt" | sed -n 's/.*"avg": \([0-9.]*\).*/\1/p')" "$hv_avg")
	done
	x=$(ratio "$hv_med" "$pp_med")
	printf '%-6s | %8s %8s %8s | %8s %8s %8s | %6s %6s %6s\n' "$t" \
		"$(us "$pp_med")" "$(us "$pp_min")" "$(us "$pp_avg")" \
		"$(us "$hv_med")" "$(us "$hv_min")" "$(us "$hv_avg")" \
		"$x" "$(ratio "$hv_min" "$pp_min")" "$(ratio "$hv_avg" "$pp_avg")"
	awk -v x="$x" 'BEGIN { exit !(x > 1.20) }' && over=1
done
if [ $over -eq 1 ]; then
	echo "over target: hvping's median round trip is more than 20% above the baseline's"
else
	echo "within target: hvping's median round trip is at most 20% above the baseline's"
fi
