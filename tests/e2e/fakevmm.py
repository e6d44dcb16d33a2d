#!/usr/bin/env python3
"""The host side of a hybrid vsock VMM (Firecracker's and Cloud Hypervisor's "uds_path"),
written from the VMMs' documentation (docs/vsock.md of both; ../shared/reference/
jobs-in-the-wild.md section 4) and not from hvtools' code. Neither VMM is packaged in
Debian 12, so the tests talk to this instead. Used by tests/e2e/vsock_mux*.sh and bench/.

    fakevmm.py [--variant firecracker|cloud-hypervisor] [--max-conns N]
               [--bridge unix:DIR | tcp:HOST] UDS_PATH [GUEST_DIR]

Listens on UDS_PATH. A client sends "CONNECT <port>\\n" (decimal); the guest's listener on
<port> is reached through the bridge: the unix socket DIR/<port> (GUEST_DIR is short for
--bridge unix:GUEST_DIR) or the TCP port <port> of HOST, real listeners standing in for the
guest's vsock. If it answers, the VMM says "OK <hostport>\\n" and splices the two streams
(bytes the client sent after its line included; EOF passed on as a half-close). Whatever
fails (no listener, a bad line, the connection cap) closes the client without a word.

The variants read the command as their code does:
  firecracker       at most 32 bytes, one at a time up to '\\n'; the first word compared
                    case-insensitively with "connect", the second a u32 port.
  cloud-hypervisor  at least 10 bytes ("connect 0\\n"), then one at a time up to '\\n' or 32
                    bytes; the line must start with "CONNECT " or "connect ".
Both close connections beyond --max-conns (1023: MAX_CONNECTIONS of both VMMs' muxers)
without a word.

Guest ports that misbehave on purpose (not in either VMM; for the client's error paths):
  7 answers "ERR no such thing\\n"; 9 never answers; 11 answers "OK 1073741824 junk\\n";
  12 answers 40 bytes with no newline; 13 answers "OK 5" and closes; 14 answers "OK 5" and
  then nothing.
"""
import argparse
import os
import socket
import sys
import threading

MISBEHAVE = {
    7: b"ERR no such thing\n",
    11: b"OK 1073741824 junk\n",
    12: b"X" * 40,
    13: b"OK 5",
}


def pipe(src, dst):
    try:
        while True:
            b = src.recv(65536)
            if not b:
                break
            dst.sendall(b)
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def recv_exact(c, n):
    b = b""
    while len(b) < n:
        x = c.recv(n - len(b))
        if not x:
            return None
        b += x
    return b


def read_firecracker(c):
    """muxer.rs read_local_stream_port: up to 32 bytes, one at a time, until '\\n'."""
    line = b""
    while len(line) < 32:
        b = c.recv(1)
        if not b:
            return None
        if b == b"\n":
            break
        line += b
    words = line.decode("utf-8", "replace").split()
    if len(words) < 2 or words[0].lower() != "connect":
        return None
    try:
        port = int(words[1], 10)
    except ValueError:
        return None
    return port if 0 <= port < 2**32 and words[1].isdigit() else None


def read_cloud_hypervisor(c):
    """At least 10 bytes, then one at a time until '\\n' or 32; "CONNECT "/"connect " only."""
    line = recv_exact(c, 10)
    if line is None:
        return None
    while not line.endswith(b"\n") and len(line) < 32:
        b = c.recv(1)
        if not b:
            return None
        line += b
    if not line.endswith(b"\n"):
        return None
    if not (line.startswith(b"CONNECT ") or line.startswith(b"connect ")):
        return None
    word = line[8:-1].decode("ascii", "replace")
    if not word.isdigit() or int(word) >= 2**32:
        return None
    return int(word)


class VMM:
    def __init__(self, args):
        self.args = args
        self.read = read_firecracker if args.variant == "firecracker" else read_cloud_hypervisor
        self.lock = threading.Lock()
        self.conns = 0
        self.hostport = 1073741824

    def guest(self, port):
        kind, _, where = self.args.bridge.partition(":")
        if kind == "unix":
            g = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target = os.path.join(where, str(port))
        else:
            g = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = (where, port)
        try:
            g.connect(target)
            return g
        except OSError:
            g.close()
            return None

    def serve(self, c):
        try:
            port = self.read(c)
            if port in MISBEHAVE:
                c.sendall(MISBEHAVE[port])
                return
            if port in (9, 14):
                if port == 14:
                    c.sendall(b"OK 5")
                threading.Event().wait(60)
                return
            g = None if port is None else self.guest(port)
            if g is None:
                return  # closed without a word
            with self.lock:
                self.hostport += 1
                hostport = self.hostport
            c.sendall(b"OK %d\n" % hostport)
            t = threading.Thread(target=pipe, args=(g, c), daemon=True)
            t.start()
            pipe(c, g)
            t.join()
            g.close()
        except OSError:
            pass
        finally:
            c.close()
            with self.lock:
                self.conns -= 1

    def run(self, path):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.bind(path)
        s.listen(64)
        print("ready", flush=True)
        while True:
            c, _ = s.accept()
            with self.lock:
                full = self.conns >= self.args.max_conns
                if not full:
                    self.conns += 1
            if full:
                c.close()  # the connection cap: no word either
                continue
            threading.Thread(target=self.serve, args=(c,), daemon=True).start()


def main():
    p = argparse.ArgumentParser(description="a hybrid vsock VMM for tests")
    p.add_argument("--variant", choices=["firecracker", "cloud-hypervisor"],
                   default="firecracker")
    p.add_argument("--max-conns", type=int, default=1023)
    p.add_argument("--bridge", help="unix:DIR or tcp:HOST")
    p.add_argument("path")
    p.add_argument("guest_dir", nargs="?")
    args = p.parse_args()
    if args.guest_dir:
        args.bridge = "unix:" + args.guest_dir
    if not args.bridge or args.bridge.split(":")[0] not in ("unix", "tcp"):
        p.error("give GUEST_DIR or --bridge unix:DIR|tcp:HOST")
    VMM(args).run(args.path)


if __name__ == "__main__":
    sys.exit(main())
