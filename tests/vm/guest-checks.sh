#!/bin/sh
# The named checks of the AF_VSOCK rig. They run inside the test guest (busybox sh, a real Linux
# AF_VSOCK stack on CID 1 through vsock_loopback), started by guest-init.sh; run.sh on the host
# reads the results from the serial console.
#
#   sh guest-checks.sh list            names of all checks, in order (run.sh calls this on the host)
#   sh guest-checks.sh run [NAME...]   run the named checks (default: all); exit 0 if all passed
#   sh guest-checks.sh one NAME        run one check's body (used by "run")
#
# Console protocol, one check after the other (markers may follow other text on the same line):
#   HVT-CHECK-BEGIN name
#   ...the check's output...
#   HVT-CHECK-END name pass|fail SECONDS
# and finally "HVT-CHECKS-DONE passed=N failed=M".
#
# Each check runs in its own session with a time limit (hvt_timeout, default 30 s); when it ends,
# every process it left behind (listeners, forwarders) is killed, so checks cannot disturb each
# other. Each check uses its own ports (vsock 4000-5999, TCP 7000-7099) and a fresh directory
# /tmp/hvt/NAME. Random test data lives in /tmp/hvt-data and is made once per boot.
#
# Data sizes are deliberately not multiples of any buffer size, and every transfer is compared
# by sha256: a relay that drops or repeats a block, or loses the final partial one, fails.
#
# Adding a check: write check_NAME (dashes in NAME become underscores) and add NAME to CHECKS.
# A name starting with TOOL- (hvnc-, hvlist-, hvping-, hvreg-) belongs to that tool: run.sh leaves
# it out of the default list while the source tree has no tools/TOOL.
# A check prints what it does, calls die on failure and returns 0 on success. It cannot see the
# readiness of a one-shot listener without connecting to it (which would use it up), so clients
# go through "client", which retries while the error says that nothing listens yet.

CHECKS="vsock-sanity
hvnc-send
hvnc-recv
hvnc-duplex
hvnc-half-close
hvnc-keep-concurrent
hvnc-to-tcp
hvnc-tcp-to-vsock
hvnc-to-unix
hvnc-probe
hvnc-no-listener
hvnc-guid-port
hvnc-socat-interop
hvlist-sockets
hvlist-ss
hvping-vsock
hvping-vsock-echo
hvping-vsock-diagnose
hvnc-vsock-hints
hvnc-soak-vsock
hvnc-notify-vsock
hvnc-fdpass-vsock"

D=/tmp/hvt-data
G5000=00001388-facb-11e6-bd58-64006a7986d3 # the Hyper-V service GUID of vsock port 5000

# --- helpers -------------------------------------------------------------------------------

# die MESSAGE: fail the check; shows every non-empty *.err file of the check first.
die() {
	for f in *.err; do
		[ -s "$f" ] && { echo "--- $f:"; cat "$f"; }
	done
	echo "FAIL: $*"
	exit 1
}

# say TEXT: show a command line the way a user would type it (the check then runs it).
say() { echo "\$ $*"; }

# mkdata NAME BYTES: random file $D/NAME, made once per boot and shared by the checks.
mkdata() {
	[ -f "$D/$1" ] && return 0
	mkdir -p "$D" && head -c "$2" /dev/urandom >"$D/$1.tmp" && mv "$D/$1.tmp" "$D/$1" ||
		die "cannot make test data $D/$1"
}

size() { wc -c <"$1" | tr -d ' '; }
sum() { sha256sum <"$1" | cut -d' ' -f1; }

# same WHAT EXPECTED ACTUAL: the files must be byte-identical; prints sizes and sha256.
same() {
	[ -f "$3" ] || die "$1: no output file $3"
	if [ "$(sum "$2")" = "$(sum "$3")" ]; then
		echo "ok: $1: $(size "$3") bytes, sha256 identical"
		return 0
	fi
	echo "$1: sent     $(size "$2") bytes, sha256 $(sum "$2")"
	echo "$1: received $(size "$3") bytes, sha256 $(sum "$3")"
	cmp "$2" "$3" 2>&1 | head -n 1
	die "$1: data differs"
}

# cs: the time since boot in centiseconds, for deadlines that do not depend on how fast the
# (emulated, maybe loaded) machine runs the loop around them.
cs() {
	_t=$(cut -d' ' -f1 /proc/uptime)
	echo "${_t%.*}${_t#*.}"
}

# client IN OUT CMD...: run a client with stdin from file IN and stdout to file OUT; its stderr
# goes to OUT.err. The listener it needs was started in the background just before; while the
# client fails with an error saying that nothing listens yet ("reset" on vsock loopback,
# "refused" on TCP, "no such file" on unix), it is retried for up to 10 s. IN is a file and
# reopened on each attempt, so a failed attempt cannot eat input. Returns the last exit status.
client() {
	_in=$1 _out=$2
	shift 2
	_end=$(($(cs) + 1000))
	while :; do
		"$@" <"$_in" >"$_out" 2>"$_out.err"
		_rc=$?
		[ $_rc -ne 0 ] && [ "$(cs)" -lt $_end ] && grep -qiE 'reset|refused|no such file' "$_out.err" || break
		sleep 0.05
	done
	return $_rc
}

# ready SOCAT-ADDRESS: wait (up to 10 s) until a persistent listener (socat fork, hvnc -k) accepts.
# Costs one empty connection.
ready() {
	_end=$(($(cs) + 1000))
	until socat -u /dev/null "$1" 2>/dev/null; do
		[ "$(cs)" -lt $_end ] || die "nothing listens on $1 after 10 s"
		sleep 0.05
	done
}

# seen FILE TEXT MESSAGE: wait (up to 10 s) until FILE contains TEXT; die with MESSAGE if not.
seen() {
	_end=$(($(cs) + 1000))
	until grep -q "$2" "$1" 2>/dev/null; do
		[ "$(cs)" -lt $_end ] || die "$3"
		sleep 0.05
	done
}

