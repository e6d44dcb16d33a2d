$HVPING tcp:127.0.0.1:1 tcp:127.0.0.1:2
