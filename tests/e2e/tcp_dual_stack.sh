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

# An IPv4 client of the dual-stack listener is shown as IPv4, not ::ffff:127.0.0.1.
bg $HVNC -l -v tcp:0 -c 'echo "$TCPREMOTEIP $HVNC_PEER"' 2>m.err
lpid=$!
port=$(listen_port m.err)
out=$($HVNC -d tcp:127.0.0.1:$port) || fail "v4-mapped: exit $?"
wait $lpid
case $out in
"127.0.0.1 tcp:127.0.0.1:"*) ;;
*) fail "an IPv4 peer reads '$out'" ;;
esac
grep -q "connection from tcp:127.0.0.1:" m.err || fail "-v: $(cat m.err)"
ok "an IPv4 peer of [::] reads as 127.0.0.1 (TCPREMOTEIP, HVNC_PEER, -v)"
