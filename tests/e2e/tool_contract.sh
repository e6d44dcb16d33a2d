#!/bin/sh
# Every tool keeps the same contract: --help on stdout with exit 0 and every long option of the
# tool listed, --version as "TOOL (hvtools) VERSION", a bad option as exactly two lines on stderr
# with exit 2, and nothing on stdout when it fails.
. "$(dirname "$0")/lib.sh"
n=0
for tool in $HVT_TOOLS; do
	var=$(echo $tool | tr a-z A-Z)
	eval "cmd=\${$var:-}"
	[ -n "$cmd" ] || continue
	# The tool may not be built yet in a partial tree.
	set -- $cmd
	[ -e "$(eval echo \${$#})" ] || continue

	$cmd --help >help.out 2>help.err || fail "$tool --help exited $?"
	[ -s help.err ] && fail "$tool --help wrote to stderr"
	head -n 1 help.out | grep -q "^Usage: $tool " || fail "$tool --help: first line '$(head -n 1 help.out)'"
	$cmd -h >h.out 2>&1 || fail "$tool -h exited $?"
	cmp -s help.out h.out || fail "$tool -h differs from --help"

	$cmd --version >v.out 2>v.err || fail "$tool --version exited $?"
	grep -qx "$tool (hvtools) [0-9][0-9.]*" v.out || fail "$tool --version: '$(cat v.out)'"

	$cmd --no-such-option >bad.out 2>bad.err
	rc=$?
	[ $rc = 2 ] || fail "$tool --no-such-option exited $rc"
	[ -s bad.out ] && fail "$tool --no-such-option wrote to stdout"
	printf "%s: unrecognized option '--no-such-option'\nTry '%s --help' for more information.\n" \
		$tool $tool >bad.want
	cmp -s bad.want bad.err || fail "$tool bad option stderr: $(cat bad.err)"

	# Every long option named in the man page's option list appears in --help, and back.
	page="$HVT_SRC/man/$tool.1"
	if [ -f "$page" ]; then
		grep '^\.It Fl' "$page" | grep -o 'Fl -[a-z][a-z-]*' | sed 's/^Fl -/--/' |
			sort -u >man.opts
		grep -o -- '--[a-z][a-z-]*' help.out | sort -u >help.opts
		for o in $(cat man.opts); do
			grep -qx -- "$o" help.opts || fail "$tool: $o is in $tool.1 but not in --help"
		done
		for o in $(cat help.opts); do
			grep -qx -- "$o" man.opts || fail "$tool: $o is in --help but not in $tool.1"
		done
	fi
	n=$((n + 1))
done
[ $n -gt 0 ] || fail "no tool found"
ok "$n tools keep the --help/--version/bad-option contract"
