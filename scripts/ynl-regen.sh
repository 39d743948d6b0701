#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Regenerate uapi/linux/rcmgr.h from Documentation/netlink/specs/rcmgr.yaml
# with ynl-gen-c.py from the installed linux-source-6.12.  The generator wants
# a kernel tree (a MAINTAINERS file above the spec, the schema in
# Documentation/netlink/), so it runs in a scratch copy laid out like one;
# the header's provenance line then names the spec by its in-tree path.
#   ynl-regen.sh          rewrite the header
#   ynl-regen.sh --check  fail if the committed header is stale
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/ksrc.sh" 6.12)
spec=Documentation/netlink/specs/rcmgr.yaml
out=uapi/linux/rcmgr.h

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$scratch/Documentation/netlink/specs"
: > "$scratch/MAINTAINERS"
cp "$ksrc"/Documentation/netlink/genetlink*.yaml "$scratch/Documentation/netlink/"
cp "$top/$spec" "$scratch/$spec"

(cd "$scratch" && /usr/bin/python3 "$ksrc/tools/net/ynl/ynl-gen-c.py" \
	--mode uapi --header --spec "$spec" -o gen.h >/dev/null)

if [ "${1:-}" = --check ]; then
	if ! cmp -s "$scratch/gen.h" "$top/$out"; then
		echo "$out is stale: run 'make regen'" >&2
		diff -u "$top/$out" "$scratch/gen.h" >&2 || true
		exit 1
	fi
	exit 0
fi
mkdir -p "$top/uapi/linux"
cp "$scratch/gen.h" "$top/$out"
