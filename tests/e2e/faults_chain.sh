#!/bin/sh
# platform: posix
# Integrity over several hops, both directions at once:
#   client --tcp--> hvnc --to --unix--> hvnc --to --tcp--> server
# 1 GiB (HVT_CHAIN_MIB) of random data each way, built by repeating two random 32 MiB files
# (read from /dev/urandom once), checked with cksum (CRC and length) at both ends; every hvnc
# exits 0.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"

mib=${HVT_CHAIN_MIB:-1024}
reps=$((mib / 32))
random_file a 33554432
random_file b 33554432
stream() { i=0; while [ $i -lt $reps ]; do cat "$1"; i=$((i + 1)); done; }
stream a | cksum >want.a &
wa=$!
stream b | cksum >want.b &
wb=$!

mkfifo a.in b.in a.out b.out
# Writers and readers first: opening a fifo waits for the other end.
stream a >a.in &
PIDS="$PIDS $!"
stream b >b.in &
PIDS="$PIDS $!"
cksum <a.out >got.a &
ka=$!
cksum <b.out >got.b &
kb=$!
# Server end.
$HVNC -l -v tcp:127.0.0.1:0 <b.in >a.out 2>server.err &
sp=$!
PIDS="$PIDS $sp"
p2=$(listen_port server.err)
[ -n "$p2" ] || fail "server did not start"
# The two hops.
bg $HVNC -l unix:$T/hop --to tcp:127.0.0.1:$p2 2>hop2.err
h2=$!
wait_path $T/hop
bg $HVNC -l -v tcp:127.0.0.1:0 --to unix:$T/hop 2>hop1.err
h1=$!
p1=$(listen_port hop1.err)
[ -n "$p1" ] || fail "first hop did not start"

start=$(date +%s.%N)
$HVNC tcp:127.0.0.1:$p1 <a.in >b.out 2>client.err &
cp=$!
PIDS="$PIDS $cp"
for p in "$cp client" "$sp server" "$h1 hop1" "$h2 hop2"; do
	wait_exit ${p% *} 180 "${p#* }"
	[ $rc = 0 ] || fail "${p#* }: exit $rc"
done
wait_exit $ka 30 cksum
wait_exit $kb 30 cksum
end=$(date +%s.%N)
wait_exit $wa 60 cksum
wait_exit $wb 60 cksum
cmp -s got.a want.a || fail "client -> server: got '$(cat got.a)', expected '$(cat want.a)'"
cmp -s got.b want.b || fail "server -> client: got '$(cat got.b)', expected '$(cat want.b)'"
secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
ok "$mib MiB each way over tcp -> hvnc -> unix -> hvnc -> tcp intact in $secs s"
