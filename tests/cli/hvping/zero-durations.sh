# A duration that is a limit must be more than 0 (issue 20 item 10): -W 0 is rejected like hvnc's
# -w 0 and -i 0; -i 0 keeps its meaning (back to back): the probes fail to connect.
for args in "-W 0" "-W 0ms" "-W 0s"; do
	eval "\$HVPING -c 1 $args tcp:127.0.0.1:1"
	echo "$args: exit $?"
done
$HVPING -q -c 2 -i 0 -W 1 tcp:127.0.0.1:1 >/dev/null 2>&1
echo "-i 0: exit $?"