# await PID SECS: wait for background job PID for at most SECS seconds. Returns its exit status,
# or 124 if it was still running (it is then killed).
await() {
	_end=$(($(cs) + $2 * 100))
	while :; do
		_st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || break # reaped already
		[ "$_st" = Z ] && break
		if [ "$(cs)" -ge $_end ]; then
			kill "$1" 2>/dev/null
			wait "$1"
			return 124
		fi
		sleep 0.05
	done
	wait "$1"
}

# --- the checks ----------------------------------------------------------------------------

# The kernel side alone, with socat on both ends: if this fails, the guest is broken, not hvnc.
check_vsock_sanity() {
	mkdata 4m 4194404
	say "socat -u VSOCK-LISTEN:4000 - > recv & socat -u - VSOCK-CONNECT:1:4000 < 4m"
	socat -u VSOCK-LISTEN:4000 - >recv 2>listen.err &
	l=$!
	client "$D/4m" out socat -u - VSOCK-CONNECT:1:4000 || die "socat client: exit $?"
	await $l 20 || die "socat listener: exit $?"
	same "socat -> socat" "$D/4m" recv

	say "socat -u FILE:4m VSOCK-LISTEN:4001 & socat -u VSOCK-CONNECT:1:4001 - > recv2"
	socat -u "FILE:$D/4m" VSOCK-LISTEN:4001 2>listen2.err &
	l=$!
	client /dev/null recv2 socat -u VSOCK-CONNECT:1:4001 - || die "socat client: exit $?"
	await $l 20 || die "socat listener: exit $?"
	same "socat <- socat" "$D/4m" recv2
}

check_hvnc_send() {
	mkdata 8m 8392929 # 8 MiB + 4321
	say "hvnc -l vsock:any:5001 > recv & hvnc vsock:local:5001 < 8m"
	hvnc -l vsock:any:5001 >recv 2>listen.err &
	l=$!
	client "$D/8m" out hvnc vsock:local:5001 || die "client: exit $?"
	await $l 20 || die "listener: exit $?"
	same "client -> listener" "$D/8m" recv
	[ ! -s out ] || die "client printed $(size out) bytes, the listener sent none"
}

check_hvnc_recv() {
	mkdata 8m 8392929
	say "hvnc -l vsock:any:5011 < 8m & hvnc -d vsock:local:5011 > recv"
	hvnc -l vsock:any:5011 <"$D/8m" >listen.out 2>listen.err &
	l=$!
	client /dev/null recv hvnc -d vsock:local:5011 || die "client -d: exit $?"
	await $l 20 || die "listener: exit $?"
	same "listener -> client -d" "$D/8m" recv

	# Without -d the client's stdin ends at once: it shuts down its write side while the listener
	# is still sending, and must keep receiving until the listener closes.
	say "hvnc -l vsock:any:5012 < 8m & hvnc vsock:local:5012 < /dev/null > recv2"
	hvnc -l vsock:any:5012 <"$D/8m" >listen2.out 2>listen2.err &
	l=$!
	client /dev/null recv2 hvnc vsock:local:5012 || die "client: exit $?"
	await $l 20 || die "listener: exit $?"
	same "listener -> client (client half-closed first)" "$D/8m" recv2
}

# Both directions at once: a relay that blocks on one direction deadlocks once the socket
# buffers (256 KiB) are full.
check_hvnc_duplex() {
	mkdata 4m 4194404
	mkdata 4m-b 4195403
	say "hvnc -l vsock:any:5021 < 4m > recv-l & hvnc vsock:local:5021 < 4m-b > recv-c"
	hvnc -l vsock:any:5021 <"$D/4m" >recv-l 2>listen.err &
	l=$!
	client "$D/4m-b" recv-c hvnc vsock:local:5021 || die "client: exit $?"
	await $l 20 || die "listener: exit $?"
	same "client -> listener" "$D/4m-b" recv-l
	same "listener -> client" "$D/4m" recv-c
}

# The server answers only after the client's EOF, so the client must half-close and keep reading.
check_hvnc_half_close() {
	mkdata 100k 100000
	say "hvnc -l vsock:any:5031 -c 'wc -c' & hvnc vsock:local:5031 < 100k"
	hvnc -l vsock:any:5031 -c 'wc -c' >listen.out 2>listen.err &
	l=$!
	client "$D/100k" count hvnc vsock:local:5031 || die "client: exit $?"
	n=$(tr -d ' \n' <count)
	echo "server counted: $n"
	[ "$n" = 100000 ] || die "expected 100000"
	await $l 10 || die "listener: exit $?"
}

# -k -e: connections are served concurrently. One connection is held open (its stdin is a fifo
# this shell keeps open) while three more transfer 1 MiB each; a server that serves one connection
# at a time never answers them.
check_hvnc_keep_concurrent() {
	say "hvnc -l -k vsock:any:5041 -e /bin/cat &"
	hvnc -l -k vsock:any:5041 -e /bin/cat >listen.out 2>listen.err &
	srv=$!
	ready VSOCK-CONNECT:1:5041
	mkfifo hold
	hvnc vsock:local:5041 <hold >held.out 2>held.err &
	h=$!
	exec 3>hold
	echo ping >&3
	seen held.out ping "no echo on the held connection after 10 s"
	echo "connection 1 open and echoing; now 3 more at the same time"
	for n in 1 2 3; do
		mkdata "1m-$n" $((1048576 + n * 111))
		client "$D/1m-$n" "echo$n" hvnc vsock:local:5041 &
		eval "c$n=\$!"
	done
	for n in 1 2 3; do
		eval "await \$c$n 20" ||
			die "client $n: exit $? (124: still waiting; -k -e must serve connections concurrently)"
	done
	for n in 1 2 3; do same "echo $n" "$D/1m-$n" "echo$n"; done
	exec 3>&-
	await $h 10 || die "held client: exit $? after its stdin ended"
	[ "$(cat held.out)" = ping ] || die "held connection echoed '$(cat held.out)', expected ping"
	kill -0 $srv 2>/dev/null || die "the -k listener exited"
	echo "ok: 4 connections, the -k listener still runs"
}

