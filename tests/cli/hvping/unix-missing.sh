# platform: posix
# A unix socket path that does not exist: a plain error per probe, no hint to add.
$HVPING -c 2 -i 0 unix:no-such-socket >probes.txt
rc=$?
sed 's/time [0-9]* ms$/time T ms/' probes.txt
exit $rc
