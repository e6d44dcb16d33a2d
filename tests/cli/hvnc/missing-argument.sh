$HVNC vsock:1:5000 -w
