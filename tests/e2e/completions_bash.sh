#!/bin/sh
# platform: posix
# The bash completions (completions/bash/hvtools) in real bash with bash-completion loaded:
# each case sets COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT the way readline does
# (COMP_WORDBREAKS splits "hv:parent:5000" and "--to=x" into several words) and runs the
# function that `complete -p TOOL` names. Checks: every tool offers exactly the long options
# of its --help (a new option fails here until the completions are regenerated), hvreg's
# commands and registered services (from a .reg file through the real hvlist), hvlist's views
# and columns per view, fixed values, and addresses part by part: schemes, well-known VM ids,
# VM names and ids and services from hvlist, vsock CIDs, unix paths, letter case, --opt=value.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/completions.lib"
command -v bash >/dev/null || fail "bash is missing"
BC=/usr/share/bash-completion/bash_completion
[ -f "$BC" ] || fail "bash-completion is missing (apt-get install bash-completion)"

cat >drv.bash <<'EOF'
# comp LINE: completes LINE (cursor at its end); prints COMPREPLY sorted, one per line, and
# "nospace" last when the function asked for it.
. "$BC"
. "$HVT_SRC/completions/bash/hvtools"
compopt() { [[ " $* " == *" -o nospace "* ]] && NOSPACE=1; return 0; }
comp() {
	local line=$1 w part
	COMP_WORDS=()
	set -f
	for w in $line; do
		while [[ -n $w ]]; do
			if [[ $w =~ ^([:=]+)(.*)$ || $w =~ ^([^:=]+)(.*)$ ]]; then
				COMP_WORDS+=("${BASH_REMATCH[1]}")
				w=${BASH_REMATCH[2]}
			fi
		done
	done
	set +f
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	NOSPACE=
	local spec fn
	spec=$(complete -p "${COMP_WORDS[0]}") || { echo "no completion for ${COMP_WORDS[0]}"; return; }
	fn=${spec#*-F }
	fn=${fn%% *}
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort
	[[ -n $NOSPACE ]] && echo nospace
	return 0
}
eval "$1"
EOF

# c 'LINE' [PATH]: the completions for LINE with bin/ (or PATH) first on PATH.
c() {
	PATH="$T/${2:-bin}:$PATH" BC="$BC" bash --norc --noprofile drv.bash "comp '$1'" 2>c.err
	[ -s c.err ] && { cat c.err >&2; fail "bash printed errors completing '$1'"; }
	return 0
}
# expect NAME 'LINE' LINES... [--path DIR]: the completions are exactly LINES.
expect() {
	name=$1 line=$2
	shift 2
	path=bin
	: >want
	for x; do
		case $x in
		--path=*) path=${x#--path=} ;;
		*) echo "$x" >>want ;;
		esac
	done
	c "$line" $path >got
	same_list "$name ('$line')" want got
}

# Every long option of every tool, nothing else.
for t in $HVT_TOOLS; do
	want_opts $t >want
	c "$t --" >got
	same_list "$t options" want got
	c "$t -" >got
	same_list "$t options after -" want got
done
expect "long option prefix" "hvnc --no-s" --no-shutdown --no-stdin
expect "options after an operand" "hvreg remove --j" --json

# hvreg: commands, then registered services for remove and show.
help_items hvreg Commands >want
c "hvreg " >got
same_list "hvreg commands" want got
expect "hvreg command prefix" "hvreg rem" remove
cp reg.guids want
c "hvreg --file $REG remove " >got
same_list "hvreg remove: services from --file" want got
c "hvreg show --file=$REG " >got
same_list "hvreg show: services from --file=" want got
expect "hvreg service prefix" "hvreg -v --file $REG show 000013" 00001388-facb-11e6-bd58-64006a7986d3 \
	0000138a-facb-11e6-bd58-64006a7986d3 0000138b-facb-11e6-bd58-64006a7986d3
