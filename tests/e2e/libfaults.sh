# Helpers for the fault tests (faults_*.sh), sourced after lib.sh.

# state PID: the process state letter (R, S, Z, ...), empty when it is gone.
state() {
	sed -n 's/^.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null
}

alive() {
	s=$(state "$1")
	[ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]
}

# wait_exit PID SECS: waits at most SECS for PID (a child of this shell) to end and puts its
# exit status in $rc; kills it and fails after SECS.
wait_exit() {
	_i=0
	while alive "$1"; do
		_i=$((_i + 1))
		if [ $_i -gt $(($2 * 20)) ]; then
			kill -9 "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			fail "pid $1 ($3) still running after $2 s"
		fi
		sleep 0.05
	done
	wait "$1"
	rc=$?
}

rss_kb() { sed -n 's/^VmRSS:[^0-9]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null; }
nfds() { ls "/proc/$1/fd" 2>/dev/null | wc -l; }
# wchar PID: bytes PID has written so far (write(2), splice and sendfile included).
wchar() { sed -n 's/^wchar: //p' "/proc/$1/io" 2>/dev/null; }

# children PID [STATE]: how many children PID has (in STATE, e.g. Z).
children() {
	_n=0
	for _s in /proc/[0-9]*/stat; do
		_f=$(sed -n 's/^.*) \([A-Za-z]\) \([0-9]*\) .*/\1 \2/p' "$_s" 2>/dev/null)
		[ "${_f#* }" = "$1" ] || continue
		[ -z "${2:-}" ] || [ "${_f% *}" = "$2" ] || continue
		_n=$((_n + 1))
	done
	echo $_n
}

# A sanitizer build needs more memory for the same work: the RSS bounds allow for it.
sanitized() { grep -q '^HVT_SANITIZE:BOOL=ON' "${HVT_BUILD:-/nonexistent}/CMakeCache.txt" 2>/dev/null; }

# child_pids PID: the pids of PID's children.
child_pids() {
	for _s in /proc/[0-9]*/stat; do
		_f=$(sed -n 's/^\([0-9]*\) .*) [A-Za-z] \([0-9]*\) .*/\1 \2/p' "$_s" 2>/dev/null)
		[ "${_f#* }" = "$1" ] && echo "${_f% *}"
	done
}
