#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh TEST...: run each selftest program as kselftest's runner does
# (TAP 13, one line per program, its own TAP indented as comments) and end
# with "# Totals:" summed over every test case, counting a program that died
# without its own totals as one failure.
# Busybox sh compatible: this runs as the VM's test driver too.

cd "$(dirname "$0")" || exit 1
n=0
echo "TAP version 13"
echo "1..$#"
tp=0; tf=0; ts=0; rc=0
for t in "$@"; do
	n=$((n + 1))
	out=$(mktemp)
	./"$t" > "$out" 2>&1
	ret=$?
	sed 's/^/# /' "$out"
	totals=$(grep '^# Totals:' "$out" | tail -n 1)
	if [ -n "$totals" ]; then
		p=$(echo "$totals" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
		f=$(echo "$totals" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
		s=$(echo "$totals" | sed -n 's/.* skip:\([0-9]*\).*/\1/p')
		e=$(echo "$totals" | sed -n 's/.* error:\([0-9]*\).*/\1/p')
		tp=$((tp + p)); tf=$((tf + f + ${e:-0})); ts=$((ts + s))
	elif [ $ret -ne 4 ]; then
		tf=$((tf + 1))
	fi
	rm -f "$out"
	case $ret in
	0) echo "ok $n selftests: rcmgr: $t" ;;
	4) echo "ok $n selftests: rcmgr: $t # SKIP" ;;
	*) echo "not ok $n selftests: rcmgr: $t # exit=$ret"; rc=1 ;;
	esac
done
echo "# Totals: pass:$tp fail:$tf xfail:0 xpass:0 skip:$ts error:0"
exit $rc
