# platform: posix
# --register: with -l and an hv: address only; on Linux (no host registry) an error that says
# registration happens on the host and names the hvreg command to run there (exit 2).
$HVNC -l hv:5000 --register; echo "rc=$?"
$HVNC -lk hv:5000 --register="ssh bridge"; echo "rc=$?"
$HVNC -l hv:7d3c0e2a-9b41-4f6e-a1c5-3e0f2b8d9a61 --register; echo "rc=$?"
$HVNC -l vsock:5000 --register; echo "rc=$?"
$HVNC hv:5000 --register; echo "rc=$?"
$HVNC -l hv:5000 --register="$(printf 'a\tb')"; echo "rc=$?"
$HVNC -l hv:5000 --register "ssh bridge"; echo "rc=$?"
$HVNC -l --register bridge hv:5000; echo "rc=$?"
