#!/bin/sh
# platform: posix
# cmake --install puts everything in the standard places: installs this build tree into a
# staging directory (DESTDIR, prefix /usr as a package would, then prefix /usr/local) and
# compares the file list with the expected one; then checks that what was installed works
# from there: the programs run, the man pages are valid gzip, bash-completion loads the
# completion for each tool by name from XDG_DATA_DIRS, zsh's compinit finds _hvtools on
# Debian's fpath directory, fish finds its files in vendor_completions.d.
. "$(dirname "$0")/lib.sh"
[ -f "$HVT_BUILD/cmake_install.cmake" ] || fail "no cmake_install.cmake in $HVT_BUILD"
for t in $HVT_TOOLS; do
	[ -x "$HVT_BUILD/tools/$t/$t" ] || fail "$t is not built"
done

# list DIR: the files and symlinks under DIR, relative, sorted.
list() { (cd "$1" && find . ! -type d | sed 's|^\./||' | LC_ALL=C sort); }

# expected PREFIX ZSHDIR
expected() {
	{
		for t in $HVT_TOOLS; do
			echo "$1/bin/$t"
			echo "$1/share/bash-completion/completions/$t"
			echo "$1/share/fish/vendor_completions.d/$t.fish"
			echo "$1/share/man/man1/$t.1.gz"
		done
		echo "$1/share/doc/hvtools/README.md"
		echo "$1/share/doc/hvtools/changelog.gz"
		echo "$1/share/doc/hvtools/copyright"
		echo "$1/share/man/man7/hvsock.7.gz"
		echo "$1/share/zsh/$2/_hvtools"
	} | LC_ALL=C sort
}

zshdir=site-functions
[ -f /etc/debian_version ] && zshdir=vendor-completions
DESTDIR="$T/stage" cmake --install "$HVT_BUILD" --prefix /usr >install.out 2>install.err ||
	fail "cmake --install --prefix /usr: $(cat install.err)"
expected usr $zshdir >want
list stage >got
diff want got >list.diff || { cat list.diff >&2; fail "installed files under /usr (< want, > got)"; }

DESTDIR="$T/local" cmake --install "$HVT_BUILD" --prefix /usr/local >install.out 2>install.err ||
	fail "cmake --install --prefix /usr/local: $(cat install.err)"
expected usr/local site-functions >want
list local >got
diff want got >list.diff || { cat list.diff >&2; fail "installed files under /usr/local (< want, > got)"; }

S="$T/stage/usr"
for t in $HVT_TOOLS; do
	"$S/bin/$t" --version | grep -qx "$t (hvtools) [0-9.]*" || fail "installed $t --version"
	[ "$(stat -c %a "$S/bin/$t")" = 755 ] || fail "$t mode $(stat -c %a "$S/bin/$t")"
done
for f in "$S"/share/man/man*/*.gz "$S/share/doc/hvtools/changelog.gz"; do
	gzip -t "$f" || fail "$f is not valid gzip"
	[ "$(stat -c %a "$f")" = 644 ] || fail "$f mode $(stat -c %a "$f")"
done
cmp -s "$S/share/bash-completion/completions/hvnc" "$HVT_SRC/completions/bash/hvtools" ||
	fail "bash completion differs from completions/bash/hvtools"

if [ -f /usr/share/bash-completion/bash_completion ]; then
	for t in $HVT_TOOLS; do
		XDG_DATA_DIRS="$S/share" bash --norc --noprofile -c \
			". /usr/share/bash-completion/bash_completion; __load_completion $t; complete -p $t" \
			>bc.out 2>&1
		grep -q -- "-F _hvtools $t\$" bc.out || fail "bash-completion did not load $t's completion: $(cat bc.out)"
	done
fi
if command -v zsh >/dev/null; then
	comps= want=
	for t in $HVT_TOOLS; do
		comps="$comps \$_comps[$t]"
		want="${want:+$want }_hvtools"
	done
	zsh -f -c "fpath=($S/share/zsh/$zshdir \$fpath); autoload -Uz compinit; compinit -u -D;
		print -r --$comps" >zsh.out 2>&1
	grep -qx "$want" zsh.out || fail "zsh compinit: $(cat zsh.out)"
fi
if command -v fish >/dev/null; then
	PATH="$S/bin:$PATH" fish --no-config -c "set -p fish_complete_path $S/share/fish/vendor_completions.d
		complete -C 'hvping --cou'" >fish.out 2>&1
	grep -q -- '^--count' fish.out || fail "fish did not load hvping.fish: $(cat fish.out)"
fi
ok "cmake --install: $(wc -l <want) files in the standard places, completions load from there"
