#!/bin/sh
# platform: posix
# hvping when things go wrong part way (TCP loopback):
#   - the responder is killed after a few replies: errors per probe, loss in the summary, the
#     hint, exit 0 because some probes were answered;
#   - the responder is stopped (SIGSTOP): "no reply within" the -W timeout, then a reconnect
#     whose hello never comes (a failed probe: no switch to --connect after echo replies);
#   - Ctrl-C (SIGINT) during an endless run: the summary is printed, exit 0; before any reply:
#     exit 1 and the cut-short probe is not counted.
# The responder runs in its own process group (setsid) so that the processes serving its
# connections are signalled with it. Each part writes its own files: a wait must never see
# the previous part's output.
. "$(dirname "$0")/lib.sh"
command -v setsid >/dev/null 2>&1 || { echo "SKIP: no setsid"; exit 77; }
rpid=
stop_responder() {
	[ -n "$rpid" ] || return 0
	kill -CONT "-$rpid" 2>/dev/null
	kill -TERM "-$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	rpid=
}
trap 'stop_responder; cleanup' EXIT
# start_responder NAME: a responder on a fresh port, log NAME.err, address in $addr
start_responder() {
	setsid $HVPING -l -v tcp:127.0.0.1:0 2>"$1.err" &
	rpid=$!
	addr=tcp:127.0.0.1:$(listen_port "$1.err")
}

# --- the responder goes away after two replies -------------------------------------------------
start_responder r1
$HVPING -c 8 -i 0.2 "$addr" >loss.out 2>loss.err &
cpid=$!
wait_line loss.out '^seq=2 bytes='
stop_responder
wait $cpid
rc=$?
[ $rc -eq 0 ] || fail "loss: exit $rc (some probes were answered)"
replies=$(grep -c '^seq=[0-9]* bytes=56 time=' loss.out)
errors=$(grep -c '^seq=[0-9]* error: ' loss.out)
[ "$replies" -ge 2 ] && [ "$replies" -lt 8 ] || fail "loss: $replies replies: $(cat loss.out)"
[ $((replies + errors)) -eq 8 ] || fail "loss: $replies replies + $errors errors != 8"
# The first failure is on the open connection, the later ones are refused connects.
grep '^seq=[0-9]* error: ' loss.out | head -n 1 |
	grep -Eq 'error: (connection closed by peer|connection reset by peer)$' || fail "loss: first error: $(cat loss.out)"
grep '^seq=[0-9]* error: ' loss.out | tail -n 1 | grep -q 'error: connection refused$' ||
	fail "loss: last error: $(cat loss.out)"
loss=$(awk -v r="$replies" 'BEGIN { printf "%.1f", (8 - r) * 100 / 8 }' | sed 's/\.0$//')
grep -Eq "^8 probes, $replies replies, $loss% loss, time [0-9]+ ms$" loss.out || fail "loss: summary (want $loss%): $(cat loss.out)"
grep -q '^rtt min/avg/max/mdev = ' loss.out || fail "loss: rtt line missing"
grep -qx 'hvping: hint: nothing is listening there yet; retry once the peer has started' loss.err ||
	fail "loss: hint: $(cat loss.err)"
ok "responder killed after 2 replies: $replies replies, $errors errors, $loss% loss, hint"

# --- a stuck responder: reply timeout, then a hello that never comes -----------------------------
start_responder r2
$HVPING -v -c 3 -i 0.5 -W 1 "$addr" >stuck.out 2>stuck.err &
cpid=$!
wait_line stuck.out '^seq=1 bytes='
kill -STOP "-$rpid"
wait $cpid
rc=$?
[ $rc -eq 0 ] || fail "stuck: exit $rc"
grep -qx 'seq=2 error: no reply within 1 s' stuck.out || fail "stuck: probe 2: $(cat stuck.out)"
# The listening socket still completes TCP handshakes, so the reconnect succeeds and the hello
# times out: a failed probe (busy or not a responder), not a switch to --connect.
grep -qx 'seq=3 error: busy or not a responder (no hello within 1 s)' stuck.out ||
	fail "stuck: probe 3: $(cat stuck.out)"
grep -q '^3 probes, 1 replies, 66.7% loss' stuck.out || fail "stuck: summary: $(cat stuck.out)"
grep -q 'timing connects instead' stuck.err && fail "stuck: fell back to --connect after replies"
stop_responder
ok "stuck responder: reply timeout, hello timeout, no fallback"

# --- Ctrl-C: summary, exit 0 ----------------------------------------------------------------------
start_responder r3
$HVPING -i 0.05 "$addr" >intr.out 2>intr.err &
cpid=$!
wait_line intr.out '^seq=3 bytes='
kill -INT $cpid
wait $cpid
rc=$?
[ $rc -eq 0 ] || fail "interrupt: exit $rc"
n=$(grep -c '^seq=[0-9]* bytes=56 time=' intr.out)
grep -Eq "^$n probes, $n replies, 0% loss, time [0-9]+ ms$" intr.out || fail "interrupt: summary: $(cat intr.out)"
stop_responder
ok "SIGINT: summary after $n probes, exit 0"

# Interrupted before any reply (the hello to a stopped responder waits): exit 1, nothing counted.
start_responder r4
kill -STOP "-$rpid"
$HVPING -W 10 "$addr" >intr0.out 2>intr0.err &
cpid=$!
sleep 0.5
kill -INT $cpid
wait $cpid
rc=$?
[ $rc -eq 1 ] || fail "interrupt, no reply: exit $rc"
grep -q '^0 probes, 0 replies, 0% loss' intr0.out || fail "interrupt, no reply: $(cat intr0.out)"
stop_responder
ok "SIGINT before any reply: 0 probes, exit 1"
