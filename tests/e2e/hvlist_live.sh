#!/bin/sh
# platform: posix
# hvlist against this machine's own kernel (read-only: a netlink dump of local sockets).
# Where the kernel lists vsock sockets, hvlist must list the same ones as `ss --vsock`, and a
# saved dump must replay to the same listing; where vsock_diag is missing, hvlist must say
# which module to load, and the saved answer must replay to the same message. The listing
# with real listeners and connections runs in the QEMU guest (tests/vm, check hvlist-sockets).
. "$(dirname "$0")/lib.sh"

$HVLIST sockets --dump-save live.bin >live.out 2>live.err
rc=$?
cat live.out live.err
if [ $rc = 0 ]; then
	grep -q '^vsock sockets (' live.out || fail "no title line"
	$HVLIST sockets -n -r -o state,local,peer | sort >hvlist.txt || fail "hvlist -n -r: exit $?"
	if command -v ss >/dev/null 2>&1; then
		ss --vsock -a -n -H 2>/dev/null | awk '{ print $2, $5, $6 }' | sort >ss.txt
		# sockets may come and go between the two calls; compare only when ss ran cleanly
		if [ -s ss.txt ] || [ ! -s hvlist.txt ]; then
			diff ss.txt hvlist.txt || fail "hvlist and ss differ (- ss, + hvlist)"
			ok "same $(wc -l <ss.txt | tr -d ' ') sockets as ss --vsock"
		fi
	fi
	$HVLIST sockets --dump-file live.bin >replay.out 2>replay.err || fail "replay: exit $?"
	[ "$(sed 1d live.out)" = "$(sed 1d replay.out)" ] || fail "the saved dump replays differently"
	ok "live listing, saved dump replays the same"
	$HVLIST sockets -p -n -r -o inode,process >/dev/null || fail "-p: exit $?"
	ok "-p runs"
	exit 0
fi

[ $rc = 1 ] || fail "exit status $rc"
if grep -q 'vsock_diag module is not loaded (modprobe vsock_diag)' live.err; then
	[ -s live.bin ] || fail "--dump-save wrote nothing"
	$HVLIST sockets --dump-file live.bin 2>replay.err
	[ $? = 1 ] || fail "replay of the refusal: exit status"
	grep -q 'recorded answer: the kernel could not list vsock sockets: the vsock_diag module was not loaded' replay.err ||
		fail "replay of the refusal: message"
	ok "no vsock_diag here: hvlist names the module; the saved refusal replays to the same message"
elif grep -q 'the kernel has no NETLINK_SOCK_DIAG' live.err; then
	ok "no NETLINK_SOCK_DIAG here: hvlist says so"
else
	fail "unexpected message"
fi

# the default view on Linux is sockets: the same note, and exit 1 as nothing could be listed
$HVLIST >all.out 2>all.err
[ $? = 1 ] || fail "hvlist without a view: exit status"
grep -q 'modprobe vsock_diag\|NETLINK_SOCK_DIAG' all.err || fail "hvlist without a view: message"
# with --file the services are still listed; the missing sockets view is only a note
$HVLIST --file "$HVT_SRC/tests/data/services.reg" >f.out 2>f.err || fail "--file: exit $?"
grep -q 'VM Session Service' f.out || fail "--file: services missing"
ok "default views: a note for the sockets view, exit 1 only when nothing was listed"
