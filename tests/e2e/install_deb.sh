#!/bin/sh
# platform: posix
# The .deb: builds the tools the way a Debian package is built (dpkg-buildflags with all
# hardening, -Werror, no tests) in a tree of its own, runs cpack -G DEB and checks the package:
# its control fields (name, version, architecture, section, Maintainer, Depends from
# dpkg-shlibdeps), its exact file list, that the programs in it run, that its copyright file
# gives the MIT (Expat) licence with the full text of LICENSE, and that lintian (all levels,
# pedantic included) has nothing to say. Runs in the native tree only (it builds its own).
. "$(dirname "$0")/lib.sh"
grep -q '^HVT_SANITIZE:BOOL=ON' "$HVT_BUILD/CMakeCache.txt" 2>/dev/null && {
	echo "skip: the native tree checks the package"
	exit 77
}
for p in cpack dpkg-deb dpkg-buildflags dpkg-shlibdeps lintian; do
	command -v $p >/dev/null || fail "$p is missing (tests/deps.sh installs it)"
done
version=$("$HVT_BUILD/tools/hvnc/hvnc" --version | sed 's/.* //')

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
	cmake -S "$HVT_SRC" -B build -DCMAKE_BUILD_TYPE=None -DCMAKE_INSTALL_PREFIX=/usr \
	-DHVT_TESTS=OFF -DHVT_WERROR=ON >cmake.out 2>cmake.err || fail "cmake: $(cat cmake.err)"
cmake --build build -j2 >build.out 2>build.err || fail "build: $(tail -n 20 build.err)"
grep -i warning build.err build.out && fail "the build warned"
cpack -G DEB --config build/CPackConfig.cmake -B pkg >cpack.out 2>cpack.err ||
	fail "cpack: $(cat cpack.out cpack.err)"
arch=$(dpkg --print-architecture)
deb=pkg/hvtools_${version}_$arch.deb
[ -f "$deb" ] || fail "no $deb: $(ls pkg)"

field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = hvtools ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version: $(field Version), not $version"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
[ "$(field Section)" = net ] || fail "Section: $(field Section)"
field Depends | grep -q '^libc6 (>= [0-9.]*)$' || fail "Depends: $(field Depends)"
field Description | grep -q 'Hyper-V' || fail "Description: $(field Description)"
field Maintainer | grep -q '^hvtools <[^ ]*@[^ ]*>$' || fail "Maintainer: $(field Maintainer)"

zshdir=site-functions
[ -f /etc/debian_version ] && zshdir=vendor-completions
{
	for t in $HVT_TOOLS; do
		echo "-rwxr-xr-x ./usr/bin/$t"
		echo "-rw-r--r-- ./usr/share/bash-completion/completions/$t"
		echo "-rw-r--r-- ./usr/share/fish/vendor_completions.d/$t.fish"
		echo "-rw-r--r-- ./usr/share/man/man1/$t.1.gz"
	done
	echo "-rw-r--r-- ./usr/share/doc/hvtools/README.md"
	echo "-rw-r--r-- ./usr/share/doc/hvtools/changelog.gz"
	echo "-rw-r--r-- ./usr/share/doc/hvtools/copyright"
	echo "-rw-r--r-- ./usr/share/man/man7/hvsock.7.gz"
	echo "-rw-r--r-- ./usr/share/zsh/$zshdir/_hvtools"
} | LC_ALL=C sort -k2 >want
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $1, $6 }' | LC_ALL=C sort -k2 >got
diff want got >list.diff || { cat list.diff >&2; fail "files in $deb (< want, > got)"; }
dpkg-deb -c "$deb" | awk '$2 != "root/root" { print; bad = 1 } END { exit bad }' ||
	fail "files not owned by root"

dpkg-deb -x "$deb" root
for t in $HVT_TOOLS; do
	root/usr/bin/$t --version | grep -qx "$t (hvtools) $version" || fail "$t from the package"
done

# The copyright file (Debian's machine-readable format): every file under Expat (the MIT
# licence), whose paragraph is LICENSE's text from its permission notice on, indented by one
# blank, blank lines as " .".
copyright=root/usr/share/doc/hvtools/copyright
grep -qx 'Copyright: 2026 the hvtools authors' "$copyright" || fail "no copyright line in $copyright"
awk '/^Files: \*$/ { f = 1 } f && /^License:/ { print; exit }' "$copyright" | grep -qx 'License: Expat' ||
	fail "Files: * is not under License: Expat in $copyright"
sed -n '/^Permission is hereby granted/,$p' "$HVT_SRC/LICENSE" | sed 's/^$/./; s/^/ /' >license.want
awk '/^License: Expat$/ { n++; next } n == 2' "$copyright" >license.got
diff license.want license.got >license.diff || {
	cat license.diff >&2
	fail "the License: Expat paragraph of $copyright is not LICENSE's text (< LICENSE, > copyright)"
}
grep -qx 'MIT License' "$HVT_SRC/LICENSE" || fail "LICENSE is not the MIT License"

# lintian refuses nothing here but says it runs as root: keep only its tags.
timeout 240 lintian --tag-display-limit 0 -I -E --pedantic "$deb" >lintian.out 2>lintian.err
rc=$?
grep -v 'running with root privileges' lintian.err >>lintian.out
[ -s lintian.out ] && { cat lintian.out >&2; fail "lintian has something to say about $deb"; }
[ $rc = 0 ] || fail "lintian exited $rc"
ok "$(basename "$deb"): $(wc -l <want) files, Depends: $(field Depends), lintian clean"
