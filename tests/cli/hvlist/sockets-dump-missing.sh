$HVLIST sockets --dump-file no-such.bin
