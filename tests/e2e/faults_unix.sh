#!/bin/sh
# platform: posix
# Unix socket files: hvnc -l never binds through or replaces anything that is not its own
# stale socket (a symlink to a file, a dangling symlink, a symlink to a stale socket, a regular
# file, a directory, a live listener's socket), and leaves the target untouched; the socket it
# creates is srw------- whatever the umask; a stale socket (listener killed) is replaced; on
# exit it removes its own socket file, never one that replaced it meanwhile.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

mkdir d
echo "precious" >target
chmod 0644 target
want_sum=$(sum target)
want_ls=$(ls -l --time-style=+%s.%N target)

# refused NAME: hvnc -l unix:NAME must fail at once with "address already in use".
refused() {
	$HVNC -l unix:$T/$1 </dev/null >/dev/null 2>r.$1.err &
	p=$!
	wait_exit $p 10 "hvnc -l unix:$1"
	[ $rc = 1 ] || fail "$1: expected exit 1, got $rc"
	grep -q 'listen on unix:.*address already in use' r.$1.err || fail "$1: $(cat r.$1.err)"
}

ln -s target link
refused link
[ -L link ] || fail "the symlink was replaced"
ln -s nowhere dangling
refused dangling
[ -L dangling ] && [ ! -e nowhere ] || fail "a socket was created through the dangling symlink"
cp target file
refused file
[ "$(sum file)" = "$want_sum" ] || fail "the regular file changed"
refused d
[ -d d ] || fail "the directory was replaced"
[ "$(sum target)" = "$want_sum" ] && [ "$(ls -l --time-style=+%s.%N target)" = "$want_ls" ] ||
	fail "the symlink target changed"
ok "symlinks, files and directories are refused and left as they were"

# A stale socket (its listener was killed) is replaced; a symlink to it is not followed.
python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' $T/stale
[ -S stale ] || fail "could not make a stale socket"
ln -s stale stale-link
refused stale-link
[ -S stale ] || fail "the stale socket behind the symlink was removed"
bg $HVNC -l -v unix:$T/stale -c 'echo replaced' 2>stale.err
wait_line stale.err 'listening on'
out=$($HVNC -d unix:$T/stale 2>sc.err) || fail "stale socket not replaced: $(cat stale.err sc.err)"
[ "$out" = replaced ] || fail "stale socket: got '$out'"
ok "a stale socket is replaced, a symlink to one is refused"

# A live listener's socket is refused and keeps working.
bg $HVNC -lk unix:$T/live -c 'echo alive' 2>live.err
live=$!
wait_path $T/live
refused live
out=$($HVNC -d unix:$T/live 2>lc.err) || fail "live listener broken: $(cat lc.err)"
[ "$out" = alive ] || fail "live listener: got '$out'"
ok "a live listener's socket is refused and keeps working"

# Mode 0600 whatever the umask, also in a world-writable directory.
mkdir pub
chmod 1777 pub
(umask 000 && exec $HVNC -l unix:$T/pub/s -c 'true' </dev/null >/dev/null 2>mode.err) &
mp=$!
PIDS="$PIDS $mp"
wait_path $T/pub/s
mode=$(ls -l pub/s | cut -c1-10)
[ "$mode" = "srw-------" ] || fail "socket file mode $mode, expected srw-------"
$HVNC -d unix:$T/pub/s >/dev/null 2>&1
wait_exit $mp 10 "hvnc -l (umask 000)"
[ ! -e pub/s ] || fail "socket file left behind after the connection"
ok "socket file is srw------- under umask 000 and removed at exit"

# On exit, only its own socket file is removed: when the path was taken over meanwhile (the
# file removed and another listener bound there), the other listener's socket stays.
bg $HVNC -l unix:$T/own </dev/null 2>own1.err
first=$!
wait_path $T/own
rm own
bg $HVNC -lk unix:$T/own -c 'echo second' 2>own2.err
wait_path $T/own
kill -TERM $first
wait_exit $first 10 "first listener"
[ $rc = 143 ] || fail "SIGTERM: expected exit 143, got $rc"
[ -S own ] || fail "the first listener removed the second listener's socket file on exit"
out=$($HVNC -d unix:$T/own 2>oc.err) || fail "second listener unreachable: $(cat oc.err)"
[ "$out" = second ] || fail "second listener: got '$out'"
ok "exit removes only the listener's own socket file"

# Abstract names may be 1-107 bytes, as the parser and hvsock(7) say (no NUL after a name).
name=$(printf 'a%.0s' $(seq 107))
bg $HVNC -l "unix:@$name" </dev/null >abs.got 2>abs.err
ap=$!
i=0
until printf 'abstract\n' | $HVNC "unix:@$name" 2>abs.client; do
	i=$((i + 1))
	[ $i -gt 100 ] && fail "a 107-byte abstract name: $(cat abs.client abs.err)"
	sleep 0.05
done
wait_exit $ap 10 "hvnc -l unix:@NAME"
[ "$(cat abs.got)" = abstract ] || fail "107-byte abstract name: got '$(cat abs.got)'"
ok "an abstract name of 107 bytes listens and connects"

# Unix errors speak of paths, not hosts: a regular file is no listener.
: >plain
$HVNC "unix:$T/plain" </dev/null 2>plain.err && fail "connect to a regular file: exit 0"
grep -q "hint: nothing accepts on that path" plain.err || fail "regular file: $(cat plain.err)"
ok "connecting to a file that is not a socket gets a unix hint"

# A live listener whose queue is full is in use: say so at once, do not hang in the check
# for a stale socket file.
python3 "$HVT_SRC/tests/e2e/fullq.py" "$T/full" >full.out 2>&1 &
PIDS="$PIDS $!"
wait_line full.out full
start=$(date +%s)
$HVNC -l "unix:$T/full" </dev/null 2>full.err && fail "listen on a busy path: exit 0"
[ $(($(date +%s) - start)) -le 3 ] || fail "listen on a busy path took $(($(date +%s) - start)) s"
grep -q "address already in use" full.err || fail "busy path: $(cat full.err)"
ok "a path whose listener's queue is full is reported in use at once"
