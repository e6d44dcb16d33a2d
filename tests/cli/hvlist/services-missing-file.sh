# platform: posix
$HVLIST services --file no-such.reg
