#!/bin/sh
# platform: windows
# What the Windows tools print is clean (no CR, no escape sequences from Wine's console) and
# byte for byte what the Linux build prints where the platform does not matter, so the CLI
# expected files can be shared. Hyper-V sockets are missing under Wine (socket() fails with
# WSAEAFNOSUPPORT): hvnc says so in its error line and a one-line hint, as on Linux.
. "$(dirname "$0")/lib.sh"
NATIVE_DIR=${HVT_NATIVE_BUILD:-$HVT_SRC/build}
[ -x "$NATIVE_DIR/tools/hvnc/hvnc" ] || fail "no native build at $NATIVE_DIR (build it first)"

# run NAME CMD...: stdout, stderr and exit status of CMD into NAME.out / NAME.err / NAME.rc.
run() {
	name=$1
	shift
	"$@" >"$name.out" 2>"$name.err" </dev/null
	echo $? >"$name.rc"
}

expect_hv() { # expect_hv NAME WHAT ADDRESS-TEXT
	cat >want.err <<EOM
hvnc: $2 $3: address family not supported by protocol
hvnc: hint: Hyper-V sockets (AF_HYPERV) are not available on this system; from a Linux guest use vsock:host:PORT
EOM
	diff -u want.err "$1.err" >&2 || fail "$1: unexpected message"
	[ "$(cat "$1.rc")" = 1 ] || fail "$1: exit status $(cat "$1.rc"), expected 1"
	[ -s "$1.out" ] && fail "$1: printed on stdout"
	return 0
}

run hv_connect $HVNC hv:parent:5000
expect_hv hv_connect connect hv:parent:00001388-facb-11e6-bd58-64006a7986d3
run hv_listen $HVNC -l hv:5000
expect_hv hv_listen "listen on" hv:wildcard:00001388-facb-11e6-bd58-64006a7986d3
run hv_wait $HVNC -w 2 hv:loopback:00001388-facb-11e6-bd58-64006a7986d3
expect_hv hv_wait connect hv:loopback:00001388-facb-11e6-bd58-64006a7986d3
ok "hv: AF_HYPERV unavailable, in one error line and one hint"

closed=$(free_port)
n=0
while read -r tool args; do
	exe=$(eval echo "\${$(echo "$tool" | tr a-z A-Z)}")
	exe=${exe##* }
	[ -f "$exe" ] || continue # tool not built in this tree
	[ -x "$NATIVE_DIR/tools/$tool/$tool" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086
	run win$n "$HVT_SRC/tests/win/wine-run" "$exe" $args
	# shellcheck disable=SC2086
	run nat$n "$NATIVE_DIR/tools/$tool/$tool" $args
	for s in out err; do
		if LC_ALL=C grep -q "$(printf '[\r\033]')" "win$n.$s"; then
			od -c "win$n.$s" | head -n 5 >&2
			fail "$tool $args: CR or escape sequence in the Windows std$s"
		fi
		cmp -s "win$n.$s" "nat$n.$s" || {
			diff -u "nat$n.$s" "win$n.$s" >&2
			fail "$tool $args: std$s differs between Linux (-) and Windows (+)"
		}
	done
	[ "$(cat "win$n.rc")" = "$(cat "nat$n.rc")" ] ||
		fail "$tool $args: exit status $(cat "win$n.rc") on Windows, $(cat "nat$n.rc") on Linux"
done <<EOF2
hvnc --help
hvnc --version
hvnc --bogus
hvnc -w x tcp:127.0.0.1:1
hvnc
hvnc hv:parent:5000
hvnc -l hv:5000
hvnc tcp:127.0.0.1:$closed
hvnc -z tcp:127.0.0.1:$closed
hvreg --help
hvreg --version
hvreg --bogus
hvping --help
hvping --version
hvping --bogus
hvlist --help
hvlist --version
hvlist --bogus
EOF2
[ $n -ge 9 ] || fail "only $n commands compared"
ok "$n commands print the same on Windows and Linux"
