# platform: posix
# hvping -l --register: as hvnc's (exit 2 on Linux, where there is no host registry).
$HVPING -l hv:5000 --register=echo; echo "rc=$?"
$HVPING -l tcp:5000 --register; echo "rc=$?"
$HVPING hv:5000 --register; echo "rc=$?"
$HVPING -l hv:5000 --register "ssh bridge"; echo "rc=$?"
$HVPING -l --register bridge hv:5000; echo "rc=$?"
