# platform: posix
$HVNC hv:notavm:5000
