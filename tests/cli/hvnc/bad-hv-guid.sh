$HVNC hv:{a42e7cda-d03f-480c-9cc2-a4de20abb878:5000
