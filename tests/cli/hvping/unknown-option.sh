$HVPING --bogus tcp:127.0.0.1:1
echo "exit $?"
$HVPING -x tcp:127.0.0.1:1
echo "exit $?"
$HVPING -c
echo "exit $?"
$HVPING --json=1 tcp:127.0.0.1:1
echo "exit $?"
