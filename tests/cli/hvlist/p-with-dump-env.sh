cd "$HVT_SRC/tests/data" && HVLIST_DUMP_FILE=vsockdiag-conns.bin $HVLIST -p
