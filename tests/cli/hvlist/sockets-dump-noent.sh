cd "$HVT_SRC/tests/data" && $HVLIST sockets --dump-file vsockdiag-noent.bin
