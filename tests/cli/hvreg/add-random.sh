# Without SERVICE: a new random (version 4) GUID, named "hvtools service" by default.
g=$($HVREG add --file a.reg)
echo "rc=$?"
echo "$g" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' && echo "random v4 GUID"
$HVREG show "$g" --file a.reg | sed "s/$g/GUID/g"
