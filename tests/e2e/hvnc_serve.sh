#!/bin/sh
# platform: posix
# -k with concurrent clients against -e, -c with the connection environment, -m, --to
# forwarding tcp -> unix and unix -> tcp, and -z.
. "$(dirname "$0")/lib.sh"

bg $HVNC -lk -v unix:$T/echo -e /bin/cat 2>echo.err
echo_pid=$!
wait_path $T/echo
for i in 1 2 3 4 5 6; do
	random_file in$i 3000000
	( $HVNC unix:$T/echo <in$i >out$i 2>c$i.err; echo $? >rc$i ) &
done
wait_clients() {
	i=0
	while [ "$(ls rc* 2>/dev/null | wc -l)" -lt "$1" ]; do
		i=$((i + 1)); [ $i -gt 600 ] && fail "clients did not finish"; sleep 0.05
	done
}
wait_clients 6
for i in 1 2 3 4 5 6; do
	[ "$(cat rc$i)" = 0 ] || fail "client $i exited $(cat rc$i)"
	same in$i out$i
done
[ "$(grep -c 'connection from' echo.err)" = 6 ] || fail "expected 6 'connection from' lines"
ok "-k -e cat with 6 concurrent clients"
rm -f rc*

# -c gets the connection described in the environment (UCSPI style).
bg $HVNC -l -v tcp:127.0.0.1:0 -c 'echo "$PROTO $TCPREMOTEIP $TCPLOCALPORT"' 2>env.err
port=$(listen_port env.err)
out=$($HVNC -d tcp:127.0.0.1:$port 2>envc.err) || fail "env client exited $?"
[ "$out" = "TCP 127.0.0.1 $port" ] || fail "environment: got '$out'"
ok "-c environment PROTO/TCPREMOTEIP/TCPLOCALPORT"

# -m 1: a second client waits until the first is done (accept is held back).
bg $HVNC -lk -m 1 unix:$T/one -c 'cat >/dev/null; date +%s%N' 2>one.err
wait_path $T/one
( sleep 1 | $HVNC unix:$T/one >first 2>/dev/null ) &
sleep 0.2
t0=$(date +%s%N)
$HVNC unix:$T/one </dev/null >second 2>/dev/null || fail "-m second client failed"
t1=$(cat second)
[ $((t1 - t0)) -gt 500000000 ] || fail "-m 1: second connection was served at once"
wait $! 2>/dev/null
ok "-m 1 serialises connections"

# --to: tcp -> hvnc -> unix echo, and unix -> hvnc -> tcp -> hvnc -> unix echo.
bg $HVNC -lk -v tcp:127.0.0.1:0 --to unix:$T/echo 2>fwd.err
fport=$(listen_port fwd.err)
bg $HVNC -lk unix:$T/fwd2 --to tcp:127.0.0.1:$fport 2>fwd2.err
wait_path $T/fwd2
random_file big 20000000
$HVNC tcp:127.0.0.1:$fport <big >back1 2>f1.err || fail "tcp->unix forward client exited $?"
same big back1
$HVNC unix:$T/fwd2 <big >back2 2>f2.err || fail "unix->tcp->unix chain client exited $?"
same big back2
ok "--to forwarding tcp->unix and unix->tcp->unix, 20 MB echoed"

# -z: 0 when something listens, 1 with the error when not.
$HVNC -z unix:$T/echo || fail "-z on a listener exited $?"
$HVNC -z unix:$T/nothing 2>z.err && fail "-z on a missing socket succeeded"
grep -q "connect unix:$T/nothing: no such file or directory" z.err || fail "-z error text: $(cat z.err)"
ok "-z"

kill $echo_pid
wait $echo_pid
rc=$?
[ $rc = 143 ] || fail "SIGTERM on a -k listener: expected exit 143, got $rc"
[ -e $T/echo ] && fail "listener left its socket file behind"
ok "SIGTERM ends a -k listener cleanly and removes its socket"
