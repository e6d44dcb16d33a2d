#!/bin/sh
# The Windows data path under Wine (issue 21): the event engine of this tree against the thread
# design it replaced, built from git in the same run and measured side by side:
#   throughput  SIZE MiB (bench/feed.c) through one hop, median of RUNS interleaved runs:
#               recv  native `hvnc tcp:` -> `hvnc.exe -l tcp:` > /dev/null  (socket -> stdout)
#               send  `hvnc.exe tcp:` -> native `hvnc -l tcp:` > /dev/null  (stdin -> socket)
#               fwd   native sender -> `hvnc.exe -lk --to tcp:` -> native receiver
#   idle        context switches of the whole Wine process in SECS s: a listener with no
#               connection, then `-lk --to` holding 20 idle forwarded connections
#   scale       N concurrent echo connections through `hvnc.exe -lk --to` (bench/loadgen.c to
#               bench/echod.c): set-up rate, echo throughput and the most threads seen
# Not a test: the figures depend on the machine (and on Wine); the ratios are what to compare.
#
#   bench/win-engine.sh [LINUX_BUILD] [WIN_BUILD] [OLD_REF]
#     LINUX_BUILD  native tree with tools/hvnc/hvnc (default build)
#     WIN_BUILD    mingw tree of this source (default build-win; tests/win/build.sh makes one)
#     OLD_REF      the commit of the thread design (default: the parent of the commit that
#                  added common/win/engine.c); it is built into a temporary tree
# Environment: HVT_BENCH_SIZE (MiB, 512), HVT_BENCH_RUNS (3), HVT_BENCH_SECS (5),
# HVT_BENCH_CONNS (1000), HVT_WINEPREFIX (the prefix, see tests/win/wine-run), CC (cc).
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
linux=$(cd "${1:-$src/build}" && pwd)
win=$(cd "${2:-$src/build-win}" && pwd)
ref=${3:-$(git -C "$src" log --diff-filter=A --format=%H -- common/win/engine.c | tail -n 1)^}
size=${HVT_BENCH_SIZE:-512}
runs=${HVT_BENCH_RUNS:-3}
secs=${HVT_BENCH_SECS:-5}
conns=${HVT_BENCH_CONNS:-1000}
run=$src/tests/win/wine-run
hvnc=$linux/tools/hvnc/hvnc
[ -x "$hvnc" ] || { echo "win-engine: no $hvnc: build the native tree first" >&2; exit 1; }
[ -f "$win/tools/hvnc/hvnc.exe" ] || { echo "win-engine: no $win/tools/hvnc/hvnc.exe: run tests/win/build.sh $win" >&2; exit 1; }
T=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || :; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "building the thread design from $(git -C "$src" rev-parse --short "$ref")..."
mkdir "$T/old"
git -C "$src" archive "$ref" | tar -x -C "$T/old"
[ -e "$src/.cache" ] && ln -s "$src/.cache" "$T/old/.cache"
"$T/old/tests/win/build.sh" "$T/old-build" >"$T/old-build.log" 2>&1 ||
	{ tail -n 20 "$T/old-build.log" >&2; exit 1; }
new_exe=$win/tools/hvnc/hvnc.exe
old_exe=$T/old-build/tools/hvnc/hvnc.exe
for p in feed loadgen echod; do
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -o "$T/$p" "$src/bench/$p.c"
done
"$run" --start

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listening() { [ -n "$(ss -Hltn "sport = :$1" 2>/dev/null)" ]; }
wait_listening() {
	i=0
	until listening "$1"; do
		i=$((i + 1))
		[ $i -gt 1000 ] && { echo "win-engine: nothing listens on $1" >&2; exit 1; }
		sleep 0.01
	done
}
now() { date +%s.%N; }
secs_since() { echo "$1 $(now)" | awk '{printf "%.4f\n", $2 - $1}'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# one KIND EXE: seconds for SIZE MiB.
one() {
	p=$(port)
	case $1 in
	recv)
		"$run" "$2" -l "tcp:127.0.0.1:$p" >/dev/null 2>"$T/err" &
		r=$!
		wait_listening "$p"
		t0=$(now)
		"$T/feed" "$size" | "$hvnc" "tcp:127.0.0.1:$p"
		wait $r
		;;
	send)
		"$hvnc" -l "tcp:127.0.0.1:$p" >/dev/null 2>"$T/err" &
		r=$!
		wait_listening "$p"
		t0=$(now)
		"$T/feed" "$size" | "$run" "$2" "tcp:127.0.0.1:$p"
		wait $r
		;;
	fwd)
		q=$(port)
		"$run" "$2" -lk "tcp:127.0.0.1:$q" --to "tcp:127.0.0.1:$p" </dev/null 2>"$T/err" &
		f=$!
		"$hvnc" -l "tcp:127.0.0.1:$p" >/dev/null 2>"$T/err2" &
		r=$!
		wait_listening "$p"
		wait_listening "$q"
		t0=$(now)
		"$T/feed" "$size" | "$hvnc" "tcp:127.0.0.1:$q"
		wait $r
		kill -INT $f
		wait $f || :
		;;
	esac
	secs_since "$t0"
}

