#!/bin/sh
# platform: posix
# hvlist --vmm PATH (issue 19): a hybrid vsock VMM's host-side listeners, the unix sockets
# PATH_PORT that guest-initiated connections reach: found by name, LISTEN told from a stale
# socket file without connecting (a one-shot listener must survive the listing), other files
# left out, text and JSON, and the errors.
. "$(dirname "$0")/lib.sh"
bg python3 "$HVT_SRC/tests/e2e/fakevmm.py" "$T/vm.sock" "$T" >vmm.out 2>vmm.err
wait_line vmm.out ready
bg $HVNC -l "vsock-mux:$T/vm.sock:1025" --notify --until READY=1 >notify.out 2>n.err
p=$!
bg $HVNC -lk "vsock-mux:$T/vm.sock:52" -c cat 2>k.err
python3 -c "import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); time.sleep(60)" \
	"$T/vm.sock_99" &
PIDS="$PIDS $!"
python3 -c "import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); time.sleep(60)" \
	"$T/vm.sock_052" & # not a port the VMM would connect to
PIDS="$PIDS $!"
: >"$T/vm.sock_7"      # a plain file: not a listener
: >"$T/vm.sock_x"      # not a port
wait_path "$T/vm.sock_1025"
wait_path "$T/vm.sock_52"
wait_path "$T/vm.sock_99"
wait_path "$T/vm.sock_052"
$HVLIST --vmm "$T/vm.sock" >out 2>err || fail "hvlist --vmm: exit $? ($(cat err))"
cat >want <<EOW
Hybrid vsock listeners of $T/vm.sock (the VMM socket listens):
PORT  STATE   SOCKET
  52  LISTEN  $T/vm.sock_52
  99  stale   $T/vm.sock_99
1025  LISTEN  $T/vm.sock_1025
EOW
diff want out >&2 || fail "hvlist --vmm: unexpected listing"
$HVLIST -j --vmm "$T/vm.sock" >out.json || fail "hvlist -j --vmm: exit $?"
python3 - out.json "$T" <<'PY' || fail "JSON: $(cat out.json)"
import json, sys
d = json.load(open(sys.argv[1]))["hybrid"]
t = sys.argv[2]
assert d["vmm"] == t + "/vm.sock" and d["error"] is None, d
assert [(r["port"], r["state"]) for r in d["hybrid"]] == [(52, "LISTEN"), (99, "stale"), (1025, "LISTEN")], d
assert d["hybrid"][2]["address"] == "vsock-mux:%s/vm.sock:1025" % t, d
PY
# PATH spelled otherwise than the listeners bound it: the same files, the same states
(cd "$T" && $HVLIST --vmm vm.sock) >rel.out 2>err || fail "relative --vmm: exit $? ($(cat err))"
sed "s|$T/||" want | diff - rel.out >&2 || fail "relative --vmm: listeners shown as stale"
$HVLIST --vmm "$T//vm.sock" | sed "s|$T//|$T/|" | diff want - >&2 || fail "--vmm DIR//PATH"
# the listing did not use up the one-shot --notify listener
printf 'READY=1\n' | socat - "UNIX-CONNECT:$T/vm.sock_1025" || fail "notify after listing"
wait "$p" || fail "notify listener: exit $?"
ok "hvlist --vmm: PATH_PORT listeners by port, LISTEN and stale (PATH in any spelling), JSON; nothing connected to"

$HVLIST --vmm "$T/none/vm.sock" >out 2>err
[ $? = 1 ] || fail "missing dir: exit $?"
grep -q "^hvlist: hybrid: cannot read $T/none: no such file or directory$" err || fail "missing dir: $(cat err)"
$HVLIST hybrid >out 2>err
[ $? = 2 ] || fail "hybrid without --vmm: exit $?"
$HVLIST --vmm "$T/vm.sock" sockets >out 2>err
[ $? = 2 ] || fail "--vmm with sockets only: exit $?"
ok "hvlist --vmm: a directory that cannot be read exits 1; usage errors exit 2"
