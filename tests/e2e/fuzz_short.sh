#!/bin/sh
# platform: posix
# A bounded fuzz run: fuzz/run.sh builds the libFuzzer targets (clang, ASan+UBSan) in the build
# tree and runs each for HVT_FUZZ_SECONDS (10) on its seed corpus; a crash or a broken invariant
# fails. About 1.5 minutes on 2 cores, build included. The longer run: docs/fuzzing.md.
src=${HVT_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -n "${HVT_BUILD:-}" ]; then
	# The sanitizer tree would only repeat the native tree's run.
	if grep -q '^HVT_SANITIZE:BOOL=ON' "$HVT_BUILD/CMakeCache.txt" 2>/dev/null; then
		echo "SKIP: the native tree runs the fuzzers"
		exit 77
	fi
	build=$HVT_BUILD/fuzz
else
	build=$src/build-fuzz
fi
sh "$src/fuzz/run.sh" "${HVT_FUZZ_SECONDS:-10}" "$build"
rc=$?
[ $rc = 0 ] || [ $rc = 77 ] || exit 1
exit $rc
