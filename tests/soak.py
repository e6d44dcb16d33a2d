#!/usr/bin/env python3
"""The chaos soak of issue 20: `hvnc -lk` in each serving mode under a random mix of clients.

Run through tests/soak.sh (same options). Standard library only.

Modes (--mode, default all but wine-*):
  plain    hvnc -lk tcp:... </dev/null >PIPE: connections one after another through stdin and
           stdout. Uploads only (stdin is empty, a shared stdin would be split at random between
           connections): every upload is a frame (magic, id, length) and the driver checks each
           finished upload's sha256 in what the server wrote to its stdout.
  exec     hvnc -lk -m M unix:... -e child.sh      (a process per connection)
  sh       hvnc -lk -m M tcp:... -c 'read ...; case ...'
  to-tcp   hvnc -lk -m M tcp:... --to tcp:BACKEND  (the epoll forwarder; the backend is a python
  to-unix  hvnc -lk -m M unix:... --to unix:BACKEND  echo server in this process)
  wine-to-tcp, wine-plain: the same with hvnc.exe under Wine (--hvnc 'tests/win/wine-run X.exe'),
           where the forwarder is a thread per connection. No /proc checks: the process is Wine's
           (its handles live in wineserver, its fds and RSS are Wine's loader's and caches').

In every mode but plain the server side speaks a one-line protocol: the client sends
"echo\n" (then cat), "sum\n" (sha256sum: the answer comes after EOF), "early N\n" (read N bytes and
exit while the client still sends), "hang S\n" (sleep S seconds without reading, then exit). For
-e/-c it is a shell script (the server's children that exit early or hang); for --to the backend.

Client kinds (chosen from random.Random(f"{seed}:{mode}:{job}")): bulk (echo both ways, sha256),
sum (half-close, wait for the answer), short (small echo), kill (a client process SIGKILLed
mid-transfer), reset (SO_LINGER 0 mid-transfer), stopread (sends, never reads, then goes), never
(connects and sends nothing), early, hang (children that exit early or hang), burst (more
connections at once than -m).

The server's /proc/PID is sampled every second (fds, VmRSS, Threads, children) and its process
tree every 0.25 s for zombies. After a warm-up the idle server is the baseline; after the load and
a settle time the run fails on any fd more, RSS growth beyond RSS_SLACK_KB, a thread or child
left, a zombie seen for more than 1 s, a job past its deadline (a hang), a corrupted byte, or a
server that died or no longer serves.
"""
import argparse
import errno
import hashlib
import os
import random
import shlex
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

MODES = ["plain", "exec", "sh", "to-tcp", "to-unix"]
WINE_MODES = ["wine-to-tcp", "wine-plain"]
MAX_CONNS = 12        # -m of the concurrent modes; bursts open more than this at once
WORKERS = 6           # jobs running at once (each may open several connections)
DEADLINE = 60.0       # seconds a job may take before it counts as a hang
HANG_MAX = 3.0        # longest sleep of a hanging child / backend
# RSS after the load may exceed the idle baseline taken after the warm-up by this much. The
# baseline comes after a warm-up that ran the same mix (bursts included), so the allocator's
# high-water mark is in it already; what remains is glibc's free-list fragmentation, which stays
# well under 1 MiB here, while a leak of 100 bytes per connection shows after the ~10^4
# connections of a minute. The --to forwarder also keeps up to 32 free 64 KiB buffers for reuse
# (POOL_KEEP in common/linux/forward.c): a moment of more bytes in flight than during the warm-up
# may fill that pool later, so those modes get its 2 MiB on top.
RSS_SLACK_KB = 1024
RSS_POOL_KB = 32 * 64
ZOMBIE_MAX = 1.0      # seconds a zombie may be seen
SETTLE = 10.0         # seconds the server gets after the load to end its children
POOL = os.urandom(8 << 20)
PLAIN_MAGIC = b"\x8f\x1d\xa7hvsoak\x00\xe3\x5c\x91\x02\x77\xfe\x10"  # 16 bytes, starts each frame


class Failure(Exception):
    pass


def log(msg):
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def payload(rng, size):
    off = rng.randrange(0, len(POOL) - size + 1)
    return memoryview(POOL)[off:off + size]


