# platform: windows
$HVNC hv:notavm:5000
