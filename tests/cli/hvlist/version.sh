$HVLIST --version
