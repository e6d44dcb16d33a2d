#!/bin/sh
# platform: posix
# An EINTR storm: SIGCHLD (which hvnc catches without SA_RESTART, so blocking calls return
# EINTR) and SIGWINCH sent thousands of times to both ends of a 100 MiB transfer in each
# direction at once; the data arrives intact and both exit 0. In splice and in copy mode, with
# the listener serving through -e (waitpid interrupted) and through --to.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

random_file src 16777216
random_file back 16777216
# 100 MiB streams from the two 16 MiB files (written once, read many times).
stream() { for i in 1 2 3 4 5 6; do cat "$1"; done; head -c 4194304 "$1"; }
stream src | cksum >want.up
stream back | cksum >want.down

# storm.py PIDFILE...: signals the pid in each file (once the file exists) until every one of
# them has ended; at most 120 s. Prints how many signals it sent.
cat >storm.py <<'PY'
import os, signal, sys, time
files, pids, done = list(sys.argv[1:]), {}, set()
n, end = 0, time.time() + 120
while len(done) < len(files) and time.time() < end:
    for f in files:
        if f not in pids:
            try:
                pids[f] = int(open(f).read())
            except (OSError, ValueError):
                continue
        if f in done:
            continue
        try:
            os.kill(pids[f], signal.SIGCHLD if n % 2 else signal.SIGWINCH)
            n += 1
        except ProcessLookupError:
            done.add(f)
    if n % 64 == 0:
        time.sleep(0.0005)
print(n)
PY

# transfer TAG IN OUT LISTENER...: starts the listener (stdin IN and stdout OUT, fifos when
# it relays itself), a client sending the up stream and checking the down stream, and the
# storm on both; waits for all of them.
transfer() {
	tag=$1 in=$2 out=$3
	shift 3
	"$@" <$in >$out 2>l.$tag.err &
	lp=$!
	PIDS="$PIDS $lp"
	echo $lp >lpid.$tag
	# The storm starts first, on the listener, and takes the client as soon as it runs.
	python3 storm.py lpid.$tag cpid.$tag >storm.$tag &
	sp=$!
	PIDS="$PIDS $sp"
	wait_path $T/s.$tag
	mkfifo cin.$tag cout.$tag
	stream src >cin.$tag &
	PIDS="$PIDS $!"
	cksum <cout.$tag >got.down.$tag &
	kp=$!
	$HVNC unix:$T/s.$tag <cin.$tag >cout.$tag 2>c.$tag.err &
	cp=$!
	PIDS="$PIDS $cp"
	echo $cp >cpid.$tag
	wait_exit $cp 120 "client ($tag)"
	[ $rc = 0 ] || fail "$tag: client exited $rc: $(cat c.$tag.err)"
	wait_exit $lp 30 "listener ($tag)"
	[ $rc = 0 ] || fail "$tag: listener exited $rc: $(cat l.$tag.err)"
	wait_exit $sp 70 "storm"
	wait_exit $kp 30 "cksum"
	cmp -s got.down.$tag want.down || fail "$tag: data to the client differs"
}

for mode in splice copy; do
	if [ $mode = copy ]; then HVT_NO_SPLICE=1; else HVT_NO_SPLICE=0; fi
	export HVT_NO_SPLICE
	# The listener relays itself: its stdin sends the down stream, its stdout is checked.
	mkfifo lin.$mode lout.$mode
	stream back >lin.$mode &
	PIDS="$PIDS $!"
	cksum <lout.$mode >got.up.$mode &
	up=$!
	transfer $mode lin.$mode lout.$mode $HVNC -l unix:$T/s.$mode
	wait_exit $up 30 "cksum"
	cmp -s got.up.$mode want.up || fail "$mode: data to the listener differs"
	ok "$mode: 100 MiB each way intact under $(cat storm.$mode) signals"
done
unset HVT_NO_SPLICE

# -c: the listener waits in waitpid while its program moves the data.
stream back >back.stream
transfer exec /dev/null /dev/null $HVNC -l unix:$T/s.exec -c "cat $T/back.stream & cksum >$T/got.up.exec; wait"
cmp -s got.up.exec want.up || fail "exec: data to the program differs"
ok "-c: 100 MiB each way intact under $(cat storm.exec) signals"

# --to: the forwarder relays between two sockets.
bg $HVNC -l unix:$T/target -c "cat $T/back.stream & cksum >$T/got.up.fwd; wait" 2>t.err
tp=$!
wait_path $T/target
transfer fwd /dev/null /dev/null $HVNC -l unix:$T/s.fwd --to unix:$T/target
wait_exit $tp 30 "target"
cmp -s got.up.fwd want.up || fail "fwd: data to the target differs"
ok "--to: 100 MiB each way intact under $(cat storm.fwd) signals"
