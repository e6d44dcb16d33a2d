#!/bin/sh
# platform: windows
# Ctrl-C (SIGINT, which Wine turns into CTRL_C_EVENT) makes hvnc.exe stop waiting and exit
# with 130 as on Linux: while listening (accept), while relaying, and while connecting.
# python3 starts the programs: a shell's background jobs would ignore SIGINT.
. "$(dirname "$0")/lib.sh"
PYTHONPATH="$HVT_SRC/tests/e2e" python3 - "$HVT_SRC/tests/win/wine-run" "${HVNC##* }" <<'EOF2' || fail "see above"
import signal, socket, subprocess, sys, time
from libwin import sigint

run, exe = sys.argv[1], sys.argv[2]
bad = 0

def interrupt(what, args, ready, stdin=subprocess.DEVNULL):
    global bad
    p = subprocess.Popen([run, exe] + args, stdin=stdin, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    ready(p)
    rc, took = sigint(p)
    err = p.stderr.read().decode(errors="replace")
    if rc != 130 or took > 3:
        print("FAIL: %s: exit %s after %.2f s, expected 130 at once; stderr: %r"
              % (what, rc, took, err))
        bad = 1
    else:
        print("ok: Ctrl-C %s: exit 130 after %.2f s" % (what, took))

# accept
def listening(p):
    line = p.stderr.readline().decode()
    if "listening on" not in line:
        raise SystemExit("FAIL: no 'listening on' line: %r" % line)
    time.sleep(0.3)
interrupt("while listening", ["-l", "-v", "tcp:127.0.0.1:0"], listening)

# relay: the peer sends a little and stays open; stdin stays open too.
srv = socket.socket()
srv.bind(("127.0.0.1", 0))
srv.listen(1)
def relaying(p):
    c, _ = srv.accept()
    c.sendall(b"hello\n")
    if p.stdout.read(6) != b"hello\n":
        raise SystemExit("FAIL: relay did not deliver")
    relaying.conn = c
interrupt("while relaying", ["tcp:127.0.0.1:%d" % srv.getsockname()[1]], relaying,
          stdin=subprocess.PIPE)

# -k with -e: the accept loop and its tasks.
def serving(p):
    listening(p)
interrupt("while serving -k -e", ["-l", "-k", "-v", "-e", "cmd /c exit", "tcp:127.0.0.1:0"],
          serving)
sys.exit(bad)
EOF2
