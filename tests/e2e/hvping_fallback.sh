#!/bin/sh
# platform: posix
# hvping against listeners that are not hvping responders (socat, hvnc): it must notice, say so
# once, and time connects instead of hanging:
#   - an echo service (socat ... EXEC:cat, unix and TCP) sends the hello back: detected at once;
#   - a silent one (socat -u ... OPEN:/dev/null) is not: after the 2 s hello wait that probe
#     fails as "busy or not a responder", since a responder at its -m limit is silent too
#     (issue 20 item 9, e2e/hvping_busy); --connect is the way to time it;
#   - one that talks first (a banner): detected at its first byte;
#   - one that closes at once (hvnc -l -k with nothing to send): detected at once.
. "$(dirname "$0")/lib.sh"
command -v socat >/dev/null 2>&1 || { echo "SKIP: no socat"; exit 77; }

bg socat UNIX-LISTEN:$T/echo,fork EXEC:cat 2>/dev/null
bg socat -u UNIX-LISTEN:$T/silent,fork OPEN:/dev/null 2>/dev/null
bg socat UNIX-LISTEN:$T/banner,fork SYSTEM:'echo SSH-2.0-test; sleep 3' 2>/dev/null
bg $HVNC -l -k unix:$T/close </dev/null >/dev/null 2>/dev/null
port=$(free_port)
bg socat TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork EXEC:cat 2>/dev/null
for s in echo silent banner close; do
	wait_path $T/$s
done
i=0
until $HVPING --connect -q -c 1 -W 1 tcp:127.0.0.1:$port >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "socat did not listen on tcp port $port"
	sleep 0.05
done

msg() { echo "hvping: $1 does not answer the hvping protocol; timing connects instead (--connect)"; }

# check ADDRESS SECONDS REASON: 3 probes of ADDRESS must finish within SECONDS, as connects
check() {
	timeout "$2" $HVPING -v -c 3 -i 0.05 "$1" >out 2>probe.err
	rc=$?
	[ $rc -eq 0 ] || fail "$1: exit $rc: $(cat out)"
	[ "$(grep -c 'does not answer' probe.err)" -eq 1 ] || fail "$1: not one fallback message"
	grep -qxF "$(msg "$1")" probe.err || fail "$1: message"
	grep -qxF "hvping: $1: $3" probe.err || fail "$1: reason (want '$3')"
	[ "$(grep -Ec '^seq=[1-3] time=[0-9.]+ ms$' out)" -eq 3 ] || fail "$1: probes: $(cat out)"
	grep -q '^3 probes, 3 replies, 0% loss' out || fail "$1: summary: $(cat out)"
	ok "$1: $3"
}
check unix:$T/echo 1.5 "it echoes what it receives"
check tcp:127.0.0.1:$port 1.5 "it echoes what it receives"
timeout 6 $HVPING -c 1 unix:$T/silent >out 2>probe.err
rc=$?
[ $rc -eq 1 ] || fail "silent: exit $rc: $(cat out)"
grep -q 'does not answer' probe.err && fail "silent: fell back: $(cat probe.err)"
grep -qxF 'seq=1 error: busy or not a responder (no hello within 2 s)' out || fail "silent: $(cat out)"
ok "unix:$T/silent: a failed probe, no fallback"
check unix:$T/banner 1.5 "its first bytes are not an hvping hello"
check unix:$T/close 1.5 "connection closed by peer"

# --json records the switch: mode connect, fallback true, size null, connect times.
$HVPING --json -c 2 -i 0 unix:$T/echo >out.json 2>probe.err || fail "--json: exit $?"
grep -qxF "$(msg unix:$T/echo)" probe.err || fail "--json: message"
python3 - out.json <<'EOF' || fail "--json: schema (above)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["mode"] == "connect" and d["fallback"] is True and d["size"] is None, d
assert d["sent"] == 2 and d["received"] == 2, d
assert all(set(p) == {"seq", "time_ms"} for p in d["probes"]), d["probes"]
EOF
ok "--json after the fallback"

# Asked for --connect: no hello, no message.
$HVPING --connect -c 2 -i 0 unix:$T/echo >out 2>probe.err || fail "--connect: exit $?"
[ -s probe.err ] && fail "--connect: stderr not empty"
ok "--connect sends no hello"
