$HVREG -v