check_hvnc_to_tcp() {
	mkdata 4m 4194404
	socat -t 10 TCP-LISTEN:7001,bind=127.0.0.1,reuseaddr,fork EXEC:/bin/cat 2>backend.err &
	ready TCP:127.0.0.1:7001
	say "(TCP echo on 127.0.0.1:7001) hvnc -l vsock:any:5051 --to tcp:127.0.0.1:7001 & hvnc vsock:local:5051 < 4m"
	hvnc -l vsock:any:5051 --to tcp:127.0.0.1:7001 >fwd.out 2>fwd.err &
	f=$!
	client "$D/4m" echo hvnc vsock:local:5051 || die "client: exit $?"
	same "vsock -> tcp echo" "$D/4m" echo
	await $f 10 || die "forwarder: exit $?"
}

check_hvnc_tcp_to_vsock() {
	mkdata 4m 4194404
	socat -t 10 VSOCK-LISTEN:5061,fork EXEC:/bin/cat 2>backend.err &
	ready VSOCK-CONNECT:1:5061
	say "(vsock echo on 5061) hvnc -l tcp:127.0.0.1:7002 --to vsock:local:5061 & hvnc tcp:127.0.0.1:7002 < 4m"
	hvnc -l tcp:127.0.0.1:7002 --to vsock:local:5061 >fwd.out 2>fwd.err &
	f=$!
	client "$D/4m" echo hvnc tcp:127.0.0.1:7002 || die "client: exit $?"
	same "tcp -> vsock echo" "$D/4m" echo
	await $f 10 || die "forwarder: exit $?"
}

check_hvnc_to_unix() {
	mkdata 4m 4194404
	sock=/tmp/hvt-echo.sock
	rm -f $sock
	socat -t 10 UNIX-LISTEN:$sock,fork EXEC:/bin/cat 2>backend.err &
	ready UNIX-CONNECT:$sock
	say "(unix echo on $sock) hvnc -l vsock:any:5071 --to unix:$sock & hvnc vsock:local:5071 < 4m"
	hvnc -l vsock:any:5071 --to unix:$sock >fwd.out 2>fwd.err &
	f=$!
	client "$D/4m" echo hvnc vsock:local:5071 || die "client: exit $?"
	same "vsock -> unix echo" "$D/4m" echo
	await $f 10 || die "forwarder: exit $?"
}

# -z must not touch stdin: it gets a stdin that never ends (a fifo held open by this shell).
check_hvnc_probe() {
	socat VSOCK-LISTEN:5081,fork EXEC:/bin/cat 2>backend.err &
	ready VSOCK-CONNECT:1:5081
	mkfifo never
	exec 3<>never
	say "hvnc -z vsock:local:5081   (socat listens)"
	hvnc -z vsock:local:5081 <&3 >z1.out 2>z1.err &
	await $! 10
	rc=$?
	cat z1.out z1.err
	[ $rc -eq 0 ] || die "exit $rc, expected 0 (124: still running)"
	say "hvnc -z vsock:local:5082   (nothing listens)"
	hvnc -z vsock:local:5082 <&3 >z2.out 2>z2.err &
	await $! 10
	rc=$?
	cat z2.out z2.err
	[ $rc -eq 1 ] || die "exit $rc, expected 1 (124: still running)"
	echo "ok: exit 0 with a listener, 1 without"
}

check_hvnc_no_listener() {
	say "hvnc vsock:local:5999 < /dev/null"
	hvnc vsock:local:5999 </dev/null >out 2>err
	rc=$?
	cat err
	echo "exit status $rc"
	[ $rc -eq 1 ] || die "exit $rc, expected 1"
	grep -qiE 'vsock:(1|local):' err || die "stderr does not name the address (vsock:1:... or vsock:local:...)"
	grep -qi reset err || die "stderr does not say 'reset'"
	[ "$(wc -l <err)" -ge 2 ] || die "stderr has no hint line"
	[ ! -s out ] || die "stdout is not empty"
}

# The template service GUID of port 5000 must mean port 5000, both ways.
check_hvnc_guid_port() {
	mkdata 1m 1048689
	say "socat -u VSOCK-LISTEN:5000 - > recv & hvnc vsock:local:$G5000 < 1m"
	socat -u VSOCK-LISTEN:5000 - >recv 2>listen.err &
	l=$!
	client "$D/1m" out hvnc "vsock:local:$G5000" || die "client: exit $?"
	await $l 10 || die "socat listener: exit $?"
	same "GUID client -> port 5000" "$D/1m" recv

	say "hvnc -l vsock:any:$G5000 > recv2 & socat -u - VSOCK-CONNECT:1:5000 < 1m"
	hvnc -l "vsock:any:$G5000" >recv2 2>listen2.err &
	l=$!
	client "$D/1m" out2 socat -u - VSOCK-CONNECT:1:5000 || die "socat client: exit $?"
	await $l 10 || die "listener: exit $?"
	same "port 5000 -> GUID listener" "$D/1m" recv2
}

check_hvnc_socat_interop() {
	mkdata 4m 4194404
	say "socat -u VSOCK-LISTEN:5091 - > r1 & hvnc vsock:local:5091 < 4m"
	socat -u VSOCK-LISTEN:5091 - >r1 2>s1.err &
	l=$!
	client "$D/4m" o1 hvnc vsock:local:5091 || die "hvnc client: exit $?"
	await $l 20 || die "socat listener: exit $?"
	same "hvnc client -> socat listener" "$D/4m" r1

	say "socat -u FILE:4m VSOCK-LISTEN:5092 & hvnc vsock:local:5092 > r2"
	socat -u "FILE:$D/4m" VSOCK-LISTEN:5092 2>s2.err &
	l=$!
	client /dev/null r2 hvnc vsock:local:5092 || die "hvnc client: exit $?"
	await $l 20 || die "socat listener: exit $?"
	same "socat listener -> hvnc client" "$D/4m" r2

	say "hvnc -l vsock:any:5093 > r3 & socat -u - VSOCK-CONNECT:1:5093 < 4m"
	hvnc -l vsock:any:5093 >r3 2>l3.err &
	l=$!
	client "$D/4m" o3 socat -u - VSOCK-CONNECT:1:5093 || die "socat client: exit $?"
	await $l 20 || die "hvnc listener: exit $?"
	same "socat client -> hvnc listener" "$D/4m" r3

	say "hvnc -l vsock:any:5094 < 4m & socat -u VSOCK-CONNECT:1:5094 - > r4"
	hvnc -l vsock:any:5094 <"$D/4m" >o4 2>l4.err &
	l=$!
	client /dev/null r4 socat -u VSOCK-CONNECT:1:5094 - || die "socat client: exit $?"
	await $l 20 || die "hvnc listener: exit $?"
	same "hvnc listener -> socat client" "$D/4m" r4
}

