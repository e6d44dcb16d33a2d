#!/bin/sh
# The AF_VSOCK rig: boots a Linux guest with a real vsock stack (vsock_loopback, CID 1) under QEMU
# and runs guest-checks.sh against the binaries of a build tree.
#
#   sh tests/vm/run.sh BUILD_DIR [CHECK...]
#
# No CHECK: all checks of guest-checks.sh (sh tests/vm/guest-checks.sh list) except those of a
# tool whose source directory tools/TOOL does not exist yet.
#
# Prints one line per check, "PASS name (secs)" or "FAIL name (...)" followed by that check's
# output, then a summary. Exit 0 only if every requested check ran and passed AND the guest
# reported success through the isa-debug-exit port; 1 otherwise; 2 usage; 77 when a prerequisite
# is missing and CI is not set (see lib.sh).
#
# Environment (besides lib.sh's HVT_VM_ACCEL, HVT_VM_CACHE, CI):
#   HVT_VM_TIMEOUT        limit for the whole boot in seconds (default 300)
#   HVT_VM_CHECK_TIMEOUT  limit per check inside the guest (default 30)
#   HVT_VM_VERBOSE=1      also copy the console to stdout as it happens
#   HVT_SOAK_SEED=N       the seed of check hvnc-soak-vsock (it prints the one it used)
#   HVT_SOAK_ROUNDS=N     its rounds of 8 clients (default 5; mind HVT_VM_CHECK_TIMEOUT)
# The whole console is kept in BUILD_DIR/tests/vm/console.log.
. "$(dirname "$0")/lib.sh"

if [ $# -lt 1 ]; then
	echo "usage: run.sh BUILD_DIR [CHECK...]" >&2
	exit 2
fi
build=$1
shift
all=$(sh "$vm_dir/guest-checks.sh" list)
if [ $# -eq 0 ]; then
	# All checks, but not those of a tool the source tree does not have (yet): a check named
	# TOOL-... belongs to tools/TOOL. A tool that exists in the source must be built and pass.
	for c in $all; do
		tool=${c%%-*}
		case $tool in
		hvnc | hvlist | hvping | hvreg)
			if [ ! -f "$HVT_SRC/tools/$tool/CMakeLists.txt" ]; then
				echo "vm: not running $c: no tools/$tool in $HVT_SRC"
				continue
			fi
			;;
		esac
		set -- "$@" "$c"
	done
fi
for c in "$@"; do
	echo "$all" | grep -qx -- "$c" || { echo "run.sh: no such check: $c (known: $(echo $all))" >&2; exit 2; }
done
checks=$*

vm_prepare "$build"
log=$vm_out/console.log
timeout=${HVT_VM_TIMEOUT:-300}
append="hvt_mode=run hvt_checks=$(echo "$checks" | tr ' ' ,) hvt_timeout=${HVT_VM_CHECK_TIMEOUT:-30}"
[ -z "${HVT_SOAK_SEED:-}" ] || append="$append hvt_soak_seed=$HVT_SOAK_SEED"
[ -z "${HVT_SOAK_ROUNDS:-}" ] || append="$append hvt_soak_rounds=$HVT_SOAK_ROUNDS"

t0=$(date +%s.%N)
vm_limit="timeout -k 5 $timeout"
vm_boot "$log" "$append"
qrc=$vm_rc
t1=$(date +%s.%N)

# Per-check results from the console markers. The serial console ends lines with CR LF, and the
# first marker may follow firmware output on the same line, so markers are matched anywhere.
tr -d '\r' <"$log" | awk -v expected="$checks" '
	match($0, /HVT-CHECK-BEGIN [^ ]+/) {
		cur = substr($0, RSTART + 16, RLENGTH - 16); began[cur] = 1; out[cur] = ""; next
	}
	match($0, /HVT-CHECK-END [^ ]+ [a-z]+ [0-9.]+/) {
		split(substr($0, RSTART, RLENGTH), f, " "); res[f[2]] = f[3]; secs[f[2]] = f[4]; cur = ""; next
	}
	match($0, /HVT-INIT up [0-9.]+s/) { init = substr($0, RSTART + 12, RLENGTH - 13) }
	/HVT-INIT .*hypervisor/ { hv = $0; sub(/.*hypervisor: */, "", hv) }
	cur != "" { out[cur] = out[cur] "    " $0 "\n" }
	END {
		n = split(expected, e, " ")
		for (i = 1; i <= n; i++) {
			c = e[i]
			if (res[c] == "pass") { printf "PASS %s (%ss)\n", c, secs[c]; ok++; continue }
			if (res[c] == "fail") printf "FAIL %s (%ss)\n", c, secs[c]
			else if (began[c]) printf "FAIL %s (did not finish: the guest stopped during it)\n", c
			else printf "FAIL %s (did not run)\n", c
			printf "%s", out[c]
		}
		printf "vm: %d of %d checks passed; guest reached /init %ss after boot (hypervisor: %s)\n",
			ok, n, init == "" ? "?" : init, hv == "" ? "?" : hv
		exit ok == n ? 0 : 1
	}'
arc=$?

case $qrc in
1) verdict="pass" ;;
3) verdict="fail" ;;
124 | 137) verdict="none: killed after ${timeout}s (HVT_VM_TIMEOUT)" ;;
0) verdict="none: the guest stopped without reporting (panic or no debug-exit device)" ;;
*) verdict="none: QEMU exit status $qrc" ;;
esac
echo "vm: guest verdict $verdict; -accel $vm_accel; whole run $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')s; console log $log"
if [ $arc -eq 0 ] && [ "$qrc" = 1 ]; then
	exit 0
fi
if [ "$qrc" != 1 ] && [ "$qrc" != 3 ]; then
	echo "--- last lines of the console:"
	tr -d '\r' <"$log" | tail -n 20
fi
exit 1