expect "hvreg add takes a new service" "hvreg --file $REG add "
expect "hvreg list takes nothing" "hvreg list "
expect "hvreg one operand after the service" "hvreg --file $REG remove 00001388-facb-11e6-bd58-64006a7986d3 "
expect "hvreg --print" "hvreg add 5000 --print " ansible cmd dsc gpo powershell reg
expect "hvreg --print=" "hvreg add 5000 --print=p" powershell
expect "hvreg --name takes free text" "hvreg add 5000 --name "
expect "hvreg services from the registry (fake hvlist)" "hvreg remove " \
	00001388-facb-11e6-bd58-64006a7986d3 --path=fakebin

# hvlist: views, columns of the view on the command line, comma lists, +, letter case.
help_items hvlist Views >want
c "hvlist " >got
same_list "hvlist views" want got
for v in services vms sockets hybrid; do
	help_items hvlist "Columns of $v" >want
	echo nospace >>want
	c "hvlist $v -o " >got
	same_list "hvlist $v -o" want got
done
{
	help_items hvlist "Columns of services"
	help_items hvlist "Columns of vms"
	help_items hvlist "Columns of sockets"
	help_items hvlist "Columns of hybrid"
} | sort -u >want
c "hvlist -o " >got
sed '/^nospace$/d' got >got.cols
same_list "hvlist -o without a view: every column" want got.cols
c "hvlist all -o " >got
sed '/^nospace$/d' got >got.cols
same_list "hvlist all -o: every column" want got.cols
expect "hvlist -o list" "hvlist sockets -o LOCAL,P" LOCAL,PCID LOCAL,PEER LOCAL,PPORT LOCAL,PROCESS nospace
expect "hvlist --output=+ lower case" "hvlist vms --output=+st" +STATE nospace
expect "hvlist -o lower case, no view" "hvlist -o na" NAME nospace
expect "hvlist --file takes files" "hvlist --file drv.b" drv.bash

# Addresses, part by part (hvnc and hvping share them; --to too).
for t in hvnc hvping "hvnc -l" "hvnc --to"; do
	expect "$t schemes" "$t " $(want_schemes) nospace
done
expect "hv well-known VM ids" "hvnc hv:" broadcast: children: loopback: parent: silohost: wildcard: nospace
expect "hv VM prefix" "hvnc hv:p" parent: nospace
expect "scheme and name in any case" "hvnc HV:Pa" Parent: nospace
expect "hv VMs from hvlist" "hvping -c 3 hv:" 0a0b0c0d-1111-2222-3333-444455556666: \
	5c1b4a5e-0b7e-4d8a-9e3f-1a2b3c4d5e6f: broadcast: children: devbox: loopback: parent: \
	silohost: wildcard: nospace --path=fakebin
expect "hv services from hvlist" "hvnc hv:devbox:" 00001388-facb-11e6-bd58-64006a7986d3 --path=fakebin
expect "hv no services on Linux without --file" "hvnc hv:parent:"
expect "--to=ADDRESS" "hvnc -l tcp:8080 --to=vsock:ho" host: nospace
expect "vsock CIDs" "hvnc vsock:" any: host: hypervisor: local: nospace
expect "vsock port: nothing to offer" "hvnc vsock:2:"
expect "tcp: nothing to offer" "hvnc tcp:"
mkdir -p sockdir
: >sockfile
expect "unix paths" "hvnc unix:sock" sockdir/ sockfile
expect "unix directory" "hvnc unix:sockd" sockdir/ nospace
expect "one address only" "hvnc hv:parent:5000 "
expect "option arguments are not operands" "hvnc -w 5 -e cat "  $(want_schemes) nospace
expect "after --, operands" "hvnc -- " $(want_schemes) nospace
expect "numbers: nothing to offer" "hvping -c "
c "hvnc -e ca" >got
grep -qx cat got || fail "hvnc -e: command names (no cat in: $(head -c 200 got))"
ok "bash completions for hvnc, hvreg, hvlist and hvping"
