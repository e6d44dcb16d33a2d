#!/bin/sh
# platform: windows
# hvnc.exe -l hv:SERVICE --register and hvping.exe -l ... --register on Wine's registry:
# a missing service is registered (ToolName hvnc / hvping) and removed again when the run
# ends; a service registered before is left as it was. Wine has no AF_HYPERV, so every run
# ends at its listen ("address family not supported"): what is checked is the registration's
# life around a run that ends, through the same exit path as Ctrl-C. Not checked here: a
# Ctrl-C or console close while serving (nothing can serve hv: under Wine), and the
# access-denied line (Wine lets every program write HKLM).
. "$(dirname "$0")/lib.sh"
SVC='HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Virtualization\GuestCommunicationServices'
P=0000d931-facb-11e6-bd58-64006a7986d3 # vsock port 55601, this test's only
query() { "$HVT_SRC/tests/win/wine-run" reg query "$SVC\\$P" 2>/dev/null | tr -d '\r'; }
$HVREG remove $P >/dev/null 2>&1

for tool in hvnc hvping; do
	eval "exe=\$$(echo $tool | tr a-z A-Z)"
	$exe -v -l hv:55601 --register="$tool test" >out.txt 2>err.txt && fail "$tool: listen worked under Wine?"
	grep -qx "$tool: registered $P as \"$tool test\" until this run ends" err.txt ||
		{ cat err.txt >&2; fail "$tool did not register"; }
	grep -qx "$tool: removed the registration of $P" err.txt ||
		{ cat err.txt >&2; fail "$tool did not say it removed the registration"; }
	query | grep -q ElementName && fail "$tool left $P registered"
	ok "$tool --register added $P for the run and removed it at the end"
done

$HVREG add 55601 -n "there before" >/dev/null 2>&1 || fail "hvreg add"
$HVNC -v -l hv:55601 --register=mine 2>err.txt && fail "listen worked under Wine?"
grep -q "registered already (as \"there before\"): left as it is" err.txt ||
	{ cat err.txt >&2; fail "no note about the existing registration"; }
query | grep -q 'ElementName.*REG_SZ.*there before$' || fail "the existing registration changed"
query | grep -q ToolName && fail "hvnc gave the existing registration a ToolName"
$HVREG remove $P >/dev/null 2>&1
ok "a service registered before --register is left as it was"
