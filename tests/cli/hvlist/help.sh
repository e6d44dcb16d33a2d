$HVLIST --help
