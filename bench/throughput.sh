#!/bin/sh
# Throughput of one socket hop: `head -c SIZE /dev/zero | SENDER` into `RECEIVER > /dev/null`,
# for hvnc, ncat, socat (default and -b 131072), a minimal read/write relay (bench/minrelay.c,
# the ceiling for one hop) and plain `cat` (no hop at all), over unix and tcp loopback.
# Prints the median of RUNS runs per tool and the ratios hvnc/other. Not a test: the figures
# depend on the machine; run it on a quiet one.
# Usage: bench/throughput.sh [BUILD_DIR] [SIZE_MIB] [RUNS]
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
size=${2:-2048}
runs=${3:-5}
hvnc=$build/tools/hvnc/hvnc
[ -x "$hvnc" ] || { echo "no $hvnc: build first" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/minrelay" "$src/bench/minrelay.c"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# recv_cmd TOOL FAMILY / send_cmd TOOL FAMILY: the two ends of a hop.
recv_cmd() {
	case $1-$2 in
	hvnc-unix) echo "$hvnc -l unix:$T/s" ;;
	hvnc-tcp) echo "$hvnc -l tcp:127.0.0.1:$port" ;;
	ncat-unix) echo "ncat -l -U $T/s" ;;
	ncat-tcp) echo "ncat -l 127.0.0.1 $port" ;;
	socat-unix) echo "socat -u UNIX-LISTEN:$T/s STDOUT" ;;
	socat-tcp) echo "socat -u TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr STDOUT" ;;
	socat128-unix) echo "socat -b 131072 -u UNIX-LISTEN:$T/s STDOUT" ;;
	socat128-tcp) echo "socat -b 131072 -u TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr STDOUT" ;;
	minrelay-unix) echo "$T/minrelay recv unix:$T/s" ;;
	minrelay-tcp) echo "$T/minrelay recv tcp:$port" ;;
	esac
}
send_cmd() {
	case $1-$2 in
	hvnc-unix) echo "$hvnc unix:$T/s" ;;
	hvnc-tcp) echo "$hvnc tcp:127.0.0.1:$port" ;;
	ncat-unix) echo "ncat -U $T/s" ;;
	ncat-tcp) echo "ncat 127.0.0.1 $port" ;;
	socat-unix) echo "socat -u STDIN UNIX:$T/s" ;;
	socat-tcp) echo "socat -u STDIN TCP:127.0.0.1:$port" ;;
	socat128-unix) echo "socat -b 131072 -u STDIN UNIX:$T/s" ;;
	socat128-tcp) echo "socat -b 131072 -u STDIN TCP:127.0.0.1:$port" ;;
	minrelay-unix) echo "$T/minrelay send unix:$T/s" ;;
	minrelay-tcp) echo "$T/minrelay send tcp:$port" ;;
	esac
}

now() { date +%s.%N; }

# one TOOL FAMILY: seconds for one run.
one() {
	if [ "$1" = cat ]; then
		t0=$(now); head -c "${size}M" /dev/zero | cat >/dev/null; t1=$(now)
	else
		rm -f "$T/s"
		$(recv_cmd "$1" "$2") >/dev/null 2>"$T/recv.err" &
		rpid=$!
		i=0
		while :; do
			if [ "$2" = unix ]; then [ -S "$T/s" ] && break
			else python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port)).close()" 2>/dev/null && break
			fi
			i=$((i + 1)); [ $i -gt 200 ] && { echo "$1 $2: receiver did not start" >&2; cat "$T/recv.err" >&2; exit 1; }
			sleep 0.02
		done
		# The probe connection above is served first by one-shot receivers: restart them.
		if [ "$2" = tcp ]; then
			wait $rpid 2>/dev/null || true
			$(recv_cmd "$1" "$2") >/dev/null 2>"$T/recv.err" &
			rpid=$!
			sleep 0.2
		fi
		t0=$(now)
		head -c "${size}M" /dev/zero | $(send_cmd "$1" "$2")
		wait $rpid
		t1=$(now)
	fi
	echo "$t0 $t1" | awk '{printf "%.3f\n", $2 - $1}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

tools="hvnc ncat socat socat128 minrelay"
echo "one socket hop, ${size} MiB from /dev/zero to /dev/null, median of $runs runs"
printf '%-6s %-10s %10s %10s\n' family tool seconds MiB/s
for fam in unix tcp; do
	for tool in $tools cat; do
		: >"$T/times"
		# Interleave is not needed per tool: each run is short and they all see the same load.
		for r in $(seq "$runs"); do one $tool $fam >>"$T/times"; done
		m=$(median <"$T/times")
		eval "t_${fam}_$tool=$m"
		printf '%-6s %-10s %10s %10.0f\n' $fam $tool "$m" "$(echo "$size $m" | awk '{print $1/$2}')"
	done
done
echo
echo "ratios (speed of hvnc / speed of other; > 1 means hvnc is faster)"
for fam in unix tcp; do
	eval "h=\$t_${fam}_hvnc"
	for tool in ncat socat socat128 minrelay cat; do
		eval "o=\$t_${fam}_$tool"
		printf '%-6s hvnc/%-9s %6.2fx\n' $fam $tool "$(echo "$o $h" | awk '{print $1/$2}')"
	done
done
