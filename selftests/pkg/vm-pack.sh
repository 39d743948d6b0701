#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-pack.sh NAME BUILD ROOT: put into the VM image ROOT what the packaging
# selftest rcmgr_pkg.sh installs, if "make pkg-tests" made it, and add the
# test to the end of the VM's list:
#   /pkg/debs/*.deb       rcmgr-dkms, librcmgr1, librcmgr-dev, rcmgr-tools
#   /pkg/dkms/rcmgr.ko    the module DKMS built for kernel NAME
#   /pkg/pc_test          built with pkg-config against make install DESTDIR
#   /pkg/destdir-lib/     that tree's librcmgr
# and dpkg itself: dpkg, dpkg-deb, ldconfig, a database that knows the
# libraries the image carries, and DKMS's stand-in (guest-dkms).  run.sh
# copies the shared objects of every ELF afterwards.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
name=${1:?usage: vm-pack.sh NAME BUILD ROOT}
build=$(realpath -m "${2:?}")
root=${3:?}
pkg=$build/pkg

[ -f "$pkg/pc_test" ] && ls "$pkg"/debs/*.deb >/dev/null 2>&1 || exit 0

mkdir -p "$root/pkg/debs" "$root/pkg/dkms" "$root/pkg/destdir-lib"
cp "$here/rcmgr_pkg.sh" "$root/tests/"
# Last in the full list; a narrowed one (RCMGR_TESTS) names it or not.
[ -n "${RCMGR_TESTS:-}" ] || echo rcmgr_pkg.sh >> "$root/tests/list"
cp "$pkg"/debs/*.deb "$root/pkg/debs/"
rm -f "$root"/pkg/debs/*-dbgsym_*.deb
# Built by pkg-tests for the Debian kernels, here for the others.  Without
# it the test runs and fails at the DKMS step, rather than the whole VM.
[ -f "$pkg/dkms/$name/rcmgr.ko" ] || "$here/dkms-build.sh" "$name" "$build" >/dev/null ||
	echo "vm-pack: no DKMS build for $name: rcmgr_pkg.sh will fail" >&2
cp "$pkg/dkms/$name/rcmgr.ko" "$root/pkg/dkms/" 2>/dev/null || true
cp "$pkg/pc_test" "$root/pkg/"
cp -a "$pkg"/destdir/usr/lib/*/librcmgr.so* "$root/pkg/destdir-lib/"

# dpkg, and what it runs besides busybox's sh, rm, diff and
# start-stop-daemon: GNU tar (dpkg-deb's options are beyond busybox's).
mkdir -p "$root/usr/sbin" "$root/sbin" "$root/usr/lib/dkms" "$root/var/log" \
	"$root/etc/dpkg/dpkg.cfg.d" "$root/var/lib/dpkg/info" \
	"$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
cp /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/dpkg-split /usr/bin/dpkg-query "$root/usr/bin/"
cp /bin/tar "$root/usr/bin/"
cp /sbin/ldconfig "$root/usr/sbin/"
cp "$here/guest-dkms" "$root/usr/sbin/dkms"
cp "$here/guest-dkms" "$root/usr/lib/dkms/common.postinst"
: > "$root/var/lib/dpkg/available"
# The packages' dependencies, as this host has them installed: the image
# carries their libraries (libc6, libmnl0, libjansson4), dkms is the
# stand-in above, and libmnl-dev is what librcmgr-dev's users build with.
deps=$(for d in "$root"/pkg/debs/*.deb; do dpkg-deb -f "$d" Depends; done |
	sed 's/[,|]/\n/g' | awk '{ print $1 }' | grep -v '^librcmgr\|^rcmgr' | sort -u)
# Their own relations, conffiles and long descriptions stay out: the image
# holds their libraries, not their dependencies.
# shellcheck disable=SC2086
dpkg-query -s $deps | awk '
	/^$/ { print; next }
	/^(Package|Status|Priority|Section|Maintainer|Architecture|Multi-Arch|Source|Version|Description):/ { print }
' > "$root/var/lib/dpkg/status"
# shellcheck disable=SC2086
for p in $(dpkg-query -W -f='${binary:Package}\n' $deps); do
	: > "$root/var/lib/dpkg/info/$p.list"
done
