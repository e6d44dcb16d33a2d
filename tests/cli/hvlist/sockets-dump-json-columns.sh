cd "$HVT_SRC/tests/data" && $HVLIST -j sockets --dump-file vsockdiag-conns.bin -l -o local,service
