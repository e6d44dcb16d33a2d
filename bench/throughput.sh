#!/bin/sh
# Throughput of one socket hop: `feed SIZE | SENDER` into `RECEIVER > /dev/null`, for hvnc,
# ncat, socat (default and -b 131072), a minimal read/write relay (bench/minrelay.c, 256 KiB
# buffers: the ceiling for one hop written plainly) and `cat` (a pipe, no hop at all), over
# unix and tcp loopback. The runs are interleaved (run 1 of every tool, then run 2, ...) so
# that every tool sees the same noise; the median of RUNS runs per tool and the ratios
# hvnc/other are printed. Not a test: the figures depend on the machine.
#
#   bench/throughput.sh [BUILD_DIR] [SIZE_MIB] [RUNS]      (defaults: build 2048 5)
#
# The feed (bench/feed.c) puts its pages into the pipe with vmsplice(2), so that it costs
# next to nothing and the figures are the tools'; HVT_BENCH_WRITE=BYTES makes it write(2) pieces
# of BYTES instead (8192 is what `head -c` and many writers do; every tool then slows down to
# what the writer allows).
#
# Environment: HVT_BENCH_FAMILIES (unix tcp), HVT_BENCH_TOOLS (hvnc ncat socat socat128
# minrelay cat; a tool that is not installed is left out), HVT_BENCH_RESULTS (a file to append
# "tp.FAMILY.TOOL SECONDS" lines to, for bench/run.sh), CC (cc).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
size=${2:-2048}
runs=${3:-5}
families=${HVT_BENCH_FAMILIES:-unix tcp}
results=${HVT_BENCH_RESULTS:-/dev/null}
hvnc=$build/tools/hvnc/hvnc
[ -x "$hvnc" ] || { echo "throughput: no $hvnc: build first" >&2; exit 1; }
T=$(mktemp -d)
rpid=
cleanup() {
	[ -z "$rpid" ] || kill "$rpid" 2>/dev/null || :
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/minrelay" "$src/bench/minrelay.c"
${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/feed" "$src/bench/feed.c"
chunk=${HVT_BENCH_WRITE:-}
[ -z "$chunk" ] || "$T/feed" 1 "$chunk" >/dev/null || exit 2 # says what is wrong with it

tools=
for t in ${HVT_BENCH_TOOLS:-hvnc ncat socat socat128 minrelay cat}; do
	case $t in
	socat128) command -v socat >/dev/null 2>&1 || { echo "throughput: no socat, skipping $t" >&2; continue; } ;;
	ncat | socat) command -v $t >/dev/null 2>&1 || { echo "throughput: no $t, skipping it" >&2; continue; } ;;
	esac
	tools="$tools $t"
done

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

# listening FAMILY: the receiver is ready (without connecting to it: it serves one connection).
listening() {
	if [ "$1" = unix ]; then
		[ -S "$T/s" ]
	else
		[ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]
	fi
}

# one TOOL FAMILY: seconds for one run.
one() {
	if [ "$1" = cat ]; then
		t0=$(now)
		"$T/feed" "$size" $chunk | cat >/dev/null
		t1=$(now)
	else
		rm -f "$T/s"
		# shellcheck disable=SC2046 # the command is words
		$(recv_cmd "$1" "$2") >/dev/null 2>"$T/recv.err" &
		rpid=$!
		i=0
		until listening "$2"; do
			i=$((i + 1))
			[ $i -gt 400 ] && { echo "$1 $2: receiver did not start" >&2; cat "$T/recv.err" >&2; exit 1; }
			sleep 0.01
		done
		t0=$(now)
		"$T/feed" "$size" $chunk | $(send_cmd "$1" "$2")
		wait $rpid
		rpid=
		t1=$(now)
	fi
	echo "$t0 $t1" | awk '{printf "%.4f\n", $2 - $1}'
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "one socket hop, ${size} MiB from bench/feed.c (${chunk:+write(2) of $chunk bytes}${chunk:+, not }vmsplice) to /dev/null, median of $runs interleaved runs"
for fam in $families; do
	for r in $(seq "$runs"); do
		for tool in $tools; do
			one $tool $fam >>"$T/times.$fam.$tool"
		done
	done
done
printf '%-6s %-10s %10s %10s\n' family tool seconds MiB/s
for fam in $families; do
	for tool in $tools; do
		m=$(median <"$T/times.$fam.$tool")
		eval "t_${fam}_$tool=$m"
		echo "tp.$fam.$tool $m" >>"$results"
		printf '%-6s %-10s %10s %10.0f\n' $fam $tool "$m" "$(echo "$size $m" | awk '{print $1/$2}')"
	done
done
echo
echo "ratios (speed of hvnc / speed of other; > 1 means hvnc is faster)"
for fam in $families; do
	eval "h=\$t_${fam}_hvnc"
	for tool in $tools; do
		[ $tool = hvnc ] && continue
		eval "o=\$t_${fam}_$tool"
		printf '%-6s hvnc/%-9s %6.2fx\n' $fam $tool "$(echo "$o $h" | awk '{print $1/$2}')"
	done
done
