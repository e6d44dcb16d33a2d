# A duration that is a limit must be more than 0 (issue 20 item 10): -w 0 was "no limit" while
# -i 0 was rejected. -q 0 keeps its meaning (quit once the input is sent): the connect fails.
for args in "-w 0" "-w 0ms" "-w 0s" "-i 0" "-i 0ms"; do
	eval "\$HVNC $args tcp:127.0.0.1:1" </dev/null
	echo "$args: exit $?"
done
$HVNC -q 0 -w 1 tcp:127.0.0.1:1 </dev/null 2>/dev/null
echo "-q 0: exit $?"
