#!/bin/sh
# Runs one CLI case (util-linux style): the case script's stdout, stderr and exit status are
# written as one report and compared with CASE.expected beside it.
# HVT_UPDATE_EXPECTED=1 writes the expected file instead (review the diff before committing).
case_file=$1
expected=${case_file%.sh}.expected
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
sh "$case_file" >out 2>err </dev/null
rc=$?
{
	echo '--- stdout'
	cat out
	echo '--- stderr'
	cat err
	echo "return value: $rc"
} >report
if [ "${HVT_UPDATE_EXPECTED:-}" = 1 ]; then
	cp report "$expected"
	exit 0
fi
if ! diff -u "$expected" report; then
	echo "FAIL: $case_file (diff above: - expected, + actual)"
	exit 1
fi
