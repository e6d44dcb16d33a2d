#!/bin/sh
# Throughput over AF_VSOCK (vsock_loopback, CID 1) inside the QEMU test guest of tests/vm:
# `feed SIZE | SENDER` into `RECEIVER > /dev/null` (bench/feed.c, as in bench/throughput.sh) for
# hvnc, socat VSOCK (default and -b 131072) and bench/minrelay.c, interleaved, median of RUNS
# runs; and forwarding, minimal relay -> `hvnc -l FROM --to TO` -> minimal relay, for vsock to
# and from unix and tcp, against the two minimal relays talking over vsock directly. The guest runs under the emulator (TCG where KVM is not usable): the figures are the
# emulator's, only the ratios mean something. Not a test; bench/run.sh runs it when HVT_BENCH_SECTIONS names "vsock".
#
#   bench/vsock-guest.sh [BUILD_DIR] [SIZE_MIB] [RUNS]       (defaults: build 256 3)
#
# Uses tests/vm/build-guest.sh for the guest (kernel, busybox, socat, the tools) and adds this
# benchmark as the guest's demo script through a second initramfs archive; nothing of tests/vm
# is changed. Environment: HVT_VM_ACCEL (kvm or tcg; default: kvm where usable), HVT_BENCH_WRITE
# (as in bench/throughput.sh), HVT_BENCH_RESULTS
# ("tp.vsock.TOOL SECONDS" lines for bench/run.sh), CC. Exit 77 when the guest cannot be built.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
size=${2:-256}
runs=${3:-3}
results=${HVT_BENCH_RESULTS:-/dev/null}
command -v ss >/dev/null 2>&1 || {
	echo "vsock-guest: no ss (iproute2): the guest uses it to see listeners" >&2
	exit 77
}
sh "$src/tests/vm/build-guest.sh" "$build" >/dev/null 2>"${TMPDIR:-/tmp}/vsock-guest.$$.err" || {
	rc=$?
	cat "${TMPDIR:-/tmp}/vsock-guest.$$.err" >&2
	rm -f "${TMPDIR:-/tmp}/vsock-guest.$$.err"
	exit $rc
}
rm -f "${TMPDIR:-/tmp}/vsock-guest.$$.err"
vm=$build/tests/vm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
mkdir -p "$T/root/hvt/bin"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/root/hvt/bin/minrelay" "$src/bench/minrelay.c"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/root/hvt/bin/feed" "$src/bench/feed.c"
[ -z "${HVT_BENCH_WRITE:-}" ] || "$T/root/hvt/bin/feed" 1 "$HVT_BENCH_WRITE" >/dev/null || exit 2
cat >"$T/root/hvt/guest-demo.sh" <<EOF
#!/bin/sh
size=$size runs=$runs chunk=${HVT_BENCH_WRITE:-}
EOF
cat >>"$T/root/hvt/guest-demo.sh" <<'EOF'
up() { cut -d' ' -f1 /proc/uptime; }
ip link set lo up 2>/dev/null || :
# ready ADDRESS: something listens there (unix:PATH, tcp:[HOST:]PORT, vsock:[CID:]PORT).
ready() {
	i=0
	while :; do
		case $1 in
		unix:*) [ -S "${1#unix:}" ] && return ;;
		tcp:*) ss -Hltn 2>/dev/null | grep -q ":${1##*:} " && return ;;
		vsock:*) ss -Hl --vsock 2>/dev/null | grep -q ":${1##*:} " && return ;;
		esac
		i=$((i + 1)); [ $i -gt 400 ] && return; sleep 0.05
	done
}
recv_cmd() {
	case $1 in
	hvnc) echo "hvnc -l vsock:5700" ;;
	socat) echo "socat -u VSOCK-LISTEN:5700 STDOUT" ;;
	socat128) echo "socat -b 131072 -u VSOCK-LISTEN:5700 STDOUT" ;;
	minrelay) echo "minrelay recv vsock:1:5700" ;;
	esac
}
send_cmd() {
	case $1 in
	hvnc) echo "hvnc vsock:1:5700" ;;
	socat) echo "socat -u STDIN VSOCK-CONNECT:1:5700" ;;
	socat128) echo "socat -b 131072 -u STDIN VSOCK-CONNECT:1:5700" ;;
	minrelay) echo "minrelay send vsock:1:5700" ;;
	esac
}
r=0
while [ $r -lt "$runs" ]; do
	r=$((r + 1))
	for tool in hvnc socat socat128 minrelay; do
		$(recv_cmd $tool) >/dev/null &
		pid=$!
		i=0
		ready vsock:5700
		t0=$(up)
		feed "$size" $chunk | $(send_cmd $tool)
		wait $pid
		t1=$(up)
		echo "HVT-BENCH $tool $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')"
	done
	# Forwarding: minrelay -> hvnc -l FROM --to TO -> minrelay ("direct": no forwarder).
	for c in v2u u2v v2t t2v direct; do
		case $c in
		v2u) set -- "unix:/tmp/fs" "vsock:5701" "vsock:1:5701" ;;
		u2v) set -- "vsock:1:5702" "unix:/tmp/ff" "unix:/tmp/ff" ;;
		v2t) set -- "tcp:5801" "vsock:5703" "vsock:1:5703" ;;
		t2v) set -- "vsock:1:5704" "tcp:127.0.0.1:5802" "tcp:5802" ;;
		direct) set -- "vsock:1:5705" - "vsock:1:5705" ;;
		esac
		rm -f /tmp/fs /tmp/ff
		minrelay recv "$1" >/dev/null &
		pid=$!
		ready "$1"
		fpid=
		if [ "$2" != - ]; then
			to=$1
			[ "${to%%:*}" = tcp ] && to=tcp:127.0.0.1:${to#tcp:}
			hvnc -l "$2" --to "$to" &
			fpid=$!
			ready "$2"
		fi
		t0=$(up)
		feed "$size" $chunk | minrelay send "$3"
		wait $pid
		t1=$(up)
		[ -z "$fpid" ] || wait $fpid
		echo "HVT-BENCH fwd-$c $(echo "$t0 $t1" | awk '{ printf "%.2f", $2 - $1 }')"
	done
done
EOF
busybox=$(command -v busybox) || { echo "vsock-guest: no busybox (busybox-static)" >&2; exit 77; }
(cd "$T/root" && find . | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) >"$T/overlay.cpio"
cat "$vm/initramfs.cpio" "$T/overlay.cpio" >"$T/initrd"

accel=${HVT_VM_ACCEL:-}
if [ -z "$accel" ]; then
	accel=tcg
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && [ ! -d /sys/module/kvm_pvm ] && accel=kvm
fi
echo "AF_VSOCK in the QEMU guest (-accel $accel, vsock_loopback), ${size} MiB, median of $runs interleaved runs"
timeout $((300 + size * runs)) qemu-system-x86_64 -accel "$accel" -m 512 -smp 1 -nographic \
	-no-reboot -kernel "$vm/kernel" -initrd "$T/initrd" \
	-append "console=ttyS0 quiet panic=-1 hvt_mode=demo" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -net none </dev/null >"$T/console" 2>&1 || :
tr -d '\r' <"$T/console" | grep '^HVT-BENCH ' >"$T/times" || {
	echo "vsock-guest: no figures from the guest; last console lines:" >&2
	tr -d '\r' <"$T/console" | tail -n 20 >&2
	exit 1
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-6s %-10s %10s %10s\n' family tool seconds MiB/s
for tool in hvnc socat socat128 minrelay; do
	m=$(awk -v t=$tool '$2 == t { print $3 }' "$T/times" | median)
	[ -n "$m" ] || continue
	eval "t_$tool=$m"
	echo "tp.vsock.$tool $m" >>"$results"
	printf '%-6s %-10s %10s %10.0f\n' vsock $tool "$m" "$(echo "$size $m" | awk '{print $1/$2}')"
done
echo "ratios (speed of hvnc / speed of other)"
for tool in socat socat128 minrelay; do
	eval "o=\${t_$tool:-}"
	[ -n "$o" ] && printf 'vsock  hvnc/%-9s %6.2fx\n' $tool "$(echo "$o $t_hvnc" | awk '{print $1/$2}')"
done
echo "forwarding: minrelay -> hvnc -l FROM --to TO -> minrelay, against the two minimal relays"
echo "over vsock without a forwarder (direct)"
d=$(awk '$2 == "fwd-direct" { print $3 }' "$T/times" | median)
for c in v2u u2v v2t t2v direct; do
	m=$(awk -v t=fwd-$c '$2 == t { print $3 }' "$T/times" | median)
	[ -n "$m" ] || continue
	echo "tp.vsockfwd.$c $m" >>"$results"
	printf '%-6s %-10s %10s %10.0f %6.2fx of direct\n' fwd $c "$m" "$(echo "$size $m" | awk '{print $1/$2}')" \
		"$(echo "$m $d" | awk '{print $2/$1}')"
done
