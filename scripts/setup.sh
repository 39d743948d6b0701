#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# setup.sh [--plan | --plan-fresh]: install, from Debian's archive, whatever
# this machine lacks to build rcmgr, package it and run its tests, and unpack
# the test kernels into the cache.  It prints its plan first; --plan prints
# only that, --plan-fresh the plan for a machine with no package installed.
#
# No kernel image is ever installed: the test kernels (image and headers:
# Debian's 6.12 headers depend on their image) are downloaded and unpacked
# into ${RCMGR_CACHE:-/var/cache/rcmgr}/kernels by fetch-kernel.sh, so GRUB
# and the next boot never see them.  Only the running kernel's headers are
# installed (for make run), which changes nothing the host boots.  If apt
# would pull any linux-image-* in as a dependency, setup refuses.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${RCMGR_CACHE:-/var/cache/rcmgr}
plan=0
admindir=/var/lib/dpkg
case "${1:-}" in
--plan | -n) plan=1 ;;
--plan-fresh)
	plan=1
	admindir=$(mktemp -d)
	trap 'rm -rf "$admindir"' EXIT
	: > "$admindir/status"
	cache=$admindir/cache
	;;
"") ;;
*) echo "usage: setup.sh [--plan | --plan-fresh]" >&2; exit 2 ;;
esac

need=(
	linux-source-6.1 linux-source-6.12
	qemu-system-x86 busybox-static cpio gzip xz-utils kmod iproute2
	gcc gcc-12 make libc6-dev libmnl-dev libjansson-dev pkg-config sparse pahole
	python3 python3-yaml python3-jsonschema python3-prometheus-client
	bc flex bison libelf-dev libssl-dev
	dkms dpkg-dev build-essential debhelper dh-dkms fakeroot lintian
)

# The test kernels' releases: 6.1 is the one Debian's cloud headers meta
# package names; 6.12 has no meta package in bookworm-security that tracks
# the newest build, so take the highest versioned headers on offer.
release_61() {
	apt-cache show --no-all-versions linux-headers-cloud-amd64 2>/dev/null |
		sed -n 's/^Depends: linux-headers-\([^ ,]*\).*/\1/p'
}
release_612() {
	apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-cloud-amd64$' |
		awk '{ sub("linux-headers-", "", $1); print $1 }' | sort -V | tail -n 1
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query --admindir="$admindir" -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
			echo "$p"
	done
}

r61=$(release_61 || true)
r612=$(release_612 || true)
if [ -z "$r61" ] || [ -z "$r612" ]; then
	apt-get update -qq
	r61=$(release_61)
	r612=$(release_612)
fi

# make run builds the module for the running kernel: its headers, when
# Debian has them (not in a sandbox with its own kernel).  They depend on
# the running kernel's image, installed on a real host: a fresh plan skips
# them.
hrun=linux-headers-$(uname -r)
if [ "$admindir" = /var/lib/dpkg ] && apt-cache show --no-all-versions "$hrun" >/dev/null 2>&1; then
	need+=("$hrun")
fi

todo=$(missing "${need[@]}")
fetch=
for r in "$r61" "$r612"; do
	[ -f "$cache/kernels/$r/.fetched" ] || fetch="$fetch linux-image-$r linux-headers-$r"
done

# Everything apt would install, dependencies included.
pulled=
if [ -n "$todo" ]; then
	# shellcheck disable=SC2086
	pulled=$(apt-get -s -o Dir::State::status="$admindir/status" \
		install --no-install-recommends $todo 2>/dev/null |
		awk '/^Inst / { print $2 }')
fi

# shellcheck disable=SC2086
echo "setup: apt-get install:" ${todo:-nothing}
# shellcheck disable=SC2086
[ -z "$pulled" ] || echo "setup:   with dependencies:" $pulled
echo "setup: unpack into $cache/kernels (not installed):${fetch:- nothing}"
images=$(echo "$pulled" | grep '^linux-image-' || true)
if [ -n "$images" ]; then
	echo "setup: refusing: apt would install kernel images:" "$images" >&2
	exit 1
fi
[ "$plan" -eq 0 ] || exit 0

if [ -n "$todo" ]; then
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $todo >/dev/null
fi
for r in "$r61" "$r612"; do
	# Stale package lists name files the archive no longer has: refresh once.
	"$top/scripts/fetch-kernel.sh" "$r" >/dev/null ||
		{ apt-get update -qq && "$top/scripts/fetch-kernel.sh" "$r" >/dev/null; }
done
# Keep one release per series.
for d in "$cache"/kernels/6.1.0-*-cloud-amd64 "$cache"/kernels/6.12.*+deb12-cloud-amd64; do
	case "${d##*/}" in "$r61" | "$r612" | '6.1.0-*-cloud-amd64' | '6.12.*+deb12-cloud-amd64') ;; *) rm -rf "$d" ;; esac
done
