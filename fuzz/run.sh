#!/bin/sh
# Builds the libFuzzer targets with clang and runs each for SECONDS on its corpus.
# Usage: fuzz/run.sh [SECONDS [BUILD_DIR]]   (defaults: 60, build-fuzz/ in the source tree)
# Environment: HVT_FUZZ_TARGETS="fuzz_addr fuzz_guid" runs only those; HVT_FUZZ_JOBS=N runs N
# targets at once (default 1). Exits 0 when no target crashed, 1 when one did (its input is
# kept as BUILD_DIR/crash-TARGET-*; reproduce with BUILD_DIR/TARGET FILE), 77 when clang or
# libFuzzer is not available.
set -u
secs=${1:-60}
src=$(cd "$(dirname "$0")/.." && pwd)
build=${2:-$src/build-fuzz}
case $secs in '' | *[!0-9]*) echo "usage: fuzz/run.sh [SECONDS [BUILD_DIR]]" >&2; exit 2 ;; esac

cc=${HVT_FUZZ_CC:-clang}
if ! command -v "$cc" >/dev/null 2>&1; then
	echo "SKIP: $cc not installed"
	exit 77
fi
# libFuzzer ships with clang on Debian, but check before spending time on a build.
probe=$(mktemp -d "${TMPDIR:-/tmp}/hvt-fuzz-probe.XXXXXX") || exit 1
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" >/dev/null 2>&1; then
	rm -rf "$probe"
	echo "SKIP: $cc cannot build libFuzzer targets (-fsanitize=fuzzer)"
	exit 77
fi
rm -rf "$probe"

jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$build" || exit 1
cmake -S "$src/fuzz" -B "$build" -DCMAKE_C_COMPILER="$cc" >"$build/configure.log" 2>&1 ||
	{ cat "$build/configure.log" >&2; echo "FAIL: configure" >&2; exit 1; }
cmake --build "$build" -j"$jobs" >"$build/build.log" 2>&1 ||
	{ tail -n 40 "$build/build.log" >&2; echo "FAIL: build" >&2; exit 1; }

targets=${HVT_FUZZ_TARGETS:-$(cd "$src/fuzz" && ls fuzz_*.c | sed 's/\.c$//')}
# The fuzzers' scratch files (fuzz_regfile's temp .reg) stay in the build tree.
mkdir -p "$build/tmp"
export HVT_FUZZ_TMP="$build/tmp"
# A report names the failing check and the input; leaks are checked at exit too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
	t=$1
	seeds="$src/fuzz/corpus/$t"
	work="$build/corpus/$t" # new inputs go here; the seed corpus in the tree stays as it is
	mkdir -p "$work" "$seeds"
	dict=
	[ -f "$src/fuzz/$t.dict" ] && dict="-dict=$src/fuzz/$t.dict"
	start=$(date +%s)
	# -timeout: one input taking 10 s is a hang; -rss_limit_mb: runaway memory is a bug.
	"$build/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$build/crash-$t-" $dict \
		"$work" "$seeds" >"$build/$t.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$build/$t.log")
	if [ $rc = 0 ]; then
		echo "ok: $t: ${runs:-?} runs in $(($(date +%s) - start)) s"
	else
		echo "FAIL: $t (exit $rc), log $build/$t.log:" >&2
		grep -E 'check failed|ERROR:|SUMMARY|runtime error|Test unit written' "$build/$t.log" >&2
		touch "$build/failed"
	fi
}

rm -f "$build/failed"
n=0
for t in $targets; do
	[ -x "$build/$t" ] || { echo "FAIL: no target $t" >&2; touch "$build/failed"; continue; }
	if [ "${HVT_FUZZ_JOBS:-1}" -gt 1 ]; then
		run_one "$t" &
		n=$((n + 1))
		if [ $n -ge "${HVT_FUZZ_JOBS}" ]; then wait; n=0; fi
	else
		run_one "$t"
	fi
done
wait
[ -e "$build/failed" ] && exit 1
exit 0