# vsock_diag (NETLINK_SOCK_DIAG) exists only on a real vsock stack: this is the one place where
# hvlist reads a live kernel. A recorded dump must replay to the same table.
check_hvlist_sockets() {
	socat VSOCK-LISTEN:5301,fork EXEC:/bin/cat 2>backend.err &
	ready VSOCK-CONNECT:1:5301
	mkfifo hold
	socat - VSOCK-CONNECT:1:5301 <hold >held.out 2>held.err &
	exec 3>hold
	echo ping >&3
	seen held.out ping "no echo on the held connection after 10 s"
	say "hvlist sockets   (socat listens on 5301, one connection open)"
	hvlist sockets --dump-save dump >live.out 2>live.err || die "hvlist sockets: exit $?"
	cat live.out
	[ "$(grep -c 5301 live.out)" -ge 3 ] ||
		die "expected port 5301 in 3 rows (the listener and both ends of the connection)"
	grep -q 5302 live.out && die "port 5302 listed, but nothing uses it"
	say "hvlist -l sockets"
	hvlist -l sockets >listening.out 2>listening.err || die "hvlist -l sockets: exit $?"
	cat listening.out
	[ "$(grep -c 5301 listening.out)" -eq 1 ] || die "expected exactly one row with 5301 (the listener)"
	say "hvlist sockets --dump-file dump   (replay of the live dump)"
	[ -s dump ] || die "--dump-save wrote nothing"
	hvlist sockets --dump-file dump >replay.out 2>replay.err || die "hvlist --dump-file: exit $?"
	# the title line may say where the data came from; the rows must be identical
	tail -n +2 live.out >live.rows
	tail -n +2 replay.out >replay.rows
	cmp -s live.rows replay.rows || { diff live.rows replay.rows; die "replay differs from the live table"; }
	echo "ok: live table, -l and replay agree"
	exec 3>&-
}

check_hvping_vsock() {
	say "hvping -l vsock:any:5401 & hvping -c 3 -i 0.1 vsock:local:5401"
	hvping -l vsock:any:5401 >responder.out 2>responder.err &
	ready VSOCK-CONNECT:1:5401
	hvping -c 3 -i 0.1 vsock:local:5401 >echo.out 2>echo.err
	rc=$?
	cat echo.out echo.err
	[ $rc -eq 0 ] || die "exit $rc, expected 0"
	say "hvping -c 2 -i 0.1 --connect vsock:local:5402   (socat listens)"
	socat VSOCK-LISTEN:5402,fork EXEC:/bin/cat 2>backend.err &
	ready VSOCK-CONNECT:1:5402
	hvping -c 2 -i 0.1 --connect vsock:local:5402 >connect.out 2>connect.err
	rc=$?
	cat connect.out connect.err
	[ $rc -eq 0 ] || die "exit $rc, expected 0"
	say "hvping -c 1 -W 1 vsock:local:5403   (nothing listens)"
	hvping -c 1 -W 1 vsock:local:5403 >none.out 2>none.err
	rc=$?
	cat none.out none.err
	[ $rc -eq 1 ] || die "exit $rc, expected 1"
}


