$HVNC --s vsock:1:5000
