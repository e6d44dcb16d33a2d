$HVLIST --dump-file a.bin --dump-save b.bin
