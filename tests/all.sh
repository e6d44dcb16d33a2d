#!/bin/sh
# The whole suite: installs missing packages, builds the native tree (build/), the
# AddressSanitizer+UBSan tree (build-asan/) and the Windows tree (build-win/, mingw-w64 + Wine),
# then runs all of their tests in ONE ctest run so that its summary line covers everything.
# Every tree requires cmocka (HVT_REQUIRE_CMOCKA): without it a plain build leaves the unit
# tests out, the suite must not.
# Usage: tests/all.sh [ctest arguments, e.g. -R vm/ or -j2]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
tests/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S . -B build-asan -DHVT_SANITIZE=ON -DHVT_WERROR=ON -DHVT_REQUIRE_CMOCKA=ON \
	-DHVT_TEST_PREFIX=asan: >/dev/null
cmake --build build-asan -j"$jobs"

extra="$src/build-asan"
if [ -x tests/win/build.sh ]; then
	tests/win/build.sh "$src/build-win"
	extra="$extra;$src/build-win"
fi

cmake -S . -B build -DHVT_WERROR=ON -DHVT_REQUIRE_CMOCKA=ON "-DHVT_EXTRA_TEST_TREES=$extra" >/dev/null
cmake --build build -j"$jobs"

cd build
exec ctest --output-on-failure "$@"
