$HVLIST -l services
