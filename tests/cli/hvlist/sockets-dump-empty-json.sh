cd "$HVT_SRC/tests/data" && $HVLIST -j --dump-file vsockdiag-empty.bin sockets
