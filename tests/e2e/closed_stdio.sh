#!/bin/sh
# platform: posix
# A closed standard descriptor must not become a socket: with stdout closed, hvnc's connection
# would take fd 1 and send the peer its own data back; with stdin closed, it would read the
# peer's data as its input and echo it; with stderr closed, -v lines would go into the
# connection. Each tool holds fds 0-2 with /dev/null at start.
. "$(dirname "$0")/lib.sh"
printf 'from the server\n' >hello

serve() { # NAME: a one-shot server that sends hello and keeps what it receives in NAME.got
	bg $HVNC -l -v tcp:127.0.0.1:0 <hello >"$1.got" 2>"$1.err"
	SPID=$!
	PORT=$(listen_port "$1.err")
}

serve out
$HVNC tcp:127.0.0.1:$PORT </dev/null >&- 2>/dev/null
wait $SPID
[ -s out.got ] && fail "stdout closed: the server got back '$(cat out.got)'"
ok "stdout closed: nothing goes back to the peer"

serve in
$HVNC tcp:127.0.0.1:$PORT <&- >in.client 2>/dev/null
wait $SPID
[ -s in.got ] && fail "stdin closed: the server got '$(cat in.got)'"
[ "$(cat in.client)" = "from the server" ] || fail "stdin closed: client got '$(cat in.client)'"
ok "stdin closed: empty input, the peer's data reaches stdout"

serve err
$HVNC -v tcp:127.0.0.1:$PORT </dev/null >err.client 2>&-
wait $SPID
[ -s err.got ] && fail "stderr closed: the server got '$(cat err.got)'"
ok "stderr closed: -v lines do not go into the connection"

bg $HVPING -l -v unix:$T/p.sock 2>ping.err
wait_path "$T/p.sock"
$HVPING -c 1 unix:$T/p.sock >&- 2>ping.client || fail "hvping with stdout closed: exit $?"
grep -q 'not an hvping client' ping.err && fail "hvping wrote its header into the socket"
ok "hvping with stdout closed speaks the protocol"
