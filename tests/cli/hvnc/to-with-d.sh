$HVNC -l tcp:0 --to vsock:1:5000 -d
