# platform: windows
$HVLIST sockets
