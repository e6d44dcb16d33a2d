$HVNC tcp:127.0.0.1:1
