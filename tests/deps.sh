#!/bin/sh
# Installs what building and testing hvtools needs, from Debian's archive, when it is missing.
# Runs as root (CI, fresh machines) or through sudo when available.
# Usage: tests/deps.sh [demo]   (demo: only what tests/demo.sh needs)
set -eu
pkgs="cmake gcc make libcmocka-dev qemu-system-x86 busybox-static socat xz-utils"
if [ "${1:-}" != demo ]; then
	pkgs="$pkgs clang mandoc ncat python3 iproute2 gcc-mingw-w64-x86-64 wine wine64 dpkg-dev"
	pkgs="$pkgs bash-completion zsh fish lintian"  # completions and package tests
	pkgs="$pkgs valgrind clang-tidy cppcheck strace"  # valgrind.sh, static_analysis.sh, messages.sh
	pkgs="$pkgs openssh-server openssh-client rsync"  # hvnc_fdpass_ssh.sh, bench/ssh-fdpass.sh
	pkgs="$pkgs ansible"  # hvreg_fleet.sh: ansible-playbook --syntax-check, ansible.windows modules
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
