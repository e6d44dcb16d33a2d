cd "$HVT_SRC/tests/data" && $HVLIST services --file services.reg
