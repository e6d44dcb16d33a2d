#!/bin/sh
# platform: posix
# A reset peer is an error (exit 1 and a message), -i ends an idle connection, --progress
# reports the byte counts, and a closed stdout is an error rather than silence.
. "$(dirname "$0")/lib.sh"

# A peer that reads a little and then resets the connection (SO_LINGER 0).
cat >rst.py <<'PY'
import socket, struct, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.recv(1000)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
PY
python3 rst.py >rst.port &
PIDS="$PIDS $!"
wait_line rst.port '[0-9]'
port=$(cat rst.port)
head -c 50000000 /dev/zero | $HVNC tcp:127.0.0.1:$port >/dev/null 2>c.err
rc=$?
[ $rc = 1 ] || fail "reset peer: expected exit 1, got $rc"
grep -q 'connection reset by peer' c.err || fail "reset peer: message: $(cat c.err)"
ok "a reset peer is an error"

# -i: nothing moves for 0.3 s -> exit 1 with a message.
bg $HVNC -l unix:$T/idle -c 'sleep 5' 2>l.err
wait_path $T/idle
sleep 1 | $HVNC -i 0.3 unix:$T/idle >/dev/null 2>i.err
rc=$?
[ $rc = 1 ] || fail "-i: expected exit 1, got $rc"
grep -q 'idle for 0.3 s' i.err || fail "-i message: $(cat i.err)"
ok "-i idle timeout"

# --progress: the final line has the exact byte counts.
bg $HVNC -l unix:$T/p -e /bin/cat 2>lp.err
wait_path $T/p
head -c 1234567 /dev/zero | $HVNC --progress unix:$T/p >/dev/null 2>p.err || fail "--progress exited $?"
grep -q 'sent 1234567, received 1234567 bytes' p.err || fail "--progress: $(cat p.err)"
ok "--progress"

# stdout closed early: an error on stderr, not a silent success.
bg $HVNC -l unix:$T/o2 -c 'head -c 5000000 /dev/zero' 2>lo2.err
wait_path $T/o2
$HVNC -d unix:$T/o2 2>o2.err | head -c 10 >/dev/null
grep -q 'write to stdout: broken pipe' o2.err || fail "closed stdout: $(cat o2.err)"
ok "closed stdout is reported"
