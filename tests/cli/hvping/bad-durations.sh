for args in "-i 1x" "-i -1" "-i 25h" "-i ''" "-W 0" "-W 0ms" "-W abc" "-W 2d" "-W 0.0001"; do
	eval "\$HVPING $args tcp:127.0.0.1:1"
	echo "$args: exit $?"
done
