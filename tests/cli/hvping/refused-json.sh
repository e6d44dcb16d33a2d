# --json: one document with every key, errors per probe, rtt null without replies
$HVPING --json -c 2 -i 0 tcp:127.0.0.1:1 >probes.json
rc=$?
sed 's/"elapsed_ms": [0-9.]*/"elapsed_ms": T/' probes.json
exit $rc
