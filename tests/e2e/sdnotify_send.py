#!/usr/bin/env python3
"""Sends sd_notify messages over a stream the way systemd's "vsock-stream:" notify socket does
(../shared/reference/jobs-in-the-wild.md section 5): connect, write the newline-separated
KEY=VALUE lines, half-close; then read until the receiver closes. For tests/e2e/hvnc_notify.sh
and win_notify.sh.

    sdnotify_send.py unix:PATH|tcp:HOST:PORT 'READY=1\\nSTATUS=...' [MESSAGE...]
    (escapes as in Python: \\n, \\t; one connection per message, in order)
"""
import socket
import sys



def send(addr, text):
    kind, _, where = addr.partition(":")
    if kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(where)
    else:
        host, _, port = where.rpartition(":")
        s = socket.create_connection((host, int(port)))
    s.sendall(text.encode().decode("unicode_escape").encode("latin-1"))
    s.shutdown(socket.SHUT_WR)
    s.settimeout(10)
    while s.recv(4096):
        pass
    s.close()


for m in sys.argv[2:]:  # one connection per message
    send(sys.argv[1], m)
