#!/bin/sh
# Every benchmark of hvtools in one run, then one table of figures, ratios and targets.
# Each comparison runs side by side in the same run (interleaved where it matters), and every
# figure is a median of several runs: the machines are noisy, the ratios are what to compare.
# docs/performance.md has a full run and what limits each figure.
#
#   bench/run.sh [BUILD_DIR]            (default: build; a Release build is what to measure)
#
# Sections (HVT_BENCH_SECTIONS, default all: throughput scale latency startup registry vsock;
# the tiny configuration leaves vsock out):
#   throughput  bench/throughput.sh: 2 GiB through one unix / tcp hop: hvnc, ncat, socat,
#               socat -b 131072, bench/minrelay.c, cat
#   scale       bench/scale.sh: N = 100, 1000, 5000 concurrent echo connections through
#               hvnc -lk --to, socat fork, ncat -k
#   latency     bench/ping-latency.sh: hvping round trip vs. bench/pingpong.c
#   startup     `--version` whole-process time and peak RSS: hvnc, socat, ncat (bench/startup.c)
#   registry    hvreg list and hvlist services of a .reg file of HVT_BENCH_REG_KEYS services
#               (100000; bench/gen-services.sh), whole process, median of HVT_BENCH_RUNS
#   vsock       bench/vsock-guest.sh: hvnc, socat VSOCK, minrelay over vsock_loopback in the
#               QEMU test guest (HVT_BENCH_VSOCK_SIZE MiB, 256; ratios only: emulator-bound)
# Environment: HVT_BENCH_TINY=1 runs everything in seconds with tiny sizes (what the test suite
# does so that the benchmark cannot rot: tests/e2e/bench_tiny.sh); HVT_BENCH_SIZE (MiB, 2048),
# HVT_BENCH_RUNS (5), HVT_BENCH_WRITE (how the data source writes: bench/throughput.sh),
# HVT_BENCH_SCALE ("100 1000 5000"), HVT_BENCH_SCALE_RUNS (3), HVT_BENCH_SECS (5),
# HVT_BENCH_PING_COUNT (20000), HVT_BENCH_PING_ROUNDS (5), HVT_BENCH_STARTUP_RUNS (100),
# HVT_BENCH_REG_KEYS (100000); and
# those of the section scripts. Missing ncat or socat: their rows are left out. Exit status 0
# when every section ran (targets missed do not fail it).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
bench=$src/bench
if [ "${HVT_BENCH_TINY:-}" = 1 ]; then
	: "${HVT_BENCH_SIZE:=8}" "${HVT_BENCH_RUNS:=1}" "${HVT_BENCH_SCALE:=20}"
	: "${HVT_BENCH_SCALE_RUNS:=1}" "${HVT_BENCH_SECS:=0.5}" "${HVT_BENCH_PING_COUNT:=200}"
	: "${HVT_BENCH_PING_ROUNDS:=1}" "${HVT_BENCH_STARTUP_RUNS:=3}" "${HVT_BENCH_REG_KEYS:=1000}"
fi
reg_keys=${HVT_BENCH_REG_KEYS:-100000}
size=${HVT_BENCH_SIZE:-2048}
runs=${HVT_BENCH_RUNS:-5}
if [ "${HVT_BENCH_TINY:-}" = 1 ]; then
	sections=${HVT_BENCH_SECTIONS:-throughput scale latency startup registry}
else
	sections=${HVT_BENCH_SECTIONS:-throughput scale latency startup registry vsock}
fi
export HVT_BENCH_SCALE="${HVT_BENCH_SCALE:-100 1000 5000}"
export HVT_BENCH_SCALE_RUNS="${HVT_BENCH_SCALE_RUNS:-3}" HVT_BENCH_SECS="${HVT_BENCH_SECS:-5}"
[ -x "$build/tools/hvnc/hvnc" ] || { echo "run.sh: no $build/tools/hvnc/hvnc: build first" >&2; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
R=$T/results
: >"$R"
export HVT_BENCH_RESULTS="$R"

has() { echo " $sections " | grep -q " $1 "; }
get() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$R"; } # KEY -> value or ""
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
verdict() { # VALUE OP LIMIT -> met / NOT met / -
	awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
		if (v == "" || v == "-") { print "-"; exit }
		ok = op == ">=" ? v + 0 >= l + 0 : v + 0 < l + 0
		print ok ? "met" : "NOT met" }'
}

