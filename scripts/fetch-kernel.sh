#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh RELEASE: unpack Debian's kernel RELEASE (image, headers and
# the kbuild tools they use) into the cache and print its directory:
#   $RCMGR_CACHE/kernels/RELEASE/
#       vmlinuz  config  System.map
#       modules/   the image's /lib/modules/RELEASE
#       build      -> the headers, ready for "make -C build M=..."
#       root/      the unpacked packages
# The packages are downloaded (apt-get download) and unpacked (dpkg-deb -x),
# never installed: a test kernel must not become a kernel the host can boot,
# dpkg's hooks (initramfs, GRUB) never run, and nothing on the host changes.
# (Debian's 6.12 headers even depend on their image, so installing them is
# not an option.)
set -euo pipefail

rel=${1:?usage: fetch-kernel.sh RELEASE}
cache=${RCMGR_CACHE:-/var/cache/rcmgr}
dir=$cache/kernels/$rel
hdr=linux-headers-$rel

show() { apt-cache show --no-all-versions "$1" 2>/dev/null | sed -n "s/^$2: //p"; }
ver=$(show "$hdr" Version)
[ -n "$ver" ] || { echo "fetch-kernel: no $hdr in the archive (apt-get update?)" >&2; exit 1; }

mkdir -p "$cache/kernels"
# Test runs of several worktrees may ask at once: one fetches, the others wait.
exec 9> "$cache/kernels/.lock"
flock 9
if [ -f "$dir/.fetched" ] && [ "$(cat "$dir/.fetched")" = "$ver" ]; then
	echo "$dir"
	exit 0
fi

# The headers' own dependencies that hold the build: the arch-independent
# headers and the kbuild tools (fixdep, modpost).
pkgs=("linux-image-$rel=$ver" "$hdr=$ver")
for d in $(show "$hdr" Depends | sed 's/[,|]/\n/g' | awk '{ print $1 }'); do
	case "$d" in linux-headers-*-common | linux-kbuild-*) pkgs+=("$d") ;; esac
done

tmp=$(mktemp -d "$cache/kernels/.fetch-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "fetch-kernel: ${pkgs[*]} -> $dir (unpacked, not installed)" >&2
mkdir "$tmp/debs" "$tmp/k"
(cd "$tmp/debs" && apt-get download -q -o APT::Sandbox::User=root "${pkgs[@]}" >&2)
for deb in "$tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$tmp/k/root"
done
k=$tmp/k
mv "$k/root/boot/vmlinuz-$rel" "$k/vmlinuz"
mv "$k/root/boot/config-$rel" "$k/config"
mv "$k/root/boot/System.map-$rel" "$k/System.map"
mv "$k/root/lib/modules/$rel" "$k/modules"
# The headers' Makefile includes the common part by absolute path; every
# other link in them is relative.
sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" "$k/root/usr/src/$hdr/Makefile"
ln -s "root/usr/src/$hdr" "$k/build"
echo "$ver" > "$k/.fetched"
rm -rf "$dir"
mv "$k" "$dir"
echo "$dir"
