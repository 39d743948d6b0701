#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh [NAME...]: one line per test kernel,
#   NAME  RELEASE  BZIMAGE  KBUILD_DIR
# for 6.1 (Debian's cloud kernel), 6.12 (the newest Debian 6.12 cloud kernel
# whose headers are installed) and debug (6.1 with KASAN, lockdep,
# kmemleak..., built and cached by selftests/vm/debug-kernel.sh on first use).
#
# Every test kernel has one directory in the cache, whatever made it:
#   ${RCMGR_CACHE:-/var/cache/rcmgr}/kernels/RELEASE/
#       vmlinuz  config  [modules/ = /lib/modules/RELEASE]  [build]
# BZIMAGE is its vmlinuz, so its modules are at $(dirname BZIMAGE)/modules.
# make setup unpacks Debian's image and headers there (fetch-kernel.sh; they
# are never installed, and nothing here reads /boot, /lib/modules or
# /usr/src); 6.1 and 6.12 are the newest releases of their series there.
# The debug kernel's entries link into its build tree; it has what the
# tests need built in.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${RCMGR_CACHE:-/var/cache/rcmgr}
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(6.1 6.12 debug)

# newest GLOB NAME: the newest fetched release matching GLOB.
newest() {
	local d rel=
	for d in "$cache"/kernels/$1/.fetched; do
		[ -f "$d" ] || continue
		d=${d%/.fetched}
		rel=$(printf '%s\n%s\n' "$rel" "${d##*/}" | sort -V | tail -n 1)
	done
	[ -n "$rel" ] || { echo "no $2 kernel in $cache/kernels (make setup)" >&2; exit 1; }
	echo "$rel"
}

for n in "${names[@]}"; do
	case "$n" in
	6.1)
		rel=$(newest '6.1.0-*-cloud-amd64' 6.1)
		echo "6.1 $rel $cache/kernels/$rel/vmlinuz $cache/kernels/$rel/build"
		;;
	6.12)
		rel=$(newest '6.12.*+deb12-cloud-amd64' 6.12)
		echo "6.12 $rel $cache/kernels/$rel/vmlinuz $cache/kernels/$rel/build"
		;;
	debug)
		dir=$("$top/selftests/vm/debug-kernel.sh")
		rel=$(cat "$dir/include/config/kernel.release")
		kd=$cache/kernels/$rel
		mkdir -p "$kd"
		ln -sfn "$dir/arch/x86/boot/bzImage" "$kd/vmlinuz"
		ln -sfn "$dir/.config" "$kd/config"
		echo "debug $rel $kd/vmlinuz $dir"
		;;
	*)
		echo "unknown kernel '$n' (6.1, 6.12, debug)" >&2
		exit 1
		;;
	esac
done
