$HVLIST -o guid services vms
