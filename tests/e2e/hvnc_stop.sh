#!/bin/sh
# platform: posix
# SIGTERM, SIGINT or SIGHUP to hvnc -lk -e/-c ends the whole service: the listener and every
# connection in progress with its program (hvnc(1) -k), as hvping -l does for its connections;
# a program that ignores the signal is killed 2 s later. The exit status is 128+N and the unix
# socket file is gone.
. "$(dirname "$0")/lib.sh"

# stop SIG WANT PREFIX: serve one connection with `exec sleep MARKER` (PREFIX first), send SIG
# to hvnc, expect exit WANT and no program left.
stop() {
	marker="31.$(date +%N | cut -c1-6)"
	bg $HVNC -lk unix:$T/s.sock -c "$3exec sleep $marker" 2>l.err
	lpid=$!
	wait_path "$T/s.sock"
	bg $HVNC -d unix:$T/s.sock
	cpid=$!
	i=0
	until pgrep -f "^sleep $marker" >/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "SIG$1: the program never started"
		sleep 0.05
	done
	kill -$1 $lpid
	wait $lpid
	rc=$?
	[ $rc = $2 ] || fail "SIG$1: exit $rc, expected $2"
	sleep 0.3
	left=$(pgrep -af "^sleep $marker") && fail "SIG$1: still running: $left"
	[ -e "$T/s.sock" ] && fail "SIG$1: socket file left behind"
	wait $cpid 2>/dev/null
}

stop TERM 143 ""
stop INT 130 ""
stop HUP 129 ""
ok "SIGTERM, SIGINT and SIGHUP end the listener and the program of the connection in progress"
stop TERM 143 "trap '' TERM INT HUP; "
ok "a program that ignores the signal is killed with the service"
