#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unit-tests.sh TEST...: run the host-side (no kernel) tests, print their TAP
# and leave the harness totals in $RCMGR_RESULTS/host.tap for the tally
# (the Makefile points it at $(BUILD)/results, where run-all.sh reads it).
# Each program gets RCMGR_UNIT_TIMEOUT seconds (default 120); one that hangs
# or dies without its own totals counts as a failure.
set -uo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
out=${RCMGR_RESULTS:-$here/build/results}/host.tap
limit=${RCMGR_UNIT_TIMEOUT:-120}
mkdir -p "$(dirname "$out")"
: > "$out"
rc=0
for t in "$@"; do
	echo "# host: $(basename "$t")"
	log=$(mktemp)
	timeout -k 5 "$limit" "$t" > "$log" 2>&1
	ret=$?
	tee -a "$out" < "$log"
	if [ "$ret" -ne 0 ]; then
		rc=1
		[ "$ret" -eq 124 ] && echo "# host: $(basename "$t"): timed out after ${limit}s"
		grep -q '^# Totals:' "$log" ||
			echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0" | tee -a "$out"
	fi
	rm -f "$log"
done
exit $rc
