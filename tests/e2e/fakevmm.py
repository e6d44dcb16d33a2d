#!/usr/bin/env python3
"""A hybrid vsock VMM as Firecracker's and Cloud Hypervisor's docs describe it (docs/vsock.md of
both), written from those docs and not from hvtools' code, for tests/e2e/vsock_mux.sh.

    fakevmm.py UDS_PATH GUEST_DIR

Listens on UDS_PATH. A client sends "CONNECT <port>\\n"; the guest's listener on <port> is
the unix socket GUEST_DIR/<port> (a stand-in for a vsock listener in the guest). If it exists,
the VMM answers "OK <hostport>\\n" and splices the two streams (bytes the client sent after its
line included; EOF passed on as a half-close); if not, it closes the client without a word.
Two extra ports misbehave on purpose: 7 answers "ERR no such thing\\n", 9 never answers.
"""
import os
import socket
import sys
import threading

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

def serve(c, guests, hostport):
    line = b""
    while b"\n" not in line and len(line) < 32:
        b = c.recv(64)
        if not b:
            c.close()
            return
        line += b
    head, _, rest = line.partition(b"\n")
    words = head.decode("ascii", "replace").split()
    if len(words) != 2 or words[0].upper() != "CONNECT" or not words[1].isdigit():
        c.close()
        return
    port = int(words[1])
    if port == 7:
        c.sendall(b"ERR no such thing\n")
        c.close()
        return
    if port == 9:
        threading.Event().wait(30)
        c.close()
        return
    g = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        g.connect(os.path.join(guests, str(port)))
    except OSError:
        g.close()
        c.close()
        return
    c.sendall(b"OK %d\n" % hostport)
    if rest:
        g.sendall(rest)
    t = threading.Thread(target=pipe, args=(g, c), daemon=True)
    t.start()
    pipe(c, g)
    t.join()
    c.close()
    g.close()

def main():
    path, guests = sys.argv[1], sys.argv[2]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    s.listen(16)
    print("ready", flush=True)
    hostport = 1073741824
    while True:
        c, _ = s.accept()
        hostport += 1
        threading.Thread(target=serve, args=(c, guests, hostport), daemon=True).start()

main()
