# platform: posix
# hv:wsl: is the Windows host's name for its WSL VM: on Linux (inside WSL too) a usage error
# that points to vsock:host:PORT, for connecting, listening and --to.
$HVNC hv:wsl:5000
echo "rc $?"
$HVNC -l hv:WSL:5000
echo "rc $?"
$HVPING -l hv:wsl:5000
echo "rc $?"
$HVNC -lk tcp:127.0.0.1:0 --to hv:wsl:22
