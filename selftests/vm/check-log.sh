#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-log.sh LOG NAME TAP [MODE]: judge one VM run from its console log.
# Prints the selftests' TAP (and saves it to TAP), then fails the run on any
# of: no clean finish, insmod/rmmod failure, a kernel splat (BUG, WARNING,
# KASAN, UBSAN, lockdep, RCU, refcount, list corruption, Oops, panic), a
# kmemleak report, or a taint other than out-of-tree (4096) and unsigned
# module (8192).  Each verdict is one "# NAME: ..." line.
set -uo pipefail

log=${1:?} name=${2:?} tap=${3:?} mode=${4:-test}
tr -d '\r' < "$log" > "$log.txt"
log=$log.txt
bad=0
verdict() { echo "# $name: $*"; bad=1; }

sed -n '/^RCMGR-TAP-BEGIN/,/^RCMGR-TAP-END/p' "$log" | sed '1d;$d' > "$tap"
cat "$tap"

grep -q '^RCMGR-DONE' "$log" || verdict "the VM did not finish (crash, hang or timeout)"
grep -q '^RCMGR-INSMOD-FAILED' "$log" && verdict "insmod rcmgr.ko failed"
grep -q '^RCMGR-RMMOD-FAILED' "$log" && verdict "rmmod rcmgr failed"
grep -q '^RCMGR-HOLDER-FAILED' "$log" && verdict "could not hold bindings for rmmod"
if [ "$mode" = test ]; then
	grep -q '^RCMGR-TAP-END rc=0' "$log" || verdict "selftests failed"
	grep -q '^# Totals: ' "$tap" || verdict "no TAP totals from the selftests"
fi

splat='BUG:|WARNING:|KASAN:|UBSAN:|possible recursive locking|possible circular locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: |refcount_t:|list_add corruption|list_del corruption|general protection fault|Oops|Kernel panic|Call Trace:|sleeping function called from invalid context|ODEBUG'
if grep -Eq "$splat" "$log"; then
	verdict "kernel splat:"
	grep -En "$splat" "$log" | head -n 20 | sed 's/^/#   /'
fi

leaks=$(sed -n '/^RCMGR-KMEMLEAK-BEGIN/,/^RCMGR-KMEMLEAK-END/p' "$log" | grep -c 'unreferenced object')
if [ "$leaks" -gt 0 ]; then
	verdict "kmemleak: $leaks unreferenced objects"
	sed -n '/^RCMGR-KMEMLEAK-BEGIN/,/^RCMGR-KMEMLEAK-END/p' "$log" | head -n 40 | sed 's/^/#   /'
fi

taint=$(sed -n 's/^RCMGR-TAINT \([0-9]*\).*/\1/p' "$log")
if [ -z "$taint" ]; then
	[ "$bad" -eq 1 ] || verdict "no taint report"
elif [ $((taint & ~(4096 | 8192))) -ne 0 ]; then
	verdict "kernel tainted: $taint"
fi

if [ "$bad" -eq 0 ]; then
	echo "# $name: clean (taint $taint, no splat, no leak)"
else
	# A run that went wrong outside the tests still counts as a failure.
	echo "# Totals: pass:0 fail:1 xfail:0 xpass:0 skip:0 error:0" >> "$tap"
fi
exit $bad
