# platform: posix
$HVLIST -j vms
