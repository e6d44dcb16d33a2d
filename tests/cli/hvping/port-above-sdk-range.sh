$HVPING hv:parent:vsock-4294967295
