#!/bin/sh
# platform: posix
# clang-tidy (checks in .clang-tidy, every finding an error) and cppcheck over the project's
# own C files (common/, common/linux/, tools/), using this tree's compile_commands.json.
# Runs in the native tree only: the sanitizer tree would analyse the same code again.
# A false positive is suppressed where it is, with a reason: NOLINT(check): why, or
# cppcheck-suppress ID.
. "$(dirname "$0")/lib.sh"
if ! grep -q '^HVT_TEST_PREFIX:STRING=$' "$HVT_BUILD/CMakeCache.txt" 2>/dev/null; then
	echo "skip: static analysis runs in the native tree only"
	exit 77
fi
for p in clang-tidy cppcheck; do
	command -v $p >/dev/null || fail "$p is not installed (tests/deps.sh installs it)"
done
[ -f "$HVT_BUILD/compile_commands.json" ] || fail "no $HVT_BUILD/compile_commands.json"

cd "$HVT_SRC" || fail "cd $HVT_SRC"
files=$(ls common/*.c common/linux/*.c tools/*/*.c)

# clang-tidy: two files at a time in parallel; prints nothing for a clean file.
start=$(date +%s)
# shellcheck disable=SC2086
printf '%s\n' $files | xargs -P2 -n3 clang-tidy -p "$HVT_BUILD" --quiet >"$T/tidy.err" 2>&1
rc=$?
grep -E '(warning|error):' "$T/tidy.err" >"$T/tidy.found"
if [ $rc -ne 0 ] || [ -s "$T/tidy.found" ]; then
	cat "$T/tidy.err" >&2
	fail "clang-tidy (exit $rc): $(wc -l <"$T/tidy.found") findings"
fi
ok "clang-tidy: $(echo "$files" | wc -w) files clean in $(($(date +%s) - start)) s"

# cppcheck: the Linux configuration the compiler sees (all of cppcheck's guesses at
# configurations would also analyse the Windows branches without their headers).
start=$(date +%s)
# shellcheck disable=SC2086
cppcheck --enable=warning,portability,performance --error-exitcode=1 --inline-suppr \
	--std=c11 -j2 -q -I common -I common/linux -D_GNU_SOURCE -D__linux__ -D__GNUC__ \
	'-DHVT_VERSION="0"' $files >"$T/cppcheck.err" 2>&1 ||
	{ cat "$T/cppcheck.err" >&2; fail "cppcheck (exit $?)"; }
[ -s "$T/cppcheck.err" ] && { cat "$T/cppcheck.err" >&2; fail "cppcheck: output above"; }
ok "cppcheck: clean in $(($(date +%s) - start)) s"