def logsize(rng, lo_bits, hi_bits):
    return max(1, int(2 ** rng.uniform(lo_bits, hi_bits)))


# --- the server's /proc ------------------------------------------------------------------------

def read_stat(pid):
    """(state, ppid, starttime) of pid, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
    except OSError:
        return None
    f = s[s.rindex(b")") + 2:].split()
    return f[0].decode(), int(f[1]), int(f[19])


def tree(root):
    """{pid: (state, ppid, starttime)} of root's descendants."""
    procs = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = read_stat(int(name))
            if st:
                procs[int(name)] = st
    kids = {}
    for pid, st in procs.items():
        kids.setdefault(st[1], []).append(pid)
    out, todo = {}, [root]
    while todo:
        for k in kids.get(todo.pop(), []):
            out[k] = procs[k]
            todo.append(k)
    return out


def status_field(pid, name):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def nfds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return -1


class Sampler(threading.Thread):
    """fds, RSS, threads, children every second; zombies of the whole tree every 0.25 s."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.stop = pid, threading.Event()
        self.samples = []           # (t, fds, rss_kb, threads, children, descendants)
        self.zombies = {}           # (pid, starttime) -> [first, last]
        self.old_zombies = {}       # (pid, starttime) -> age, those older than ZOMBIE_MAX

    def sample(self):
        t = time.monotonic()
        tr = tree(self.pid)
        now = time.monotonic()
        for pid, (state, ppid, start) in tr.items():
            if state == "Z":
                z = self.zombies.setdefault((pid, start), [now, now])
                z[1] = now
                if z[1] - z[0] > ZOMBIE_MAX:
                    self.old_zombies[(pid, start)] = z[1] - z[0]
        return t, tr

    def idle(self):
        """One full sample now: (fds, rss_kb, threads, children, descendants)."""
        _, tr = self.sample()
        return (nfds(self.pid), status_field(self.pid, "VmRSS"), status_field(self.pid, "Threads"),
                sum(1 for st in tr.values() if st[1] == self.pid), len(tr))

    def run(self):
        last = 0.0
        while not self.stop.wait(0.25):
            t, tr = self.sample()
            if t - last >= 1.0:
                last = t
                self.samples.append((t, nfds(self.pid), status_field(self.pid, "VmRSS"),
                                     status_field(self.pid, "Threads"),
                                     sum(1 for st in tr.values() if st[1] == self.pid), len(tr)))


def chunks(c, size=65536):
    """What c receives, up to EOF."""
    while True:
        d = c.recv(size)
        if not d:
            return
        yield d


# --- the backend of --to: the same one-line protocol as child.sh --------------------------------

class Backend:
    def __init__(self, family, addr):
        self.sock = socket.socket(family)
        self.sock.bind(addr)
        self.sock.listen(256)
        self.addr = self.sock.getsockname()
        self.conns = 0
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.conns += 1
            threading.Thread(target=self.handle, args=(c,), daemon=True).start()

    def handle(self, c):
        c.settimeout(DEADLINE * 2)
        try:
            buf = b""
            while b"\n" not in buf:
                d = c.recv(65536)
                if not d:
                    return
                buf += d
            line, rest = buf.split(b"\n", 1)
            words = line.split()
            cmd = words[0] if words else b""
            if cmd == b"echo":
                if rest:
                    c.sendall(rest)
                for d in chunks(c):
                    c.sendall(d)
                c.shutdown(socket.SHUT_WR)
            elif cmd == b"sum":
                h = hashlib.sha256(rest)
                for d in chunks(c):
                    h.update(d)
                c.sendall(h.hexdigest().encode() + b"  -\n")
            elif cmd == b"early":
                left = int(words[1]) - len(rest)
                while left > 0:
                    d = c.recv(min(left, 65536))
                    if not d:
                        break
                    left -= len(d)
            elif cmd == b"hang":
                time.sleep(float(words[1]))
        except OSError:
            pass
        finally:
            c.close()


CHILD_SH = """#!/bin/sh
# One connection of the soak (tests/soak.py): the first line says what to do.
read -r cmd arg
case $cmd in
echo) exec cat ;;
sum) exec sha256sum ;;
early) exec head -c "$arg" >/dev/null ;;
hang) exec sleep "$arg" ;;
*) exit 3 ;;
esac
"""
# -c: the same, written out for sh -c (no script file).
CHILD_C = ('read -r cmd arg; case $cmd in echo) exec cat;; sum) exec sha256sum;; '
           'early) exec head -c "$arg" >/dev/null;; hang) exec sleep "$arg";; *) exit 3;; esac')

KILL_CLIENT = r"""
import os, socket, sys, threading
fam, addr, hdr = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
if fam == "tcp":
    h, p = addr.rsplit(":", 1); s = socket.create_connection((h, int(p)))
