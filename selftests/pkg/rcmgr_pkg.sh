#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, installed the way a host installs them: dpkg -i of
# rcmgr-dkms, librcmgr1, librcmgr-dev and rcmgr-tools, the module loaded
# from where DKMS put it (as /etc/modules-load.d/rcmgr.conf asks at boot),
# the packaged rcmgr showing the scopes, and a program built with
# "pkg-config --cflags --libs librcmgr" against "make install DESTDIR=..."
# running on the packaged library and on the installed one.  Then purge:
# nothing of the packages stays.  The boot unit's command applies
# /etc/rcmgr/limits.json and refuses a bad one, saying why.
# Runs in the test VM, last, when selftests/pkg/vm-pack.sh packed it with
# what it needs; skips elsewhere.
# Busybox sh compatible.

n=0 pass=0 fail=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
# check NAME CMD...: one test; what it printed follows as comments.
check() {
	name=$1; shift
	if "$@" > /tmp/pkg.out 2>&1; then ok "$name"; else nok "$name"; fi
	sed 's/^/# /' /tmp/pkg.out
}
totals() {
	echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:${1:-0} error:0"
	rm -f /tmp/pkg.out
}

echo "TAP version 13"
if [ ! -d /pkg/debs ] || [ ! -x /usr/bin/dpkg ]; then
	echo "1..0 # SKIP no packages in this image (make pkg-tests, VM only)"
	totals 1
	exit 4
fi
echo "1..12"

export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/tests
# Busybox's shell runs its own dpkg applet whatever PATH says: name the
# real one.
dpkg=/usr/bin/dpkg
rel=$(uname -r)
multi=/usr/lib/x86_64-linux-gnu
# The harness's module and CLI make way for the packaged ones, and come
# back at the end for the tests that follow.
cp /usr/bin/rcmgr /tmp/rcmgr.harness
check "the harness's rcmgr.ko unloads" rmmod rcmgr

check "dpkg -i installs the four packages" $dpkg -i /pkg/debs/rcmgr-dkms_*.deb \
	/pkg/debs/librcmgr1_*.deb /pkg/debs/librcmgr-dev_*.deb /pkg/debs/rcmgr-tools_*.deb
check "dpkg knows them installed" sh -c \
	'for p in rcmgr-dkms librcmgr1 librcmgr-dev rcmgr-tools; do
		dpkg-query -W -f="\${Status}\n" $p | grep -qx "install ok installed" || exit 1
	done'
check "DKMS put rcmgr.ko in updates/dkms" test -f "/lib/modules/$rel/updates/dkms/rcmgr.ko"
# What systemd-modules-load does at boot.
load() {
	grep -q '^rcmgr$' /etc/modules-load.d/rcmgr.conf || return 1
	for m in $(grep -v '^#' /etc/modules-load.d/rcmgr.conf); do
		modprobe "$m" || return 1
	done
	grep -q '^rcmgr ' /proc/modules
}
check "modules-load.d loads the DKMS-built module" load
check "the packaged rcmgr shows the scopes" sh -c \
	"/usr/bin/rcmgr scope show && /usr/bin/rcmgr scope show | grep -q '^system'"
# The boot unit: what systemd runs when the module loads (no systemd
# here: its ExecStart, as written in the installed unit), and the udev
# rule that pulls it in.
unit_applies() {
	grep -q '^ACTION=="add", SUBSYSTEM=="module", KERNEL=="rcmgr",.*SYSTEMD_WANTS.*rcmgr-limits.service' \
		/lib/udev/rules.d/60-rcmgr.rules || return 1
	grep -qx 'ConditionPathExists=/etc/rcmgr/limits.json' \
		/lib/systemd/system/rcmgr-limits.service || return 1
	cmd=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/rcmgr-limits.service)
	mkdir -p /etc/rcmgr
	echo '{ "System": { "FD": 77 }, "Peer": { "QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC": { "Streams": 5 } } }' \
		> /etc/rcmgr/limits.json
	$cmd || return 1
	/usr/bin/rcmgr limit show system | grep -q ' fd 77$' &&
	/usr/bin/rcmgr limit show peer name QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC |
		grep -q ' streams 5 ' || return 1
	# A file it refuses: the unit fails, and says why.
	echo '{ "System": { "FD": "lots" } }' > /etc/rcmgr/limits.json
	! $cmd 2> /tmp/unit.err && grep -q 'System.FD: "lots" is not' /tmp/unit.err &&
	cat /tmp/unit.err
	ret=$?
	/usr/bin/rcmgr limit reset
	rm -rf /etc/rcmgr /tmp/unit.err
	return $ret
}
check "rcmgr-limits.service applies /etc/rcmgr/limits.json" unit_applies
check "pc_test runs on the packaged librcmgr" sh -c \
	"LD_LIBRARY_PATH=$multi /pkg/pc_test | grep -q '^pc_test: ok'"
check "pc_test runs on make install's librcmgr" sh -c \
	"LD_LIBRARY_PATH=/pkg/destdir-lib /pkg/pc_test | grep -q '^pc_test: ok'"
check "librcmgr-dev ships headers, .pc, .so link" test -f /usr/include/rcmgr/rcmgr.h -a \
	-f /usr/include/linux/rcmgr.h -a -f $multi/pkgconfig/librcmgr.pc -a -L $multi/librcmgr.so

rmmod rcmgr
check "dpkg -P purges them" $dpkg -P rcmgr-tools librcmgr-dev librcmgr1 rcmgr-dkms
check "nothing of them stays" sh -c \
	"! ls /usr/src/rcmgr-* /etc/modules-load.d/rcmgr.conf /lib/modules/$rel/updates/dkms/rcmgr.ko \
		$multi/librcmgr.* /usr/bin/rcmgr /lib/systemd/system/rcmgr-limits.service \
		/lib/udev/rules.d/60-rcmgr.rules 2>/dev/null | grep ."

cp /tmp/rcmgr.harness /usr/bin/rcmgr
rm -f /tmp/rcmgr.harness
insmod /rcmgr.ko || echo "# could not reload the harness's rcmgr.ko"
totals
[ "$fail" -eq 0 ]
