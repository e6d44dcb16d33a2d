#!/bin/sh
# platform: posix
# hvnc -l ADDRESS --notify (issue 19): sd_notify messages as systemd's "vsock-stream:" socket
# sends them (tests/e2e/sdnotify_send.py: KEY=VALUE lines, half-close, one connection per
# message) and podman's single "Ready" line (socat), over unix, tcp and vsock-mux's PATH_PORT;
# printed as text and JSON, --until, --timeout, --forward-notify to a datagram socket (path and
# abstract name), a sender that never closes, an over-long message, and usage errors. The
# guest check hvnc-notify-vsock sends from inside the QEMU guest over AF_VSOCK.
. "$(dirname "$0")/lib.sh"
send() { timeout 15 python3 "$HVT_SRC/tests/e2e/sdnotify_send.py" "$@" || fail "send $*: exit $?"; }

# --- unix: what PID 1 sends, in order, until READY=1 -----------------------------------------
bg $HVNC -l -v "unix:$T/n.sock" --notify --until READY=1 >out 2>n.err
p=$!
wait_path "$T/n.sock"
send "unix:$T/n.sock" 'X_SYSTEMD_HOSTNAME=vm1\nX_SYSTEMD_MACHINE_ID=0123456789abcdef0123456789abcdef\n'
send "unix:$T/n.sock" 'READY=1\n'
wait "$p" || fail "--until READY=1: exit $?"
printf 'X_SYSTEMD_HOSTNAME=vm1\nX_SYSTEMD_MACHINE_ID=0123456789abcdef0123456789abcdef\n\nREADY=1\n\n' >want
same out want
[ -e "$T/n.sock" ] && fail "n.sock left behind"
ok "unix: messages printed, one block each; --until READY=1 exits 0 and removes the socket"

# --- tcp and JSON, --until KEY=VALUE on a later line -----------------------------------------
bg $HVNC -l -v tcp:127.0.0.1:0 --notify -j --until X_SYSTEMD_UNIT_ACTIVE=ssh-access.target \
	>out 2>t.err
p=$!
port=$(listen_port t.err)
send "tcp:127.0.0.1:$port" 'X_SYSTEMD_UNIT_ACTIVE=sockets.target\n' \
	'STATUS=a "quoted"\tvalue\nX_SYSTEMD_UNIT_ACTIVE=ssh-access.target\n'
wait "$p" || fail "tcp --until: exit $?"
python3 - out <<'PY' || fail "JSON: $(cat out)"
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
assert len(msgs) == 2, msgs
assert msgs[0]["fields"] == {"X_SYSTEMD_UNIT_ACTIVE": "sockets.target"}, msgs[0]
assert msgs[1]["fields"]["STATUS"] == 'a "quoted"\tvalue', msgs[1]
assert msgs[1]["lines"][1] == "X_SYSTEMD_UNIT_ACTIVE=ssh-access.target", msgs[1]
assert msgs[1]["from"].startswith("tcp:127.0.0.1:"), msgs[1]
PY
ok "tcp: -j prints one JSON object per message; --until KEY=VALUE"

# --- podman's one line, through vsock-mux's PATH_PORT (where the VMM connects) --------------
bg $HVNC -l "vsock-mux:$T/vmm.sock:1025" --notify --until Ready >out 2>m.err
p=$!
wait_path "$T/vmm.sock_1025"
printf 'Ready\n' | timeout 10 socat - "UNIX-CONNECT:$T/vmm.sock_1025" || fail "socat: exit $?"
wait "$p" || fail "--until Ready: exit $?"
[ "$(head -n 1 out)" = Ready ] || fail "Ready: got '$(cat out)'"
ok "vsock-mux: podman's single 'Ready' line counts as a message"

# --- --timeout: exit 1 with a line; without --until, exit 0 ---------------------------------
start=$(date +%s)
timeout 20 $HVNC -l "unix:$T/t.sock" --notify --until READY=1 --timeout 1 >out 2>err
[ $? = 1 ] || fail "--timeout: exit $?"
[ $(($(date +%s) - start)) -le 4 ] || fail "--timeout 1 took $(($(date +%s) - start)) s"
grep -q "^hvnc: timed out after 1.0 s waiting for --until READY=1$" err || fail "--timeout: $(cat err)"
timeout 20 $HVNC -l "unix:$T/t.sock" --notify --timeout 0.5 >out 2>err || fail "--timeout alone: $?"
timeout 20 $HVNC -l "unix:$T/t.sock" --notify --until READY=1 --until Ready --timeout 0.5 >out 2>err
[ $? = 1 ] || fail "--timeout, two --until: exit $?"
grep -q "^hvnc: timed out after 0.5 s waiting for --until READY=1 or Ready$" err ||
	fail "--timeout, two --until: $(cat err)"
