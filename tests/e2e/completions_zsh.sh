#!/bin/sh
# platform: posix
# The zsh completions (completions/zsh/_hvtools) in real zsh: one interactive zsh runs under
# zpty with compinit and the completions on its fpath; each case types a line and Tab, and a
# compadd wrapper prints what the completion system offers (after zsh's own matching against
# the typed prefix). Checks: every tool offers exactly the long options of its --help (a new
# option fails here until the completions are regenerated), hvreg's commands and registered
# services, hvlist's views and columns, fixed values, and addresses part by part.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/completions.lib"
command -v zsh >/dev/null || fail "zsh is missing (apt-get install zsh)"

cat >setup.zsh <<'EOF'
PS1='' PROMPT='' RPROMPT=''
fpath=($HVT_SRC/completions/zsh $fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
_hvt_begin() { print -r -- '<<BEGIN>>' }
_hvt_end() { print -r -- '<<END>>' }
# Print each match as it would be inserted (prefixes and suffixes included) instead of
# adding it; calls that only collect matches (-O, -A, -D) go through.
compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"
		return $?
	fi
	local -a __hits
	local -A apre hpre hsuf asuf
	builtin compadd -A __hits "$@"
	zparseopts -E P:=apre p:=hpre S:=asuf s:=hsuf
	local h
	for h in $__hits; do
		print -r -- "<<M>>$IPREFIX${apre[-P]-}${hpre[-p]-}$h${hsuf[-s]-}${asuf[-S]-}"
	done
}
_hvt_capture() {
	compprefuncs=(_hvt_begin)
	comppostfuncs=(_hvt_end)
	zle complete-word
}
zle -N _hvt_capture
bindkey '^I' _hvt_capture
EOF

# drv.zsh CASES OUTDIR: CASES has "PATHDIR<tab>LINE" per line; the matches for line N go to
# OUTDIR/got.N, sorted.
cat >drv.zsh <<'EOF'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "source ${(q)PWD}/setup.zsh"
integer n=0
local pathdir line out
local -a got
while IFS=$'\t' read -r pathdir line; do
	n+=1
	zpty -w z "PATH=${(q)PWD}/$pathdir:${(q)PATH}"
	zpty -w -n z "$line"$'\t'
	got=()
	while zpty -r z out; do
		out=${out//$'\r'/}
		out=${out%$'\n'}
		[[ $out == *'<<END>>'* ]] && break
		[[ $out == *'<<M>>'* ]] && got+=("${out#*<<M>>}")
	done
	: >$2/got.$n
	(( $#got )) && print -rl -- ${(o)got} >$2/got.$n
	zpty -w -n z $'\025'
done <$1
zpty -d z
EOF

n=0
: >cases
# expect NAME 'LINE' MATCHES... [--path=DIR]
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
# expect_file NAME 'LINE' FILE
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
expect "hvreg command prefix" "hvreg rem" remove
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
	help_items hvlist "Columns of $v" | sed 's/$/,/' >cols.$v
	expect_file "hvlist $v -o" "hvlist $v -o " cols.$v
done
sort -u cols.services cols.vms cols.sockets cols.hybrid >cols.all
expect_file "hvlist -o without a view: every column once" "hvlist -o " cols.all
expect "hvlist -o list" "hvlist sockets -o LOCAL,P" LOCAL,PCID, LOCAL,PEER, LOCAL,PPORT, LOCAL,PROCESS,
expect "hvlist --output=+" "hvlist vms --output=+ST" --output=+STATE,
expect "hvlist --file takes files" "hvlist --file drv.z" drv.zsh

for t in hvnc hvping "hvnc -l" "hvnc --to"; do
	expect "$t schemes" "$t " $(want_schemes)
done
expect "hv well-known VM ids" "hvnc hv:" hv:broadcast: hv:children: hv:loopback: hv:parent: \
	hv:silohost: hv:wildcard:
expect "hv VM prefix" "hvnc hv:p" hv:parent:
expect "hv VMs from hvlist" "hvping -c 3 hv:" hv:0a0b0c0d-1111-2222-3333-444455556666: \
	hv:5c1b4a5e-0b7e-4d8a-9e3f-1a2b3c4d5e6f: 'hv:Ubuntu\ 22.04:' hv:broadcast: hv:children: \
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
expect "unix paths" "hvnc unix:sock" unix:sockdir unix:sockfile
expect "one address only" "hvnc hv:parent:5000 h"
expect "option arguments are not operands" "hvnc -w 5 -e cat " $(want_schemes)
expect "numbers: nothing to offer" "hvping -c "

timeout 120 zsh -f drv.zsh cases "$T" >drv.out 2>drv.err || {
	cat drv.out drv.err >&2
	fail "the zsh driver failed or timed out"
}
i=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	[ -f got.$i ] || fail "no result for $(cat name.$i)"
	same_list "$(cat name.$i)" want.$i got.$i
done

ok "zsh completions for hvnc, hvreg, hvlist and hvping ($n cases)"