else:
    s = socket.socket(socket.AF_UNIX); s.connect(addr)
echo = hdr == b"echo\n"
def drain():
    got = 0
    while True:
        d = s.recv(65536)
        if not d: break
        got += len(d)
        if echo and got >= 65536 and got - len(d) < 65536: print("go", flush=True)
threading.Thread(target=drain, daemon=True).start()
s.sendall(hdr)
data, sent = os.urandom(65536), 0
while True:
    s.sendall(data); sent += len(data)
    if not echo and sent == 16 << 20:  # more than the socket buffers hold: being served
        print("go", flush=True)
"""


# --- one mode ------------------------------------------------------------------------------------

class Mode:
    def __init__(self, name, args, tmp, rng_seed):
        self.name, self.args, self.tmp, self.seed = name, args, tmp, rng_seed
        self.wine = name.startswith("wine-")
        self.kind = name[5:] if self.wine else name
        self.lock = threading.Lock()
        self.counts = {}            # kind -> jobs
        self.transfers = 0          # verified transfers
        self.bytes = 0              # verified bytes (both directions)
        self.conns = 0
        self.failures = []
        self.plain_done = {}        # id -> (len, sha) of uploads the client saw finish
        self.plain_seen = {}        # id -> (len, sha) of frames complete in the server's output
        self.plain_partial = 0
        self.next_job = 0
        self.proc = None

    # -- bookkeeping
    def count(self, kind, n=1):
        with self.lock:
            self.counts[kind] = self.counts.get(kind, 0) + n

    def verified(self, nbytes):
        with self.lock:
            self.transfers += 1
            self.bytes += nbytes

    def fail(self, msg):
        with self.lock:
            self.failures.append(msg)
        log(f"FAIL [{self.name}] {msg}")

    # -- the server
    def start(self):
        hvnc = shlex.split(self.args.hvnc)
        m = ["-m", str(MAX_CONNS)]
        self.family = socket.AF_INET
        listen = "tcp:127.0.0.1:0"
        extra = []
        stdout = subprocess.DEVNULL
        if self.kind == "plain":
            m, stdout = [], subprocess.PIPE
        elif self.kind == "exec":
            script = os.path.join(self.tmp, "child.sh")
            with open(script, "w") as f:
                f.write(CHILD_SH)
            os.chmod(script, 0o755)
            extra = ["-e", script]
            listen = "unix:" + os.path.join(self.tmp, "exec.sock")
        elif self.kind == "sh":
            extra = ["-c", CHILD_C]
        elif self.kind == "to-tcp":
            self.backend = Backend(socket.AF_INET, ("127.0.0.1", 0))
            extra = ["--to", "tcp:127.0.0.1:%d" % self.backend.addr[1]]
        elif self.kind == "to-unix":
            self.backend = Backend(socket.AF_UNIX, os.path.join(self.tmp, "backend.sock"))
            extra = ["--to", "unix:" + self.backend.addr]
            listen = "unix:" + os.path.join(self.tmp, "to-unix.sock")
        if listen.startswith("unix:"):
            self.family = socket.AF_UNIX
        self.cmd = hvnc + ["-lk", "-v"] + m + [listen] + extra
        self.errpath = os.path.join(self.tmp, self.name + ".err")
        self.err = open(self.errpath, "wb")
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=stdout,
                                     stderr=self.err, start_new_session=True)
        if self.kind == "plain":
            self.reader = threading.Thread(target=self.read_plain, daemon=True)
            self.reader.start()
        end = time.monotonic() + 60
        while True:
            with open(self.errpath, "rb") as f:
                text = f.read().decode(errors="replace")
            if "listening on" in text:
                break
            if self.proc.poll() is not None or time.monotonic() > end:
                raise Failure(f"{' '.join(self.cmd)}: did not start: {text.strip()}")
            time.sleep(0.05)
        if self.family == socket.AF_UNIX:
            self.addr = listen[5:]
            self.addr_text = self.addr
        else:
            port = int(text.split("listening on")[1].split()[0].rsplit(":", 1)[1])
            self.addr = ("127.0.0.1", port)
            self.addr_text = "127.0.0.1:%d" % port

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                self.fail("the server did not end on SIGTERM within 15 s")
        if self.kind == "plain":
            self.reader.join(30)
        self.err.close()

    # -- plain: frames in the server's output
    def read_plain(self):
        """Splits the server's output into frames and hashes each; a frame that the next one's
        magic interrupts was cut short (a client killed or reset)."""
        fd = self.proc.stdout.fileno()
        buf = bytearray()
        cur = None   # [id, bytes left, length, hasher]
        ml = len(PLAIN_MAGIC)
        eof = False
        while not eof:
            d = os.read(fd, 1 << 20)
            if not d:
                eof = True
            buf += d
            progress = True
            while progress:
                progress = False
                if cur is None:
                    p = buf.find(PLAIN_MAGIC)
                    if p < 0:
                        del buf[:max(0, len(buf) - (ml - 1))]
                        break
                    del buf[:p]
                    if len(buf) < ml + 16:
                        break
                    fid, flen = struct.unpack(">QQ", buf[ml:ml + 16])
                    del buf[:ml + 16]
                    cur = [fid, flen, flen, hashlib.sha256()]
                    progress = True
                    continue
                left = cur[1]
                q = buf.find(PLAIN_MAGIC, 0, left + ml - 1)
                if 0 <= q < left:      # the next frame starts: this one was cut short
                    del buf[:q]
                    cur = None
                    with self.lock:
                        self.plain_partial += 1
                    progress = True
                    continue
                if len(buf) >= left + ml - 1 or eof:
                    take = min(left, len(buf))
                else:                  # keep what could be the start of a magic
                    take = max(0, len(buf) - (ml - 1))
                if take:
                    cur[3].update(buf[:take])
                    del buf[:take]
                    cur[1] -= take
                    progress = True
                if cur[1] == 0:
                    with self.lock:
                        self.plain_seen[cur[0]] = (cur[2], cur[3].hexdigest())
                    cur = None
        if cur is not None:
            with self.lock:
                self.plain_partial += 1

    # -- clients
    def connect(self, deadline):
        s = socket.socket(self.family)
        s.settimeout(max(0.5, deadline - time.monotonic()))
        s.connect(self.addr)
        with self.lock:
            self.conns += 1
        return s

    def transfer(self, s, data, deadline, stop_after=None):
        """Sends data (then shuts down the write side) while reading until EOF. Returns what
        was received as (length, sha256 hex, first bytes)."""
        err = []

        def send():
            try:
                mv = memoryview(data)
                while mv:
                    s.settimeout(max(0.5, deadline - time.monotonic()))
                    n = s.send(mv[:262144])
                    mv = mv[n:]
                s.shutdown(socket.SHUT_WR)
            except OSError as e:
                err.append(e)

        t = threading.Thread(target=send, daemon=True)
        t.start()
        h, n, head = hashlib.sha256(), 0, b""
        try:
            for d in chunks(s, 262144):
                h.update(d)
                n += len(d)
                if len(head) < 200:
                    head += d[:200]
        finally:
            t.join(max(0.5, deadline - time.monotonic()))
            if t.is_alive():
                raise socket.timeout("send still blocked")
        if err:
            raise err[0]
        return n, h.hexdigest(), head

    def job(self, i):
        rng = random.Random(f"{self.seed}:{self.name}:{i}")
        if self.kind == "plain":
            kinds = [("bulk", 40), ("short", 20), ("kill", 10), ("reset", 10), ("never", 10),
                     ("burst", 4)]
        else:
            kinds = [("bulk", 25), ("sum", 14), ("short", 12), ("kill", 8), ("reset", 8),
                     ("stopread", 6), ("never", 8), ("early", 8), ("hang", 6), ("burst", 4)]
        kind = rng.choices([k for k, _ in kinds], [w for _, w in kinds])[0]
        self.count(kind)
        t0 = time.monotonic()
        deadline = t0 + DEADLINE
        try:
            getattr(self, "job_" + kind)(rng, deadline, i)
        except Failure as e:
            self.fail(f"job {i} ({kind}): {e}")
        except (socket.timeout, TimeoutError) as e:
            self.fail(f"job {i} ({kind}): hang: no end after {time.monotonic() - t0:.1f} s ({e})")
        except OSError as e:
            self.fail(f"job {i} ({kind}): {e!r}")
        if time.monotonic() > deadline + 1:
            self.fail(f"job {i} ({kind}): hang: took {time.monotonic() - t0:.1f} s")

    def upload(self, rng, deadline, fid, size):
        """plain: a frame of size bytes; the server's output must hold it."""
        data = PLAIN_MAGIC + struct.pack(">QQ", fid, size) + bytes(payload(rng, size))
        s = self.connect(deadline)
        try:
            n, _, head = self.transfer(s, data, deadline)
        finally:
            s.close()
        if n:
            raise Failure(f"upload {fid}: the server sent {n} bytes: {head[:60]!r}")
        with self.lock:
            self.plain_done[fid] = (size, hashlib.sha256(data[len(PLAIN_MAGIC) + 16:]).hexdigest())

    def ask(self, rng, deadline, cmd, size):
        """One connection: cmd's line and size random bytes, then half-close; returns the
        sha256 of what was sent and transfer()'s account of the answer."""
        data = payload(rng, size)
        s = self.connect(deadline)
        try:
            got = self.transfer(s, cmd + b"\n" + bytes(data), deadline)
        finally:
            s.close()
        return (hashlib.sha256(data).hexdigest(),) + got

    def echo(self, rng, deadline, size):
        want, n, sha, _ = self.ask(rng, deadline, b"echo", size)
        if n != size or sha != want:
            raise Failure(f"echo of {size} bytes: got {n} bytes, sha256 {sha[:16]} "
                          f"(sent {want[:16]}): corrupted")
        self.verified(2 * size)

    def job_bulk(self, rng, deadline, i):
        if self.kind == "plain":
            self.upload(rng, deadline, i << 8, logsize(rng, 0, 23))
        else:
            self.echo(rng, deadline, logsize(rng, 0, 22))

    def job_short(self, rng, deadline, i):
        for k in range(rng.randint(1, 8)):
            if self.kind == "plain":
                self.upload(rng, deadline, (i << 8) + k, logsize(rng, 0, 12))
            else:
                self.echo(rng, deadline, logsize(rng, 0, 12))

    def job_sum(self, rng, deadline, i):
        size = logsize(rng, 0, 22)
        want, n, _, head = self.ask(rng, deadline, b"sum", size)
        if head[:64].decode(errors="replace") != want or n != 68:
            raise Failure(f"sum of {size} bytes: answer {head[:80]!r}, expected {want}")
        self.verified(size + n)

    def job_burst(self, rng, deadline, i):
        """More connections at once than -m: those past it wait in the listen queue."""
        b = MAX_CONNS + rng.randint(4, 12)
        errs = []

        def one(k):
            try:
                if self.kind == "plain":
                    self.upload(random.Random(f"{self.seed}:{i}:{k}"), deadline, (i << 8) + k,
                                logsize(rng, 0, 14))
                else:
                    self.echo(random.Random(f"{self.seed}:{i}:{k}"), deadline, logsize(rng, 0, 16))
            except Exception as e:     # noqa: BLE001 (reported below)
                errs.append(f"connection {k}: {e!r}")

        ts = [threading.Thread(target=one, args=(k,), daemon=True) for k in range(b)]
        for t in ts:
            t.start()
        for t in ts:
            t.join(max(0.5, deadline - time.monotonic()) + 2)
        if any(t.is_alive() for t in ts):
            raise Failure(f"hang: burst of {b}: {sum(t.is_alive() for t in ts)} connections "
                          f"not done after {DEADLINE:.0f} s")
        if errs:
            raise Failure(f"burst of {b}: " + "; ".join(errs[:3]))

    def job_kill(self, rng, deadline, i):
        hdr = (PLAIN_MAGIC + struct.pack(">QQ", i << 8, 1 << 40)) if self.kind == "plain" \
            else b"echo\n"
        fam = "unix" if self.family == socket.AF_UNIX else "tcp"
        p = subprocess.Popen([sys.executable, "-c", KILL_CLIENT, fam, self.addr_text, hdr.hex()],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        with self.lock:
            self.conns += 1
        got = []
        t = threading.Thread(target=lambda: got.append(p.stdout.readline()), daemon=True)
        t.start()
        t.join(max(0.5, deadline - time.monotonic()))
        if not got or got[0] != b"go\n":
            p.kill()
            p.wait()
            raise Failure(f"hang: the client to kill did not get going: {p.stderr.read()[-300:]!r}")
        time.sleep(rng.uniform(0, 0.3))
        p.send_signal(signal.SIGKILL)
        p.wait()
        p.stdout.close()
        p.stderr.close()

    def job_reset(self, rng, deadline, i):
        s = self.connect(deadline)
        try:
            if self.kind == "plain":
                s.sendall(PLAIN_MAGIC + struct.pack(">QQ", i << 8, 1 << 30))
            else:
                s.sendall(b"echo\n")
            want = logsize(rng, 10, 21)
            sent = 0
            while sent < want:
                s.sendall(payload(rng, 65536))
                sent += 65536
                if self.kind != "plain":
                    s.recv(65536)
        finally:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()

    def job_stopread(self, rng, deadline, i):
        """Sends without reading until the send blocks (the echo backs up), waits, leaves."""
        s = self.connect(deadline)
        try:
            s.sendall(b"echo\n")
            s.settimeout(0.5)
            sent = 0
            try:
                while sent < (64 << 20):
                    sent += s.send(payload(rng, 65536))
            except (socket.timeout, TimeoutError):
                pass
            time.sleep(rng.uniform(0.2, 2))
        finally:
            s.close()

    def job_never(self, rng, deadline, i):
        """Connects and sends nothing; then closes, or half-closes and expects an empty answer."""
        s = self.connect(deadline)
        try:
            time.sleep(rng.uniform(0.1, 1.5) if self.kind == "plain" else rng.uniform(0.1, 3))
            if rng.random() < 0.5:
                n, _, head = self.transfer(s, b"", deadline)
                if n:
                    raise Failure(f"never-sender: got {n} bytes: {head[:60]!r}")
        finally:
            s.close()

    def job_early(self, rng, deadline, i):
        """The child reads N bytes and exits while the client still sends: the client must see
        the connection end (EOF or a reset), nothing else."""
        n = logsize(rng, 0, 16)
        s = self.connect(deadline)
        try:
            self.transfer(s, b"early %d\n" % n + bytes(payload(rng, n + logsize(rng, 10, 22))),
                          deadline)
        except OSError as e:
            # The end of the connection seen from any side: EPIPE or ECONNRESET on send or
            # receive, ENOTCONN from the half-close after a reset. A timeout is a hang.
            if e.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                raise
        finally:
            s.close()

    def job_hang(self, rng, deadline, i):
        """The child sleeps without reading; the client waits for its end or gives up first."""
        secs = round(rng.uniform(0.2, HANG_MAX), 2)
        s = self.connect(deadline)
        try:
            if rng.random() < 0.5:
                n, _, head = self.transfer(s, b"hang %s\n" % str(secs).encode(), deadline)
                if n:
                    raise Failure(f"hang child: got {n} bytes: {head[:60]!r}")
            else:
                s.sendall(b"hang %s\n" % str(secs).encode())
                time.sleep(rng.uniform(0, secs))
        finally:
            s.close()

    # -- the run
    def load(self, seconds):
        end = time.monotonic() + seconds

        def worker():
            while time.monotonic() < end and self.proc.poll() is None:
                with self.lock:
                    i = self.next_job
                    self.next_job += 1
                self.job(i)

        ws = [threading.Thread(target=worker, daemon=True) for _ in range(WORKERS)]
        for w in ws:
            w.start()
        for w in ws:
            w.join(seconds + DEADLINE + 30)
            if w.is_alive():
                self.fail("hang: a worker did not end")

    def settle(self, sampler):
        """Waits until the server has no descendants (at most SETTLE s), then one more second."""
        if sampler is None:
            time.sleep(2)
            return None
        end = time.monotonic() + SETTLE
        while True:
            s = sampler.idle()
            if s[4] == 0 or time.monotonic() > end:
                break
            time.sleep(0.1)
        time.sleep(1)
        return sampler.idle()

    def probe(self):
        """The server still serves: one more echo (plain: one more upload)."""
        rng = random.Random(f"{self.seed}:{self.name}:probe")
        try:
            if self.kind == "plain":
                self.upload(rng, time.monotonic() + 30, (1 << 60) + 1, 100000)
            else:
                self.echo(rng, time.monotonic() + 30, 100000)
        except Exception as e:     # noqa: BLE001
            self.fail(f"the server no longer serves after the load: {e!r}")

    def run(self, seconds):
        self.start()
        sampler = None
        if not self.wine:
            sampler = Sampler(self.proc.pid)
            sampler.start()
        log(f"[{self.name}] {shlex.join(self.cmd)}")
        warm = min(10.0, max(3.0, seconds * 0.1))
        self.load(warm)
        before = self.settle(sampler)
        t0 = time.monotonic()
        self.load(max(0.0, seconds - warm))
        load_s = time.monotonic() - t0 + warm
        after = self.settle(sampler)
        self.probe()
        after2 = self.settle(sampler)
        if self.proc.poll() is not None:
            self.fail(f"the server exited with {self.proc.returncode}")
        res = {"before": before, "after": after}
        if sampler:
            sampler.stop.set()
            sampler.join()
            fb, rb, tb, _, _ = before
            fa, ra, ta, ca, da = after
            if fa != fb:
                self.fail(f"fds: {fb} idle after the warm-up, {fa} after the load: "
                          f"{sorted(os.listdir(f'/proc/{self.proc.pid}/fd'))}")
            slack = self.args.rss_slack + (RSS_POOL_KB if self.kind.startswith("to-") else 0)
            if ra - rb > slack:
                self.fail(f"RSS grew from {rb} to {ra} KiB (more than {slack} KiB)")
            if ta != tb:
                self.fail(f"threads: {tb} before, {ta} after")
            if da:
                self.fail(f"{da} descendants ({ca} children) left {SETTLE:.0f} s after the load: "
                          f"{tree(self.proc.pid)}")
            for (pid, _), age in sorted(sampler.old_zombies.items()):
                self.fail(f"zombie {pid} seen for {age:.2f} s (more than {ZOMBIE_MAX} s)")
            if after2[0] != fa:
                self.fail(f"fds: {fa} after the load, {after2[0]} after one more connection")
            s = sampler.samples
            s = s or [(0,) + tuple(after)]
            res["peak"] = (max(x[1] for x in s), max(x[2] for x in s), max(x[3] for x in s),
                           max(x[4] for x in s), max(x[5] for x in s))
            res["zombie_max"] = max([z[1] - z[0] for z in sampler.zombies.values()] or [0])
            res["zombies"] = len(sampler.zombies)
        self.stop()
        if self.kind == "plain":
            for fid, want in sorted(self.plain_done.items()):
                got = self.plain_seen.get(fid)
                if got != want:
                    self.fail(f"upload {fid} ({want[0]} bytes, sha256 {want[1][:16]}): the server "
                              f"wrote {got and (got[0], got[1][:16])}: corrupted or lost")
                else:
                    self.transfers += 1
                    self.bytes += want[0]
        res["load_s"] = load_s
        return res


def fmt_bytes(n):
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.1f} {unit}" if unit != "B" else f"{n} B"
        n /= 1024
    return str(n)


