$HVNC --send-only --recv-only vsock:1:5000
