$HVNC --bogus vsock:1:5000