def main():
    ap = argparse.ArgumentParser(prog="tests/soak.sh", description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=1.0, help="load time across all modes")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--build", default=None, help="build tree (default: build)")
    ap.add_argument("--mode", action="append", nargs="+", default=None,
                    help="modes: " + " ".join(MODES + WINE_MODES) + " (default: " +
                    " ".join(MODES) + ")")
    ap.add_argument("--hvnc", default=None, help="the server command (default: BUILD/tools/hvnc/hvnc)")
    ap.add_argument("--rss-slack", type=int, default=RSS_SLACK_KB, metavar="KIB",
                    help=f"RSS growth allowed (default {RSS_SLACK_KB}; sanitizer builds need more)")
    a = ap.parse_args()
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = a.build or os.path.join(src, "build")
    modes = [m for ms in (a.mode or [MODES]) for part in ms for m in part.split(",") if m]
    for m in modes:
        if m not in MODES + WINE_MODES:
            ap.error(f"no mode {m} (modes: {' '.join(MODES + WINE_MODES)})")
    if a.hvnc is None:
        if any(m.startswith("wine-") for m in modes):
            a.hvnc = f"{src}/tests/win/wine-run {build}/tools/hvnc/hvnc.exe"
        else:
            a.hvnc = os.path.join(build, "tools", "hvnc", "hvnc")
    exe = shlex.split(a.hvnc)[-1]
    if not os.path.exists(exe):
        ap.error(f"no {exe} (build first, or --build DIR / --hvnc CMD)")
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    per_mode = a.minutes * 60 / len(modes)
    log(f"soak: seed {seed}, {a.minutes:g} min over {len(modes)} modes ({per_mode:.0f} s each), "
        f"-m {MAX_CONNS}, {WORKERS} workers")
    log(f"soak: replay: tests/soak.sh --seed {seed} --minutes {a.minutes:g} --build {build} "
        f"--mode {' '.join(modes)}")
    results, ok = [], True
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="hvt-soak.") as tmp:
        for name in modes:
            d = os.path.join(tmp, name)
            os.mkdir(d)
            m = Mode(name, a, d, seed)
            try:
                res = m.run(per_mode)
            except Failure as e:
                m.fail(str(e))
                m.stop()
                res = {}
            results.append((m, res))
            ok = ok and not m.failures
            line = summary_line(m, res)
            log(line)
            if m.failures:
                with open(m.errpath, "rb") as f:
                    tail = f.read()[-2000:].decode(errors="replace")
                log(f"[{name}] server stderr (end):\n{tail}")
    tot_t = sum(m.transfers for m, _ in results)
    tot_b = sum(m.bytes for m, _ in results)
    tot_c = sum(m.conns for m, _ in results)
    faults = {}
    for m, _ in results:
        for k, v in m.counts.items():
            if k in ("kill", "reset", "stopread", "never", "early", "hang", "burst"):
                faults[k] = faults.get(k, 0) + v
    log(f"soak: seed {seed}: {tot_c} connections, {tot_t} transfers verified, "
        f"{fmt_bytes(tot_b)} verified, faults: " +
        ", ".join(f"{k} {v}" for k, v in sorted(faults.items())) +
        f"; {time.monotonic() - t_start:.0f} s: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


def summary_line(m, res):
    kinds = " ".join(f"{k}={v}" for k, v in sorted(m.counts.items()))
    s = (f"[{m.name}] {res.get('load_s', 0):.0f} s load, {m.next_job} jobs, {m.conns} connections, "
         f"{m.transfers} transfers verified, {fmt_bytes(m.bytes)}; {kinds}")
    if m.kind == "plain":
        s += f"; uploads checked in the output {len(m.plain_done)}, cut short {m.plain_partial}"
    if res.get("before") and res.get("after") and not m.wine:
        b, a = res["before"], res["after"]
        p = res["peak"]
        s += (f"; fds {b[0]} -> {a[0]} (peak {p[0]}), RSS {b[1]} -> {a[1]} KiB (peak {p[1]}), "
              f"threads {b[2]} -> {a[2]}, children peak {p[3]} (tree {p[4]}) -> {a[3]}, "
              f"zombies {res['zombies']} (longest seen {res['zombie_max']:.2f} s)")
    elif m.wine:
        s += "; /proc checks skipped under Wine"
    return s + (": FAIL" if m.failures else ": PASS")


if __name__ == "__main__":
    sys.exit(main())
