# platform: posix
cd "$HVT_SRC/tests/data" && $HVLIST --file services.reg --dump-file vsockdiag-conns.bin
