$HVNC -w -1 vsock:1:5000
