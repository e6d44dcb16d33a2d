#!/bin/sh
# platform: posix
# SIGTERM, SIGINT or SIGHUP to hvnc -lk -e/-c ends the whole service: the listener and every
# connection in progress with its program (hvnc(1) SIGNALS), as hvping -l does for its
# connections; the exit status is 128+N and the unix socket file is gone.
. "$(dirname "$0")/lib.sh"
for sig in TERM INT HUP; do
	marker="31.$(date +%N | cut -c1-4)"
	bg $HVNC -lk unix:$T/s.sock -c "exec sleep $marker" 2>l.err
	lpid=$!
	wait_path "$T/s.sock"
	bg $HVNC -d unix:$T/s.sock
	cpid=$!
	i=0
	until pgrep -f "^sleep $marker" >/dev/null; do
		i=$((i + 1))
		[ $i -gt 100 ] && fail "SIG$sig: the program never started"
		sleep 0.05
	done
	kill -$sig $lpid
	wait $lpid
	rc=$?
	case $sig in TERM) want=143 ;; INT) want=130 ;; HUP) want=129 ;; esac
	[ $rc = $want ] || fail "SIG$sig: exit $rc, expected $want"
	sleep 0.3
	left=$(pgrep -af "sleep $marker") && fail "SIG$sig: still running: $left"
	[ -e "$T/s.sock" ] && fail "SIG$sig: socket file left behind"
	wait $cpid 2>/dev/null
	ok "SIG$sig ends the listener and the program of the connection in progress (exit $rc)"
done

# A program that ignores the signal is killed 2 s later, with its process group.
marker="32.$(date +%N | cut -c1-4)"
bg $HVNC -lk unix:$T/s.sock -c "trap '' TERM INT HUP; exec sleep $marker" 2>l.err
lpid=$!
wait_path "$T/s.sock"
bg $HVNC -d unix:$T/s.sock
i=0
until pgrep -f "^sleep $marker" >/dev/null; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "stubborn: the program never started"
	sleep 0.05
done
kill -TERM $lpid
wait $lpid
rc=$?
[ $rc = 143 ] || fail "stubborn: exit $rc"
left=$(pgrep -af "^sleep $marker") && fail "a program that ignores SIGTERM outlived the service: $left"
ok "a program that ignores the signal is killed with the service"
