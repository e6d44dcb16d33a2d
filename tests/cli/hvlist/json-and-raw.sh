$HVLIST -j -r sockets
