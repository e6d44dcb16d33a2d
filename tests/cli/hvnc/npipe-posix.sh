# platform: posix
# npipe: is Windows only: a one-line usage error elsewhere.
$HVNC npipe:openssh-ssh-agent; echo "rc=$?"
$HVNC -l --pipe-sddl 'D:(A;;GA;;;WD)' npipe:x; echo "rc=$?"
$HVPING 'npipe:\\.\pipe\docker_engine'; echo "rc=$?"
