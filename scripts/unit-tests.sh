#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# unit-tests.sh TEST...: run the host-side (no kernel) tests, print their TAP
# and leave the harness totals in $RCMGR_RESULTS/host.tap for the tally.
set -uo pipefail

out=${RCMGR_RESULTS:-build/results}/host.tap
mkdir -p "$(dirname "$out")"
: > "$out"
rc=0
for t in "$@"; do
	echo "# host: $(basename "$t")"
	"$t" 2>&1 | tee -a "$out"
	[ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
done
exit $rc
