#!/bin/sh
# Every man page is mdoc and clean under mandoc -T lint at warning level, and every tool built
# has a page.
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || fail "mandoc not installed (apt-get install mandoc)"
n=0
for page in "$HVT_SRC"/man/*.[0-9]; do
	mandoc -T lint -W warning "$page" >lint.out 2>&1 || { cat lint.out; fail "mandoc -T lint $page"; }
	[ -s lint.out ] && { cat lint.out; fail "lint messages for $page"; }
	n=$((n + 1))
done
for tool in $HVT_TOOLS; do
	[ -d "$HVT_SRC/tools/$tool" ] || continue
	[ -f "$HVT_SRC/man/$tool.1" ] || fail "tools/$tool has no man/$tool.1"
done
[ -f "$HVT_SRC/man/hvsock.7" ] || fail "man/hvsock.7 is missing"
ok "$n man pages lint clean"
