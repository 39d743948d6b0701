#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh BUILD: the main job.  Where the running kernel can load modules
# (and has headers), build and load rcmgr.ko here and run the demo; else
# boot the Debian 6.1 cloud kernel in QEMU with the module and run it there.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
kdir=/lib/modules/$(uname -r)/build

if [ -d "$kdir" ] && mkdir -p "$build/kmod-host" &&
   cp -a "$top/Kbuild" "$top/kmod" "$top/uapi" "$build/kmod-host/" &&
   make -s -C "$kdir" M="$build/kmod-host" modules >/dev/null 2>&1 &&
   { lsmod 2>/dev/null | grep -q '^rcmgr ' || insmod "$build/kmod-host/kmod/rcmgr.ko"; }; then
	echo "rcmgr.ko loaded into the running kernel $(uname -r)"
	PATH=$build/tools/rcmgr:$PATH sh "$top/scripts/demo-vm.sh"
	exit 0
fi

echo "This kernel ($(uname -r)) cannot load rcmgr.ko here; running the demo in a VM."
"$top/selftests/vm/run.sh" 6.1 "$build" demo | sed -n '/^# Totals/d; p'
