$HVNC -l vsock:5000 -e cat -c cat
