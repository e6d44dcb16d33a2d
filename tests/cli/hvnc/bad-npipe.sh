# platform: windows
# npipe: addresses that cannot be, a bad --pipe-sddl, a pipe that is not there.
$HVNC npipe:; echo "rc=$?"
$HVNC 'npipe:\\srv\notpipe\x'; echo "rc=$?"
$HVNC 'npipe:\\\pipe\x'; echo "rc=$?"
$HVNC "npipe:$(printf '%0260d' 0)"; echo "rc=$?"
$HVNC -l --pipe-sddl 'D:(nonsense' npipe:x; echo "rc=$?"
$HVNC --pipe-sddl 'D:(A;;GA;;;WD)' npipe:x; echo "rc=$?"
$HVNC -w 0.3 npipe:hvtools-cli-no-such-pipe; echo "rc=$?"
{ $HVPING -c 1 -W 0.3 npipe:hvtools-cli-no-such-pipe; echo "rc=$?"; } | sed 's/time [0-9]* ms/time N ms/'
$HVPING -l npipe:x; echo "rc=$?"
$HVNC -l npipe:x --notify; echo "rc=$?"
