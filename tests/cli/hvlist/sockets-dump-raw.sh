cd "$HVT_SRC/tests/data" && $HVLIST sockets --dump-file vsockdiag-conns.bin -n -r -o state,local,peer
