#!/bin/sh
# platform: posix
# A build without cmocka: someone who only wants the programs gets them. The unit tests are
# left out with one line saying so, the tools build; with HVT_REQUIRE_CMOCKA (tests/all.sh)
# the missing cmocka is an error. Natively with cmocka hidden (CMOCKA_INCLUDE_DIR and
# CMOCKA_LIBRARY pointing nowhere), and as the plain mingw-w64 cross build (no cmocka in the
# mingw root) when that compiler is installed. Builds hvnc only, to stay quick.
. "$(dirname "$0")/lib.sh"
grep -q '^HVT_SANITIZE:BOOL=ON' "$HVT_BUILD/CMakeCache.txt" 2>/dev/null && {
	echo "skip: the native tree checks the plain builds"
	exit 77
}
line='hvtools: cmocka not found, unit tests are off'

# configure DIR ARGS...: cmake's stdout and stderr in DIR.log; the one line, exactly once.
configure() {
	dir=$1
	shift
	cmake -S "$HVT_SRC" -B "$dir" -DHVT_WERROR=ON "$@" >"$dir.log" 2>&1 ||
		fail "cmake $*: $(tail -n 20 "$dir.log")"
	[ "$(grep -c "^$line" "$dir.log")" = 1 ] || fail "cmake $* does not say '$line' once: $(cat "$dir.log")"
	[ "$(grep -c 'cmocka' "$dir.log")" = 1 ] || fail "cmake $* says more about cmocka: $(cat "$dir.log")"
}

nowhere=$T/nowhere
configure native "-DCMOCKA_INCLUDE_DIR=$nowhere" "-DCMOCKA_LIBRARY=$nowhere/libcmocka.so"
ctest --test-dir native -N >native.tests || fail "ctest -N"
grep -q ' unit/' native.tests && fail "unit tests registered without cmocka: $(grep ' unit/' native.tests)"
grep -q ' cli/hvnc/' native.tests || fail "the CLI cases are missing: $(cat native.tests)"
cmake --build native --target hvnc -j2 >native.build 2>&1 || fail "build: $(tail -n 20 native.build)"
native/tools/hvnc/hvnc --version | grep -q '^hvnc (hvtools) ' || fail "native hvnc does not run"
ok "native build without cmocka: one line, no unit tests, hvnc built"

cmake -S "$HVT_SRC" -B required -DHVT_REQUIRE_CMOCKA=ON "-DCMOCKA_INCLUDE_DIR=$nowhere" \
	"-DCMOCKA_LIBRARY=$nowhere/libcmocka.so" >required.log 2>&1 &&
	fail "HVT_REQUIRE_CMOCKA=ON configured without cmocka"
grep -q 'cmocka not found' required.log && grep -q 'the unit tests' required.log ||
	fail "HVT_REQUIRE_CMOCKA=ON without cmocka: $(cat required.log)"
ok "HVT_REQUIRE_CMOCKA=ON refuses to configure without cmocka"

mingw=x86_64-w64-mingw32
if ! command -v $mingw-gcc >/dev/null; then
	ok "no $mingw-gcc: the plain Windows build is not tried"
	exit 0
fi
[ -e /usr/$mingw/include/cmocka.h ] && {
	ok "the mingw root has cmocka: the plain Windows build finds it"
	exit 0
}
configure win "-DCMAKE_TOOLCHAIN_FILE=$HVT_SRC/cmake/mingw-w64-x86_64.cmake"
cmake --build win --target hvnc -j2 >win.build 2>&1 || fail "build: $(tail -n 20 win.build)"
head -c 2 win/tools/hvnc/hvnc.exe | grep -q MZ || fail "no hvnc.exe"
ok "plain mingw-w64 build (the README's command): one line, hvnc.exe built"
