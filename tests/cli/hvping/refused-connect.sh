# --connect: the same errors, no hello
$HVPING --connect -c 2 -i 0 tcp:127.0.0.1:1 >probes.txt
rc=$?
sed 's/time [0-9]* ms$/time T ms/' probes.txt
exit $rc
