#!/bin/sh
# /init of the test guest (busybox sh, PID 1). Built into the initramfs by build-guest.sh.
#
# The host chooses what happens through kernel arguments, which the kernel hands to /init as
# environment variables:
#   hvt_mode=run    run the checks named in hvt_checks (comma separated) with guest-checks.sh
#   hvt_mode=demo   run guest-demo.sh
#   hvt_mode=shell  interactive shell on the serial console (tests/vm/shell.sh)
#   hvt_timeout=S   per-check time limit in seconds (run mode)
# The result leaves the guest through QEMU's isa-debug-exit device: one byte v written to I/O port
# 0xf4 makes QEMU exit with status (v << 1) | 1, so 0 -> 1 means pass and 1 -> 3 means fail.
# Anything else (a panic, a hang killed by the host's timeout) is a failure on the host side.

# The kernel could not open /dev/console (the cpio has no device nodes, so that it can be built
# without root): mount devtmpfs first, then take the console as stdin/stdout/stderr.
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
export PATH=/hvt/bin:/bin:/usr/bin HOME=/root TMPDIR=/tmp
# "Hypervisor detected: KVM" under KVM; nothing under software emulation (TCG)
hv=$(dmesg | grep -o 'Hypervisor detected: .*' | head -n 1)
hv=${hv#*: }
echo "HVT-INIT up $(cut -d' ' -f1 /proc/uptime)s after boot, kernel $(uname -r), hypervisor: ${hv:-none (TCG)}"

# exit_qemu CODE: report CODE (0 pass, 1 fail) through the debug exit port; never returns.
exit_qemu() {
	sync
	# shellcheck disable=SC2059
	printf "\\$(printf '%03o' "$1")" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	# Only reached without the isa-debug-exit device: QEMU then exits with 0, which the host
	# reads as "no verdict".
	poweroff -f
	sleep 5
}

# Load order matters: the .deb carries no modules.dep, so insmod them by hand.
for m in vsock vmw_vsock_virtio_transport_common vsock_loopback vsock_diag; do
	insmod /hvt/modules/$m.ko || echo "HVT-INIT insmod $m failed"
done
# TCP and unix forwarding checks need a loopback interface.
ip link set lo up

case "${hvt_mode:-run}" in
run)
	# shellcheck disable=SC2046 # one word per check name
	sh /hvt/guest-checks.sh run $(echo "${hvt_checks:-}" | tr ',' ' ')
	rc=$?
	;;
demo)
	sh /hvt/guest-demo.sh
	rc=$?
	;;
shell)
	cat <<'EOF'

hvtools test guest: AF_VSOCK on CID 1 (vsock_loopback). Tools: /hvt/bin, socat, busybox.
  sh /hvt/guest-checks.sh list          the checks
  sh /hvt/guest-checks.sh run NAME...   run some (no NAME: all)
  sh /hvt/guest-demo.sh                 the demo
Leave with exit (or Ctrl-D); Ctrl-A x kills QEMU.
EOF
	# cttyhack gives the shell a controlling terminal, so Ctrl-C reaches its foreground job.
	setsid cttyhack sh -l
	rc=0
	;;
*)
	echo "HVT-INIT unknown hvt_mode=$hvt_mode"
	rc=1
	;;
esac
[ "$rc" -eq 0 ] || rc=1
echo "HVT-GUEST-EXIT $rc"
exit_qemu "$rc"
