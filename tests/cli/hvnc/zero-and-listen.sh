$HVNC -z -l vsock:5000
