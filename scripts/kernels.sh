#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kernels.sh [NAME...]: one line per test kernel,
#   NAME  RELEASE  BZIMAGE  KBUILD_DIR
# for 6.1 (Debian's cloud kernel), 6.12 (the newest Debian 6.12 cloud kernel
# installed) and debug (6.1 with KASAN, lockdep, kmemleak..., built and
# cached by selftests/vm/debug-kernel.sh on first use).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(6.1 6.12 debug)

for n in "${names[@]}"; do
	case "$n" in
	6.1)
		pkg=$(dpkg-query -W -f='${Depends}' linux-image-cloud-amd64)
		rel=${pkg#linux-image-}
		rel=${rel%% *}
		echo "6.1 $rel /boot/vmlinuz-$rel /usr/src/linux-headers-$rel"
		;;
	6.12)
		rel=$(dpkg-query -W -f='${Package} ${Status}\n' 'linux-image-6.12.*+deb12-cloud-amd64' 2>/dev/null |
			awk '/ok installed/ { sub("linux-image-", "", $1); print $1 }' | sort -V | tail -n 1)
		[ -n "$rel" ] || { echo "no 6.12 cloud kernel installed (make setup)" >&2; exit 1; }
		echo "6.12 $rel /boot/vmlinuz-$rel /usr/src/linux-headers-$rel"
		;;
	debug)
		dir=$("$top/selftests/vm/debug-kernel.sh")
		rel=$(cat "$dir/include/config/kernel.release")
		echo "debug $rel $dir/arch/x86/boot/bzImage $dir"
		;;
	*)
		echo "unknown kernel '$n' (6.1, 6.12, debug)" >&2
		exit 1
		;;
	esac
done
