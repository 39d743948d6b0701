#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run_tests.sh TEST...: run each selftest program as kselftest's runner does
# (TAP 13, one line per program, its own TAP indented as comments) and end
# with "# Totals:" summed over every test case, counting a program that died
# without its own totals as one failure.
#
# Each program runs under a timeout, so one that hangs fails alone instead
# of stalling the run: "timeout=N" from ./settings (kselftest's key), or
# "timeout_PROGRAM=N" there for one program.  Kselftest C tests also time
# out per test case inside the harness; shell and Python tests rely on this.
# Busybox sh compatible: this runs as the VM's test driver too.

cd "$(dirname "$0")" || exit 1

setting() {
	[ -f settings ] && sed -n "s/^$1=\([0-9][0-9]*\)\$/\1/p" settings | tail -n 1
}

default=$(setting timeout)
default=${default:-120}
n=0
echo "TAP version 13"
echo "1..$#"
tp=0; tf=0; ts=0; rc=0
for t in "$@"; do
	n=$((n + 1))
	limit=$(setting "timeout_$(echo "$t" | tr -c 'A-Za-z0-9_\n' _)")
	limit=${limit:-$default}
	out=$(mktemp)
	timeout -s KILL "$limit" ./"$t" > "$out" 2>&1
	ret=$?
	sed 's/^/# /' "$out"
	totals=$(grep '^# Totals:' "$out" | tail -n 1)
	case $ret in
	124|137)
		# Killed by the timeout: its totals, if any, are not the end.
		echo "# $t: timed out after ${limit}s"
		totals= ;;
	esac
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
	124|137) echo "not ok $n selftests: rcmgr: $t # TIMEOUT ${limit}s"; rc=1 ;;
	*) echo "not ok $n selftests: rcmgr: $t # exit=$ret"; rc=1 ;;
	esac
done
echo "# Totals: pass:$tp fail:$tf xfail:0 xpass:0 skip:$ts error:0"
exit $rc