cpu=$(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
echo "hvtools benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: ${cpu:-unknown CPU}, $(nproc) CPUs, $mem RAM, $(uname -sr)"
echo "build: $build ($(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || echo '?'))"
[ "${HVT_BENCH_TINY:-}" = 1 ] && echo "TINY configuration: checks that the benchmark runs; the figures mean nothing"
echo

if has throughput; then
	echo "== throughput"
	sh "$bench/throughput.sh" "$build" "$size" "$runs"
	echo
fi
if has scale; then
	echo "== forwarding scale"
	sh "$bench/scale.sh" "$build"
	echo
fi
if has latency; then
	echo "== latency"
	HVT_BENCH_COUNT=${HVT_BENCH_PING_COUNT:-20000} HVT_BENCH_ROUNDS=${HVT_BENCH_PING_ROUNDS:-5} \
		sh "$bench/ping-latency.sh" "$build" | tee "$T/ping.out"
	# "unix | pp_med pp_min pp_avg | hv_med hv_min hv_avg | med-x min-x mean-x"
	awk '$2 == "|" && $6 == "|" && $3 ~ /^[0-9.]+$/ {
		print "lat." $1 ".pp " $3; print "lat." $1 ".hv " $7; print "lat." $1 ".x " $11 }' \
		"$T/ping.out" >>"$R"
	echo
fi
if has startup || has registry; then
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/startup" "$bench/startup.c"
fi
# whole KEY LABEL RUNS COMMAND...: bench/startup.c's figures of COMMAND as one row; the median
# as KEY.ms, the peak RSS as KEY.kib in the results.
whole() {
	key=$1 label=$2 n=$3
	shift 3
	line=$("$T/startup" "$n" "$@")
	ms=$(echo "$line" | sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p')
	min=$(echo "$line" | sed -n 's/.*min_ms=\([0-9.]*\).*/\1/p')
	kib=$(echo "$line" | sed -n 's/.*maxrss_kib=\([0-9.]*\).*/\1/p')
	echo "$key.ms $ms" >>"$R"
	echo "$key.kib $kib" >>"$R"
	printf '%-8s %10s %10s %12s\n' "$label" "$ms" "$min" "$kib"
}
if has startup; then
	echo "== startup: --version, whole process (fork to wait4), median of ${HVT_BENCH_STARTUP_RUNS:-100} runs"
	printf '%-8s %10s %10s %12s\n' tool median_ms min_ms maxrss_KiB
	for t in hvnc socat ncat; do
		case $t in
		hvnc) cmd="$build/tools/hvnc/hvnc --version" ;;
		socat) cmd="socat -V" ;;
		ncat) cmd="ncat --version" ;;
		esac
		[ $t = hvnc ] || command -v $t >/dev/null 2>&1 || continue
		# shellcheck disable=SC2086
		whole st.$t $t "${HVT_BENCH_STARTUP_RUNS:-100}" $cmd
	done
	echo
fi
if has registry; then
	echo "== registry: listing $reg_keys services of a .reg file, whole process, median of $runs runs"
	sh "$bench/gen-services.sh" "$reg_keys" >"$T/services.reg"
	printf '%-8s %10s %10s %12s\n' tool median_ms min_ms maxrss_KiB
	whole reg.hvreg hvreg "$runs" "$build/tools/hvreg/hvreg" list --file "$T/services.reg"
	whole reg.hvlist hvlist "$runs" "$build/tools/hvlist/hvlist" services --file "$T/services.reg"
	echo
fi

if has vsock; then
	echo "== vsock in the QEMU guest"
	rc=0
	sh "$bench/vsock-guest.sh" "$build" "${HVT_BENCH_VSOCK_SIZE:-256}" "$runs" || rc=$?
	[ $rc = 0 ] || echo "(not run: bench/vsock-guest.sh exited $rc)"
	echo
fi

# ---- summary ---------------------------------------------------------------------------------
echo "== summary"
if has throughput; then
	echo "throughput, ${size} MiB, one hop (MiB/s, median of $runs; source: ${HVT_BENCH_WRITE:+write(2) of $HVT_BENCH_WRITE bytes, not }vmsplice)"
	printf '  %-6s' ""
	for t in hvnc ncat socat socat128 minrelay cat; do printf ' %9s' $t; done
	echo
	for fam in unix tcp; do
		[ -n "$(get tp.$fam.hvnc)" ] || continue
		printf '  %-6s' $fam
		for t in hvnc ncat socat socat128 minrelay cat; do
			s=$(get tp.$fam.$t)
			printf ' %9s' "$(awk -v s="$s" -v z="$size" 'BEGIN { if (s == "") print "-"; else printf "%.0f", z / s }')"
		done
		echo
	done
