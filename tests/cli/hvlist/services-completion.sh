cd "$HVT_SRC/tests/data" && $HVLIST services -f services.reg -n -o port | grep -v -- -
