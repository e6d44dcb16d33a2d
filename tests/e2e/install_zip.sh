#!/bin/sh
# platform: windows
# The Windows .zip: cpack -G ZIP on this (mingw-w64) tree gives hvtools-VERSION-win64.zip with
# one top folder holding the four .exe files, the PowerShell completion, README.md, LICENSE (MIT)
# and the man pages as HTML in doc/ (rendered by mandoc: links between them stay in doc/, others go to
# man7.org). Checks the
# exact file list, that the .exe files are stripped PE files that import no mingw DLL, and
# that the PowerShell completion is the committed one.
. "$(dirname "$0")/lib.sh"
command -v cpack >/dev/null || fail "cpack is missing"
command -v python3 >/dev/null || fail "python3 is missing"
[ -f "$HVT_BUILD/CPackConfig.cmake" ] || fail "no CPackConfig.cmake in $HVT_BUILD"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$HVT_BUILD/CMakeCache.txt")
[ -n "$version" ] || fail "no project version in $HVT_BUILD/CMakeCache.txt"

cpack -G ZIP --config "$HVT_BUILD/CPackConfig.cmake" -B pkg >cpack.out 2>cpack.err ||
	fail "cpack: $(cat cpack.out cpack.err)"
top=hvtools-$version-win64
zip=pkg/$top.zip
[ -f "$zip" ] || fail "no $zip: $(ls pkg)"

{
	for t in $HVT_TOOLS; do
		echo "$top/$t.exe"
		echo "$top/doc/$t.1.html"
	done
	echo "$top/LICENSE"
	echo "$top/README.md"
	echo "$top/doc/hvsock.7.html"
	echo "$top/hvtools.ps1"
} | LC_ALL=C sort >want
python3 -c 'import sys, zipfile
for n in zipfile.ZipFile(sys.argv[1]).namelist():
    if not n.endswith("/"):
        print(n)' "$zip" | LC_ALL=C sort >got
diff want got >list.diff || { cat list.diff >&2; fail "files in $zip (< want, > got)"; }

python3 -m zipfile -e "$zip" x || fail "cannot extract $zip"
for t in $HVT_TOOLS; do
	exe=x/$top/$t.exe
	head -c 2 "$exe" | grep -q MZ || fail "$t.exe is not a PE file"
	if command -v x86_64-w64-mingw32-objdump >/dev/null; then
		x86_64-w64-mingw32-objdump -h "$exe" | grep -q '\.debug_' && fail "$t.exe is not stripped"
		x86_64-w64-mingw32-objdump -p "$exe" | grep 'DLL Name' | grep -qi 'libgcc\|libwinpthread\|mingw' &&
			fail "$t.exe needs a mingw DLL"
	fi
done
cmp -s "x/$top/hvtools.ps1" "$HVT_SRC/completions/powershell/hvtools.ps1" ||
	fail "hvtools.ps1 differs from completions/powershell/hvtools.ps1"
cmp -s "x/$top/README.md" "$HVT_SRC/README.md" || fail "README.md differs"
cmp -s "x/$top/LICENSE" "$HVT_SRC/LICENSE" || fail "LICENSE differs"
grep -qx 'MIT License' "x/$top/LICENSE" || fail "LICENSE is not the MIT License"
for page in x/$top/doc/*.html; do
	grep -q '<title>' "$page" || fail "$page is not an HTML page"
	for link in $(grep -o 'href="[^"#]*\.[1-9]\.html"' "$page" | sed 's/href="\(.*\)"/\1/' | sort -u); do
		case $link in
		https://man7.org/linux/man-pages/man[1-9]/*) ;;
		*/*) fail "$(basename "$page") links to $link" ;;
		*) [ -f "x/$top/doc/$link" ] || fail "$(basename "$page") links to missing $link" ;;
		esac
	done
done
for t in $HVT_TOOLS; do
	grep -q 'href="hvsock.7.html"' "x/$top/doc/$t.1.html" || fail "$t.1.html does not link hvsock(7)"
done
ok "$(basename "$zip"): $(wc -l <want) files, HTML pages linked"
