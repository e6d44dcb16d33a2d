#!/bin/sh
# platform: posix
# A terminal on stdout that stops reading (ssh on a dead link) must not block hvnc's loop:
# -i still ends the connection. hvnc writes to a terminal through a non-blocking file
# description of its own; a blocking write would hang here until the test's own timeout.
. "$(dirname "$0")/lib.sh"
python3 - "$HVNC" <<'PY' || fail "hvnc with a stalled terminal: see above"
import os, pty, shlex, socket, subprocess, sys, threading
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
port = srv.getsockname()[1]
def serve():
    c, _ = srv.accept()
    try:
        c.sendall(b"x" * 4000000)  # far more than a terminal buffers
    except OSError:
        pass
    threading.Event().wait(30)
threading.Thread(target=serve, daemon=True).start()
master, slave = pty.openpty()  # nobody reads master: the terminal stalls
cmd = shlex.split(sys.argv[1]) + ["-d", "-i", "1", "tcp:127.0.0.1:%d" % port]
p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
try:
    rc = p.wait(timeout=15)
except subprocess.TimeoutExpired:
    p.kill()
    print("FAIL: hvnc hung writing to the stalled terminal (-i 1 never fired)")
    sys.exit(1)
err = p.stderr.read().decode()
if rc != 1 or "idle for 1.0 s" not in err:
    print("FAIL: exit %d, stderr %r" % (rc, err))
    sys.exit(1)
print("ok: -i ends the connection while the terminal on stdout is stalled")
PY
