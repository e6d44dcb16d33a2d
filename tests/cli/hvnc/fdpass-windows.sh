# platform: windows
# --fdpass needs SCM_RIGHTS, which Windows lacks: said at once, before connecting (issue 19).
$HVNC --fdpass tcp:127.0.0.1:1
