#!/bin/sh
# platform: windows
# npipe: under Wine (which implements named pipes for real): hvnc.exe to hvnc.exe both ways
# over 64 MiB, the half-close of hvnc's message-type pipes, a message-mode server of another
# program (tests/win/npipe_server.c) and its zero-length message, ERROR_PIPE_BUSY retried
# within -w, -k with 20 clients at once, and npipe <-> tcp bridged to the native Linux hvnc
# both ways, -e and -c on an npipe listener. $HVNC is hvnc.exe under tests/win/wine-run.
. "$(dirname "$0")/lib.sh"
NATIVE=${HVT_NATIVE_BUILD:-$HVT_SRC/build}/tools/hvnc/hvnc
[ -x "$NATIVE" ] || fail "no native hvnc at $NATIVE (build the native tree first)"
SERVER="$HVT_SRC/tests/win/wine-run $HVT_BUILD/tests/npipe_server.exe"
T_OUT=120
P=hvt-e2e-$$ # pipe names of this run

random_file big 67108864 # 64 MiB
random_file req 1048576

# wait_pipe NAME: until a client can open it (hvnc -w retries ERROR_FILE_NOT_FOUND)
listening() { wait_line "$1" 'listening on' 30; }

# 1. client -> server, 64 MiB; the server's stdin is empty: its half-close (a zero-length
#    message) reaches the client at once, which still sends everything, then half-closes.
bg $HVNC -l -v npipe:$P-1 </dev/null >got1 2>l1.err
srv=$!
listening l1.err
timeout $T_OUT $HVNC npipe:$P-1 <big >out1 2>c1.err || fail "client exited $? ($(cat c1.err))"
wait $srv || fail "server exited $? ($(cat l1.err))"
same big got1
[ -s out1 ] && fail "client printed data"
ok "hvnc.exe -> hvnc.exe -l over npipe, 64 MiB, half-close both ways"

# 2. server -> client, 64 MiB.
bg $HVNC -l npipe:$P-2 <big 2>l2.err
srv=$!
timeout $T_OUT $HVNC -w 10 npipe:$P-2 </dev/null >got2 2>c2.err || fail "client exited $? ($(cat c2.err))"
wait $srv || fail "server exited $? ($(cat l2.err))"
same big got2
ok "hvnc.exe -l -> hvnc.exe over npipe, 64 MiB"

# 3. a message-mode server of another program: our half-close is its zero-length message, it
#    answers after it and half-closes with one of its own, which ends the client.
bg $SERVER $P-msg message >s3.out 2>s3.err
wait_line s3.out ready 30
timeout $T_OUT $HVNC npipe:$P-msg <req >out3 2>c3.err || fail "client exited $? ($(cat c3.err))"
[ "$(cat out3)" = "got 1048576 bytes" ] || fail "message-mode server answered '$(cat out3)' ($(cat s3.err))"
ok "message-mode server: zero-length messages both ways"

# 4. ERROR_PIPE_BUSY: the server's one instance is taken for 1.5 s; -w 5 waits it out, -w 0.5
#    gives up with one line and a hint.
bg $SERVER $P-busy busy 1500 >s4.out 2>s4.err
wait_line s4.out ready 30
timeout $T_OUT $HVNC -w 0.5 npipe:$P-busy </dev/null >out4a 2>c4a.err && fail "-w 0.5 connected to a busy pipe"
grep -q "connect npipe:$P-busy: every instance of the pipe is busy (waited 0.5 s)" c4a.err ||
	fail "busy error: $(cat c4a.err)"
grep -q "hint: every instance of the pipe stayed busy" c4a.err || fail "no hint: $(cat c4a.err)"
timeout $T_OUT $HVNC -w 5 npipe:$P-busy </dev/null >out4 2>c4.err || fail "client exited $? ($(cat c4.err))"
[ "$(cat out4)" = served ] || fail "busy server answered '$(cat out4)'"
ok "ERROR_PIPE_BUSY retried within -w, one line after it"

