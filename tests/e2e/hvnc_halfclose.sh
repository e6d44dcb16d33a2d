#!/bin/sh
# platform: posix
# Half-close: the server answers only after it saw EOF; the client must still get the answer.
# Also --no-shutdown (no answer until -q ends it), -q, -d, --send-only and --recv-only.
. "$(dirname "$0")/lib.sh"
random_file req 300000

bg $HVNC -l unix:$T/s -c 'wc -c' 2>l.err
wait_path $T/s
out=$($HVNC unix:$T/s <req 2>c.err) || fail "client exited $?"
[ "$(echo $out)" = 300000 ] || fail "expected 300000 from wc -c, got '$out'"
wait $!
ok "request/response after half-close"

# tcp, server side is the stdio one and the client runs the program.
bg $HVNC -l -v tcp:127.0.0.1:0 -c 'sha256sum' 2>l.err
port=$(listen_port l.err)
out=$($HVNC tcp:127.0.0.1:$port <req 2>c.err) || fail "tcp client exited $?"
[ "${out%% *}" = "$(sum req)" ] || fail "sha256 over tcp half-close differs"
wait $!
ok "tcp request/response after half-close"

# --no-shutdown: the server never sees EOF, so no answer; -q 0.5 ends the client.
bg $HVNC -l unix:$T/s2 -c 'wc -c' 2>l2.err
wait_path $T/s2
out=$($HVNC --no-shutdown -q 0.5 unix:$T/s2 <req 2>c2.err)
rc=$?
[ $rc = 0 ] || fail "--no-shutdown -q exited $rc"
[ -z "$out" ] || fail "--no-shutdown: expected no answer, got '$out'"
kill $! 2>/dev/null
ok "--no-shutdown with -q"

# -d: stdin is not read, the peer sees EOF at once and answers 0.
bg $HVNC -l unix:$T/s3 -c 'wc -c' 2>l3.err
wait_path $T/s3
out=$(echo data | $HVNC -d unix:$T/s3 2>c3.err) || fail "-d exited $?"
[ "$(echo $out)" = 0 ] || fail "-d: expected 0, got '$out'"
ok "-d"

# --send-only: what the peer sends is ignored; --recv-only: stdin is never sent.
bg $HVNC -l unix:$T/s4 -c 'cat; echo reply' 2>l4.err
wait_path $T/s4
out=$(echo hi | $HVNC --send-only unix:$T/s4 2>c4.err) || fail "--send-only exited $?"
[ -z "$out" ] || fail "--send-only printed '$out'"
ok "--send-only"
bg $HVNC -l unix:$T/s5 -c 'echo hello' 2>l5.err
wait_path $T/s5
out=$(echo ignored | $HVNC --recv-only unix:$T/s5 2>c5.err) || fail "--recv-only exited $?"
[ "$out" = hello ] || fail "--recv-only: got '$out'"
ok "--recv-only"
