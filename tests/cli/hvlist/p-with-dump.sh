cd "$HVT_SRC/tests/data" && $HVLIST sockets -p --dump-file vsockdiag-conns.bin
