# --help goes to stdout and exits 0; -h prints the same
$HVPING --help
$HVPING -h >h.txt
$HVPING --help | cmp -s h.txt - || echo "-h and --help differ"
