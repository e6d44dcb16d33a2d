$HVNC -w 5x vsock:1:5000
