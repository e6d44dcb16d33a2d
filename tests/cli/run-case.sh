#!/bin/sh
# Runs one CLI case (util-linux style): the case script's stdout, stderr and exit status are
# written as one report and compared with CASE.expected beside it.
# HVT_UPDATE_EXPECTED=1 writes the expected file instead (review the diff before committing).
case_file=$1
expected=${case_file%.sh}.expected
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# The case runs in a directory of its own, so that its files cannot clobber the capture.
mkdir "$tmp/work" && cd "$tmp/work" || exit 1
sh "$case_file" >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
{
	echo '--- stdout'
	cat "$tmp/out"
	echo '--- stderr'
	cat "$tmp/err"
	echo "return value: $rc"
} >"$tmp/report"
if [ "${HVT_UPDATE_EXPECTED:-}" = 1 ]; then
	cp "$tmp/report" "$expected"
	exit 0
fi
if ! diff -u "$expected" "$tmp/report"; then
	echo "FAIL: $case_file (diff above: - expected, + actual)"
	exit 1
fi
