cd "$HVT_SRC/tests/data" && $HVLIST sockets --dump-file vsockdiag-conns.bin -o state,nope
