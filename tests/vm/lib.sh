# Shared by run.sh, demo.sh and shell.sh (sourced, POSIX sh): prerequisites, guest build, QEMU.
#
# Environment:
#   HVT_VM_ACCEL         QEMU accelerators to try in order, colon separated, e.g. "kvm:tcg" or
#                        "tcg". Default: kvm:tcg when /dev/kvm is usable, else tcg (see vm_accels).
#   HVT_VM_BOOT_TIMEOUT  seconds the guest may take to reach /init (default 60); with an
#                        accelerator left to try, 15: a broken KVM hangs silently
#   HVT_VM_CACHE         kernel cache (default SRC/.cache/vm)
#   CI                   when set, a missing prerequisite (QEMU, busybox-static, socat, the
#                        kernel download) is a failure instead of a skip
vm_dir=$(cd "$(dirname "$0")" && pwd)
HVT_SRC=${HVT_SRC:-$(cd "$vm_dir/../.." && pwd)}
export HVT_SRC
VM_SKIP=77 # ctest's SKIP_RETURN_CODE for the vm tests

# vm_missing MESSAGE: a prerequisite is missing: skip, except on CI, which must run the rig.
vm_missing() {
	if [ -n "${CI:-}" ]; then
		echo "FAIL: $1 (CI is set: the VM tests must run there)" >&2
		exit 1
	fi
	cat >&2 <<EOF
********************************************************************************
SKIPPED: $1
********************************************************************************
EOF
	exit $VM_SKIP
}

# vm_prepare BUILD_DIR: check the host, build the guest; sets vm_out, vm_kernel, vm_initrd.
vm_prepare() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 ||
		vm_missing "qemu-system-x86_64 not installed; apt-get install qemu-system-x86 busybox-static"
	[ -d "$1" ] || { echo "no build directory: $1" >&2; exit 2; }
	sh "$vm_dir/build-guest.sh" "$1"
	case $? in
	0) ;;
	77) vm_missing "cannot build the test guest: see the message above" ;;
	*) echo "FAIL: building the test guest failed" >&2; exit 1 ;;
	esac
	vm_out=$(cd "$1" && pwd)/tests/vm
	vm_kernel=$vm_out/kernel
	vm_initrd=$vm_out/initramfs.cpio
}

# vm_accels: the accelerators to try, in order. Without HVT_VM_ACCEL: KVM first when /dev/kvm is
# usable. Not usable: no read/write access, or a KVM built on PVM (module kvm_pvm, found on some
# cloud sandboxes), which runs only guest kernels built for PVM: Debian's hangs or stops with "KVM
# internal error" at boot.
vm_accels() {
	if [ -n "${HVT_VM_ACCEL:-}" ]; then
		echo "$HVT_VM_ACCEL" | tr ':,' '  '
	elif [ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ]; then
		echo kvm tcg
	else
		echo tcg
	fi
}

# vm_qemu ACCEL APPEND: replace the calling (sub)shell with QEMU, kernel arguments APPEND added;
# stdin and stdout are the caller's. The exec matters when it runs in the background: $! is then
# QEMU (or vm_limit's timeout), which a kill reaches. vm_limit, if set, is a command prefix such as
# "timeout 300". The serial console is stdio; the exit status is the guest's verdict: 1 pass,
# 3 fail, anything else none.
vm_qemu() {
	# shellcheck disable=SC2086
	exec ${vm_limit:-} qemu-system-x86_64 -accel "$1" -m 512 -smp 1 -nographic -no-reboot \
		-kernel "$vm_kernel" -initrd "$vm_initrd" \
		-append "console=ttyS0 quiet panic=-1 $2" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -net none
}

# vm_running PID: the process exists and is not a zombie (sh reaps background jobs only in wait).
vm_running() {
	[ "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ] && [ -e "/proc/$1" ]
}

# vm_boot LOG APPEND: boot the guest non-interactively, console to LOG (kept), and wait for it to
# stop. Tries the accelerators in turn until one brings the guest to /init (marker HVT-INIT).
# Sets vm_rc (QEMU's exit status, 124 if vm_limit's timeout killed it) and vm_accel.
vm_boot() {
	# shellcheck disable=SC2046 # one word per accelerator
	set -- "$1" "$2" $(vm_accels)
	log=$1 append=$2
	shift 2
	while [ $# -gt 0 ]; do
		vm_accel=$1
		shift
		if [ $# -gt 0 ]; then boot_limit=15; else boot_limit=${HVT_VM_BOOT_TIMEOUT:-60}; fi
		vm_qemu "$vm_accel" "$append" </dev/null >"$log" 2>&1 &
		pid=$!
		tail_pid=
		if [ "${HVT_VM_VERBOSE:-}" = 1 ]; then
			tail -n +1 -f --pid=$pid "$log" &
			tail_pid=$!
		fi
		n=0 why="QEMU exited"
		until grep -q 'HVT-INIT up' "$log"; do
			vm_running $pid || break
			n=$((n + 1))
			if [ $n -gt $((boot_limit * 10)) ]; then
				why="killed"
				kill $pid
				break
			fi
			sleep 0.1
		done
		wait $pid
		vm_rc=$?
		[ -z "$tail_pid" ] || wait "$tail_pid" # it ends with QEMU
		grep -q 'HVT-INIT up' "$log" && return 0
		echo "vm: the guest did not reach /init within ${boot_limit}s with -accel $vm_accel" \
			"($why, status $vm_rc); last console lines:" >&2
		tr -d '\r' <"$log" | tail -n 5 | sed 's/^/    /' >&2
	done
	return 1
}
