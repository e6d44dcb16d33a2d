# Every accepted SERVICE form; the GUID is printed in lower-case D form.
for s in 00001388-FACB-11E6-BD58-64006A7986D3 '{000004d2-facb-11e6-bd58-64006a7986d3}' \
	'(00000016-facb-11e6-bd58-64006a7986d3)' 00000ac9facb11e6bd5864006a7986d3 \
	'{0x0000c350,0xfacb,0x11e6,{0xbd,0x58,0x64,0x00,0x6a,0x79,0x86,0xd3}}' \
	106000 vsock-0 0x7fffffff 999E53D4-3D5C-4C3E-8779-BED06EC056E1; do
	$HVREG add "$s" --file a.reg 2>add.err || { echo "failed: $s"; cat add.err; }
done
$HVREG list --file a.reg
