#!/bin/sh
# Installs what building and testing hvtools needs, from Debian's archive, when it is missing.
# Runs as root (CI, fresh machines) or through sudo when available.
set -eu
pkgs="cmake gcc clang make pkg-config libcmocka-dev mandoc socat ncat python3 iproute2
      qemu-system-x86 busybox-static cpio xz-utils zstd
      gcc-mingw-w64-x86-64 wine wine64 dpkg-dev"
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
