# platform: posix
# hvping against its own responder over a unix socket: probe lines, summary, -q, sizes,
# --connect, --json schema, concurrent clients, the responder's -v log, and exit statuses.
# Timings vary, so the structure is checked, not the text.
. "$(dirname "$0")/lib.sh"
sock=$T/ping.sock
addr=unix:$sock

bg $HVPING -l -v "$addr" 2>responder.err
rpid=$!
wait_line responder.err "listening on $addr"

# --- three echo probes -----------------------------------------------------------------
$HVPING -c 3 -i 0.01 "$addr" >out 2>probe.err
rc=$?
[ $rc -eq 0 ] || fail "3 probes: exit $rc"
[ -s probe.err ] && fail "3 probes: stderr not empty: $(cat probe.err)"
awk -v addr="$addr" '
	NR == 1 { if ($0 != "HVPING " addr " (echo, 56 bytes)") { print "header: " $0; bad = 1 } next }
	NR >= 2 && NR <= 4 {
		if ($0 !~ "^seq=" (NR - 1) " bytes=56 time=[0-9]+(\\.[0-9]+)? ms$") { print "probe: " $0; bad = 1 }
		next
	}
	NR == 5 { if ($0 != "") { print "blank: " $0; bad = 1 } next }
	NR == 6 { if ($0 != "--- " addr " hvping statistics ---") { print "title: " $0; bad = 1 } next }
	NR == 7 { if ($0 !~ /^3 probes, 3 replies, 0% loss, time [0-9]+ ms$/) { print "counts: " $0; bad = 1 } next }
	NR == 8 {
		if ($0 !~ /^rtt min\/avg\/max\/mdev = [0-9]+\.[0-9][0-9][0-9]\/[0-9]+\.[0-9][0-9][0-9]\/[0-9]+\.[0-9][0-9][0-9]\/[0-9]+\.[0-9][0-9][0-9] ms$/) { print "rtt: " $0; bad = 1; next }
		s = $0
		sub(/^rtt min\/avg\/max\/mdev = /, "", s)
		split(s, v, "/")
		if (!(v[1] + 0 <= v[2] + 0 && v[2] + 0 <= v[3] + 0)) { print "rtt order: " $0; bad = 1 }
		next
	}
	{ print "extra: " $0; bad = 1 }
	END { if (NR != 8) { print "lines: " NR; bad = 1 } exit bad }
' out || fail "3 probes: output (above)"

# --- -q: the summary only ----------------------------------------------------------------
$HVPING -q -c 5 -i 0 "$addr" >out 2>&1 || fail "-q: exit $?"
[ "$(wc -l <out)" -eq 3 ] || fail "-q: not 3 lines: $(cat out)"
grep -q '^5 probes, 5 replies, 0% loss' out || fail "-q: counts: $(cat out)"

# --- sizes at both bounds ------------------------------------------------------------------
for s in 0 1 4088 65536; do
	$HVPING -c 2 -i 0 -s $s "$addr" >out 2>&1 || fail "-s $s: exit $?"
	[ "$(grep -c "^seq=[12] bytes=$s time=" out)" -eq 2 ] || fail "-s $s: $(cat out)"
done

# --- --connect against the responder: connect times, no bytes -----------------------------
$HVPING --connect -c 2 -i 0 "$addr" >out 2>&1 || fail "--connect: exit $?"
head -n 1 out | grep -qx "HVPING $addr (connect)" || fail "--connect: header: $(cat out)"
[ "$(grep -Ec '^seq=[12] time=[0-9.]+ ms$' out)" -eq 2 ] || fail "--connect: $(cat out)"

# --- --json: one document with the documented keys -------------------------------------------
$HVPING --json -c 3 -i 0 -s 100 "$addr" >out.json 2>probe.err || fail "--json: exit $?"
python3 - out.json "$addr" <<'EOF' || fail "--json: schema (above)"
import json, sys
d = json.load(open(sys.argv[1]))
want = {"address", "mode", "fallback", "size", "probes", "sent", "received", "loss_percent",
        "elapsed_ms", "rtt", "hint"}
assert set(d) == want, sorted(set(d) ^ want)
assert d["address"] == sys.argv[2], d["address"]
assert d["mode"] == "echo" and d["fallback"] is False and d["size"] == 100, d
assert d["sent"] == 3 and d["received"] == 3 and d["loss_percent"] == 0, d
assert [p["seq"] for p in d["probes"]] == [1, 2, 3], d["probes"]
for p in d["probes"]:
    assert set(p) == {"seq", "bytes", "time_ms"}, p
    assert p["bytes"] == 100 and isinstance(p["time_ms"], float) and p["time_ms"] > 0, p
r = d["rtt"]
assert set(r) == {"min", "avg", "max", "mdev"}, r
assert r["min"] <= r["avg"] <= r["max"] and r["mdev"] >= 0, r
assert r["min"] == min(p["time_ms"] for p in d["probes"]), r
assert r["max"] == max(p["time_ms"] for p in d["probes"]), r
assert d["hint"] is None and isinstance(d["elapsed_ms"], (int, float)), d
EOF

# --- concurrent clients ------------------------------------------------------------------------
for n in 1 2 3 4; do
	$HVPING -q -c 20 -i 0.005 "$addr" >c$n.out 2>c$n.err &
	eval "c$n=\$!"
done
for n in 1 2 3 4; do
	eval "wait \$c$n" || fail "concurrent client $n: exit $?"
	grep -q '^20 probes, 20 replies, 0% loss' c$n.out || fail "client $n: $(cat c$n.out)"
done

# --- the responder's log -----------------------------------------------------------------------
wait_line responder.err 'done after 20 probes of 56 bytes'
grep -Eq '^hvping: connection [0-9]+ from unix:' responder.err || fail "responder log: no connection line"
grep -q 'closed without a hello (a connect probe?)' responder.err || fail "responder log: connect probe"

# --- stopping the responder: exit 0, socket file gone, then probes fail with exit 1 --------------
kill -TERM "$rpid"
wait "$rpid"
rc=$?
[ $rc -eq 0 ] || fail "responder stopped by SIGTERM: exit $rc"
[ -e "$sock" ] && fail "responder left $sock behind"
$HVPING -c 1 "$addr" >out 2>&1
rc=$?
[ $rc -eq 1 ] || fail "no responder: exit $rc"
grep -q '^seq=1 error: ' out || fail "no responder: $(cat out)"
grep -q '^1 probes, 0 replies, 100% loss' out || fail "no responder: $(cat out)"

ok "echo and connect probes, -q, sizes 0-65536, --json, 4 concurrent clients, responder log and stop"
