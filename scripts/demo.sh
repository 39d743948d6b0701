#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh BUILD: the main job.  On a host that can load modules, build
# rcmgr.ko against the running kernel's headers (make setup installs them
# when Debian has them), load it, run the demo, and leave the host as it
# was: the demo restores the limit it changes and removes its files, and
# the module is unloaded unless it was loaded before.  Where the kernel
# cannot load it (a sandbox, no headers, a lockdown refusing unsigned
# modules), boot the Debian 6.1 cloud kernel in QEMU with the module and
# run the same demo there.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build}")
rel=$(uname -r)
kdir=/lib/modules/$rel/build
out=$build/kmod-host
why=

# load: make rcmgr.ko live in the running kernel, or say in $why why not.
load() {
	if [ ! -r /proc/modules ]; then
		why="it has no loadable modules"; return 1
	fi
	if [ "$(id -u)" -ne 0 ]; then
		why="loading a module needs root"; return 1
	fi
	if [ ! -d "$kdir" ]; then
		why="no headers in $kdir (Debian has no linux-headers-$rel)"; return 1
	fi
	if grep -q '^rcmgr ' /proc/modules; then
		echo "rcmgr.ko is already loaded: the demo uses it and leaves it loaded"
	else
		mkdir -p "$out"
		cp -a "$top/Kbuild" "$top/kmod" "$top/uapi" "$out/"
		if ! make -s -C "$kdir" M="$out" modules > "$out/build.log" 2>&1; then
			why="rcmgr.ko does not build against $kdir ($out/build.log)"; return 1
		fi
		if ! insmod "$out/kmod/rcmgr.ko" 2> "$out/insmod.log"; then
			why="insmod refused it: $(cat "$out/insmod.log")"; return 1
		fi
		echo "rcmgr.ko loaded into the running kernel $rel"
		trap 'rmmod rcmgr && echo "rcmgr.ko unloaded: the host is as it was"' EXIT
	fi
}

if load; then
	PATH=$build/tools/rcmgr:$PATH sh "$top/scripts/demo-vm.sh"
	exit 0
fi
echo "This kernel ($rel) cannot load rcmgr.ko here ($why); running the demo in a VM."
"$top/selftests/vm/run.sh" 6.1 "$build" demo | sed -n '/^# Totals/d; p'
