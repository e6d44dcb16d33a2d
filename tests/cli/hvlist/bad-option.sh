$HVLIST --bogus
