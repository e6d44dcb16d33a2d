#!/bin/sh
# Configures and builds the Windows tree (mingw-w64 cross build; its tests run under Wine),
# for tests/all.sh, which then runs its tests (named win:...) in the one combined ctest run.
# Usage: tests/win/build.sh BUILD_DIR
# Needs gcc-mingw-w64-x86-64, wine and dpkg-dev (tests/deps.sh). cmocka for mingw is built
# once from Debian's source package and cached (tests/win/cmocka.sh); the Wine prefix is
# created by the first test run (.cache/wine, fixture win:wine/start).
set -eu
[ $# = 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
for tool in x86_64-w64-mingw32-gcc x86_64-w64-mingw32-windres wine wineserver; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "$0: $tool is missing (run tests/deps.sh)" >&2
		exit 1
	}
done
cmocka=$("$src/tests/win/cmocka.sh")
cmake -S "$src" -B "$out" \
	-DCMAKE_TOOLCHAIN_FILE="$src/cmake/mingw-w64-x86_64.cmake" \
	-DHVT_TEST_PREFIX=win: -DHVT_WERROR=ON -DHVT_REQUIRE_CMOCKA=ON -DHVT_CMOCKA_DIR="$cmocka" >/dev/null
cmake --build "$out" -j"$(nproc 2>/dev/null || echo 2)"
