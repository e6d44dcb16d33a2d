#!/bin/sh
# hvlist --json: every document parses, has the documented keys with the documented types
# (hvlist(1), JSON OUTPUT), and -o limits the row keys. Recorded dumps and .reg files make it
# the same on every platform.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || fail "python3 not installed"
D=$HVT_SRC/tests/data

# check NAME: stdin is a document; python checks it against the schema below.
check() {
	python3 -c '
import json, sys
doc = json.load(sys.stdin)
name = sys.argv[1]
STR, NUM, BOOL, NULL = (str,), (int,), (bool,), (type(None),)
schema = {
    "services": {"source": STR + NULL, "error": STR + NULL, "services": list},
    "vms": {"error": STR + NULL, "vms": list},
    "sockets": {"local_cid": NUM + NULL, "transports": (list,) + NULL, "dump_file": STR + NULL,
                "error": STR + NULL, "sockets": list},
}
rows = {
    "services": {"guid": STR + NULL, "port": NUM + NULL, "canonical": BOOL, "name": STR + NULL,
                 "tool": STR + NULL, "values": (dict,), "key": STR},
    "vms": {"id": STR, "state": STR + NULL, "name": STR + NULL, "type": STR + NULL,
            "owner": STR + NULL, "source": STR},
    "sockets": {"type": STR, "state": STR, "local": STR, "peer": STR, "service": STR + NULL,
                "registered": BOOL + NULL, "process": (list,) + NULL, "local_cid": NUM,
                "local_port": NUM, "peer_cid": NUM, "peer_port": NUM, "inode": NUM,
                "shutdown": STR},
}
def bad(msg):
    sys.exit("%s: %s" % (name, msg))
if not isinstance(doc, dict) or not doc:
    bad("not an object with views")
for view, body in doc.items():
    if view not in schema:
        bad("unknown view " + view)
    if set(body) != set(schema[view]):
        bad("%s has keys %s" % (view, sorted(body)))
    for k, t in schema[view].items():
        if not isinstance(body[k], t) or (t == NUM + NULL and isinstance(body[k], bool)):
            bad("%s.%s is %r" % (view, k, body[k]))
    for row in body[view]:
        want = rows[view]
        if set(row) != set(want) and not set(row) <= set(want):
            bad("%s row keys %s" % (view, sorted(row)))
        for k in row:
            t = want[k]
            if not isinstance(row[k], t) or (bool not in t and isinstance(row[k], bool)):
                bad("%s row %s is %r" % (view, k, row[k]))
print("%s: %s" % (name, ", ".join("%s (%d rows)" % (v, len(b[v])) for v, b in doc.items())))
' "$1" || fail "$1: schema check failed (document above)"
}

# keys NAME KEY...: every row of the view has exactly these keys, in this order
keys() {
	python3 -c '
import json, sys
doc = json.load(sys.stdin)
view, want = sys.argv[1], sys.argv[2:]
for row in doc[view][view]:
    if list(row) != want:
        sys.exit("row keys %s, want %s" % (list(row), want))
' "$@" || fail "$1: row keys"
}

$HVLIST -j sockets --dump-file "$D/vsockdiag-conns.bin" >conns.json 2>conns.err || fail "conns: exit $?"
check conns <conns.json
keys sockets type state local peer service registered process local_cid local_port peer_cid \
	peer_port inode shutdown <conns.json
python3 -c '
import json, sys
s = json.load(sys.stdin)["sockets"]
assert s["dump_file"].endswith("vsockdiag-conns.bin") and s["error"] is None
assert s["local_cid"] is None and s["transports"] is None  # not part of a recorded dump
rows = s["sockets"]
assert len(rows) == 8, len(rows)
l = [r for r in rows if r["local"] == "1:5001"][0]
assert l["state"] == "LISTEN" and l["local_cid"] == 1 and l["local_port"] == 5001
assert l["peer_cid"] == 4294967295 and l["peer"] == "*:*" and l["registered"] is None
assert l["service"] == "00001389-facb-11e6-bd58-64006a7986d3"
half = [r for r in rows if r["local"] == "1:5002" and r["state"] == "ESTAB"][0]
assert half["shutdown"] == "wr"
' <conns.json || fail "conns: values"
ok "sockets from a recorded dump: schema and values"

$HVLIST -j sockets --dump-file "$D/vsockdiag-many.bin" >many.json || fail "many: exit $?"
check many <many.json
python3 -c 'import json,sys; assert len(json.load(sys.stdin)["sockets"]["sockets"]) == 208' <many.json ||
	fail "many: not 208 sockets"
ok "208 sockets from a dump the kernel answered in several parts"

$HVLIST --json services --file "$D/services.reg" >svc.json || fail "services: exit $?"
check services <svc.json
keys services guid port canonical name tool values key <svc.json
python3 -c '
import json, sys
rows = json.load(sys.stdin)["services"]["services"]
by_key = {r["key"]: r for r in rows}
assert by_key["{00000016-facb-11e6-bd58-64006a7986d3}"]["canonical"] is False
assert by_key["{00000016-facb-11e6-bd58-64006a7986d3}"]["port"] == 22
assert by_key["999E53D4-3D5C-4C3E-8779-BED06EC056E1"]["port"] is None
assert by_key["not-a-guid"]["guid"] is None
assert by_key["0000138b-facb-11e6-bd58-64006a7986d3"]["name"] is None
assert "0000c350-facb-11e6-bd58-64006a7986d3" not in by_key  # deleted by the file
' <svc.json || fail "services: values"
ok "services from a .reg file: schema and values"

$HVLIST -j sockets --dump-file "$D/vsockdiag-conns.bin" --file "$D/services.reg" >xref.json 2>xref.err ||
	fail "xref: exit $?"
check xref <xref.json
python3 -c '
import json, sys
rows = json.load(sys.stdin)["sockets"]["sockets"]
assert [r["local"] for r in rows if r["registered"] is False] == ["1:5001"], rows
assert all(r["registered"] is True for r in rows if r["local"] != "1:5001")
' <xref.json || fail "xref: registered"
grep -q "vsock port 5001 listens" xref.err || fail "xref: no warning"
ok "cross-reference: registered is false only for the unregistered listener"

# -o: exactly those keys, JSON keys accepted as names
$HVLIST -j sockets --dump-file "$D/vsockdiag-conns.bin" -o local,inode,Local_Port >o.json || fail "-o: exit $?"
keys sockets local inode local_port <o.json
ok "-o limits the row keys"

# a view that fails still gives one valid document, with its error
$HVLIST -j sockets --dump-file "$D/vsockdiag-noent.bin" >noent.json 2>noent.err
[ $? = 1 ] || fail "noent: exit status"
check noent <noent.json
python3 -c '
import json, sys
s = json.load(sys.stdin)["sockets"]
assert "vsock_diag" in s["error"] and s["sockets"] == []
' <noent.json || fail "noent: error member"
ok "a failed view: valid document with error set, exit 1"

# every view this system offers, plus the file and the dump
$HVLIST -j --file "$D/services.reg" --dump-file "$D/vsockdiag-empty.bin" >all.json 2>all.err
rc=$?
check all <all.json
python3 -c '
import json, sys
doc = json.load(sys.stdin)
assert "services" in doc and "sockets" in doc, list(doc)
' <all.json || fail "all: views"
[ "$HVT_PLATFORM" = windows ] || [ $rc = 0 ] || fail "all: exit $rc"
ok "default views with --file and --dump-file: one document"
