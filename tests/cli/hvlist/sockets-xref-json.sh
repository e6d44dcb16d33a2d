cd "$HVT_SRC/tests/data" && $HVLIST -j sockets --dump-file vsockdiag-conns.bin --file services.reg -o state,local,service,registered
