$HVNC nonsense
