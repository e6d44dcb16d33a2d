#!/bin/sh
# An interactive busybox shell in the test guest, for debugging the AF_VSOCK rig or a tool:
# the same kernel, modules and binaries as run.sh, with the console on this terminal.
#
#   sh tests/vm/shell.sh BUILD_DIR
#
# Inside: the project's tools in /hvt/bin (on PATH), socat, busybox; vsock_loopback makes CID 1
# (vsock:local) a real AF_VSOCK peer. `sh /hvt/guest-checks.sh run NAME...` runs checks,
# `sh /hvt/guest-demo.sh` the demo. Leave with `exit` (the guest powers off) or Ctrl-A x.
# Commands can also be piped in, if they arrive after the prompt (input sent while the guest
# boots is lost): (sleep 8; printf 'hvnc --version\nexit\n') | sh tests/vm/shell.sh build
# Environment: lib.sh's HVT_VM_ACCEL and friends.
. "$(dirname "$0")/lib.sh"

if [ $# -ne 1 ]; then
	echo "usage: shell.sh BUILD_DIR" >&2
	exit 2
fi
vm_prepare "$1"
accel=$(vm_accels | cut -d' ' -f1)
echo "vm: booting the test guest (-accel $accel); leave with exit or Ctrl-A x" >&2
vm_qemu "$accel" hvt_mode=shell
