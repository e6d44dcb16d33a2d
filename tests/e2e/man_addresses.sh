#!/bin/sh
# The address families are listed once, in common/families.c: the tools that take an address
# print that list under 'Addresses' in --help, and hvsock(7) documents exactly those schemes,
# in that order, while the tools' own pages refer to it instead of keeping a copy.
. "$(dirname "$0")/lib.sh"
schemes() { # TOOL_CMD: the schemes of its --help 'Addresses' section, one a line
	$1 --help | sed -n '/^Addresses/,/^$/p' | sed -n 's/^  \([a-z][a-z0-9-]*\):[^ ]*  .*/\1/p'
}
schemes "$HVNC" >hvnc.schemes
[ -s hvnc.schemes ] || fail "hvnc --help lists no address schemes"
schemes "$HVPING" >hvping.schemes
cmp -s hvnc.schemes hvping.schemes || fail "hvnc and hvping list different schemes"
sed -n '/^\.Ss Addresses/,/^\.El/p' "$HVT_SRC/man/hvsock.7" |
	sed -n 's/^\.It Li \([a-z][a-z0-9-]*\)\\&: .*/\1/p' >man.schemes
if ! cmp -s hvnc.schemes man.schemes; then
	diff hvnc.schemes man.schemes >&2
	fail "hvsock(7) Addresses (+) differs from the families in --help (-)"
fi
for page in hvnc.1 hvping.1; do
	grep -q '^\.Xr hvsock 7' "$HVT_SRC/man/$page" || fail "man/$page does not refer to hvsock(7)"
done
ok "$(wc -l <man.schemes) address families in --help and hvsock(7) alike"
