#!/bin/sh
# platform: windows
# The chaos soak of issue 20 (tests/soak.py) against hvnc.exe -lk under Wine, shorter: the
# --to forwarder (one thread per connection on Windows) to a tcp echo backend, and the plain
# relay through stdin/stdout, under the same random mix of clients as on Linux. Checked: every
# finished transfer by sha256, no hang, the server still serving after the faults and ending on
# SIGTERM. Not checked: fds, RSS, threads and children in /proc, which under Wine belong to
# Wine's loader (the Windows handles live in wineserver). The seed is printed for a replay.
. "$(dirname "$0")/lib.sh"
build=${HVT_BUILD:-$(cd "$(dirname "${HVNC##* }")/../.." && pwd)}
minutes=${HVT_SOAK_MINUTES:-0.4}
seed=${HVT_SOAK_SEED:-$(python3 -c 'import random; print(random.SystemRandom().randrange(1, 1 << 31))')}
echo "soak seed $seed (replay: tests/soak.sh --seed $seed --minutes $minutes --build $build --mode wine-to-tcp wine-plain)"
python3 "$HVT_SRC/tests/soak.py" --seed "$seed" --minutes "$minutes" --build "$build" \
	--hvnc "$HVNC" --mode wine-to-tcp wine-plain ||
	fail "the soak failed, seed $seed (replay: tests/soak.sh --seed $seed --minutes $minutes --build $build --mode wine-to-tcp wine-plain)"
ok "soak under Wine, seed $seed"
