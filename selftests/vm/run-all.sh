#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh BUILD KERNEL...: run the VM selftests on each kernel, then tally
# them with the host unit tests (BUILD/results/host.tap) and end with the
# one line CI reads: "N passed, N failed[, N skipped]".
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=$(realpath -m "${1:?usage: run-all.sh BUILD KERNEL...}")
shift
rc=0
runs=
for k in "$@"; do
	echo "# ===== kernel $k ====="
	"$here/run.sh" "$k" "$build" || rc=1
	runs="$runs $k"
done
# The autoscaled defaults on a small machine too (the runs above boot with
# 2 GiB): one short boot, that test only.
k=$1
echo "# ===== kernel $k, 512 MiB: autoscaled defaults ====="
RCMGR_VM_MEM=512 RCMGR_TESTS=rcmgr_autoscale_test "$here/run.sh" "$k" "$build" || rc=1
runs="$runs $k-512M"

sum() {
	awk '/^# Totals:/ {
		for (i = 3; i <= NF; i++) { split($i, kv, ":"); t[kv[1]] += kv[2] }
	} END { printf "%d %d %d\n", t["pass"], t["fail"] + t["error"], t["skip"] }' "$@" 2>/dev/null
}

echo "# ===== summary ====="
tp=0 tf=0 ts=0
for f in host $runs; do
	tap=$build/results/$f.tap
	if [ ! -s "$tap" ]; then
		echo "# $f: no results"
		tf=$((tf + 1))
		continue
	fi
	read -r p fl s < <(sum "$tap")
	echo "# $f: $p passed, $fl failed, $s skipped"
	tp=$((tp + p)) tf=$((tf + fl)) ts=$((ts + s))
done
[ "$tf" -eq 0 ] || rc=1
if [ "$ts" -gt 0 ]; then
	echo "$tp passed, $tf failed, $ts skipped"
else
	echo "$tp passed, $tf failed"
fi
exit $rc
