# Shared helpers for end-to-end scripts (sourced). Each script runs in its own temp dir,
# kills what it started, and exits non-zero with a message on the first failure.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/hvt-e2e.XXXXXX")
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
cd "$T" || exit 1

fail() {
	echo "FAIL: $*" >&2
	for f in "$T"/*.err; do
		[ -s "$f" ] && { echo "--- $f" >&2; tail -n 20 "$f" >&2; }
	done
	exit 1
}
ok() { echo "ok: $*"; }

# HVT_TOOLS: the tools, space-separated. ctest sets it from the list in CMakeLists.txt; run by
# hand, the tools of the build tree $HVT_BUILD.
if [ -z "${HVT_TOOLS:-}" ] && [ -d "${HVT_BUILD:-}/tools" ]; then
	HVT_TOOLS=$(cd "$HVT_BUILD/tools" && echo *)
fi
[ -n "${HVT_TOOLS:-}" ] || fail "HVT_TOOLS is not set (ctest sets it; or set HVT_BUILD)"

# bg CMD...: runs CMD in the background, remembers its pid in $!. Stdin goes through fd 3:
# sh gives background jobs /dev/null before applying their own redirections.
bg() {
	exec 3<&0
	"$@" <&3 3<&- &
	PIDS="$PIDS $!"
	exec 3<&-
}

# free_port: a tcp port on 127.0.0.1 nothing listens on right now (for peers that cannot
# report the port they bound, like ncat).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_line FILE REGEX [SECS]: waits until FILE has a line matching REGEX.
wait_line() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $((${3:-10} * 20)) ] && fail "timed out waiting for '$2' in $1"
		sleep 0.05
	done
}

# listen_port ERRFILE: the port from "hvnc: listening on tcp:HOST:PORT".
listen_port() {
	wait_line "$1" 'listening on'
	sed -n 's/.*listening on tcp:.*:\([0-9]*\).*/\1/p' "$1" | head -n 1
}

# wait_path PATH: waits for a unix socket file to appear.
wait_path() {
	i=0
	while [ ! -S "$1" ]; do
		i=$((i + 1))
		[ $i -gt 200 ] && fail "timed out waiting for socket $1"
		sleep 0.05
	done
}

sum() { sha256sum "$1" | cut -d' ' -f1; }
same() { [ "$(sum "$1")" = "$(sum "$2")" ] || fail "$1 and $2 differ ($(wc -c <"$1") vs $(wc -c <"$2") bytes)"; }
random_file() { head -c "$2" /dev/urandom >"$1"; }
