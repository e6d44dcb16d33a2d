#!/bin/sh
# Forwarding at scale: N long-lived connections at once through a forwarder to an echo server,
# each echoing requests back to back. Forwarders: `hvnc -lk --to` (one event loop), `socat
# TCP-LISTEN:..,fork` (a process per connection) and `ncat -lk --sh-exec 'exec ncat -U ..'` (a
# process pair per connection). Clients: bench/loadgen.c over tcp loopback; the echo server:
# bench/echod.c on a unix socket (one event loop, so it never dominates). For each N, the runs
# of the forwarders are interleaved; medians of RUNS runs are printed:
#   setup/s    connections set up per second (first echo back), at most 64 being set up at once
#   MiB/s      echoed payload per second in the steady phase (each byte crosses twice)
#   p50, p99   latency of one request (closed loop: N requests are always in flight)
#   errors     connections that failed (refused, reset, wrong byte, timeout): the worst run
#   pss_MiB    the forwarder's memory with all N connections open and idle: Pss summed over
#              the forwarder and its children (shared pages split fairly)
#   KiB/conn   the same less the forwarder's Pss before the first connection, divided by N
#   rss_MiB    VmRSS summed the same way (counts shared pages once per process)
#
#   bench/scale.sh [BUILD_DIR]
#
# Environment: HVT_BENCH_SCALE ("100 1000 5000"), HVT_BENCH_SCALE_RUNS (3), HVT_BENCH_SECS
# (steady phase, 5), HVT_BENCH_REQ (request bytes, 1024), HVT_BENCH_FORWARDERS (hvnc socat
# ncat; one not installed is left out), HVT_BENCH_NCAT_MAX (1000: ncat needs two processes and
# about 3 MiB per connection; above this N it is not run), HVT_BENCH_SOCAT_MAX (5000),
# HVT_BENCH_RESULTS (file for bench/run.sh), CC.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$src/build}" && pwd)
ns=${HVT_BENCH_SCALE:-100 1000 5000}
runs=${HVT_BENCH_SCALE_RUNS:-3}
secs=${HVT_BENCH_SECS:-5}
req=${HVT_BENCH_REQ:-1024}
results=${HVT_BENCH_RESULTS:-/dev/null}
ncat_max=${HVT_BENCH_NCAT_MAX:-1000}
socat_max=${HVT_BENCH_SOCAT_MAX:-5000}
hvnc=$build/tools/hvnc/hvnc
[ -x "$hvnc" ] || { echo "scale: no $hvnc: build first" >&2; exit 1; }
T=$(mktemp -d)
epid= fpid=
stop() { # PID: the process and its children (socat and ncat fork one per connection)
	[ -n "$1" ] || return 0
	pkill -KILL -P "$1" 2>/dev/null || :
	kill "$1" 2>/dev/null || :
	wait "$1" 2>/dev/null || :
}
cleanup() {
	stop "$fpid"
	stop "$epid"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
for p in loadgen echod; do
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/$p" "$src/bench/$p.c"
done
fwds=
for f in ${HVT_BENCH_FORWARDERS:-hvnc socat ncat}; do
	[ $f = hvnc ] || command -v $f >/dev/null 2>&1 || { echo "scale: no $f, skipping it" >&2; continue; }
	fwds="$fwds $f"
done

"$T/echod" unix:"$T/echo" >"$T/echod.out" 2>&1 &
epid=$!
i=0
until grep -q ready "$T/echod.out"; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "scale: echod did not start" >&2; exit 1; }
	sleep 0.02
