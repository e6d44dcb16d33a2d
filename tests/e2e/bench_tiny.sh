#!/bin/sh
# platform: posix
# bench/run.sh in its tiny configuration (HVT_BENCH_TINY=1: a few MiB, N=20, a few runs), so
# that the benchmark cannot rot: every section must run and the summary must have its rows.
# The figures are not checked: they mean nothing at this size. Needs socat and ncat for their
# rows (tests/deps.sh installs them); without them only hvnc's rows are required.
. "$(dirname "$0")/lib.sh"
build=${HVT_BUILD:-$(cd "$(dirname "${HVNC%% *}")/../.." && pwd)}
[ -x "$build/tools/hvnc/hvnc" ] || fail "no hvnc in $build (set HVT_BUILD)"

HVT_BENCH_TINY=1 timeout 240 sh "$HVT_SRC/bench/run.sh" "$build" >bench.out 2>bench.err ||
	fail "bench/run.sh exited $?: $(tail -n 20 bench.out)"
cat bench.out

grep -q '^== summary' bench.out || fail "no summary"
for fam in unix tcp; do
	grep -Eq "^  $fam +[0-9]+ " bench.out || fail "no throughput row for $fam"
done
grep -Eq '^  20 +hvnc +[0-9]+ .* 0 +[0-9.]+ +[0-9.]+$' bench.out ||
	fail "no forwarding row for hvnc at N=20 without errors"
grep -q 'throughput: hvnc >= 1.0x minimal relay' bench.out || fail "no throughput target line"
grep -q 'scale: setup rate >= 2x socat fork (N=20)' bench.out || fail "no setup-rate target line"
grep -q 'latency: hvping median <= 1.2x pingpong (unix)' bench.out || fail "no latency target line"
grep -Eq '^hvnc +[0-9.]+ +[0-9.]+ +[0-9]+$' bench.out || fail "no startup row for hvnc"
grep -q 'registry: hvreg lists 1000 services in < 1 s' bench.out || fail "no registry target line"
for tool in socat ncat; do
	command -v $tool >/dev/null 2>&1 || continue
	grep -Eq "^  20 +$tool +[0-9]+ " bench.out || fail "no forwarding row for $tool"
done
ok "bench/run.sh tiny: every section ran, summary complete"
