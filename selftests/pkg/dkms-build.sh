#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms-build.sh NAME BUILD: "dkms build" of the module source that
# "make install DESTDIR=BUILD/pkg/destdir" laid out, for test kernel NAME
# (scripts/kernels.sh), in a private DKMS tree under BUILD/pkg/dkms/NAME:
# nothing of the host's DKMS state (/var/lib/dkms, /lib/modules, the
# signing key) is read or written.  Prints the built rcmgr.ko, also copied
# to BUILD/pkg/dkms/NAME/rcmgr.ko for the VM test.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
name=${1:?usage: dkms-build.sh NAME BUILD}
build=$(realpath -m "${2:?usage: dkms-build.sh NAME BUILD}")
src=$build/pkg/destdir/usr/src
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src"/rcmgr-*/dkms.conf)
read -r _ rel _ kdir < <("$top/scripts/kernels.sh" "$name")

out=$build/pkg/dkms/$name
rm -rf "$out"
mkdir -p "$out/tree" "$out/install" "$out/tmp"
# sign_file: DKMS would otherwise make a signing key in /var/lib/dkms.
if ! env sign_file=/dev/null TMPDIR="$out/tmp" dkms build -m rcmgr -v "$ver" -k "$rel" \
	--dkmstree "$out/tree" --sourcetree "$src" --installtree "$out/install" \
	--kernelsourcedir "$kdir" > "$out/dkms.log" 2>&1; then
	cat "$out/dkms.log" "$out"/tree/rcmgr/"$ver"/build/make.log >&2 2>/dev/null
	echo "dkms build for $name ($rel) failed" >&2
	exit 1
fi
# DKMS compresses the module as the kernel's own are (6.12: .ko.xz); the
# VM's busybox modprobe wants it plain, as run.sh gives it veth.ko.
ko=$(find "$out/tree/rcmgr/$ver/$rel" -name 'rcmgr.ko*' | head -n 1)
case "$ko" in
*.xz) xz -dc "$ko" > "$out/rcmgr.ko" ;;
*.zst) zstd -qdc "$ko" > "$out/rcmgr.ko" ;;
*.ko) cp "$ko" "$out/rcmgr.ko" ;;
*) echo "dkms build for $name left no rcmgr.ko" >&2; exit 1 ;;
esac
echo "$out/rcmgr.ko"
