# Shared by run.sh, demo.sh and shell.sh (sourced, POSIX sh): prerequisites, guest build, QEMU.
#
# Environment:
#   HVT_VM_ACCEL   accelerators to try in order, colon separated (default kvm:tcg: KVM when
#                  /dev/kvm is usable, else software emulation). HVT_VM_ACCEL=tcg forces emulation.
#   HVT_VM_CACHE   kernel cache (default SRC/.cache/vm)
#   CI             when set, a missing prerequisite (QEMU, busybox-static, socat, the kernel
#                  download) is a failure instead of a skip
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
  apt-get install qemu-system-x86 busybox-static socat
********************************************************************************
EOF
	exit $VM_SKIP
}

# vm_prepare BUILD_DIR: check the host, build the guest; sets vm_out, vm_kernel, vm_initrd.
vm_prepare() {
	command -v qemu-system-x86_64 >/dev/null 2>&1 || vm_missing "qemu-system-x86_64 not installed"
	[ -d "$1" ] || { echo "no build directory: $1" >&2; exit 2; }
	sh "$vm_dir/build-guest.sh" "$1"
	case $? in
	0) ;;
	77) vm_missing "cannot build the test guest (see above)" ;;
	*) echo "FAIL: building the test guest failed" >&2; exit 1 ;;
	esac
	vm_out=$(cd "$1" && pwd)/tests/vm
	vm_kernel=$vm_out/kernel
	vm_initrd=$vm_out/initramfs.cpio
}

# vm_qemu APPEND: boot the guest with kernel arguments APPEND added; stdin and stdout are the
# caller's. vm_limit, if set, is a command prefix such as "timeout 300". The serial console is stdio; the guest's verdict is the exit status
# (1 pass, 3 fail, anything else: no verdict).
vm_qemu() {
	# QEMU 7.2 rejects "-accel kvm:tcg"; several -accel options are tried in order.
	set -- "$1"
	for a in $(echo "${HVT_VM_ACCEL:-kvm:tcg}" | tr ':,' '  '); do
		set -- "$@" -accel "$a"
	done
	append=$1
	shift
	# shellcheck disable=SC2086
	${vm_limit:-} qemu-system-x86_64 "$@" -m 512 -smp 1 -nographic -no-reboot \
		-kernel "$vm_kernel" -initrd "$vm_initrd" \
		-append "console=ttyS0 quiet panic=-1 $append" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -net none
}