# hvlist sockets against ss --vsock (the kernel's view through iproute2): listeners and a
# connection made by hvnc, listed by hvlist and compared with `ss --vsock -a` (when the guest has
# ss) and with what was started.
# Also: the service GUID per port, -p, JSON, the --file cross-reference, and a saved dump that
# replays to the same listing.
check_hvlist_ss() {
	# hvlist_wait REGEX: until a line of `hvlist sockets -n -r -o state,local,peer` matches
	hvlist_wait() {
		_i=0
		until hvlist sockets -n -r -o state,local,peer 2>/dev/null | grep -qE "$1"; do
			_i=$((_i + 1))
			[ $_i -lt 100 ] || die "no socket matching '$1' in hvlist after 5 s"
			sleep 0.05
		done
	}
	say "hvnc -l -k vsock:5310 -e cat &  hvnc -l vsock:1:5311 &  hvnc vsock:1:5310 &"
	hvnc -l -k vsock:5310 -e cat </dev/null >/dev/null 2>l5310.err &
	sleep 60 | hvnc -l vsock:1:5311 >/dev/null 2>l5311.err &
	hvlist_wait '^LISTEN \*:5310 \*:\*$'
	hvlist_wait '^LISTEN 1:5311 \*:\*$'
	sleep 60 | hvnc vsock:1:5310 >/dev/null 2>c5310.err &
	hvlist_wait '^ESTAB 1:5310 1:[0-9]+$'
	hvlist_wait '^ESTAB \*:[0-9]+ 1:5310$'

	say "hvlist sockets"
	hvlist sockets || die "hvlist sockets: exit $?"
	hvlist sockets -n -r -o state,local,peer | sort >hvlist.txt || die "hvlist -n -r: exit $?"
	if command -v ss >/dev/null 2>&1; then
		say "ss --vsock -a -n -H (compared with hvlist sockets -n -r -o state,local,peer)"
		ss --vsock -a -n -H | awk '{ print $2, $5, $6 }' | sort >ss.txt || die "ss: exit $?"
		cat ss.txt
		diff ss.txt hvlist.txt || die "hvlist and ss list different sockets (diff above: - ss, + hvlist)"
		echo "ok: hvlist lists the same $(wc -l <ss.txt | tr -d ' ') sockets as ss"
	else
		echo "(no ss in this guest: checking against what was started)"
	fi
	for re in '^LISTEN \*:5310 \*:\*$' '^LISTEN 1:5311 \*:\*$' '^ESTAB 1:5310 1:[0-9]+$' \
		'^ESTAB \*:[0-9]+ 1:5310$'; do
		grep -qE "$re" hvlist.txt || die "no socket matching '$re'"
	done
	# the client's port, seen from both ends
	cport=$(sed -n 's/^ESTAB \*:\([0-9]*\) 1:5310$/\1/p' hvlist.txt)
	grep -qx "ESTAB 1:5310 1:$cport" hvlist.txt || die "the accepted end does not name the client's port $cport"
	echo "ok: listeners and both ends of the connection (client port $cport)"

	say "hvlist sockets -n -r -o state,local,service"
	hvlist sockets -n -r -o state,local,service >svc.txt
	cat svc.txt
	grep -qx 'LISTEN \*:5310 000014be-facb-11e6-bd58-64006a7986d3' svc.txt &&
		grep -qx 'LISTEN 1:5311 000014bf-facb-11e6-bd58-64006a7986d3' svc.txt &&
		grep -qx "ESTAB \*:$cport 000014be-facb-11e6-bd58-64006a7986d3" svc.txt &&
		grep -qx 'ESTAB 1:5310 000014be-facb-11e6-bd58-64006a7986d3' svc.txt ||
		die "wrong service GUIDs"
	echo "ok: service GUIDs of listeners and of both ends of the connection"

	say "hvlist sockets -p -n -r -o local,process"
	hvlist sockets -p -n -r -o local,process >proc.txt
	cat proc.txt
	grep -qE '^\*:5310 (.*,)?hvnc\[[0-9]+\]' proc.txt && grep -qE '^1:5311 hvnc\[[0-9]+\]$' proc.txt ||
		die "-p does not name the hvnc listeners"
	echo "ok: -p names the owning processes"

	say "hvlist -j sockets"
	hvlist -j sockets >list.json || die "hvlist -j: exit $?"
	grep -q '"local_cid": 1,' list.json && grep -q '"transports": \[.*"vsock_loopback"' list.json &&
		grep -q '"state": "LISTEN", "local": "\*:5310"' list.json ||
		die "JSON lacks the local CID, the transport or the listener"
	echo "ok: JSON has local_cid 1, vsock_loopback and the listener"

	say "hvlist sockets --file reg (registers 5310 only)"
	printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\\GuestCommunicationServices\\000014be-facb-11e6-bd58-64006a7986d3]\r\n"ElementName"="check 5310"\r\n' >svc.reg
	hvlist sockets --file svc.reg >reg.out 2>reg.err || die "hvlist --file: exit $?"
	cat reg.out reg.err
	grep -q 'vsock port 5311 listens, but its service 000014bf-facb-11e6-bd58-64006a7986d3 is not registered' reg.err ||
		die "no warning for the unregistered listener 5311"
	! grep -q 'port 5310' reg.err || die "a warning for the registered port 5310"
	grep -qE '^LISTEN +1:5311 .* no$' reg.out && grep -qE '^LISTEN +\*:5310 .* yes$' reg.out ||
		die "REG column wrong"
	echo "ok: the unregistered listener is marked, the registered one is not"

	say "hvlist sockets --dump-save d.bin; hvlist sockets --dump-file d.bin"
	hvlist sockets --dump-save d.bin -n -r -o state,local,peer,service,inode >live.txt || die "--dump-save: exit $?"
	hvlist sockets --dump-file d.bin -n -r -o state,local,peer,service,inode >replay.txt || die "--dump-file: exit $?"
	diff live.txt replay.txt || die "the replayed dump lists other sockets than the live one"
	echo "ok: a saved dump ($(wc -c <d.bin | tr -d ' ') bytes) replays to the same $(wc -l <live.txt | tr -d ' ') sockets"
}

# hvping over real vsock: 4088- and 64 KiB probes, --json, --connect; and the diagnosis for a
# port nothing listens on, the fallback against an echo-only peer, loss when the responder dies.
check_hvping_vsock_echo() {
	say "hvping -l -v vsock:any:5410 &"
	hvping -l -v vsock:any:5410 2>responder.err &
	seen responder.err 'listening on vsock:' "the responder did not start"
	say "hvping -c 3 -i 0.1 -s 4088 vsock:local:5410"
	hvping -c 3 -i 0.1 -s 4088 vsock:local:5410 >echo.out 2>echo.err || die "echo: exit $?"
	cat echo.out
	[ "$(grep -c '^seq=[123] bytes=4088 time=[0-9.]* ms$' echo.out)" -eq 3 ] || die "echo: 3 probe lines expected"
	grep -q '^3 probes, 3 replies, 0% loss, time [0-9]* ms$' echo.out || die "echo: summary"
	grep -q '^rtt min/avg/max/mdev = ' echo.out || die "echo: rtt line"
	say "hvping -q -c 20 -i 0 -s 65536 vsock:local:5410   (larger than the vsock buffers)"
	hvping -q -c 20 -i 0 -s 65536 vsock:local:5410 >big.out 2>big.err || die "65536: exit $?"
	cat big.out
	grep -q '^20 probes, 20 replies, 0% loss' big.out || die "65536: summary"
	say "hvping --json -c 2 -i 0 vsock:local:5410"
	hvping --json -c 2 -i 0 vsock:local:5410 >json.out 2>json.err || die "json: exit $?"
	grep -q '"address": "vsock:1:5410",' json.out || die "json: address"
	grep -q '"mode": "echo",' json.out || die "json: mode"
	grep -q '"received": 2,' json.out || die "json: received"
	say "hvping --connect -c 2 -i 0 vsock:local:5410"
	hvping --connect -c 2 -i 0 vsock:local:5410 >connect.out 2>connect.err || die "connect: exit $?"
	[ "$(grep -c '^seq=[12] time=[0-9.]* ms$' connect.out)" -eq 2 ] || die "connect: 2 probe lines expected"
	seen responder.err 'done after 20 probes of 65536 bytes' "responder log: no 'done after 20 probes'"
	echo "ok: echo, 64 KiB probes, --json, --connect"
}

