# Every number goes through a bounded parser; the message names the option and the range.
for args in "-c 0" "-c abc" "-c -1" "-c 4294967296" "-c 1.5" "-s 65537" "-s x" "-s ''" \
	"-l -m 0" "-l -m 100001"; do
	eval "\$HVPING $args tcp:127.0.0.1:1"
	echo "$args: exit $?"
done
