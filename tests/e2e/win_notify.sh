#!/bin/sh
# platform: windows
# hvnc.exe -l ADDRESS --notify under Wine (issue 19; tcp, since Wine has neither AF_HYPERV nor
# AF_UNIX): sd_notify messages sent as systemd sends them over a stream (sdnotify_send.py:
# lines, half-close), printed as JSON, --until, --timeout; --fdpass and --forward-notify,
# which need unix sockets, are refused at once.
. "$(dirname "$0")/lib.sh"
T_OUT=60
send() { timeout $T_OUT python3 "$HVT_SRC/tests/e2e/sdnotify_send.py" "$@" || fail "send $*: exit $?"; }

bg $HVNC -l -v tcp:127.0.0.1:0 --notify -j --until READY=1 >out 2>n.err
p=$!
port=$(listen_port n.err)
send "tcp:127.0.0.1:$port" 'X_SYSTEMD_HOSTNAME=vm1\nSTATUS=booting\n' 'READY=1\n'
wait "$p" || fail "--until READY=1: exit $?"
python3 - out <<'PY' || fail "JSON: $(cat out)"
import json, sys
msgs = [json.loads(l) for l in open(sys.argv[1])]
assert [m["fields"] for m in msgs] == [{"X_SYSTEMD_HOSTNAME": "vm1", "STATUS": "booting"}, {"READY": "1"}], msgs
PY
ok "hvnc.exe --notify -j --until READY=1 over tcp"

timeout $T_OUT $HVNC -l tcp:127.0.0.1:0 --notify --until READY=1 --timeout 1 >out 2>err
[ $? = 1 ] || fail "--timeout: exit $?"
grep -q "timed out after 1.0 s waiting for --until READY=1" err || fail "--timeout: $(cat err)"
ok "hvnc.exe --notify --timeout: exit 1"

NOTIFY_SOCKET=/run/x timeout $T_OUT $HVNC -l tcp:127.0.0.1:0 --notify --forward-notify >out 2>err
[ $? = 1 ] || fail "--forward-notify: exit $?"
grep -q "^hvnc: --forward-notify: not supported on this platform" err || fail "--forward-notify: $(cat err)"
ok "hvnc.exe --forward-notify: refused at once, exit 1"
