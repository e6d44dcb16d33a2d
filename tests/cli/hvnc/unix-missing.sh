# platform: posix
$HVNC unix:/nonexistent/hvt.sock
