cd "$HVT_SRC/tests/data" && HVLIST_DUMP_FILE=vsockdiag-empty.bin $HVLIST sockets
