#!/bin/sh
# platform: posix
# The chaos soak of issue 20 (tests/soak.sh, tests/soak.py) for about a minute across its five
# modes (plain, -e, -c, --to tcp, --to unix), with a random seed that it prints so that a
# failure can be replayed: tests/soak.sh --seed S --minutes 0.6 --build BUILD.
# HVT_SOAK_SEED and HVT_SOAK_MINUTES override. In a sanitizer build the RSS bound is wide
# (ASan's quarantine keeps freed memory); fds, children, zombies and data are checked as ever.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
. "$here/libfaults.sh"
build=${HVT_BUILD:-$(cd "$(dirname "${HVNC%% *}")/../.." && pwd)}
minutes=${HVT_SOAK_MINUTES:-0.6}
seed=${HVT_SOAK_SEED:-$(python3 -c 'import random; print(random.SystemRandom().randrange(1, 1 << 31))')}
slack=
sanitized && slack="--rss-slack 131072"
echo "soak seed $seed (replay: tests/soak.sh --seed $seed --minutes $minutes --build $build)"
python3 "$HVT_SRC/tests/soak.py" --seed "$seed" --minutes "$minutes" --build "$build" \
	--hvnc "$HVNC" $slack || fail "the soak failed, seed $seed (replay: tests/soak.sh --seed $seed --minutes $minutes --build $build)"
ok "soak, seed $seed"