fi
if has scale; then
	echo "forwarding, N concurrent echo connections (median of $HVT_BENCH_SCALE_RUNS; see above for all figures)"
	printf '  %-6s %-6s %9s %8s %8s %8s %7s %9s %9s\n' N fwd setup/s MiB/s p50_ms p99_ms errors pss_MiB rss_MiB
	for n in $HVT_BENCH_SCALE; do
		for f in hvnc socat ncat; do
			[ -n "$(get sc.$n.$f.setup)" ] || continue
			printf '  %-6s %-6s %9s %8s %8.2f %8.2f %7s %9.1f %9.1f\n' "$n" $f "$(get sc.$n.$f.setup)" \
				"$(get sc.$n.$f.mib)" "$(awk -v x="$(get sc.$n.$f.p50)" 'BEGIN { print x / 1000 }')" \
				"$(awk -v x="$(get sc.$n.$f.p99)" 'BEGIN { print x / 1000 }')" "$(get sc.$n.$f.err)" \
				"$(awk -v x="$(get sc.$n.$f.pss)" 'BEGIN { print x / 1024 }')" \
				"$(awk -v x="$(get sc.$n.$f.rss)" 'BEGIN { print x / 1024 }')"
		done
	done
fi
echo
echo "targets (issue 10)"
line() { printf '  %-52s %-28s %s\n' "$1" "$2" "$3"; }
both() { # LABEL OTHER LIMIT: hvnc speed / other speed on unix and tcp, the worse one decides
	u=$(ratio "$(get tp.unix.$2)" "$(get tp.unix.hvnc)")
	t=$(ratio "$(get tp.tcp.$2)" "$(get tp.tcp.hvnc)")
	w=$(awk -v a="$u" -v b="$t" 'BEGIN { if (a == "-") print b; else if (b == "-") print a; else print (a + 0 < b + 0) ? a : b }')
	line "$1" "unix ${u}x, tcp ${t}x" "$(verdict "$w" ">=" "$3")"
}
if has throughput; then
	both "throughput: hvnc >= 3x ncat" ncat 3
	both "throughput: hvnc >= 1.5x socat -b 131072" socat128 1.5
	both "throughput: hvnc >= 1.0x minimal relay" minrelay 1.0
fi
if has vsock && [ -n "$(get tp.vsock.hvnc)" ]; then
	for t in socat socat128 minrelay; do
		x=$(ratio "$(get tp.vsock.$t)" "$(get tp.vsock.hvnc)")
		line "vsock (guest, emulated): hvnc vs $t, ratio only" "${x}x" ""
	done
fi
if has scale; then
	nmax=$(echo "$HVT_BENCH_SCALE" | tr ' ' '\n' | sort -n | tail -n 1)
	rss=$(awk -v x="$(get sc.$nmax.hvnc.rss)" 'BEGIN { if (x != "") printf "%.1f", x / 1024 }')
	err=$(get sc.$nmax.hvnc.err)
	line "scale: $nmax connections, RSS < 256 MiB in total" "${rss:--} MiB" "$(verdict "$rss" "<" 256)"
	line "scale: $nmax connections, no errors" "errors ${err:--}" "$(verdict "${err:-}" "<" 1)"
	for n in $HVT_BENCH_SCALE; do
		x=$(ratio "$(get sc.$n.hvnc.setup)" "$(get sc.$n.socat.setup)")
		line "scale: setup rate >= 2x socat fork (N=$n)" "${x}x" "$(verdict "$x" ">=" 2)"
	done
fi
if has latency; then
	for t in unix tcp vsock; do
		x=$(get lat.$t.x)
		[ -n "$x" ] || continue
		line "latency: hvping median <= 1.2x pingpong ($t)" "${x}x" "$(verdict "$x" "<" 1.2001)"
	done
fi
if has registry; then
	for t in hvreg hvlist; do
		ms=$(get reg.$t.ms)
		s=$(awk -v m="$ms" 'BEGIN { if (m != "") printf "%.2f", m / 1000 }')
		line "registry: $t lists $reg_keys services in < 1 s" "${s:--} s" "$(verdict "$s" "<" 1)"
	done
fi
if has startup; then
	for t in socat ncat; do
		x=$(ratio "$(get st.$t.ms)" "$(get st.hvnc.ms)")
		k=$(ratio "$(get st.$t.kib)" "$(get st.hvnc.kib)")
		[ "$x" = - ] || line "startup: vs $t (no target; > 1: hvnc is faster/smaller)" "time ${x}x, peak RSS ${k}x" ""
	done
fi