# 5. npipe -> tcp: hvnc.exe -l npipe --to the Linux hvnc, which answers after EOF: the pipe's
#    half-close becomes the tcp one and back.
bg $NATIVE -lk -v tcp:127.0.0.1:0 -c sha256sum 2>l5.err
port=$(listen_port l5.err)
bg $HVNC -l -v npipe:$P-5 --to tcp:127.0.0.1:"$port" 2>w5.err
listening w5.err
timeout $T_OUT $HVNC npipe:$P-5 <big >out5 2>c5.err || fail "client exited $? ($(cat c5.err))"
[ "$(cut -d' ' -f1 out5)" = "$(sum big)" ] || fail "sha256 through npipe -> tcp differs: $(cat out5)"
ok "npipe -> tcp (Linux hvnc), answer after EOF"

# 6. tcp -> npipe: the Linux hvnc -> hvnc.exe -lk tcp --to npipe (the Windows forwarder) -> the
#    message-mode server.
bg $SERVER $P-msg6 message >s6.out 2>s6.err
wait_line s6.out ready 30
bg $HVNC -lk -v tcp:127.0.0.1:0 --to npipe:$P-msg6 2>w6.err
port=$(listen_port w6.err)
timeout $T_OUT $NATIVE tcp:127.0.0.1:"$port" <req >out6 2>c6.err || fail "linux client exited $? ($(cat c6.err))"
[ "$(cat out6)" = "got 1048576 bytes" ] || fail "tcp -> npipe answer '$(cat out6)' ($(cat w6.err))"
ok "tcp (Linux hvnc) -> npipe, half-close both ways"

# 7. -k with 20 clients at once: hvnc.exe -lk npipe --to tcp, a new instance for each.
bg $HVNC -lk npipe:$P-k --to tcp:127.0.0.1:"$(listen_port l5.err)" 2>w7.err
sleep 1
want=$(sum req)
i=0
pids=
while [ $i -lt 20 ]; do
	timeout $T_OUT $HVNC -w 30 npipe:$P-k <req >out7.$i 2>c7.$i.err &
	pids="$pids $!"
	i=$((i + 1))
done
# A client killed by SIGKILL with nothing on stderr (137: hvnc.exe never exits so; Wine's
# server killed it) runs once more, alone, and says so: seen in one full CI run, never when
# the test runs by itself. Any other failure, or a second such kill, fails.
i=0
for p in $pids; do
	wait "$p"
	rc=$?
	if [ $rc = 137 ] && [ ! -s c7.$i.err ]; then
		done7=incomplete
		[ "$(cut -d' ' -f1 out7.$i)" = "$want" ] && done7=complete
		echo "note: client $i was killed by SIGKILL with no message (Wine), its output" \
			"$done7; once more" >&2
		timeout $T_OUT $HVNC -w 30 npipe:$P-k <req >out7.$i 2>c7.$i.err
		rc=$?
	fi
	[ $rc = 0 ] || fail "client $i of -k exited $rc"
	i=$((i + 1))
done
i=0
while [ $i -lt 20 ]; do
	[ "$(cut -d' ' -f1 out7.$i)" = "$want" ] || fail "client $i got '$(cat out7.$i)' ($(cat c7.$i.err))"
	i=$((i + 1))
done
ok "-lk npipe: 20 concurrent clients"

# 8. -e and -c on an npipe listener: the client's half-close is the program's stdin EOF, the
#    program's output and exit end the connection; the UCSPI variables name the pipe.
printf 'apple\nxbanana\ncherry x\n' >req8
bg $HVNC -l -v npipe:$P-e -e "find.exe x" 2>l8.err
listening l8.err
timeout $T_OUT $HVNC npipe:$P-e <req8 >out8 2>c8.err || fail "client of -e exited $? ($(cat c8.err))"
[ "$(tr -d '\r' <out8)" = "$(printf 'xbanana\ncherry x')" ] ||
	fail "-e find over npipe gave '$(cat out8)' ($(cat l8.err))"
bg $HVNC -l npipe:$P-c -c "echo %PROTO% %HVNC_LOCAL%" 2>l9.err
timeout $T_OUT $HVNC -w 10 npipe:$P-c </dev/null >out9 2>c9.err || fail "client of -c exited $? ($(cat c9.err))"
grep -q "^NPIPE npipe:.*$P-c" out9 || fail "-c over npipe printed '$(cat out9)' ($(cat l9.err))"
ok "-e and -c on an npipe listener (stdin EOF from the half-close, PROTO and HVNC_LOCAL)"
