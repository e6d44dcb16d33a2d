#!/bin/sh
# platform: posix
# 100k services in a .reg file (issue 20 item 7): hvreg list and hvlist services finish (they
# were quadratic in the number of keys: nothing in 20 s), the listing is complete and in order,
# and a key written twice in another letter case is still one service. Also 50k subkeys under
# one service (the subkey count was quadratic too). The bound is a generous timeout, not a
# timed assertion: bench/run.sh's registry section measures. (Not run under Wine: untested
# there, and Wine's start-up would eat into the timeouts.)
. "$(dirname "$0")/lib.sh"
N=100000
# Keys scrambled, every 10th in upper case, the first written again at the end (upper case).
sh "$HVT_SRC/bench/gen-services.sh" $N >big.reg

timeout 20 $HVREG list --file big.reg >list.out 2>list.err || fail "hvreg list: exit $? (124: timed out)"
[ "$(wc -l <list.out)" = $((N + 1)) ] || fail "hvreg list: $(wc -l <list.out) lines, expected $((N + 1))"
tail -n +2 list.out | cut -c1-36 | LC_ALL=C sort -c || fail "hvreg list: not sorted by GUID"
grep -qx '00000000-facb-11e6-bd58-64006a7986d3  *0  again' list.out ||
	fail "hvreg list: the key written twice is not one service with its last name"
grep -qx '000d936c-facb-11e6-bd58-64006a7986d3  *889708  svc 99999' list.out ||
	fail "hvreg list: the last service is missing"
ok "hvreg list: $N services, sorted, a key in two letter cases is one service"

timeout 20 $HVLIST services --file big.reg -r -n -o guid,name >svc.out 2>svc.err ||
	fail "hvlist services: exit $? (124: timed out)"
[ "$(wc -l <svc.out)" = $N ] || fail "hvlist services: $(wc -l <svc.out) lines, expected $N"
ok "hvlist services: $N services"

timeout 20 $HVREG remove 00000000-facb-11e6-bd58-64006a7986d3 --file big.reg >rm.out 2>rm.err ||
	fail "hvreg remove: exit $? (124: timed out)"
timeout 20 $HVREG list --file big.reg >list2.out 2>list2.err || fail "hvreg list after remove: exit $?"
[ "$(wc -l <list2.out)" = $N ] || fail "hvreg remove: $(wc -l <list2.out) lines left, expected $N"
ok "hvreg remove in a file of $N services"

# gen_subkeys N: one service with N subkeys (distinct names), each in its own section.
gen_subkeys() {
	awk -v n="$1" 'BEGIN {
		key = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Virtualization\\GuestCommunicationServices\\00001388-facb-11e6-bd58-64006a7986d3"
		printf "Windows Registry Editor Version 5.00\r\n\r\n[%s]\r\n\"ElementName\"=\"five thousand\"\r\n\r\n", key
		for (i = 0; i < n; i++)
			printf "[%s\\sub%d]\r\n\r\n", key, i
	}'
}
gen_subkeys 50000 >subkeys.reg
timeout 20 $HVREG remove 5000 --file subkeys.reg >sub.out 2>sub.err
rc=$?
[ $rc = 124 ] && fail "hvreg remove with 50000 subkeys: timed out"
grep -q 'has 50000 subkeys' sub.err || fail "hvreg remove: no subkey count ($(cat sub.err))"
ok "50000 subkeys counted (exit $rc)"
