#!/usr/bin/env python3
"""Sends one sd_notify message over a stream the way systemd's "vsock-stream:" notify socket
does (src/libsystemd/sd-daemon/sd-daemon.c): connect, write the newline-separated KEY=VALUE
lines, half-close, wait for the receiver to close. For tests/e2e/hvnc_notify.sh.

    sdnotify_send.py unix:PATH|tcp:HOST:PORT 'READY=1\\nSTATUS=...'   (escapes as in Python: \\n, \\t)
"""
import socket
import sys

kind, _, where = sys.argv[1].partition(":")
if kind == "unix":
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(where)
else:
    host, _, port = where.rpartition(":")
    s = socket.create_connection((host, int(port)))
s.sendall(sys.argv[2].encode().decode("unicode_escape").encode("latin-1"))
s.shutdown(socket.SHUT_WR)
s.settimeout(10)
while s.recv(4096):
    pass
s.close()
