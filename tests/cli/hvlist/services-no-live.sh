# platform: posix
$HVLIST services
