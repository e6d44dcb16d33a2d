$HVNC -Y vsock:1:5000
