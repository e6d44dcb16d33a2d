cd "$HVT_SRC/tests/data" && $HVLIST services -f services.reg -o guid,port,canonical,key,name