check_hvping_vsock_diagnose() {
	say "hvping -c 2 -i 0.1 -W 1 vsock:local:5411   (nothing listens)"
	hvping -c 2 -i 0.1 -W 1 vsock:local:5411 >none.out 2>none.txt
	rc=$?
	cat none.out none.txt
	[ $rc -eq 1 ] || die "nothing listens: exit $rc, expected 1"
	[ "$(grep -c '^seq=[12] error: connection reset by peer$' none.out)" -eq 2 ] || die "nothing listens: error lines"
	grep -q '^2 probes, 0 replies, 100% loss' none.out || die "nothing listens: summary"
	grep -qx 'hvping: hint: nothing is listening on that vsock port (vsock reports a reset, not a refusal)' none.txt ||
		die "nothing listens: hint"
	say "socat VSOCK-LISTEN:5412,fork EXEC:/bin/cat &   (an echo service, not hvping)"
	socat VSOCK-LISTEN:5412,fork EXEC:/bin/cat 2>socat.err &
	ready VSOCK-CONNECT:1:5412
	say "hvping -c 2 -i 0.1 vsock:local:5412"
	hvping -c 2 -i 0.1 vsock:local:5412 >fb.out 2>fb.txt || die "fallback: exit $?"
	cat fb.out fb.txt
	grep -qx 'hvping: vsock:1:5412 does not answer the hvping protocol; timing connects instead (--connect)' fb.txt ||
		die "fallback: message"
	[ "$(grep -c '^seq=[12] time=[0-9.]* ms$' fb.out)" -eq 2 ] || die "fallback: connect probe lines"
	say "hvping -l vsock:any:5413 & hvping -c 6 -i 0.2 vsock:local:5413, responder killed after 2 replies"
	setsid hvping -l vsock:any:5413 2>r.err &   # own process group: kill its connections too
	rpid=$!
	ready VSOCK-CONNECT:1:5413
	hvping -c 6 -i 0.2 vsock:local:5413 >loss.out 2>loss.txt &
	cpid=$!
	seen loss.out '^seq=2 bytes=' "loss: no second reply"
	kill -TERM -$rpid
	wait $cpid
	rc=$?
	cat loss.out loss.txt
	[ $rc -eq 0 ] || die "loss: exit $rc, expected 0"
	grep -q '^seq=[3-6] error: ' loss.out || die "loss: no error lines"
	grep -q '^6 probes, [2-5] replies, ' loss.out || die "loss: summary"
	echo "ok: reset hint, fallback against an echo service, loss when the responder goes"
}

# vsock errors get vsock's hints, not Hyper-V's: a CID that is not ours to bind, a CID no
# transport serves (only vsock_loopback is loaded here), and never a word about WSL or VM ids.
check_hvnc_vsock_hints() {
	say "hvnc -l vsock:7:4600   (CID 7 is not this machine's)"
	hvnc -l vsock:7:4600 </dev/null >out 2>bind.txt
	rc=$?
	cat bind.txt
	[ $rc -eq 1 ] || die "bind CID 7: exit $rc, expected 1"
	grep -q '^hvnc: listen on vsock:7:4600: cannot assign requested address$' bind.txt || die "bind CID 7: error line"
	grep -q "^hvnc: hint: that CID is not this machine's: listen on vsock:any:PORT" bind.txt || die "bind CID 7: hint"
	say "hvnc vsock:5:4601 < /dev/null   (no transport for CID 5)"
	hvnc vsock:5:4601 </dev/null >out 2>conn.txt
	rc=$?
	cat conn.txt
	[ $rc -eq 1 ] || die "connect CID 5: exit $rc, expected 1"
	grep -q '^hvnc: connect vsock:5:4601: ' conn.txt || die "connect CID 5: error line"
	grep -q '^hvnc: hint: ' conn.txt || die "connect CID 5: no hint"
	if grep -qiE 'WSL|VM id|elevat' bind.txt conn.txt; then die "a vsock error got Hyper-V's hint"; fi
	echo "ok: vsock hints for a foreign CID and an unserved CID"
}

