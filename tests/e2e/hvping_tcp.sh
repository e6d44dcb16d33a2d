#!/bin/sh
# hvping over TCP loopback: its own responder (port 0, read back from -v), echo probes,
# --json, and --connect against a plain listener (hvnc -l -k).
. "$(dirname "$0")/lib.sh"

bg $HVPING -l -v tcp:127.0.0.1:0 2>responder.err
addr=tcp:127.0.0.1:$(listen_port responder.err)

# --- echo probes -------------------------------------------------------------------------------
$HVPING -c 4 -i 0.01 -s 1000 "$addr" >out 2>probe.err || fail "echo: exit $?"
[ "$(grep -Ec '^seq=[1-4] bytes=1000 time=[0-9.]+ ms$' out)" -eq 4 ] || fail "echo: probes: $(cat out)"
grep -qx -- "--- $addr hvping statistics ---" out || fail "echo: title: $(cat out)"
grep -Eq '^4 probes, 4 replies, 0% loss, time [0-9]+ ms$' out || fail "echo: counts: $(cat out)"
grep -Eq '^rtt min/avg/max/mdev = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms$' out || fail "echo: rtt: $(cat out)"
ok "echo probes over tcp"

# --- --json -------------------------------------------------------------------------------------
$HVPING --json -c 2 -i 0 "$addr" >out.json 2>probe.err || fail "--json: exit $?"
python3 - out.json "$addr" <<'EOF' || fail "--json: schema (above)"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["address"] == sys.argv[2] and d["mode"] == "echo" and d["size"] == 56, d
assert d["sent"] == 2 and d["received"] == 2 and d["loss_percent"] == 0, d
assert all(set(p) == {"seq", "bytes", "time_ms"} for p in d["probes"]), d["probes"]
assert d["rtt"]["min"] <= d["rtt"]["avg"] <= d["rtt"]["max"], d["rtt"]
EOF
ok "--json over tcp"

# --- --connect against a plain listener ----------------------------------------------------------
if [ -n "${HVNC:-}" ]; then
	bg $HVNC -l -k -v tcp:127.0.0.1:0 >/dev/null 2>hvnc.err </dev/null
	plain=tcp:127.0.0.1:$(listen_port hvnc.err)
	$HVPING --connect -c 3 -i 0.01 "$plain" >out 2>probe.err || fail "--connect: exit $?"
	[ "$(grep -Ec '^seq=[1-3] time=[0-9.]+ ms$' out)" -eq 3 ] || fail "--connect: $(cat out)"
	grep -q '^3 probes, 3 replies, 0% loss' out || fail "--connect: $(cat out)"
	[ -s probe.err ] && fail "--connect: stderr not empty"
	ok "--connect against hvnc -l -k"
fi
