$HVNC --version | sed "s/) .*/) VERSION/"
