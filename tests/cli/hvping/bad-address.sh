for a in nonsense tcp:127.0.0.1 vsock:1 ''; do
	$HVPING -c 1 "$a"
	echo "'$a': exit $?"
done
