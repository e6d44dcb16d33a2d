# platform: posix
$HVLIST vms
