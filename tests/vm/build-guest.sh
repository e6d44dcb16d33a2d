#!/bin/sh
# Builds the test guest for the AF_VSOCK rig: a Debian kernel plus a small initramfs.
#
#   sh tests/vm/build-guest.sh BUILD_DIR
#
# Writes BUILD_DIR/tests/vm/kernel (a symlink into the cache) and BUILD_DIR/tests/vm/initramfs.cpio.
# Progress goes to stderr. Exit 0 on success, 1 on failure, 77 when a host prerequisite is missing
# (the caller decides whether that is a skip or a failure; see run.sh).
#
# Why a real kernel: the machine the tests run on has no vsock transport of its own, but Debian's
# kernel with vsock_loopback gives a real AF_VSOCK stack on CID 1 (see
# /work/shared/reference/test-rigs.md part A).
#
# Kernel cache: HVT_VM_CACHE (default SRC/.cache/vm, ignored by git) holds one directory per kernel
# package with only what the guest needs: vmlinux (uncompressed ELF, boots quickly through PVH) or,
# if unpacking failed, the compressed vmlinuz, and the four vsock modules. A second run uses it and
# downloads nothing. HVT_VM_KERNEL_PKG names the package instead of asking apt-cache.
#
# Initramfs: rebuilt on every call (well under a second) from busybox-static, the vsock modules,
# the project's binaries found in BUILD_DIR, socat, every shared library ldd names for them, and
# tests/vm/guest-init.sh (/init), guest-checks.sh and guest-demo.sh (under /hvt). Uncompressed,
# because the kernel unpacks that fastest.
set -u

here=$(cd "$(dirname "$0")" && pwd)
src=${HVT_SRC:-$(cd "$here/../.." && pwd)}
cache=${HVT_VM_CACHE:-$src/.cache/vm}
modules="vsock vmw_vsock_virtio_transport_common vsock_loopback vsock_diag"

say() { echo "build-guest: $*" >&2; }
die() { say "$*"; exit 1; }
missing() { say "$*"; exit 77; }

[ $# -eq 1 ] || { echo "usage: build-guest.sh BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" 2>/dev/null && pwd) || die "no build directory: $1"
out=$build/tests/vm
mkdir -p "$out" "$cache" || die "cannot create $out or $cache"
# Scratch space is per process: two runs on one build tree or cache must not mix.
root=$out/initramfs.root.$$
trap 'rm -rf "$root" "$out/initramfs.cpio.$$" "$cache/.fetch.$$"' EXIT
trap 'exit 130' INT TERM

# --- the kernel ----------------------------------------------------------------------------
# Returns (in $kdir) a cache directory holding a bootable kernel and the modules.
kernel_ok() { { [ -f "$1/vmlinux" ] || [ -f "$1/vmlinuz" ]; } && [ -f "$1/modules/vsock_loopback.ko" ]; }

# Debian's kernel image is a bzImage whose payload is one xz stream; the ELF inside boots through
# QEMU's PVH entry point, which skips the real-mode setup and the in-guest decompression (about
# 2.5 s instead of 5 s under software emulation).
unpack_vmlinux() { # VMLINUZ OUT
	magic=$(printf '\3757zXZ')
	off=$(LC_ALL=C grep -abo "$magic" "$1" 2>/dev/null | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || return 1
	if command -v xz >/dev/null 2>&1; then
		tail -c +"$((off + 1))" "$1" | xz -dc --single-stream >"$2.tmp" 2>/dev/null
	else
		# busybox xz has no --single-stream and complains about the bytes after the stream
		tail -c +"$((off + 1))" "$1" | busybox xz -dc >"$2.tmp" 2>/dev/null
	fi
	# accept only an ELF file of a plausible size, whatever the exit status said
	[ "$(head -c 4 "$2.tmp" | od -An -c | tr -d ' ')" = '177ELF' ] &&
		[ "$(wc -c <"$2.tmp")" -gt 1000000 ] && mv "$2.tmp" "$2" && return 0
	rm -f "$2.tmp"
	return 1
}

fetch_kernel() { # PKG -> $cache/PKG
	pkg=$1
	command -v apt-get >/dev/null 2>&1 || return 77
	tmp=$cache/.fetch.$$
	rm -rf "$tmp"
	mkdir -p "$tmp/x" "$tmp/k/modules" || return 1
	say "downloading $pkg (about 70 MB, once; kept in $cache)"
	# apt-get download writes into the current directory; as root it would try to drop to the _apt
	# user, which cannot write here, and warn.
	sandbox=
	[ "$(id -u)" = 0 ] && sandbox='-o APT::Sandbox::User=root'
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get download -q $sandbox "$pkg" >&2) || { rm -rf "$tmp"; return 1; }
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n 1)
	[ -n "$deb" ] || { rm -rf "$tmp"; return 1; }
	# Only the kernel and the vsock modules are extracted (the full tree is about 400 MB).
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp/x" --wildcards './boot/vmlinuz-*' \
		'./lib/modules/*/kernel/net/vmw_vsock/*' 2>/dev/null ||
		dpkg -x "$deb" "$tmp/x" || { rm -rf "$tmp"; return 1; }
	vmlinuz=$(ls "$tmp"/x/boot/vmlinuz-* 2>/dev/null | head -n 1)
	[ -n "$vmlinuz" ] || { say "no boot/vmlinuz-* in $deb"; rm -rf "$tmp"; return 1; }
	for m in $modules; do
		ko=$(find "$tmp/x/lib/modules" -name "$m.ko" | head -n 1)
		[ -n "$ko" ] || { say "no $m.ko in $deb"; rm -rf "$tmp"; return 1; }
		cp "$ko" "$tmp/k/modules/" || return 1
	done
	if unpack_vmlinux "$vmlinuz" "$tmp/k/vmlinux"; then
		say "unpacked the kernel to an ELF vmlinux (PVH boot)"
	else
		say "could not unpack the kernel; booting the compressed bzImage (slower)"
		cp "$vmlinuz" "$tmp/k/vmlinuz" || return 1
	fi
	echo "$pkg" >"$tmp/k/package"
	rm -rf "${cache:?}/$pkg"
	mv "$tmp/k" "$cache/$pkg" && rm -rf "$tmp" || return 1
	# older kernels are of no further use
	for d in "$cache"/linux-image-*; do
		[ "$d" = "$cache/$pkg" ] || rm -rf "$d"
	done
}

