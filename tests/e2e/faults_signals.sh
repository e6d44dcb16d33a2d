#!/bin/sh
# platform: posix
# SIGINT and SIGTERM end hvnc cleanly: exit 130 / 143 (128 + the signal), no message about a
# failed transfer, and no socket file left behind. Waiting in accept, in the middle of a
# transfer on either side, with -k serving through -e, a forwarder (--to) in mid-stream, and
# a single -c connection whose program would run on (the signal reaches the program).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

# expect_exit PID CODE WHAT: PID ends within 10 s with CODE.
expect_exit() {
	wait_exit "$1" 10 "$3"
	[ $rc = "$2" ] || fail "$3: expected exit $2, got $rc"
}
# Only hvnc's own lines count: a -e program may report its peer's reset when the
# forwarder in front of it is killed, which is not hvnc speaking.
clean_err() {
	if grep '^hvnc: ' "$1" | grep -v 'listening on\|connection from\|connected to' | grep -q .; then
		fail "$2: unexpected message: $(cat "$1")"
	fi
}

for sig in INT TERM; do
	if [ $sig = INT ]; then code=130; else code=143; fi

	# Waiting in accept.
	bg $HVNC -l -v unix:$T/a.$sig 2>a.$sig.err
	p=$!
	wait_path $T/a.$sig
	kill -$sig $p
	expect_exit $p $code "SIG$sig in accept"
	[ ! -e a.$sig ] || fail "SIG$sig in accept: socket file left behind"
	clean_err a.$sig.err "SIG$sig in accept"

	# Listener in mid-transfer (a slow sender keeps it busy).
	: >l.$sig.out
	bg $HVNC -l -v unix:$T/l.$sig </dev/null >l.$sig.out 2>l.$sig.err
	p=$!
	wait_path $T/l.$sig
	( while head -c 65536 /dev/zero; do sleep 0.05; done ) | $HVNC unix:$T/l.$sig >/dev/null 2>lc.$sig.err &
	PIDS="$PIDS $!"
	i=0
	while [ "$(wc -c <l.$sig.out)" -lt 100000 ]; do
		i=$((i + 1)); [ $i -gt 200 ] && fail "SIG$sig: transfer did not start"; sleep 0.05
	done
	kill -$sig $p
	expect_exit $p $code "SIG$sig in a transfer (listener)"
	[ ! -e l.$sig ] || fail "SIG$sig in a transfer: socket file left behind"
	clean_err l.$sig.err "SIG$sig in a transfer (listener)"

	# Client in mid-transfer.
	bg $HVNC -l unix:$T/c.$sig -c 'while head -c 65536 /dev/zero; do sleep 0.05; done' 2>cl.$sig.err
	wait_path $T/c.$sig
	: >c.$sig.out
	$HVNC unix:$T/c.$sig </dev/null >c.$sig.out 2>c.$sig.err &
	p=$!
	PIDS="$PIDS $p"
	i=0
	while [ "$(wc -c <c.$sig.out)" -lt 100000 ]; do
		i=$((i + 1)); [ $i -gt 200 ] && fail "SIG$sig: client transfer did not start"; sleep 0.05
	done
	kill -$sig $p
	expect_exit $p $code "SIG$sig in a transfer (client)"
	clean_err c.$sig.err "SIG$sig in a transfer (client)"

	# -k with -e children running, and a forwarder in mid-stream.
	bg $HVNC -lk -v unix:$T/k.$sig -e /bin/cat 2>k.$sig.err
	kp=$!
	wait_path $T/k.$sig
	bg $HVNC -l -v unix:$T/f.$sig --to unix:$T/k.$sig 2>f.$sig.err
	fp=$!
	wait_path $T/f.$sig
	: >fc.$sig.out
	( while head -c 65536 /dev/zero; do sleep 0.05; done ) | $HVNC unix:$T/f.$sig >fc.$sig.out 2>fc.$sig.err &
	PIDS="$PIDS $!"
	i=0
	while [ "$(wc -c <fc.$sig.out)" -lt 100000 ]; do
		i=$((i + 1)); [ $i -gt 200 ] && fail "SIG$sig: forwarded transfer did not start"; sleep 0.05
	done
	kill -$sig $fp
	expect_exit $fp $code "SIG$sig in a forwarder"
	[ ! -e f.$sig ] || fail "SIG$sig in a forwarder: socket file left behind"
	clean_err f.$sig.err "SIG$sig in a forwarder"
	kill -$sig $kp
	expect_exit $kp $code "SIG$sig with -k -e"
	[ ! -e k.$sig ] || fail "SIG$sig with -k -e: socket file left behind"
	clean_err k.$sig.err "SIG$sig with -k -e"

	# hvnc -l -c PROG with PROG still running: the signal ends PROG and hvnc.
	bg $HVNC -l -v unix:$T/p.$sig -c 'sleep 30' 2>p.$sig.err
	p=$!
	wait_path $T/p.$sig
	$HVNC -d unix:$T/p.$sig >/dev/null 2>pc.$sig.err &
	PIDS="$PIDS $!"
	wait_line p.$sig.err 'connection from'
	i=0
	while [ -z "$(child_pids $p)" ]; do
		i=$((i + 1)); [ $i -gt 200 ] && fail "SIG$sig: -c program did not start"; sleep 0.05
	done
	prog=$(child_pids $p)
	kill -$sig $p
	expect_exit $p $code "SIG$sig while -c runs"
	[ ! -e p.$sig ] || fail "SIG$sig while -c runs: socket file left behind"
	for c in $prog; do
		! alive $c || { kill $c; fail "SIG$sig while -c runs: the program still runs"; }
	done
	ok "SIG$sig: exit $code in accept, in transfers (both sides), -k -e, --to, -c; no socket file left"
done
