#!/bin/sh
# platform: posix
# The completions cannot drift from the tools: completions/generate.py --check regenerates
# every completion file from the built tools' --help and fails with a diff when a committed
# file differs (fix: cmake --build BUILD_DIR --target completions). Then, independently of the
# generator's parser, every long option in each tool's --help must appear in each shell's
# completions for that tool: bash, zsh, fish and PowerShell (which cannot run here).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/completions.lib"
command -v python3 >/dev/null || fail "python3 is missing"
C="$HVT_SRC/completions"

python3 "$C/generate.py" --check --tools "$HVT_TOOLS" >check.out 2>check.err || {
	cat check.out check.err >&2
	fail "completions are out of date: run cmake --build BUILD_DIR --target completions and commit the result"
}

for t in $HVT_TOOLS; do
	want_opts $t >opts
	# bash: _hvtools_TOOL_opts='...'
	sed -n "s/^_hvtools_${t}_opts='\(.*\)'\$/\1/p" "$C/bash/hvtools" | tr ' ' '\n' | sort -u >bash.opts
	# zsh: the _arguments specs in _hvtools_TOOL()
	awk -v f="_hvtools_$t()" '$0 == f { on = 1; next } on && /^}/ { exit } on' "$C/zsh/_hvtools" |
		sed 's/\[[^]]*\]//g' | grep -o -- "--[a-z][a-z0-9-]*" | sort -u >zsh.opts
	# fish: complete -c TOOL ... -l NAME
	sed -n "s/^complete -c $t .*-l \([a-z0-9-]*\).*/--\1/p" "$C/fish/$t.fish" | sort -u >fish.opts
	# PowerShell: Long = '--NAME' inside "    TOOL = @{"
	awk -v h="    $t = @{" '$0 == h { on = 1; next } on && /^    [a-z]+ = @\{/ { exit } on' \
		"$C/powershell/hvtools.ps1" | sed -n "s/.*Long = '\(--[a-z0-9-]*\)'.*/\1/p" | sort -u >ps.opts
	for sh in bash zsh fish ps; do
		diff opts $sh.opts >opts.diff || {
			cat opts.diff >&2
			fail "$t: $sh completions and --help differ in options (< --help, > completions)"
		}
	done
done
ok "completions match the tools' --help (generate.py --check) and know every option"
