# platform: posix
$HVNC hv:parent:5000
