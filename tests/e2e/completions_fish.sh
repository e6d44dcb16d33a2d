#!/bin/sh
# platform: posix
# The fish completions (completions/fish/TOOL.fish) in real fish, through `complete -C LINE`
# with the completions first on fish_complete_path. Checks: every tool offers exactly the long
# options of its --help, with its descriptions; hvreg's commands and registered services,
# hvlist's views and columns, fixed values, and addresses part by part, also after --opt=.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/completions.lib"
command -v fish >/dev/null || fail "fish is missing (apt-get install fish)"

# drv.fish CASES: CASES has "PATHDIR<tab>LINE" per line; the candidates for line N (without
# descriptions) go to got.N, sorted; with descriptions to desc.N.
cat >drv.fish <<'EOF'
set -p fish_complete_path $HVT_SRC/completions/fish
set -l orig $PATH
set -l n 0
while read -l -d \t pathdir line
    set n (math $n + 1)
    set -gx PATH $PWD/$pathdir $orig
    complete -C "$line" >desc.$n
    string split -f1 \t <desc.$n | sort >got.$n
end <$argv[1]
EOF

n=0
: >cases
# expect NAME 'LINE' CANDIDATES... [--path=DIR]
expect() {
	n=$((n + 1))
	echo "$1 ('$2')" >name.$n
	line=$2
	shift 2
	path=bin
	: >want.$n
	for x; do
		case $x in
		--path=*) path=${x#--path=} ;;
		*) echo "$x" >>want.$n ;;
		esac
	done
	printf '%s\t%s\n' "$path" "$line" >>cases
}
expect_file() {
	expect "$1" "$2"
	sort "$3" >want.$n
}

for t in $HVT_TOOLS; do
	want_opts $t >$t.opts
	expect_file "$t options" "$t --" $t.opts
done
expect "long option prefix" "hvnc --no-s" --no-shutdown --no-stdin
expect "options after an operand" "hvreg remove --j" --json

help_items hvreg Commands >cmds
expect_file "hvreg commands" "hvreg " cmds
expect_file "hvreg remove: services from --file" "hvreg --file $REG remove " reg.guids
expect_file "hvreg show: services from --file=" "hvreg show --file=$REG " reg.guids
expect "hvreg add takes a new service" "hvreg --file $REG add "
expect "hvreg list takes nothing" "hvreg list "
expect "hvreg --print" "hvreg add 5000 --print " ansible cmd dsc gpo powershell reg
expect "hvreg services from the registry (fake hvlist)" "hvreg remove " \
	00001388-facb-11e6-bd58-64006a7986d3 --path=fakebin

help_items hvlist Views >views
expect_file "hvlist views" "hvlist " views
for v in services vms sockets hybrid; do
	help_items hvlist "Columns of $v" >cols.$v
	expect_file "hvlist $v -o" "hvlist $v -o " cols.$v
done
sort -u cols.services cols.vms cols.sockets cols.hybrid >cols.all
expect_file "hvlist -o without a view: every column once" "hvlist -o " cols.all
expect "hvlist -o list" "hvlist sockets -o LOCAL,P" LOCAL,PCID LOCAL,PEER LOCAL,PPORT LOCAL,PROCESS
expect "hvlist --output=+" "hvlist vms --output=+ST" --output=+STATE

for t in hvnc hvping "hvnc -l" "hvnc --to"; do
	expect "$t schemes" "$t " $(want_schemes)
done
expect "hv well-known VM ids" "hvnc hv:" hv:broadcast: hv:children: hv:loopback: hv:parent: \
	hv:silohost: hv:wildcard:
expect "hv VM prefix" "hvnc hv:p" hv:parent:
expect "hv VMs from hvlist" "hvping -c 3 hv:" hv:0a0b0c0d-1111-2222-3333-444455556666: \
	hv:5c1b4a5e-0b7e-4d8a-9e3f-1a2b3c4d5e6f: 'hv:Ubuntu 22.04:' hv:broadcast: hv:children: \
	hv:devbox: hv:loopback: hv:parent: hv:silohost: hv:wildcard: --path=fakebin
expect "hv services from hvlist" "hvnc hv:devbox:" hv:devbox:00001388-facb-11e6-bd58-64006a7986d3 \
	--path=fakebin
expect "hv no services on Linux without --file" "hvnc hv:parent:"
expect "--to=ADDRESS" "hvnc -l tcp:8080 --to=vsock:ho" --to=vsock:host:
expect "vsock CIDs" "hvnc vsock:" vsock:any: vsock:host: vsock:hypervisor: vsock:local:
expect "vsock port: nothing to offer" "hvnc vsock:2:"
expect "tcp: nothing to offer" "hvnc tcp:"
mkdir -p sockdir
: >sockfile
expect "unix paths" "hvnc unix:sock" unix:sockdir/ unix:sockfile
expect "one address only" "hvnc hv:parent:5000 "
expect "option arguments are not operands" "hvnc -w 5 -e cat " $(want_schemes)
expect "numbers: nothing to offer" "hvping -c "

HVT_SRC="$HVT_SRC" timeout 120 fish --no-config drv.fish cases >drv.out 2>drv.err || {
	cat drv.out drv.err >&2
	fail "the fish driver failed or timed out"
}
[ -s drv.err ] && { cat drv.err >&2; fail "fish printed errors"; }
i=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	same_list "$(cat name.$i)" want.$i got.$i
done
# Descriptions are the --help lines.
grep -qx -- "$(printf -- '--listen\tlisten for a connection instead of connecting')" desc.1 ||
	fail "hvnc --listen has not its --help description: $(grep -- --listen desc.1)"
ok "fish completions for hvnc, hvreg, hvlist and hvping ($n cases)"
