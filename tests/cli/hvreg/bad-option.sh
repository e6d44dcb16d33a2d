$HVREG --bogus list
