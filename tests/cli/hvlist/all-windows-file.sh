# platform: windows
cd "$HVT_SRC/tests/data" && $HVLIST --file services.reg
