#!/usr/bin/env python3
"""A unix listener whose queue is full, for tests/e2e (sourced scripts run it):

    fullq.py PATH [GOFILE]

Binds PATH, listens with a backlog of 0 and fills the queue with connections it never
accepts, then prints "full". Without GOFILE it stays so for 60 s. With GOFILE it waits for
that file to appear, drops the held connections and serves every connection: a "hello" line,
then an echo of what it receives.
"""
import os
import socket
import sys
import threading
import time

path = sys.argv[1]
go = sys.argv[2] if len(sys.argv) > 2 else None
s = socket.socket(socket.AF_UNIX)
s.bind(path)
s.listen(0)
held = []
while True:  # fill the queue without accepting
    c = socket.socket(socket.AF_UNIX)
    c.setblocking(False)
    try:
        c.connect(path)
        held.append(c)
    except BlockingIOError:
        break
print("full", flush=True)
if not go:
    time.sleep(60)
    sys.exit(0)
while not os.path.exists(go):
    time.sleep(0.05)
for c in held:
    c.close()


def serve(c):
    c.sendall(b"hello\n")
    while True:
        b = c.recv(65536)
        if not b:
            break
        c.sendall(b)
    c.close()


while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
