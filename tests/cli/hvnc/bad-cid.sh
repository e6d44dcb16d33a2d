$HVNC vsock:moon:5000
