# platform: posix
$HVPING -l unix:no-such-dir/s
