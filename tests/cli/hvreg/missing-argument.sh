$HVREG list --file