echo "throughput: $size MiB, median of $runs interleaved runs (MiB/s)"
for r in $(seq "$runs"); do
	for kind in recv send fwd; do
		one $kind "$new_exe" >>"$T/tp.$kind.new"
		one $kind "$old_exe" >>"$T/tp.$kind.old"
	done
done
printf '%-6s %10s %10s %8s\n' path engine threads ratio
for kind in recv send fwd; do
	n=$(median <"$T/tp.$kind.new")
	o=$(median <"$T/tp.$kind.old")
	echo "$size $n $o" | awk -v k=$kind '{printf "%-6s %10.0f %10.0f %7.2fx\n", k, $1/$2, $1/$3, $3/$2}'
done

echo
PYTHONPATH="$src/tests/e2e" python3 - "$run" "$new_exe" "$old_exe" "$secs" "$conns" "$T" <<'EOF'
import os, socket, subprocess, sys, threading, time
from libwin import most_threads, sigint, switches

run, new, old, secs, conns, tmp = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]

def echo_server():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(128)
    def serve():
        while True:
            c, _ = s.accept()
            threading.Thread(target=lambda c=c: [c.sendall(b) for b in iter(lambda: c.recv(65536), b"")], daemon=True).start()
    threading.Thread(target=serve, daemon=True).start()
    return s.getsockname()[1]

def forwarder(exe, tport, extra=()):
    p = subprocess.Popen([run, exe, "-lk", "-m", str(max(conns, 100) * 2), "-v", "tcp:127.0.0.1:0",
                          "--to", "tcp:127.0.0.1:%d" % tport] + list(extra),
                         stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
    line = p.stderr.readline().decode()
    threading.Thread(target=lambda: p.stderr.read(), daemon=True).start()
    return p, int(line.strip().rsplit(":", 1)[1])

def idle(exe):
    p, port = forwarder(exe, echo_server())
    time.sleep(1)
    a = switches(p.pid); time.sleep(secs); alone = switches(p.pid) - a
    cl = [socket.create_connection(("127.0.0.1", port)) for _ in range(20)]
    for c in cl:
        c.sendall(b"x"); c.recv(1)
    time.sleep(1)
    a = switches(p.pid); time.sleep(secs); held = switches(p.pid) - a
    threads = len(os.listdir("/proc/%d/task" % p.pid))
    sigint(p)
    return alone, held, threads

print("idle: context switches of the Wine process in %.0f s" % secs)
print("%-8s %10s %16s %8s" % ("design", "listener", "20 idle conns", "threads"))
for name, exe in (("engine", new), ("threads", old)):
    a, h, t = idle(exe)
    print("%-8s %10d %16d %8d" % (name, a, h, t))

print()
print("scale: %d concurrent echo connections through -lk --to (bench/loadgen -s 4096 -d 3)" % conns)
ed = subprocess.Popen([os.path.join(tmp, "echod"), "tcp:127.0.0.1:0"], stdout=subprocess.PIPE)
eport = int(ed.stdout.readline().split()[1])
for name, exe in (("engine", new), ("threads", old)):
    p, port = forwarder(exe, eport)
    lg, most = most_threads(p.pid, lambda: subprocess.run(
        [os.path.join(tmp, "loadgen"), "-n", str(conns), "-c", "200", "-s", "4096", "-d", "3",
         "-t", "120", "tcp:127.0.0.1:%d" % port], capture_output=True, text=True))
    sigint(p)
    f = dict(kv.split("=") for kv in lg.stdout.split())
    print("%-8s established=%s errors=%s setup_rate=%s/s echo=%s MiB/s p50=%.0f ms threads<=%d"
          % (name, f.get("established"), f.get("errors"), f.get("setup_rate"), f.get("mib_s"),
             float(f.get("p50_us", 0)) / 1000, most))
ed.kill()
EOF
