#!/bin/sh
# platform: posix
# hvnc --fdpass ADDRESS (issue 19) with the real OpenSSH client and server: sshd -i under
# hvnc -lk -e on unix, tcp and vsock-mux (tests/e2e/fakevmm.py in front of a unix "guest"
# listener), ssh with ProxyCommand='hvnc --fdpass ...' and ProxyUseFdpass=yes; a command, a
# file both ways with scp, a tree with rsync; the proxy is gone while the session runs (no relay);
# errors: stdout that is no unix socket, nothing listening. The guest check hvnc-fdpass-vsock
# does the same over AF_VSOCK in the QEMU guest.
. "$(dirname "$0")/lib.sh"
. "$HVT_SRC/tests/e2e/libssh.sh"
for p in ssh scp rsync; do command -v $p >/dev/null || fail "$p missing (tests/deps.sh)"; done
ssh_setup "$T/ssh" || fail "ssh setup"
O=$(ssh_opts)
mkdir guests
bg python3 "$HVT_SRC/tests/e2e/fakevmm.py" "$T/vmm.sock" "$T/guests" >vmm.out 2>vmm.err
wait_line vmm.out ready
bg $HVNC -lk "unix:$T/guests/22" -e "$SSHD_CMD" 2>guest.err
bg $HVNC -lk "unix:$T/sshd.sock" -e "$SSHD_CMD" 2>unix.err
bg $HVNC -lk -v tcp:127.0.0.1:0 -e "$SSHD_CMD" 2>tcp.err
port=$(listen_port tcp.err)
wait_path "$T/sshd.sock"
wait_path "$T/guests/22"
random_file data 3000000
mkdir -p tree/sub
random_file tree/a 70000
random_file tree/sub/b 123457

for addr in "unix:$T/sshd.sock" "tcp:127.0.0.1:$port" "vsock-mux:$T/vmm.sock:22"; do
	proxy="ProxyCommand=$HVNC -v --fdpass $addr"
	# shellcheck disable=SC2086
	out=$(timeout 60 ssh $O -o "$proxy" -o ProxyUseFdpass=yes vm 'echo "$SSH_CONNECTION" | wc -w; echo hi' 2>ssh.err) ||
		fail "ssh via $addr: exit $? ($(cat ssh.err))"
	[ "$(echo "$out" | tail -n 1)" = hi ] || fail "ssh via $addr: got '$out'"
	grep -q "^hvnc: handed the connection to stdout$" ssh.err || fail "no hand-over: $(cat ssh.err)"
	# No relay in the data path: while the session runs, the proxy has exited.
	# shellcheck disable=SC2086
	timeout 60 ssh $O -o "$proxy" -o ProxyUseFdpass=yes vm 'sleep 2; echo done' >slow.out 2>slow.err &
	s=$!
	sleep 1.2
	pgrep -f -- "^$HVNC -v --fdpass $addr" >/dev/null && fail "hvnc --fdpass still runs during the session ($addr)"
	wait "$s" || fail "slow session via $addr: $(cat slow.err)"
	rm -f got tree2 -r
	# shellcheck disable=SC2086
	timeout 60 scp -q $O -o "$proxy" -o ProxyUseFdpass=yes data "vm:$T/up" 2>scp.err ||
		fail "scp up via $addr: $(cat scp.err)"
	# shellcheck disable=SC2086
	timeout 60 scp -q $O -o "$proxy" -o ProxyUseFdpass=yes "vm:$T/up" got 2>scp.err ||
		fail "scp down via $addr: $(cat scp.err)"
	same got data
	timeout 60 rsync -a -e "ssh $O -o '$proxy' -o ProxyUseFdpass=yes" tree/ "vm:$T/tree2/" 2>rsync.err ||
		fail "rsync via $addr: $(cat rsync.err)"
	same tree/a tree2/a
	same tree/sub/b tree2/sub/b
	ok "ssh, scp both ways (3 MB) and rsync through hvnc --fdpass $addr; no relay left running"
done

# --- errors: stdout that is no unix socket; nothing listening -------------------------------
$HVNC --fdpass "unix:$T/sshd.sock" >not-a-socket 2>err
[ $? = 1 ] || fail "--fdpass to a file: exit $?"
grep -q "^hvnc: --fdpass: cannot hand the connection to stdout (ssh runs this with ProxyUseFdpass=yes, stdout a unix socket): socket operation on non-socket$" err ||
	fail "--fdpass to a file: $(cat err)"
# shellcheck disable=SC2086
timeout 30 ssh $O -o "ProxyCommand=$HVNC --fdpass vsock-mux:$T/vmm.sock:2222" -o ProxyUseFdpass=yes vm true 2>err &&
	fail "ssh to a port nothing listens on: exit 0"
grep -q "^hvnc: connect vsock-mux:$T/vmm.sock:2222: connection refused$" err || fail "no listener: $(cat err)"
$HVNC --fdpass -l "unix:$T/x" 2>err
[ $? = 2 ] || fail "--fdpass -l: exit $?"
ok "--fdpass: stdout no socket and no listener each say so, exit 1; with -l exit 2"
