# reg.exe commands for cmd.exe (64-bit registry view); names cmd.exe cannot pass safely are
# refused.
$HVREG add 5000 --print cmd; echo "rc=$?"
$HVREG add 22 -n 'C:\path\' --print cmd
$HVREG add 22 -n 'a & b | c' --print cmd
$HVREG remove 5000 --print cmd
$HVREG add 22 -n 'say "hi"' --print cmd; echo "rc=$?"
$HVREG add 22 -n '100%' --print cmd; echo "rc=$?"
