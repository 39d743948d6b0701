#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the debug 6.1 kernel: linux-source-6.1 + allnoconfig +
# debug.config.  The tree lives outside the repository, keyed by the source
# package version and the fragment's hash, so a fragment change rebuilds it
# and nothing else does.  Prints the build directory on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${RCMGR_CACHE:-/var/cache/rcmgr}
tarball=/usr/src/linux-source-6.1.tar.xz
frag=$here/debug.config

[ -r "$tarball" ] || { echo "missing $tarball (apt-get install linux-source-6.1)" >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( (echo "$ver"; cat "$frag") | sha256sum | cut -c1-12)
dir=$cache/linux-6.1-debug-$key

mkdir -p "$cache"
# One builder at a time: a second caller waits, then finds it built.
exec 9> "$cache/.debug-kernel.lock"
flock 9
if [ -f "$dir/.rcmgr-built" ]; then
	echo "$dir"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
echo "debug kernel: extracting linux-source-6.1 $ver into $dir" >&2
tar -xJf "$tarball" -C "$dir" --strip-components=1
cd "$dir"
{
	make -s allnoconfig
	scripts/kconfig/merge_config.sh -m .config "$frag"
	make -s olddefconfig
	# Every line of the fragment must have survived olddefconfig, or the
	# kernel silently lacks a checker we rely on.
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n) opt=${line%%=*}; grep -q "^# $opt is not set" .config || grep -qx "$opt=n" .config || { echo "debug.config: $line not honoured" >&2; exit 1; } ;;
		CONFIG_*) grep -qx "$line" .config || { echo "debug.config: $line not honoured" >&2; exit 1; } ;;
		esac
	done < "$frag"
	echo "debug kernel: building ($(nproc) jobs)" >&2
	make -s -j"$(nproc)" bzImage modules
} >&2
touch .rcmgr-built
# Keep one tree: drop stale builds of older fragments.
find "$cache" -maxdepth 1 -name 'linux-6.1-debug-*' ! -path "$dir" -exec rm -rf {} + 2>/dev/null || true
echo "$dir"
