cd "$HVT_SRC/tests/data" && $HVLIST sockets --dump-file services.reg
