cd "$HVT_SRC/tests/data" && $HVLIST --json services --file services.reg
