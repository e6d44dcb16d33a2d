$HVNC -v
