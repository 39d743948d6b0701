#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh NAME OUTDIR: build rcmgr.ko for test kernel NAME (see
# kernels.sh) in OUTDIR, a copy of the module sources, so the three kernels'
# objects never mix, with -Werror (RCMGR_WERROR=y); sparse runs on every file
# (C=1) and any sparse report about our sources fails the build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
name=${1:?usage: build-module.sh NAME OUTDIR}
out=$(realpath -m "${2:?usage: build-module.sh NAME OUTDIR}")
read -r _ _ _ kdir < <("$top/scripts/kernels.sh" "$name")

mkdir -p "$out"
cp -a --update "$top/Kbuild" "$top/kmod" "$top/uapi" "$out/"
log=$out/build.log
if ! make -C "$kdir" M="$out" RCMGR_WERROR=y C=1 CHECK="sparse -Wsparse-error" modules >"$log" 2>&1; then
	cat "$log" >&2
	echo "rcmgr.ko: build for $name failed" >&2
	exit 1
fi
if grep -E "^$out/(kmod|uapi)/.*: (warning|error):" "$log" >&2; then
	echo "rcmgr.ko: sparse or compiler reports for $name" >&2
	exit 1
fi
echo "$out/kmod/rcmgr.ko"
