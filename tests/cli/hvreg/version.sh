$HVREG --version
