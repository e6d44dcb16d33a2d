$HVREG -x list
