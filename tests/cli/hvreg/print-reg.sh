# .reg text (for reg import or regedit); remove gives a deletion entry.
$HVREG add 5000 --print reg; echo "rc=$?"
$HVREG add 22 -n 'say "hi" C:\x' --print reg
$HVREG remove 0x1388 --print reg
$HVREG add 22 -n 'café' --print reg
