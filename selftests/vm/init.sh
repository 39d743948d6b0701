#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test VM: load rcmgr.ko, run the selftests, unload it, let
# kmemleak look for leaks, then print everything the host needs between
# markers on the serial console and power off.
/bin/busybox --install -s /bin
export PATH=/bin:/usr/bin:/tests HOME=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
[ -f /lib/modules/veth.ko ] && insmod /lib/modules/veth.ko

leak=/sys/kernel/debug/kmemleak
# Forget what boot itself left behind: only the module's leaks count.
[ -w $leak ] && echo scan > $leak && echo clear > $leak

echo "RCMGR-BOOT $(uname -r)"
mode=$(sed -n 's/.*rcmgr.mode=\([a-z]*\).*/\1/p' /proc/cmdline)
if insmod /rcmgr.ko; then
	echo "RCMGR-TAP-BEGIN"
	if [ "$mode" = demo ]; then
		/tests/demo.sh
	elif [ "$mode" = bench ]; then
		/tests/rcmgr_bench
	else
		/tests/run_tests.sh $(cat /tests/list)
	fi
	echo "RCMGR-TAP-END rc=$?"
	# Unload with sockets, scopes and a netlink owner still held.
	mkfifo /tmp/holder
	/tests/rcmgr_holder > /tmp/holder &
	holder=$!
	read -r line < /tmp/holder
	[ "$line" = ready ] || echo "RCMGR-HOLDER-FAILED"
	rmmod rcmgr || echo "RCMGR-RMMOD-FAILED"
	kill -9 $holder
	wait $holder 2>/dev/null
else
	echo "RCMGR-INSMOD-FAILED"
fi

if [ -w $leak ]; then
	# kmemleak only reports objects older than five seconds.
	sleep 6
	echo scan > $leak
	echo scan > $leak
	echo "RCMGR-KMEMLEAK-BEGIN"
	cat $leak
	echo "RCMGR-KMEMLEAK-END"
fi
echo "RCMGR-TAINT $(cat /proc/sys/kernel/tainted)"
echo "RCMGR-DMESG-BEGIN"
dmesg
echo "RCMGR-DMESG-END"
echo "RCMGR-DONE"
reboot -f
