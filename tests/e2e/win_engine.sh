#!/bin/sh
# platform: windows
# The Windows event engine (common/win/engine.c, issue 21) under Wine, on its real code paths:
#  1. idle connections cost no wake-ups: hvnc.exe -lk --to with 20 idle forwarded connections
#     makes at most twice the context switches of the idle listener (plus 20 for noise);
#  2. Ctrl-C ends a relay whose peer never reads (a send blocked for good) within 1 s, exit
#     130: the stdin relay, and the forwarder with a target that never reads;
#  3. clients that connect and reset before they are accepted do not block the listener: a
#     good client after 30 of them is served at once, and Ctrl-C still ends it within 1 s;
#  4. -i in the forwarder ends an idle pair (its own timer thread, woken at the deadline);
#  5. the tail of a transfer: -e with a program that never reads its input closes gracefully
#     (the unread input is drained before closesocket), so the client gets the output and a
#     clean EOF, not a reset;
#  6. Ctrl-C ends -e whose program writes to a client that never reads, within 1 s;
#  7. -lk serving stdin to one connection after the other: what stdin brings after a
#     connection ended goes to the next one (the ended relay's stdin thread kept reading);
#  8. Ctrl-C ends -e whose program says nothing and does not read its input (the program's
#     stdout read and the write to its stdin are cancelled), within 1 s.
# Context switches are those of every thread of the Wine process (/proc/PID/task/*/status).
. "$(dirname "$0")/lib.sh"
PYTHONPATH="$HVT_SRC/tests/e2e" python3 - "$HVT_SRC/tests/win/wine-run" "${HVNC##* }" "$T" <<'EOF' || fail "see above"
import atexit, os, signal, socket, struct, subprocess, sys, threading, time
from libwin import sigint, switches

run, exe, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
bad = 0
started = []  # killed at the end, also after a failure


def hvnc(args, **kw):
    p = subprocess.Popen([run, exe] + args, **kw)
    started.append(p)
    return p


atexit.register(lambda: [p.kill() for p in started if p.poll() is None])

def check(ok, what):
    global bad
    print(("ok: " if ok else "FAIL: ") + what)
    bad |= not ok

class Target:
    """A tcp server on 127.0.0.1 that accepts and holds connections: echoing, or never
    reading at all."""
    def __init__(self, echo):
        self.s = socket.socket()
        self.s.bind(("127.0.0.1", 0))
        self.s.listen(128)
        self.port = self.s.getsockname()[1]
        self.conns = []
        self.echo = echo
        threading.Thread(target=self.serve, daemon=True).start()
    def serve(self):
        while True:
            try:
                c, _ = self.s.accept()
            except OSError:
                return
            self.conns.append(c)
            if self.echo:
                threading.Thread(target=self.pump, args=(c,), daemon=True).start()
    def pump(self, c):
        try:
            while True:
                b = c.recv(65536)
                if not b:
                    c.shutdown(socket.SHUT_WR)
                    return
                c.sendall(b)
        except OSError:
            pass