pkg=${HVT_VM_KERNEL_PKG:-}
if [ -z "$pkg" ] && command -v apt-cache >/dev/null 2>&1; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
fi
kdir=
if [ -n "$pkg" ] && kernel_ok "$cache/$pkg"; then
	kdir=$cache/$pkg
elif [ -n "$pkg" ]; then
	fetch_kernel "$pkg"
	rc=$?
	if [ $rc -eq 0 ]; then
		kdir=$cache/$pkg
	fi
fi
if [ -z "$kdir" ]; then
	# No package name (not Debian?) or the download failed: any cached kernel will do.
	for d in "$cache"/linux-image-*; do
		kernel_ok "$d" && { kdir=$d; say "using the cached $(basename "$d")"; break; }
	done
fi
[ -n "$kdir" ] || missing "no kernel: could not download ${pkg:-the kernel package of linux-image-amd64} with apt-get download (network, apt-get update?)"
if [ -f "$kdir/vmlinux" ]; then kernel=$kdir/vmlinux; else kernel=$kdir/vmlinuz; fi
ln -sf "$kernel" "$out/kernel" || die "cannot link $out/kernel"

# --- the initramfs -------------------------------------------------------------------------
busybox=$(command -v busybox) || missing "busybox not installed (apt-get install busybox-static)"
# The guest has no libc for a dynamic busybox: insist on the static one.
if ldd "$busybox" >/dev/null 2>&1; then
	missing "$busybox is not statically linked (apt-get install busybox-static)"
fi
socat=$(command -v socat) || missing "socat not installed (apt-get install socat)"

mkdir -p "$root/bin" "$root/usr/bin" "$root/hvt/bin" "$root/hvt/modules" "$root/dev" "$root/proc" \
	"$root/sys" "$root/tmp" "$root/etc" "$root/root" || die "cannot create $root"

cp "$busybox" "$root/bin/busybox" || die "cannot copy busybox"
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
# Scripts starting with #!/usr/bin/env find it.
ln -s ../../bin/busybox "$root/usr/bin/env"

for m in $modules; do cp "$kdir/modules/$m.ko" "$root/hvt/modules/" || die "cannot copy $m.ko"; done

bins=$socat
cp "$socat" "$root/usr/bin/socat" || die "cannot copy socat"
# iproute2's ss: the kernel's own view of vsock sockets, to compare hvlist with.
if ss=$(command -v ss); then
	cp "$ss" "$root/usr/bin/ss" || die "cannot copy ss"
	bins="$bins $ss"
fi
# OpenSSH for the check hvnc-fdpass-vsock (ssh through hvnc --fdpass to sshd -i over vsock),
# when installed: the client, the server, its sftp-server (scp) and key generator, and rsync.
for b in /usr/bin/ssh /usr/sbin/sshd /usr/bin/ssh-keygen /usr/bin/scp /usr/lib/openssh/sftp-server \
	/usr/bin/rsync; do
	[ -x "$b" ] || continue
	mkdir -p "$root$(dirname "$b")" && cp "$b" "$root$b" || die "cannot copy $b"
	bins="$bins $b"
done
for d in "$build"/tools/*/; do
	tool=$(basename "$d")
	b=$build/tools/$tool/$tool
	if [ -f "$b" ] && [ -x "$b" ]; then
		cp "$b" "$root/hvt/bin/" || die "cannot copy $b"
		bins="$bins $b"
		say "guest gets $tool"
	fi
done

# Shared libraries at the paths ldd reports (the dynamic loader included), symlinks resolved.
for b in $bins; do
	ldd "$b" 2>/dev/null | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'
done | sort -u | while read -r lib; do
	mkdir -p "$root$(dirname "$lib")" && cp -L "$lib" "$root$lib" || exit 1
done || die "cannot copy the shared libraries"

cp "$here/guest-init.sh" "$root/init" && chmod 755 "$root/init" || die "cannot copy the init"
cp "$here/guest-checks.sh" "$here/guest-demo.sh" "$root/hvt/" || die "cannot copy the guest scripts"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
printf 'hosts: files\n' >"$root/etc/nsswitch.conf"
printf 'root:x:0:0:root:/root:/bin/sh\nsshd:x:100:65534::/run/sshd:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"

# newc cpio, all files owned by root, no device nodes needed (the init mounts devtmpfs first).
(cd "$root" && find . | sort | "$busybox" cpio -o -H newc -R 0:0 >"$out/initramfs.cpio.$$" 2>/dev/null) ||
	die "cpio failed"
mv "$out/initramfs.cpio.$$" "$out/initramfs.cpio" || die "cannot write $out/initramfs.cpio"
say "kernel $(basename "$kdir")/$(basename "$kernel"), initramfs $(($(wc -c <"$out/initramfs.cpio") / 1024)) KiB"
