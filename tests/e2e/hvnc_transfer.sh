#!/bin/sh
# platform: posix
# hvnc moves 100 MiB of random data both directions at once, over unix and tcp, through the
# splice path and the read/write fallback (forced, and where splice is refused), with checksums;
# a dropped block fails the test.
. "$(dirname "$0")/lib.sh"
random_file a 104857600
random_file b 104857600

for mode in splice copy; do
	[ $mode = copy ] && export HVT_NO_SPLICE=1
	bg $HVNC -l -v unix:$T/s <b >got_a 2>l.err
	wait_path $T/s
	$HVNC unix:$T/s <a >got_b 2>c.err || fail "unix client ($mode) exited $?"
	wait $! || fail "unix listener ($mode) exited $?"
	same a got_a
	same b got_b
	ok "unix both directions, 100 MiB each ($mode)"

	bg $HVNC -l -v tcp:127.0.0.1:0 <b >got_a 2>l.err
	port=$(listen_port l.err)
	$HVNC tcp:127.0.0.1:$port <a >got_b 2>c.err || fail "tcp client ($mode) exited $?"
	wait $! || fail "tcp listener ($mode) exited $?"
	same a got_a
	same b got_b
	ok "tcp both directions, 100 MiB each ($mode)"
	rm -f got_a got_b
done
unset HVT_NO_SPLICE

# Where splice(2) is refused (into an O_APPEND file: EINVAL) the pump falls back to copying
# mid-stream, with what the private pipe already holds; the file keeps what it had.
echo "kept line" >appended
bg $HVNC -l unix:$T/ap </dev/null >>appended 2>ap.err
wait_path $T/ap
$HVNC unix:$T/ap <a 2>apc.err || fail "sender to an appending listener exited $?"
wait $! || fail "listener appending to a file exited $?: $(cat ap.err)"
{ echo "kept line"; cat a; } >want_appended
same want_appended appended
ok "100 MiB appended to a file (splice refused, copied instead)"
