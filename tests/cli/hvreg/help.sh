$HVREG --help
