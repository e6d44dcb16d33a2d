$HVNC vsock:1:5000 vsock:1:5001
