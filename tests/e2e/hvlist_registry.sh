#!/bin/sh
# platform: windows
# hvlist services from the live registry (Wine's, under HKLM), written with Windows' own
# reg.exe so that hvlist is not checked against hvreg; vms under Wine: the one-line
# "not available" note, not a crash; VM names in addresses say the same.
. "$(dirname "$0")/lib.sh"
KEY='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices'
WINE="$HVT_SRC/tests/win/wine-run"
# Ports of our own, so that other tests using the shared prefix are not disturbed.
G1=0000e6b1-facb-11e6-bd58-64006a7986d3 # 59057
G2=0000E6B2-FACB-11E6-BD58-64006A7986D3 # 59058, upper case
G3={0000e6b3-facb-11e6-bd58-64006a7986d3} # 59059, braced
cleanup_keys() {
	for g in $G1 $G2 $G3; do
		"$WINE" reg delete "$KEY\\$g" /f >/dev/null 2>&1
	done
}
cleanup_keys
trap 'cleanup_keys; cleanup' EXIT

"$WINE" reg add "$KEY\\$G1" /v ElementName /t REG_SZ /d "hvlist e2e one" /f >/dev/null ||
	fail "reg add $G1"
"$WINE" reg add "$KEY\\$G2" /v ElementName /t REG_SZ /d "hvlist e2e two" /f >/dev/null ||
	fail "reg add $G2"
"$WINE" reg add "$KEY\\$G3" /v ElementName /t REG_SZ /d "hvlist e2e three" /f >/dev/null ||
	fail "reg add $G3"

$HVLIST services -n -r -o guid,port,canonical,name >svc.txt 2>svc.err || fail "hvlist services: exit $?"
cat svc.txt
grep -qx '0000e6b1-facb-11e6-bd58-64006a7986d3 59057 yes hvlist\\x20e2e\\x20one' svc.txt ||
	fail "service one missing"
grep -qx '0000e6b2-facb-11e6-bd58-64006a7986d3 59058 yes hvlist\\x20e2e\\x20two' svc.txt ||
	fail "service two (upper-case key) missing"
grep -qx '0000e6b3-facb-11e6-bd58-64006a7986d3 59059 no hvlist\\x20e2e\\x20three' svc.txt ||
	fail "service three (braced key) missing or not marked"
ok "services from the live registry, the braced key marked non-canonical"

$HVLIST >all.out 2>all.err || fail "hvlist: exit $?"
grep -q '^Services in HKLM' all.out || fail "default views: no services title"
grep -qx "hvlist: vms: not available on this system: neither the Host Compute Service (computecore.dll, Windows 10 1809 and later) nor Hyper-V's WMI provider (root\\\\virtualization\\\\v2) is present" all.err ||
	fail "default views: the vms note"
[ "$(wc -l <all.err)" = 1 ] || fail "more than one line on stderr"
ok "default views: services, and one line saying VMs cannot be listed here"

$HVLIST -j services >svc.json || fail "-j: exit $?"
python3 -c '
import json, sys
s = json.load(sys.stdin)["services"]
assert s["source"].startswith("HKLM\\SOFTWARE"), s["source"]
keys = {r["key"] for r in s["services"]}
assert "0000E6B2-FACB-11E6-BD58-64006A7986D3" in keys and "{0000e6b3-facb-11e6-bd58-64006a7986d3}" in keys
' <svc.json || fail "JSON"
ok "JSON of the live registry"

$HVLIST vms >vms.out 2>vms.err
[ $? = 1 ] || fail "vms: exit status"
[ ! -s vms.out ] || fail "vms: output on stdout"
[ "$(wc -l <vms.err)" = 1 ] || fail "vms: not one line"
ok "vms under Wine: one line on stderr, exit 1"

$HVNC -z hv:myvm:22 2>nc.err
[ $? = 2 ] || fail "hvnc hv:myvm:22: exit status"
grep -q "invalid hv VM id 'myvm' in 'hv:myvm:22': .*cannot look up VM names: not available on this system" nc.err ||
	fail "hvnc hv:myvm:22: message"
ok "VM names in addresses: the same reason"
