#!/bin/sh
# The chaos soak of issue 20: hvnc -lk in each serving mode under a random mix of clients (bulk
# echoes checked by sha256, half-closers, clients SIGKILLed or reset mid-transfer, peers that
# stop reading, never-senders, bursts past -m, children that exit early or hang), with the
# server's fds, RSS, threads, children and zombies watched. Prints its seed; exit 0 or 1.
#
#   tests/soak.sh [--minutes N] [--seed S] [--build DIR] [--mode M...] [--hvnc CMD]
#
# --minutes is the load time across all modes (default 1); modes: plain exec sh to-tcp to-unix
# (default: all five), wine-to-tcp wine-plain (hvnc.exe of the Windows tree --build under
# tests/win/wine-run). The driver and what it checks: tests/soak.py. The QEMU guest has its own,
# shorter soak over vsock (check hvnc-soak-vsock in tests/vm/guest-checks.sh).
exec python3 "$(dirname "$0")/soak.py" "$@"
