#!/bin/sh
# The main job, for a fresh Debian 12 machine: installs what is missing, builds hvtools into
# build/, boots a QEMU guest with a real AF_VSOCK stack and shows hvnc moving a file over it
# (checksums and rate), then hvping and hvlist at work. See tests/vm/demo.sh.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
cd "$src"
tests/deps.sh demo
cmake -S . -B build >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" >/dev/null
exec sh tests/vm/demo.sh build
