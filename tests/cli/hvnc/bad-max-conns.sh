$HVNC -lk -m 0 vsock:any:5000 -e cat
