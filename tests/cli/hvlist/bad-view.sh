$HVLIST servces
