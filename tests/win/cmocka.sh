#!/bin/sh
# Builds a static cmocka for mingw-w64 from Debian's source package (Debian ships no Windows
# cmocka) and prints the install prefix to give as -DHVT_CMOCKA_DIR. Cached under
# .cache/cmocka-mingw/: a second run only checks the stamp.
# Usage: tests/win/cmocka.sh   (needs root once, to add a deb-src entry, if none exists)
set -eu
src=$(cd "$(dirname "$0")/../.." && pwd)
cache="$src/.cache/cmocka-mingw"
prefix="$cache/install"
stamp="$prefix/.hvtools-stamp"
want="cmocka-static-libgcc-ansi-stdio-2" # bump when the build recipe below changes

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$prefix/lib/libcmocka-static.a" ]; then
	echo "$prefix"
	exit 0
fi

log() { echo "cmocka.sh: $*" >&2; }

# apt-get source needs a deb-src entry: add one for the archive the deb entry already uses.
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
if ! apt-get indextargets --format '$(TARGET_OF)' 2>/dev/null | grep -qx deb-src; then
	if [ "$(id -u)" != 0 ]; then
		log "no deb-src entry in the apt sources; run once as root to add one"
		exit 1
	fi
	uri=$(apt-get indextargets --format '$(REPO_URI) $(CODENAME) $(TARGET_OF)' |
		awk -v c="$codename" '$2 == c && $3 == "deb" { print $1; exit }')
	uri=${uri:-http://deb.debian.org/debian/}
	log "adding deb-src $uri $codename"
	cat >/etc/apt/sources.list.d/hvtools-deb-src.sources <<SRC
# Added by hvtools tests/win/cmocka.sh: source packages (apt-get source cmocka).
Types: deb-src
URIs: $uri
Suites: $codename
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
	apt-get update -qq >&2
fi

rm -rf "$cache/src" "$cache/build" "$prefix"
mkdir -p "$cache/src"
log "fetching the cmocka source package"
(cd "$cache/src" && apt-get source -qq cmocka >&2 2>&1) || {
	# apt may only know the index after an update.
	[ "$(id -u)" = 0 ] && apt-get update -qq >&2
	(cd "$cache/src" && apt-get source -qq cmocka >&2)
}
dir=$(find "$cache/src" -mindepth 1 -maxdepth 1 -type d -name 'cmocka-*' | head -n 1)
[ -n "$dir" ] || { log "apt-get source cmocka gave no source tree"; exit 1; }

# -static-libgcc: otherwise the test executables need libgcc_s_seh-1.dll, die silently under
# Wine, and WILL_FAIL tests pass falsely. Only the static library is used.
# __USE_MINGW_ANSI_STDIO: C99 printf in cmocka's messages (tests print %zu), as in hvtools.
log "cross-building $(basename "$dir") (about a minute, once)"
cmake -S "$dir" -B "$cache/build" \
	-DCMAKE_TOOLCHAIN_FILE="$src/cmake/mingw-w64-x86_64.cmake" \
	-DCMAKE_BUILD_TYPE=Release \
	-DCMAKE_INSTALL_PREFIX="$prefix" \
	-DCMAKE_C_FLAGS="-static-libgcc -D__USE_MINGW_ANSI_STDIO=1" \
	-DCMAKE_SHARED_LINKER_FLAGS="-static-libgcc" \
	-DWITH_STATIC_LIB=ON -DUNIT_TESTING=OFF -DWITH_EXAMPLES=OFF >/dev/null
cmake --build "$cache/build" -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
cmake --install "$cache/build" >/dev/null
# Its header declares print_error() & co. with format(__printf__), which mingw's gcc checks
# as msvcrt's dialect (no %zu): check them as the C99 printf they now are.
sed -i 's/__format__ (__printf__, a, b)/__format__ (gnu_printf, a, b)/' "$prefix/include/cmocka.h"
grep -q 'gnu_printf' "$prefix/include/cmocka.h" || { log "could not adjust cmocka.h"; exit 1; }
if [ ! -f "$prefix/lib/libcmocka-static.a" ]; then
	log "no libcmocka-static.a after the build"
	exit 1
fi
echo "$want" >"$stamp"
echo "$prefix"