# The guest's share of the chaos soak of issue 20 (tests/soak.sh on the host): hvnc -lk -m 4 -e
# /bin/cat over vsock under rounds of 8 clients at once (twice -m, so half wait in the listen
# queue), each chosen from a seed the check prints (HVT_SOAK_SEED=N sh tests/vm/run.sh BUILD
# hvnc-soak-vsock replays it; HVT_SOAK_ROUNDS sets the rounds): hvnc or socat
# echoes compared by sha256, hvnc clients SIGKILLed mid-transfer, socat -u peers that send and
# never read (killed after a while), never-senders (sleep | hvnc, expecting an empty answer).
# The server's process tree is sampled every 0.5 s: a zombie seen for more than 1 s fails. After
# the load the server must have as many fds as before, no children, and still echo.
check_hvnc_soak_vsock() {
	seed=${hvt_soak_seed:-$(($(cs) % 32749 + 1))} # from the kernel command line (run.sh)
	rounds=${hvt_soak_rounds:-5}
	echo "seed $seed ($rounds rounds of 8 clients; replay: HVT_SOAK_SEED=$seed sh tests/vm/run.sh BUILD hvnc-soak-vsock)"
	# rnd N: a number below N in $r (an LCG: busybox sh has no seedable RANDOM)
	rnd() {
		seed=$(((seed * 1103515245 + 12345) % 2147483648))
		r=$((seed / 65536 % $1))
	}
	# tree PID: "pid state" of each child of PID (comm may hold blanks: split after the last ')')
	tree() {
		_p=$1
		for _s in /proc/[0-9]*/stat; do
			{ read -r _l <"$_s"; } 2>/dev/null || continue
			_r=${_l##*) }
			set -- $_r
			[ "$2" = "$_p" ] && echo "${_l%% *} $1"
		done
	}
	for n in 1 2 3 4 5 6; do mkdata "soak-$n" $((n * 151013 + 77)); done
	say "hvnc -lk -m 4 vsock:any:5600 -e /bin/cat &"
	hvnc -lk -m 4 vsock:any:5600 -e /bin/cat >srv.out 2>srv.err &
	srv=$!
	ready VSOCK-CONNECT:1:5600
	quiet() { # wait (10 s) until the server has no children
		_end=$(($(cs) + 1000))
		while [ -n "$(tree $srv)" ]; do
			[ "$(cs)" -lt $_end ] || die "children of the server still there 10 s after the load: $(tree $srv | tr '\n' ' ')"
			sleep 0.1
		done
	}
	quiet
	fd0=$(ls /proc/$srv/fd | wc -l)
	(
		while kill -0 $srv 2>/dev/null; do
			echo "$(cs) $(tree $srv | awk '$2 == "Z" { printf "%s ", $1 }')"
			sleep 0.5
		done
	) >zombies.log 2>/dev/null &
	sampler=$!
	echoes=0 bytes=0 killed=0 stopped=0 never=0
	round=1
	while [ $round -le "$rounds" ]; do
		jobs= kills=
		for k in 1 2 3 4 5 6 7 8; do
			rnd 6
			f=$D/soak-$((r + 1))
			rnd 8
			case $r in
			0 | 1 | 2)
				hvnc vsock:local:5600 <"$f" >"e$round.$k" 2>"e$round.$k.err" &
				jobs="$jobs $!:e$round.$k:$f"
				;;
			3 | 4)
				socat -t 30 - VSOCK-CONNECT:1:5600 <"$f" >"e$round.$k" 2>"e$round.$k.err" &
				jobs="$jobs $!:e$round.$k:$f"
				;;
			5)
				hvnc vsock:local:5600 </dev/urandom >/dev/null 2>"k$round.$k.err" &
				kills="$kills $!"
				killed=$((killed + 1))
				;;
			6)
				socat -u /dev/urandom VSOCK-CONNECT:1:5600 2>"s$round.$k.err" &
				kills="$kills $!"
				stopped=$((stopped + 1))
				;;
			7)
				sleep 1 | hvnc vsock:local:5600 >"n$round.$k" 2>"n$round.$k.err" &
				jobs="$jobs $!:n$round.$k:/dev/null"
				never=$((never + 1))
				;;
			esac
		done
		rnd 10
		sleep "0.${r}5"
		[ -z "$kills" ] || kill -9 $kills 2>/dev/null
		for j in $jobs; do
			pid=${j%%:*} rest=${j#*:}
			await "$pid" 25 || die "round $round: client ${rest%%:*}: exit $? (124: a hang)"
			[ "$(sum "${rest#*:}")" = "$(sum "${rest%%:*}")" ] ||
				same "round $round ${rest%%:*}" "${rest#*:}" "${rest%%:*}"
			[ "${rest#*:}" = /dev/null ] || { echoes=$((echoes + 1)) bytes=$((bytes + $(size "${rest#*:}"))); }
		done
		for p in $kills; do wait "$p" 2>/dev/null; done
		round=$((round + 1))
	done
	echo "ok: $echoes echoes ($bytes bytes each way) identical; $killed clients SIGKILLed, $stopped that stopped reading, $never never-senders"
	quiet
	sleep 1.5
	kill $sampler 2>/dev/null
	wait $sampler 2>/dev/null
	old=$(awk '{ for (i = 2; i <= NF; i++) { if (!($i in first)) first[$i] = $1; if ($1 - first[$i] > 100) print $i } }' zombies.log | sort -u)
	[ -z "$old" ] || die "zombies seen for more than 1 s: $old"
	fd1=$(ls /proc/$srv/fd | wc -l)
	[ "$fd1" = "$fd0" ] || { ls -l /proc/$srv/fd; die "the server had $fd0 fds before the load, $fd1 after"; }
	z=$(tree $srv)
	[ -z "$z" ] || die "children left: $z"
	client "$D/soak-3" last hvnc vsock:local:5600 || die "the server no longer serves: exit $?"
	same "after the load" "$D/soak-3" last
	echo "ok: fds $fd0 -> $fd1, no children, no zombie seen for more than 1 s ($(wc -l <zombies.log | tr -d ' ') samples), still serving"
}

# --- the runner ----------------------------------------------------------------------------

# sd_notify over AF_VSOCK as systemd sends it to a "vsock-stream:" notify socket (issue 19):
# KEY=VALUE lines, then a half-close (socat shuts its write side down at the end of its
# input), one connection per message; hvnc --notify prints each as JSON and --until READY=1
# ends it with 0. Then --timeout with nothing arriving: exit 1.
check_hvnc_notify_vsock() {
	printf 'X_SYSTEMD_HOSTNAME=guest\nX_SYSTEMD_UNIT_ACTIVE=sockets.target\n' >m1
	printf 'READY=1\n' >m2
	say "hvnc -l vsock:any:5901 --notify -j --until READY=1 > out &"
	hvnc -l vsock:any:5901 --notify -j --until READY=1 >out 2>listen.err &
	l=$!
	client m1 o1 socat - VSOCK-CONNECT:1:5901 || die "socat (message 1): exit $?"
	client m2 o2 socat - VSOCK-CONNECT:1:5901 || die "socat (message 2): exit $?"
	await $l 10 || die "hvnc --notify --until READY=1: exit $?"
	cat out
	grep -q '"fields": {"X_SYSTEMD_HOSTNAME": "guest", "X_SYSTEMD_UNIT_ACTIVE": "sockets.target"}' out ||
		die "message 1 not printed as JSON"
	grep -q '^{"from": "vsock:1:[0-9]*", "fields": {"READY": "1"}, "lines": \["READY=1"\]}$' out ||
		die "message 2 not printed as JSON"
	say "hvnc -l vsock:any:5902 --notify --until READY=1 --timeout 1"
	hvnc -l vsock:any:5902 --notify --until READY=1 --timeout 1 >out2 2>err2
	rc=$?
	[ $rc = 1 ] || die "--timeout: exit $rc"
	grep -q "timed out after 1.0 s waiting for --until READY=1" err2 || die "--timeout: $(cat err2)"
}

# ssh with no relay over AF_VSOCK (issue 19): sshd -i per connection under hvnc -lk -e on
# vsock port 22, the OpenSSH client with ProxyCommand='hvnc --fdpass vsock:1:22' and
# ProxyUseFdpass: a command, scp both ways, rsync, and the proxy gone while a session runs.
check_hvnc_fdpass_vsock() {
	[ -x /usr/sbin/sshd ] && [ -x /usr/bin/ssh ] || die "no OpenSSH in the guest (tests/deps.sh)"
	mkdata 1m 1048609
	mkdir -p /run/sshd /root/.ssh t/sub
	ssh-keygen -q -t ed25519 -N '' -f host && ssh-keygen -q -t ed25519 -N '' -f id || die "keygen"
	cp id.pub authorized_keys
	d=$(pwd)
	printf 'HostKey %s/host\nAuthorizedKeysFile %s/authorized_keys\nStrictModes no\nPidFile none\nUsePAM no\nPermitRootLogin prohibit-password\nSubsystem sftp /usr/lib/openssh/sftp-server\n' \
		"$d" "$d" >sshd_config
	printf 'Host *\n\tIdentityFile %s/id\n\tUserKnownHostsFile %s/known\n\tStrictHostKeyChecking no\n\tBatchMode yes\n\tUser root\n\tLogLevel ERROR\n\tProxyCommand hvnc -v --fdpass vsock:1:22\n\tProxyUseFdpass yes\n' \
		"$d" "$d" >ssh_config
	say "hvnc -lk vsock:any:22 -e 'sshd -i' & ssh -o ProxyCommand='hvnc --fdpass vsock:1:22' -o ProxyUseFdpass=yes vm"
	hvnc -lk vsock:any:22 -e "/usr/sbin/sshd -i -f $d/sshd_config" 2>listen.err &
	echo true >nothing
	client nothing hi ssh -F ssh_config vm 'echo hi over vsock' || die "ssh: exit $? $(cat hi.err)"
	[ "$(cat hi)" = "hi over vsock" ] || die "ssh: got '$(cat hi)'"
	grep -q "handed the connection to stdout" hi.err || die "no hand-over: $(cat hi.err)"
	ssh -F ssh_config vm 'sleep 2; echo done' >slow 2>slow.err &
	s=$!
	sleep 1.5
	ps | grep -v grep | grep -q 'hvnc -v --fdpass' && die "hvnc --fdpass still runs during the session"
	await $s 20 || die "slow session: exit $?"
	scp -q -F ssh_config "$D/1m" vm:"$d/up" 2>scp.err || die "scp up: $(cat scp.err)"
	scp -q -F ssh_config vm:"$d/up" down 2>scp.err || die "scp down: $(cat scp.err)"
	same "scp over vsock" "$D/1m" down
	head -c 70001 "$D/1m" >t/a
	cp "$D/1m" t/sub/b
	rsync -a -e "ssh -F $d/ssh_config" t/ vm:"$d/t2/" 2>rsync.err || die "rsync: $(cat rsync.err)"
	same "rsync a" t/a t2/a
	same "rsync sub/b" t/sub/b t2/sub/b
}

now() { cut -d' ' -f1 /proc/uptime; }

known() {
	for _c in $CHECKS; do [ "$_c" = "$1" ] && return 0; done
	return 1
}

run_checks() {
	[ $# -gt 0 ] || set -- $CHECKS
	limit=${hvt_timeout:-30}
	passed=0 failed=0
	for name in "$@"; do
		echo "HVT-CHECK-BEGIN $name"
		t0=$(now)
		if known "$name"; then
			# A session of its own, so that the whole check can be killed at once (setsid execs
			# in place here, so $! is the session id).
			setsid sh "$0" one "$name" </dev/null 2>&1 &
			pid=$!
			(
				sleep "$limit"
				echo "FAIL: still running after $limit s (hvt_timeout): killed"
				kill -KILL -"$pid"
			) 2>/dev/null &
			watchdog=$!
			wait $pid
			rc=$?
			kill $watchdog 2>/dev/null
			kill -KILL -"$pid" 2>/dev/null # whatever the check left running
		else
			echo "FAIL: no such check (sh guest-checks.sh list)"
			rc=2
		fi
		secs=$(echo "$t0 $(now)" | awk '{ printf "%.2f", $2 - $1 }')
		if [ $rc -eq 0 ]; then
			result=pass passed=$((passed + 1))
		else
			result=fail failed=$((failed + 1))
		fi
		echo "HVT-CHECK-END $name $result $secs"
	done
	echo "HVT-CHECKS-DONE passed=$passed failed=$failed"
	[ $failed -eq 0 ]
}

run_one() {
	dir=/tmp/hvt/$1
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
	# A check of TOOL (named TOOL-...) fails at once when TOOL is not in the guest.
	case $1 in
	hvnc-* | hvlist-* | hvping-* | hvreg-*)
		command -v "${1%%-*}" >/dev/null 2>&1 ||
			die "${1%%-*} is not in the guest: not built in this build tree (tools/${1%%-*}/${1%%-*})?"
		;;
	esac
	"check_$(echo "$1" | tr - _)"
}

case "${1:-}" in
list) echo "$CHECKS" ;;
run)
	shift
	run_checks "$@"
	;;
one) run_one "$2" ;;
*)
	echo "usage: sh guest-checks.sh list | run [NAME...] | one NAME" >&2
	exit 2
	;;
esac