done

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start FORWARDER N: sets fpid and port.
start() {
	port=$(free_port)
	case $1 in
	hvnc) "$hvnc" -lk -m "$2" tcp:127.0.0.1:"$port" --to unix:"$T/echo" 2>"$T/fwd.err" & ;;
	socat) socat TCP-LISTEN:"$port",bind=127.0.0.1,reuseaddr,fork,backlog=4096 \
		UNIX-CONNECT:"$T/echo" 2>"$T/fwd.err" & ;;
	ncat) ncat -lk -m "$2" 127.0.0.1 "$port" --sh-exec "exec ncat -U $T/echo" 2>"$T/fwd.err" & ;;
	esac
	fpid=$!
	i=0
	until [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ]; do
		i=$((i + 1))
		[ $i -gt 500 ] && { echo "scale: $1 did not start listening" >&2; cat "$T/fwd.err" >&2; exit 1; }
		sleep 0.01
	done
}

field() { sed -n "s/.*[ ^]$2=\\([0-9.]*\\).*/\\1/p" "$1" | head -n 1; } # FILE NAME
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }

skip() { # FORWARDER N: not run at this N
	case $1 in
	ncat) [ "$2" -gt "$ncat_max" ] ;;
	socat) [ "$2" -gt "$socat_max" ] ;;
	*) false ;;
	esac
}

echo "forwarding: N concurrent connections, tcp client -> forwarder -> unix echo server;"
echo "${req}-byte requests back to back for ${secs} s; median of $runs interleaved runs"
printf '%-6s %-6s %9s %8s %9s %9s %6s %9s %9s %9s\n' N fwd setup/s MiB/s p50_ms p99_ms errors \
	pss_MiB KiB/conn rss_MiB
for n in $ns; do
	for r in $(seq "$runs"); do
		for f in $fwds; do
			skip $f "$n" && continue
			start $f "$n"
			limit=$((60 + n / 20 + ${secs%.*} + 1))
			"$T/loadgen" -n "$n" -s "$req" -d "$secs" -t "$limit" -p "$fpid" \
				tcp:127.0.0.1:"$port" >"$T/out" 2>"$T/lg.err" || :
			stop "$fpid"
			fpid=
			[ -s "$T/out" ] || { echo "scale: loadgen failed for $f at N=$n" >&2; cat "$T/lg.err" >&2; exit 1; }
			for k in setup_rate mib_s p50_us p99_us errors pss_idle_kib pss0_kib rss_idle_kib; do
				field "$T/out" $k >>"$T/$n.$f.$k"
			done
			# TIME_WAIT and the children's exits settle before the next forwarder starts.
			sleep 0.5
		done
	done
	for f in $fwds; do
		if skip $f "$n"; then
			printf '%-6s %-6s   not run (N above HVT_BENCH_%s_MAX)\n' "$n" $f \
				"$(echo $f | tr a-z A-Z)"
			echo "sc.$n.$f.skipped 1" >>"$results"
			continue
		fi
		setup=$(median <"$T/$n.$f.setup_rate")
		mib=$(median <"$T/$n.$f.mib_s")
		p50=$(median <"$T/$n.$f.p50_us")
		p99=$(median <"$T/$n.$f.p99_us")
		err=$(sort -n "$T/$n.$f.errors" | tail -n 1)
		pss=$(median <"$T/$n.$f.pss_idle_kib")
		rss=$(median <"$T/$n.$f.rss_idle_kib")
		base=$(median <"$T/$n.$f.pss0_kib")
		per=$(awk -v p="$pss" -v b="$base" -v n="$n" 'BEGIN { v = (p - b) / n; printf "%.2f", v < 0 ? 0 : v }')
		for k in setup mib p50 p99 err pss rss per; do
			eval "echo \"sc.$n.$f.$k \$$k\"" >>"$results"
		done
		printf '%-6s %-6s %9s %8s %9.2f %9.2f %6s %9.1f %9s %9.1f\n' "$n" $f "$setup" \
			"$mib" "$(awk -v x="$p50" 'BEGIN { print x / 1000 }')" \
			"$(awk -v x="$p99" 'BEGIN { print x / 1000 }')" "$err" \
			"$(awk -v x="$pss" 'BEGIN { print x / 1024 }')" "$per" \
			"$(awk -v x="$rss" 'BEGIN { print x / 1024 }')"
	done
done
