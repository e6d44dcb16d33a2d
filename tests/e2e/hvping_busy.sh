#!/bin/sh
# platform: posix
# A responder at its -m limit takes a new connection into its listen queue and says nothing: the
# client must report that probe as failed, "busy or not a responder", and not fall back to
# timing connects (issue 20 item 9); once the responder has room, echoes work again.
. "$(dirname "$0")/lib.sh"
P=unix:$T/ping
bg $HVPING -l -m 1 $P 2>listen.err
wait_path $T/ping
# One client holds the only connection: probes every 0.2 s on one connection.
bg $HVPING -c 1000 -i 0.2 $P >holder.out 2>holder.err
holder=$!
wait_line holder.out '^seq=1 bytes=56 time='

timeout 20 $HVPING -c 1 $P >busy.out 2>busy.err
rc=$?
[ $rc = 1 ] || fail "second client: exit $rc, expected 1: $(cat busy.out busy.err)"
grep -q 'does not answer' busy.err && fail "second client fell back to connects: $(cat busy.err)"
grep -qxF 'seq=1 error: busy or not a responder (no hello within 2 s)' busy.out ||
	fail "second client: probe line: $(cat busy.out)"
grep -q '^hvping: hint: .*-m connections already' busy.err || fail "second client: hint: $(cat busy.err)"
ok "a busy responder: the probe fails, no fallback"

timeout 20 $HVPING --json -c 1 $P >busy.json 2>busy.err
python3 - busy.json <<'PY' || fail "--json: schema (above)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["mode"] == "echo" and d["fallback"] is False, d
assert d["sent"] == 1 and d["received"] == 0, d
assert d["probes"][0]["error"] == "busy or not a responder (no hello within 2 s)", d["probes"]
PY
ok "--json: fallback false, the probe's error"

kill "$holder"
wait "$holder" 2>/dev/null
timeout 20 $HVPING -c 1 -W 5 $P >after.out 2>after.err || fail "after the holder left: exit $?: $(cat after.out after.err)"
grep -q '^seq=1 bytes=56 time=' after.out || fail "after the holder left: $(cat after.out)"
ok "the responder answers again once it has room"
