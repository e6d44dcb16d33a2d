$HVNC --help
