#!/bin/sh
# platform: posix
# hvnc against real peers: socat and ncat as the other end, both directions, over tcp and unix.
. "$(dirname "$0")/lib.sh"
command -v socat >/dev/null || { echo "SKIP: socat not installed"; exit 77; }
command -v ncat >/dev/null || { echo "SKIP: ncat not installed"; exit 77; }
random_file a 10000000

# socat listens, hvnc connects (and half-closes: socat answers with what it got).
bg socat -u UNIX-LISTEN:$T/s1 CREATE:$T/got1
sp=$!
wait_path $T/s1
# socat binds (the file appears) a moment before it listens: a refusal then is no failure.
i=0
until $HVNC unix:$T/s1 <a 2>c1.err; do
	grep -q 'connection refused' c1.err || fail "hvnc -> socat exited $?"
	i=$((i + 1))
	[ $i -gt 50 ] && fail "hvnc -> socat: refused for 2.5 s"
	sleep 0.05
done
wait $sp
same a got1
ok "hvnc -> socat UNIX-LISTEN"

# hvnc listens, socat connects.
bg $HVNC -l -v tcp:127.0.0.1:0 >got2 2>l2.err
port=$(listen_port l2.err)
socat -u OPEN:a TCP:127.0.0.1:$port || fail "socat -> hvnc exited $?"
wait $! || fail "hvnc listener exited $?"
same a got2
ok "socat TCP -> hvnc -l"

# ncat listens; both send at once and half-close (ncat's --sh-exec drops the program's answer
# after a half-close, so plain stdio is the fair comparison).
random_file b 10000000
port=$(free_port)
bg ncat -l 127.0.0.1 $port -v <b >got3 2>n3.err
wait_line n3.err 'Listening on'
$HVNC tcp:127.0.0.1:$port <a >got3b 2>c3.err || fail "hvnc -> ncat exited $?"
wait $! || fail "ncat exited $?"
same a got3
same b got3b
ok "hvnc <-> ncat -l, both directions with half-close"

# hvnc listens running a program; ncat connects and sends.
bg $HVNC -l -v tcp:127.0.0.1:0 -c 'sha256sum' 2>l4.err
port=$(listen_port l4.err)
out=$(ncat 127.0.0.1 $port <a 2>n4.err) || fail "ncat -> hvnc exited $?"
[ "${out%% *}" = "$(sum a)" ] || fail "hvnc -c saw different data from ncat"
ok "ncat -> hvnc -l -c"
