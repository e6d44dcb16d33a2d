$HVNC hv:notavm:5000