ok "--timeout: exit 1 when --until did not arrive, 0 without --until"

# --- --forward-notify: each message as one datagram to $NOTIFY_SOCKET -------------------------
cat >dgram.py <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
name = sys.argv[1]
s.bind("\0" + name[1:] if name.startswith("@") else name)
print("ready", flush=True)
with open(sys.argv[2], "wb") as f:
    for _ in range(2):
        f.write(s.recv(8192) + b"|")
        f.flush()
PY
for ns in "$T/notify.sock" "@hvt-notify-$$"; do
	rm -f got.dgram
	bg python3 dgram.py "$ns" got.dgram >d.out 2>d.err
	d=$!
	wait_line d.out ready
	bg env NOTIFY_SOCKET="$ns" $HVNC -l "unix:$T/f.sock" --notify --forward-notify \
		--until READY=1 >out 2>f.err
	p=$!
	wait_path "$T/f.sock"
	send "unix:$T/f.sock" 'STATUS=starting\n'
	send "unix:$T/f.sock" 'READY=1\nSTATUS=up\n'
	wait "$p" || fail "--forward-notify $ns: exit $?"
	wait "$d" || fail "datagram receiver: exit $?"
	[ "$(cat got.dgram)" = "STATUS=starting
|READY=1
STATUS=up
|" ] || fail "--forward-notify $ns: got '$(cat got.dgram)'"
done
NOTIFY_SOCKET= $HVNC -l "unix:$T/f.sock" --notify --forward-notify >out 2>err
[ $? = 2 ] || fail "no NOTIFY_SOCKET: exit $?"
grep -q "^hvnc: --forward-notify: NOTIFY_SOCKET is not set" err || fail "no NOTIFY_SOCKET: $(cat err)"
ok "--forward-notify: one datagram per message, to a path and to an @abstract name"

# --- a sender that never closes, a message over 4096 bytes: dropped, the next one counts -----
bg $HVNC -l "unix:$T/s.sock" --notify --until READY=1 >out 2>s.err
p=$!
wait_path "$T/s.sock"
# One process connects all three in this order, so that they are accepted in it (sleeps
# between separate senders would race on a loaded machine).
python3 - "$T/s.sock" <<'PY' &
import socket, sys, time
def conn():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    return s
stuck = conn()
stuck.sendall(b"READY=1\n")  # and never half-closes
long = conn()
long.sendall(b"a" * 5000)
long.shutdown(socket.SHUT_WR)
ready = conn()
ready.sendall(b"READY=1\n")
ready.shutdown(socket.SHUT_WR)
time.sleep(15)
PY
PIDS="$PIDS $!"
wait "$p" || fail "after the stuck sender: exit $?"
grep -q "^hvnc: message from unix: dropped: the sender did not close within 5 s$" s.err ||
	fail "stuck sender: $(cat s.err)"
grep -q "^hvnc: message from unix: dropped: longer than 4096 bytes$" s.err ||
	fail "long message: $(cat s.err)"
ok "a sender that never half-closes and a message over 4096 bytes are dropped with a line"

# --- stdout a pipe whose reader went away: one line, exit 1, the socket file removed -------
# shellcheck disable=SC2086
bg python3 -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call(sys.argv[1:], stdout=w))' $HVNC -l "unix:$T/p.sock" --notify 2>p.err
p=$!
wait_path "$T/p.sock"
send "unix:$T/p.sock" 'READY=1\n'
wait "$p"
[ $? = 1 ] || fail "stdout gone: exit $?"
[ "$(cat p.err)" = "hvnc: write error on standard output: Broken pipe" ] || fail "stdout gone: $(cat p.err)"
[ -e "$T/p.sock" ] && fail "stdout gone: p.sock left behind"
ok "--notify with nobody reading stdout stops with one line, exit 1"

# --- usage ---------------------------------------------------------------------------------
for args in "--notify unix:$T/x" "-l --until READY=1 unix:$T/x" "-l -j unix:$T/x" \
	"-l --notify -e cat unix:$T/x" "-l --notify --until =1 unix:$T/x"; do
	# shellcheck disable=SC2086
	$HVNC $args >out 2>err </dev/null
	[ $? = 2 ] || fail "hvnc $args: exit $?"
	[ "$(grep -vc '^Try ' err)" = 1 ] || fail "hvnc $args: $(cat err)"
done
ok "usage errors: one line, exit 2"
