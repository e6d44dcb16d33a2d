# Options that make no sense together are refused before anything is touched.
for args in "-l -c 3" "-l -i 1" "-l -W 1" "-l -s 8" "-l -q" "-l --json" "-l --connect" \
	"--connect -s 8" "-q --json" "-m 5"; do
	eval "\$HVPING $args tcp:127.0.0.1:1"
	echo "$args: exit $?"
done