def forwarder(target):
    p = hvnc(["-lk", "-m", "200", "-v", "tcp:127.0.0.1:0", "--to",
                          "tcp:127.0.0.1:%d" % target.port],
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    if "listening on" not in line:
        raise SystemExit("FAIL: no 'listening on' line: %r" % line)
    threading.Thread(target=lambda: p.stderr.read(), daemon=True).start()
    return p, int(line.strip().rsplit(":", 1)[1])

chunk = b"z" * 65536

def flooding(port):
    """A connection to port that has sent for 1.5 s, as much as would go."""
    c = socket.create_connection(("127.0.0.1", port))
    c.setblocking(False)
    end = time.time() + 1.5
    while time.time() < end:
        try:
            c.send(chunk)
        except BlockingIOError:
            time.sleep(0.02)
    return c

def interrupt(p, what):
    rc, took = sigint(p)
    check(rc == 130 and took <= 1.0,
          "Ctrl-C %s: exit %s after %.2f s (expected 130 within 1 s)" % (what, rc, took))

# 1. idle wake-ups
echo = Target(True)
p, port = forwarder(echo)
time.sleep(1)
a = switches(p.pid); time.sleep(3); idle = switches(p.pid) - a
clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
for c in clients:  # each pair is up and idle once its first bytes came back
    c.sendall(b"x")
    check_byte = c.recv(1)
    if check_byte != b"x":
        raise SystemExit("FAIL: no echo through the forwarder")
time.sleep(1)
a = switches(p.pid); time.sleep(3); busy = switches(p.pid) - a
check(busy <= 2 * idle + 20,
      "20 idle forwarded connections: %d context switches in 3 s, idle listener %d" % (busy, idle))

# 3. vanishing connections (same forwarder)
for _ in range(30):
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.connect(("127.0.0.1", port))
    c.close()  # a reset, maybe before hvnc accepts it
t = time.time()
c = socket.create_connection(("127.0.0.1", port))
c.settimeout(5)
c.sendall(b"still serving\n")
got = b""
try:
    while len(got) < 14:
        got += c.recv(100)
except OSError:
    pass
took = time.time() - t
check(got == b"still serving\n" and took < 2.0,
      "served after 30 clients that reset while queued (%.2f s)" % took)
for c in clients:
    c.close()
interrupt(p, "after resets in the queue")

# 2a. the forwarder, its target never reads
deaf = Target(False)
p, port = forwarder(deaf)
c = flooding(port)  # fill every buffer on the way
interrupt(p, "in the forwarder while its target does not read")
c.close()

# 2b. the stdin relay, its peer never reads
p = hvnc(["tcp:127.0.0.1:%d" % deaf.port], stdin=subprocess.PIPE,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
def feed():
    try:
        while True:
            p.stdin.write(chunk)
    except (OSError, ValueError):
        pass
threading.Thread(target=feed, daemon=True).start()
time.sleep(1.5)
interrupt(p, "in the stdin relay while its peer does not read")

# 4. -i in the forwarder
p = hvnc(["-lk", "-i", "0.5", "tcp:127.0.0.1:0", "--to",
                      "tcp:127.0.0.1:%d" % echo.port, "-v"],
                     stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
line = p.stderr.readline().decode()
port = int(line.strip().rsplit(":", 1)[1])
c = socket.create_connection(("127.0.0.1", port))
c.settimeout(5)
t = time.time()
c.sendall(b"a")
got = c.recv(10)
try:
    rest = c.recv(10)
except OSError as e:
    rest = e
took = time.time() - t
rc, _ = sigint(p)
err = p.stderr.read().decode()
check(got == b"a" and rest == b"" and 0.4 <= took <= 3 and "idle for 0.5 s, closing" in err,
      "-i 0.5 in the forwarder: EOF after %.2f s (%r), stderr %r" % (took, rest, err[-200:]))

# 5. a program that never reads its input: the client still gets its output and a clean EOF
p = hvnc(["-l", "-v", "-e", "cmd /c echo hi", "tcp:127.0.0.1:0"],
                     stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
line = p.stderr.readline().decode()
port = int(line.strip().rsplit(":", 1)[1])
c = socket.create_connection(("127.0.0.1", port))
c.settimeout(10)
c.sendall(b"q" * (256 << 10))
c.shutdown(socket.SHUT_WR)
out = b""
try:
    while True:
        b = c.recv(65536)
        if not b:
            out += b"<EOF>"
            break
        out += b
except OSError as e:
    out += ("<%s>" % e.__class__.__name__).encode()
p.wait(10)
time.sleep(0.3)  # a reset after our EOF would show here
reset = c.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
check(out == b"hi\r\n<EOF>" and reset == 0,
      "-e with unread input: the client got %r, then %s" % (out, os.strerror(reset) if reset else "no reset"))

# 6. -e sending to a client that never reads
big = os.path.join(tmp, "big.txt")
with open(big, "wb") as f:
    f.write(b"y" * (32 << 20))
p = hvnc(["-l", "-v", "-e", "cmd /c type big.txt", "tcp:127.0.0.1:0"], cwd=tmp,
         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
line = p.stderr.readline().decode()
port = int(line.strip().rsplit(":", 1)[1])
c = socket.create_connection(("127.0.0.1", port))
time.sleep(2)  # every buffer on the way fills
interrupt(p, "in -e while the client does not read")
c.close()

# 8. -e with a program that says nothing and does not read (ping as a sleep)
p = hvnc(["-l", "-v", "-e", "cmd /c ping -n 8 127.0.0.1 >nul", "tcp:127.0.0.1:0"],
         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
line = p.stderr.readline().decode()
port = int(line.strip().rsplit(":", 1)[1])
c = flooding(port)  # fill the program's stdin pipe: its pump blocks in WriteFile
interrupt(p, "in -e while the program is silent and does not read")
c.close()

# 7. stdin across the connections of -lk
p = hvnc(["-lk", "-v", "tcp:127.0.0.1:0"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
         stderr=subprocess.PIPE)
line = p.stderr.readline().decode()
port = int(line.strip().rsplit(":", 1)[1])
threading.Thread(target=lambda: p.stderr.read(), daemon=True).start()
got = []
for word in (b"one\n", b"two\n", b"three\n"):
    c = socket.create_connection(("127.0.0.1", port))
    c.settimeout(5)
    time.sleep(0.3)  # the relay runs, its stdin thread waits in ReadFile
    p.stdin.write(word)
    p.stdin.flush()
    try:
        got.append(c.recv(100))
    except OSError as e:
        got.append(repr(e).encode())
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()  # a reset ends this relay
    time.sleep(0.3)
check(got == [b"one\n", b"two\n", b"three\n"],
      "stdin to one -lk connection after the other: %r" % got)
interrupt(p, "in -lk with stdin")
sys.exit(bad)
EOF
