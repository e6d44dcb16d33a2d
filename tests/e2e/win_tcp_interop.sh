#!/bin/sh
# platform: windows
# hvnc.exe under Wine against the native Linux hvnc over tcp loopback, several MiB of random
# bytes (every byte value, CR, LF and ^Z included) checksummed, in both directions, with
# half-close: the side that answers does so only after it has seen EOF. Also the Windows-only
# paths: --to (socket <-> socket threads) and -e (a program on pipes relayed to the socket).
# $HVNC is the Windows tool (tests/win/wine-run ... hvnc.exe); the Linux one is
# $HVT_SRC/build/tools/hvnc/hvnc (tests/all.sh builds it), or that of $HVT_NATIVE_BUILD.
. "$(dirname "$0")/lib.sh"
NATIVE=${HVT_NATIVE_BUILD:-$HVT_SRC/build}/tools/hvnc/hvnc
[ -x "$NATIVE" ] || fail "no native hvnc at $NATIVE (build the native tree first)"
HVNC_EXE=${HVNC##* } # the .exe path, for -e
T_OUT=60             # no step may take longer than this

random_file req 6291456 # 6 MiB
want=$(sum req)

# 1. Windows client -> Linux server that answers after EOF (sha256sum reads to the end).
bg $NATIVE -l -v tcp:127.0.0.1:0 -c sha256sum 2>l1.err
port=$(listen_port l1.err)
timeout $T_OUT $HVNC tcp:127.0.0.1:"$port" <req >out1 2>c1.err || fail "windows client exited $?"
[ "$(cut -d' ' -f1 out1)" = "$want" ] || fail "linux server's sha256 of what the windows client sent differs"
[ -s c1.err ] && fail "windows client printed: $(cat c1.err)"
ok "windows client -> linux server, answer after EOF"

# 2. Windows client, Linux echo server: both directions at full speed at once.
bg $NATIVE -l -v tcp:127.0.0.1:0 -c cat 2>l2.err
port=$(listen_port l2.err)
timeout $T_OUT $HVNC tcp:127.0.0.1:"$port" <req >out2 2>c2.err || fail "windows client (echo) exited $?"
same req out2
ok "windows client <-> linux echo server"

# 3. Linux client -> Windows server whose answer (the checksum of what it received) is written
#    to its stdin only once the whole request has arrived: the Windows side must keep sending
#    after the client's half-close, then half-close itself so the client ends.
mkfifo answer
size=$(wc -c <req)
(
	i=0
	while [ "$(wc -c <got3 2>/dev/null || echo 0)" -lt "$size" ]; do
		i=$((i + 1))
		[ $i -gt $((T_OUT * 20)) ] && break
		sleep 0.05
	done
	sha256sum <got3
) >answer &
PIDS="$PIDS $!"
bg $HVNC -l -v tcp:127.0.0.1:0 <answer >got3 2>l3.err
srv=$!
port=$(listen_port l3.err)
timeout $T_OUT $NATIVE tcp:127.0.0.1:"$port" <req >out3 2>c3.err || fail "linux client exited $?"
same req got3
[ "$(cut -d' ' -f1 out3)" = "$want" ] || fail "windows server's answer '$(cat out3)' is not the request's sha256"
wait $srv || fail "windows server exited $?"
ok "linux client -> windows server, answer after EOF"

# 4. Linux client -> Windows server, data both ways at once (the server's stdin is a file).
random_file resp 3145728
bg $HVNC -l -v tcp:127.0.0.1:0 <resp >got4 2>l4.err
srv=$!
port=$(listen_port l4.err)
timeout $T_OUT $NATIVE tcp:127.0.0.1:"$port" <req >out4 2>c4.err || fail "linux client exited $?"
wait $srv || fail "windows server exited $?"
same req got4
same resp out4
ok "linux client <-> windows server, both directions"

# 5. --to: Windows hvnc forwards between two Linux ends; EOF is passed on both ways.
bg $NATIVE -l -v tcp:127.0.0.1:0 -c sha256sum 2>l5.err
target=$(listen_port l5.err)
bg $HVNC -l -v tcp:127.0.0.1:0 --to tcp:127.0.0.1:"$target" 2>f5.err
srv=$!
port=$(listen_port f5.err)
timeout $T_OUT $NATIVE tcp:127.0.0.1:"$port" <req >out5 2>c5.err || fail "client through --to exited $?"
[ "$(cut -d' ' -f1 out5)" = "$want" ] || fail "sha256 through the windows --to forwarder differs"
wait $srv || fail "windows forwarder exited $?"
ok "--to forwarding with half-close"

# 6. -e: the Windows server runs hvnc.exe per connection on pipes (socket EOF closes the
#    program's stdin, its stdout EOF half-closes the socket); that one connects to Linux.
bg $NATIVE -l -v tcp:127.0.0.1:0 -c sha256sum 2>l6.err
target=$(listen_port l6.err)
bg $HVNC -l -v tcp:127.0.0.1:0 -e "$HVNC_EXE tcp:127.0.0.1:$target" 2>e6.err
srv=$!
port=$(listen_port e6.err)
timeout $T_OUT $NATIVE tcp:127.0.0.1:"$port" <req >out6 2>c6.err || fail "client of -e exited $?"
[ "$(cut -d' ' -f1 out6)" = "$want" ] || fail "sha256 through the windows -e program differs"
wait $srv || fail "windows -e server exited $?"
ok "-e program on pipes with half-close"

# 7. -c through cmd.exe with the UCSPI variables; the exit status is the program's.
bg $HVNC -l -v tcp:127.0.0.1:0 -c "echo %PROTO% %TCPREMOTEIP%& exit 3" 2>e7.err
srv=$!
port=$(listen_port e7.err)
out=$(timeout $T_OUT $NATIVE -d tcp:127.0.0.1:"$port" 2>c7.err) || fail "client of -c exited $?"
[ "$out" = "$(printf 'TCP 127.0.0.1\r')" ] || fail "-c: got '$out'"
wait $srv
rc=$?
[ $rc = 3 ] || fail "-c: server exited $rc, expected the program's 3"
ok "-c through cmd.exe, environment and exit status"

# 8. -k -e with connections at the same time: each program (a thread each) gets only its own
#    pipes, so every one sees its EOF (a pipe end inherited by a sibling would hang it).
bg $NATIVE -l -k -v tcp:127.0.0.1:0 -c sha256sum 2>l8.err
target=$(listen_port l8.err)
bg $HVNC -l -k -v tcp:127.0.0.1:0 -e "$HVNC_EXE tcp:127.0.0.1:$target" 2>e8.err
port=$(listen_port e8.err)
for i in 1 2 3 4; do
	head -c $((i * 700000)) req >req8.$i
	(timeout $T_OUT $NATIVE tcp:127.0.0.1:"$port" <req8.$i >out8.$i 2>c8.$i.err; echo $? >rc8.$i) &
	PIDS="$PIDS $!"
done
wait_file() {
	w=0
	while [ ! -s "$1" ]; do
		w=$((w + 1))
		[ $w -gt $((T_OUT * 20)) ] && fail "timed out waiting for $1"
		sleep 0.05
	done
}
for i in 1 2 3 4; do
	wait_file rc8.$i
	[ "$(cat rc8.$i)" = 0 ] || fail "concurrent client $i exited $(cat rc8.$i)"
	[ "$(cut -d' ' -f1 out8.$i)" = "$(sum req8.$i)" ] || fail "concurrent client $i: wrong sha256"
done
ok "-k -e with 4 connections at once"
