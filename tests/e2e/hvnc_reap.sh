#!/bin/sh
# platform: posix
# A long-running hvnc -lk -e/-c reaps each program as soon as it ends, not when the next
# connection comes: after the last ssh session through `hvnc -lk -e 'sshd -i'` no zombie may
# stay behind. Checked for -e, -c and hvping -l (whose connections are tasks too).
. "$(dirname "$0")/lib.sh"

zombies() { # PID: the zombie children of PID
	for c in /proc/[0-9]*/stat; do
		{ read -r line <"$c"; } 2>/dev/null || continue
		# pid (comm) state ppid ...: comm may hold blanks, so split after the last ')'
		rest=${line##*) }
		set -- $rest
		[ "$1" = Z ] && [ "$2" = "$PID" ] && echo "${line%% *}"
	done
}

check() { # NAME PID: no zombie child of PID 1.5 s after its connection ended
	PID=$2
	sleep 1.5
	z=$(zombies)
	[ -z "$z" ] || fail "$1: zombie children of $PID after the connection ended: $z"
	kill -0 "$PID" 2>/dev/null || fail "$1: the server is gone"
	ok "$1: the finished child was reaped without a new connection"
}

bg $HVNC -lk -v tcp:127.0.0.1:0 -e true 2>e.err
epid=$!
port=$(listen_port e.err)
$HVNC -d tcp:127.0.0.1:$port </dev/null >/dev/null 2>&1
check "hvnc -lk -e" $epid

bg $HVNC -lk -v unix:$T/c.sock -c 'echo hi' 2>c.err
cpid=$!
wait_path "$T/c.sock"
[ "$($HVNC -d unix:$T/c.sock </dev/null)" = hi ] || fail "-c: no greeting"
check "hvnc -lk -c" $cpid

bg $HVPING -l unix:$T/p.sock 2>p.err
ppid_=$!
wait_path "$T/p.sock"
$HVPING -c 1 unix:$T/p.sock >/dev/null || fail "hvping: exit $?"
check "hvping -l" $ppid_
