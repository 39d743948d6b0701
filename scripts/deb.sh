#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh OUT: build the Debian packages (rcmgr-dkms, librcmgr1,
# librcmgr-dev, rcmgr-tools) with dpkg-buildpackage from a copy of the tree
# (what git tracks, plus new files not ignored) in OUT/rcmgr-VERSION, so
# the .debs land in OUT and nothing is written beside the repository.  Then
# lintian: any error or warning it does not find overridden, with a reason,
# in debian/ fails the build.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:?usage: deb.sh OUT}")
ver=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
mkver=$(sed -n 's/^VERSION[[:space:]]*:= *//p' "$top/Makefile")
[ "${ver%%-*}" = "$mkver" ] ||
	{ echo "deb: debian/changelog says $ver, the Makefile $mkver" >&2; exit 1; }

src=$out/rcmgr-$ver
rm -rf "$out"
mkdir -p "$src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	cpio -0 -pdm --quiet "$src")

# A clean environment: "make BUILD=..." must not reach debian/rules.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
log=$out/build.log
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) > "$log" 2>&1; then
	tail -n 40 "$log" >&2
	echo "deb: dpkg-buildpackage failed (log: $log)" >&2
	exit 1
fi
changes=$(ls "$out"/rcmgr_"$ver"_*.changes)
if ! lintian --fail-on error,warning --suppress-tags-from-file /dev/null "$changes" > "$out/lintian.log" 2>&1; then
	cat "$out/lintian.log" >&2
	echo "deb: lintian reports above" >&2
	exit 1
fi
rm -rf "$src"
ls "$out"/*.deb
