#!/bin/sh
# platform: posix
# hvnc -l tcp:PORT listens on all local addresses, as hvsock(7) says: IPv4 and IPv6 clients
# both reach it (a dual-stack [::] listener), and a bracketed IPv6 host works both ways.
. "$(dirname "$0")/lib.sh"
python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null ||
	{ echo "skip: no IPv6 loopback here"; exit 77; }
for client in 127.0.0.1 '[::1]'; do
	bg $HVNC -l -v tcp:0 >got 2>l.err
	lpid=$!
	port=$(listen_port l.err)
	printf 'over %s\n' "$client" | $HVNC "tcp:$client:$port" || fail "tcp:$client:$port: exit $?"
	wait $lpid || fail "listener: exit $?"
	[ "$(cat got)" = "over $client" ] || fail "tcp:$client: got '$(cat got)'"
	ok "hvnc -l tcp:$port takes a client on $client"
done
grep -q 'listening on tcp:\[::\]:' l.err || fail "not a dual-stack listener: $(cat l.err)"
