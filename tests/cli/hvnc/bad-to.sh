$HVNC -l tcp:0 --to vsock:1
