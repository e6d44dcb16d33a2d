#!/bin/sh
# platform: posix
# Every message line goes out in one write(2): concurrent servers (hvnc -lk -v, hvping -l -v,
# their connections' processes) share stderr, and lines written piecewise interleave
# mid-line ("hvnc: hvnc: cannot serve connectioncannot run..."). Watched with strace.
. "$(dirname "$0")/lib.sh"
command -v strace >/dev/null || { echo "skip: strace is not installed (tests/deps.sh)"; exit 77; }
# LeakSanitizer cannot run under ptrace; the sanitizer tree checks leaks everywhere else.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
one_write() { # NAME CMD...: every write to fd 2 is whole lines
	name=$1
	shift
	strace -f -qq -s 8192 -e trace=write -o "$name.st" "$@" </dev/null >/dev/null 2>"$name.err"
	[ -s "$name.err" ] || fail "$name: no message at all"
	grep -o 'write(2, ".*", [0-9]*)' "$name.st" >"$name.w" || fail "$name: no write to stderr"
	bad=$(grep -v '\\n", [0-9]*)$' "$name.w")
	[ -z "$bad" ] || fail "$name: a write that is not whole lines: $bad"
	[ "$(wc -l <"$name.w")" -eq "$(wc -l <"$name.err")" ] ||
		fail "$name: $(wc -l <"$name.w") writes for $(wc -l <"$name.err") lines"
	ok "$name: $(wc -l <"$name.err") lines, one write each"
}
one_write refused $HVNC -v tcp:127.0.0.1:1
one_write bad-option $HVNC --no-such
one_write usage $HVNC --to
one_write exec-missing sh -c "$HVNC -l -v unix:$T/x.sock -e /nonexistent/prog & sleep 0.3; $HVNC -d unix:$T/x.sock; wait"
