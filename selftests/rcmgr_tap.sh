# SPDX-License-Identifier: GPL-2.0
#
# TAP for the shell tests, sourced ("." "$here/rcmgr_tap.sh") once they
# have set tmp, a scratch directory removed at exit, and pids, processes
# killed at exit.  Busybox sh compatible.

n=0 pass=0 fail=0 skip=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }
cleanup() {
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# py NAME SCRIPT ARGS...: a Python check passes (it asserts).
py() {
	name=$1 script=$2
	shift 2
	if python3 -c "$script" "$@" 2> "$tmp/py"; then
		ok "$name"
	else
		echo "# $name: $(tail -n 3 "$tmp/py" | head -c 600)"
		nok "$name"
	fi
}

# refused NAME EXIT PATTERN CMD...: the command exits EXIT, and its
# stderr (left in $tmp/err) matches PATTERN.
refused() {
	name=$1 want=$2 pat=$3
	shift 3
	"$@" > "$tmp/out" 2> "$tmp/err"
	ret=$?
	if [ "$ret" -eq "$want" ] && grep -q -e "$pat" "$tmp/err"; then
		ok "$name"
	else
		echo "# $*: exit $ret, want $want; stderr: $(head -c 300 "$tmp/err")"
		nok "$name"
	fi
}

# totals: the plan and kselftest's totals; the status is the verdict.
totals() {
	echo "1..$n"
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
	[ "$fail" -eq 0 ]
}
