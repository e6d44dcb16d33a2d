#!/bin/sh
# Shows hvnc moving a file over a real AF_VSOCK connection, in a Linux guest under QEMU
# (guest-demo.sh does the work inside; about 5-10 s in all).
#
#   sh tests/vm/demo.sh BUILD_DIR
#
# Prints the demo's part of the console: the commands, hvnc's --progress and -v output, the
# sha256 of both sides, the rate, and `hvlist sockets` / `hvping -c 3` when those are built.
# Exit 0 if the file arrived intact; 1 otherwise; 77 when a prerequisite is missing (lib.sh).
# Environment: HVT_DEMO_BYTES (default 8388608), lib.sh's HVT_VM_ACCEL and friends. The whole
# console is kept in BUILD_DIR/tests/vm/demo-console.log.
. "$(dirname "$0")/lib.sh"

if [ $# -ne 1 ]; then
	echo "usage: demo.sh BUILD_DIR" >&2
	exit 2
fi
vm_prepare "$1"
log=$vm_out/demo-console.log
vm_limit="timeout -k 5 ${HVT_VM_TIMEOUT:-120}"
echo "Booting a Linux guest (-accel $(vm_accels | cut -d' ' -f1)) ..."
vm_boot "$log" "hvt_mode=demo hvt_demo_bytes=${HVT_DEMO_BYTES:-8388608}"

# What lies between the markers, CR LF made LF; a line redrawn with bare CRs shows its last state.
awk '
	{ sub(/\r+$/, ""); n = split($0, part, "\r"); line = part[n] }
	line ~ /HVT-DEMO-END/ { split(line, f, " "); rc = f[2]; on = 0 }
	on { print line }
	line ~ /HVT-DEMO-BEGIN/ { on = 1 }
	END { exit rc == "0" ? 0 : 1 }' "$log"
rc=$?
if [ $rc -ne 0 ] && ! grep -q HVT-DEMO-END "$log"; then
	echo "The demo did not finish; console log: $log" >&2
fi
exit $rc
