# -j is --json: the same document (hvlist and hvreg take -j too)
$HVPING -j -c 1 -i 0 tcp:127.0.0.1:1 >short.json
rc=$?
$HVPING --json -c 1 -i 0 tcp:127.0.0.1:1 >long.json 2>/dev/null
sed 's/"elapsed_ms": [0-9.]*/"elapsed_ms": T/' short.json >short.txt
sed 's/"elapsed_ms": [0-9.]*/"elapsed_ms": T/' long.json >long.txt
cmp short.txt long.txt && cat short.txt
# bundled with other short options; conflicts name it -j
$HVPING -jc1 -i 0 tcp:127.0.0.1:1 2>/dev/null | grep -c '"seq"'
$HVPING -jq tcp:127.0.0.1:1
exit $rc
