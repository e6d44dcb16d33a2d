$HVREG delete 5000
