#!/bin/sh
# platform: windows
# The relay options of hvnc.exe under Wine behave as on Linux (tests/e2e/hvnc_halfclose.sh):
# --no-shutdown with -q, -d, --send-only, --recv-only, -i and --progress, against the native
# Linux hvnc over tcp loopback.
. "$(dirname "$0")/lib.sh"
NATIVE=${HVT_NATIVE_BUILD:-$HVT_SRC/build}/tools/hvnc/hvnc
[ -x "$NATIVE" ] || fail "no native hvnc at $NATIVE (build the native tree first)"
random_file req 300000

# serve NAME CMD: a native one-connection server running CMD; sets $port.
serve() {
	bg $NATIVE -l -v tcp:127.0.0.1:0 -c "$2" 2>"$1.err"
	port=$(listen_port "$1.err")
}

serve s1 'wc -c'
out=$(timeout 30 $HVNC --no-shutdown -q 0.5 tcp:127.0.0.1:"$port" <req 2>c1.err)
rc=$?
[ $rc = 0 ] || fail "--no-shutdown -q exited $rc"
[ -z "$out" ] || fail "--no-shutdown: expected no answer, got '$out'"
ok "--no-shutdown with -q"

serve s2 'wc -c'
out=$(echo data | timeout 30 $HVNC -d tcp:127.0.0.1:"$port" 2>c2.err) || fail "-d exited $?"
[ "$(echo $out)" = 0 ] || fail "-d: expected 0, got '$out'"
ok "-d"

serve s3 'cat >/dev/null; echo reply'
out=$(echo hi | timeout 30 $HVNC --send-only tcp:127.0.0.1:"$port" 2>c3.err) || fail "--send-only exited $?"
[ -z "$out" ] || fail "--send-only printed '$out'"
ok "--send-only"

serve s4 'echo hello'
out=$(echo ignored | timeout 30 $HVNC --recv-only tcp:127.0.0.1:"$port" 2>c4.err) || fail "--recv-only exited $?"
[ "$out" = hello ] || fail "--recv-only: got '$out'"
ok "--recv-only"

serve s5 'sleep 4'
start=$(date +%s)
timeout 30 $HVNC -i 1 -d tcp:127.0.0.1:"$port" >/dev/null 2>c5.err
rc=$?
took=$(($(date +%s) - start))
[ $rc = 1 ] || fail "-i 1: exit $rc, expected 1"
[ "$(cat c5.err)" = "hvnc: idle for 1.0 s, closing" ] || fail "-i 1: stderr '$(cat c5.err)'"
[ $took -le 5 ] || fail "-i 1 took $took s"
ok "-i idle timeout"

serve s6 'cat'
timeout 30 $HVNC --progress tcp:127.0.0.1:"$port" <req >out6 2>c6.err || fail "--progress exited $?"
same req out6
grep -q '^progress: sent 300000, received 300000 bytes in [0-9.]* s ([0-9.]* MiB/s)$' c6.err ||
	fail "--progress: last line '$(tail -n 1 c6.err)'"
ok "--progress"
