#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, whatever this machine lacks to build rcmgr
# and run its tests: both test kernels and their headers, the kernel sources
# the build takes tools from, QEMU and the initramfs parts, libmnl, the YNL
# tools' Python modules and the kernel build's own dependencies.
set -euo pipefail

need=(
	linux-image-cloud-amd64 linux-headers-cloud-amd64
	linux-source-6.1 linux-source-6.12
	qemu-system-x86 busybox-static cpio gzip xz-utils kmod iproute2
	gcc make libc6-dev libmnl-dev libjansson-dev pkg-config sparse
	python3 python3-yaml python3-jsonschema
	bc flex bison libelf-dev libssl-dev
)

# The 6.12 kernel has no meta package in bookworm-security that tracks the
# newest build: take the highest versioned image on offer.
newest_612() {
	apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-cloud-amd64$' |
		awk '{ print $1 }' | sort -V | tail -n 1
}

missing() {
	local p
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
			echo "$p"
	done
}

k612=$(newest_612 || true)
if [ -z "$k612" ]; then
	apt-get update -qq
	k612=$(newest_612)
fi
need+=("$k612" "${k612/linux-image/linux-headers}")

todo=$(missing "${need[@]}")
if [ -n "$todo" ]; then
	echo "setup: installing:" $todo
	apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $todo >/dev/null
fi
