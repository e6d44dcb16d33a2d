$HVNC -k vsock:1:5000
