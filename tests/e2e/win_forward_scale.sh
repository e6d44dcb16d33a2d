#!/bin/sh
# platform: windows
# The Windows forwarder (hvnc.exe -lk --to, common/win/forward.c on the event engine) under
# Wine with 1000 concurrent connections, each echoing checksummed data (bench/loadgen.c through
# hvnc.exe to bench/echod.c, both native): all set up, every byte right, EOF passed on both
# ways at the end, and never more than 16 threads in the process (sampled every 50 ms from
# /proc/PID/task; Wine's own threads count too). Then Ctrl-C ends it with 130.
. "$(dirname "$0")/lib.sh"
CC=${CC:-cc}
for p in loadgen echod; do
	$CC -std=c11 -D_GNU_SOURCE -O2 -o $T/$p "$HVT_SRC/bench/$p.c" || fail "cannot build bench/$p.c"
done
bg $T/echod tcp:127.0.0.1:0 >echod.out 2>echod.err
wait_line echod.out port
eport=$(awk '/port/ {print $2}' echod.out)

PYTHONPATH="$HVT_SRC/tests/e2e" python3 - "$HVT_SRC/tests/win/wine-run" "${HVNC##* }" "$T/loadgen" "$eport" <<'EOF2' || fail "see above"
import os, signal, subprocess, sys, threading, time
from libwin import most_threads, sigint

run, exe, loadgen, eport = sys.argv[1:5]
p = subprocess.Popen([run, exe, "-lk", "-m", "2000", "-v", "tcp:127.0.0.1:0", "--to",
                      "tcp:127.0.0.1:" + eport], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
line = p.stderr.readline().decode()
if "listening on" not in line:
    raise SystemExit("FAIL: no 'listening on' line: %r" % line)
port = line.strip().rsplit(":", 1)[1]
lines = []
threading.Thread(target=lambda: lines.extend(p.stderr), daemon=True).start()
lg, most = most_threads(p.pid, lambda: subprocess.run(
    [loadgen, "-n", "1000", "-c", "200", "-s", "4096", "-d", "1", "-t", "120",
     "tcp:127.0.0.1:" + port], capture_output=True, text=True))
out = lg.stdout.strip()
bad = 0
if lg.returncode != 0 or "established=1000 " not in out or "errors=0" not in out:
    print("FAIL: 1000 connections through hvnc.exe: %s %s" % (out, lg.stderr[-2000:]))
    bad = 1
else:
    print("ok: 1000 concurrent echo connections through hvnc.exe -lk --to: " + out)
if most > 16 or most == 0:
    print("FAIL: hvnc.exe had up to %d threads (at most 16 expected)" % most)
    bad = 1
else:
    print("ok: at most %d threads" % most)
rc, _ = sigint(p)
if rc != 130:
    print("FAIL: Ctrl-C: exit %s, expected 130" % rc)
    bad = 1
errs = [l for l in lines if b"connection from" not in l and b"connected to" not in l]
if errs:
    print("FAIL: unexpected messages: %r" % errs[:5])
    bad = 1
sys.exit(bad)
EOF2
ok "1000 connections under Wine"
