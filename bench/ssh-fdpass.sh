#!/bin/sh
# scp throughput over three paths to the same sshd (issue 19), in one run: ssh through a plain
# ProxyCommand relay (`hvnc ADDRESS`: every byte through the proxy's stdin/stdout), through
# `hvnc --fdpass ADDRESS` with ProxyUseFdpass (the proxy hands over the socket and exits), and
# over a direct socket (ssh's own TCP connect). sshd -i runs per connection under hvnc -lk -e
# on tcp loopback, so the three differ only in the client's path. Runs are interleaved in
# RUNS rounds; the medians are printed, and each path's ratio to direct as the median of the
# rounds' ratios. Target: --fdpass >= 0.95x direct (exit 1 when missed). The cipher is aes128-gcm (AES-NI): the fastest, so that a relay's
# cost shows most. Not a test: figures depend on the machine (docs/performance.md).
#
#   bench/ssh-fdpass.sh [BUILD_DIR] [SIZE_MIB] [RUNS]      (defaults: build 256 5)
#
# HVT_BENCH_CPU=N runs everything pinned to CPU N (taskset): on a small shared machine the two
# ends then do not wait on cross-CPU wake-ups, and the three paths see the same CPU.
set -eu
if [ -n "${HVT_BENCH_CPU:-}" ] && [ -z "${HVT_BENCH_PINNED:-}" ]; then
	HVT_BENCH_PINNED=1 exec taskset -c "$HVT_BENCH_CPU" sh "$0" "$@"
fi
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
size=${2:-256}
runs=${3:-5}
hvnc=$build/tools/hvnc/hvnc
[ -x "$hvnc" ] || { echo "ssh-fdpass: no $hvnc: build first" >&2; exit 1; }
T=$(mktemp -d)
spid=
trap '[ -z "$spid" ] || kill "$spid" 2>/dev/null; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM
. "$src/tests/e2e/libssh.sh"
ssh_setup "$T/ssh"
"$hvnc" -lk -v tcp:127.0.0.1:0 -e "$SSHD_CMD" 2>"$T/srv.err" &
spid=$!
port=
for _ in $(seq 100); do
	port=$(sed -n 's/.*listening on tcp:127.0.0.1:\([0-9]*\).*/\1/p' "$T/srv.err")
	[ -n "$port" ] && break
	sleep 0.05
done
[ -n "$port" ] || { echo "ssh-fdpass: sshd listener did not start" >&2; exit 1; }
head -c "$((size * 1048576))" /dev/urandom >"$T/data"
O="-F $T/ssh/ssh_config -o Ciphers=aes128-gcm@openssh.com -o Compression=no"

one() { # one MODE: seconds for one scp of the file
	case $1 in
	relay) set -- -o "ProxyCommand=$hvnc tcp:127.0.0.1:$port" ;;
	fdpass) set -- -o "ProxyCommand=$hvnc --fdpass tcp:127.0.0.1:$port" -o ProxyUseFdpass=yes ;;
	direct) set -- -P "$port" ;;
	esac
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	scp -q $O "$@" "$T/data" "127.0.0.1:$T/sink"
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }'
}
modes="relay fdpass direct"
# Round r runs the three in an order rotated by r, so that none always goes first or last.
for r in $(seq "$runs"); do
	order=$(echo $modes $modes | cut -d' ' -f$((r % 3 + 1))-$((r % 3 + 3)))
	for m in $order; do
		one "$m" >>"$T/$m.times"
	done
done
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
# The ratio of each round (its runs were back to back, so they share the machine's load), and
# the median of those: what the target is checked on.
ratio() { paste "$T/direct.times" "$T/$1.times" | awk '{ print $1 / $2 }' | median; }
echo "== scp of $size MiB to sshd -i on tcp loopback, $runs rounds (aes128-gcm)${HVT_BENCH_CPU:+, all on CPU $HVT_BENCH_CPU}"
printf '%-8s %8s %8s %9s %11s\n' path seconds MiB/s 'x direct' 'best MiB/s'
for m in $modes; do
	s=$(median <"$T/$m.times")
	b=$(sort -n "$T/$m.times" | head -n 1)
	echo "$m $s $size $(ratio "$m") $b" |
		awk '{ printf "%-8s %8.2f %8.1f %9.2f %11.1f\n", $1, $2, $3 / $2, $4, $3 / $5 }'
done
echo "(seconds, MiB/s: medians; x direct: the median of the rounds' ratios)"
if [ "$(ratio fdpass | awk '{ print ($1 >= 0.95) }')" = 1 ]; then
	echo "target: fdpass >= 0.95x direct: PASS"
else
	echo "target: fdpass >= 0.95x direct: FAIL"
	exit 1
fi
