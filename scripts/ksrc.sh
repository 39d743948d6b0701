#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ksrc.sh SERIES: extract the few kernel source files the build uses from the
# installed linux-source-SERIES package into a cache outside the repository
# (never into the tree) and print that directory.
#   6.1:  tools/testing/selftests/kselftest{,_harness}.h
#   6.12: tools/net/ynl/ (ynl-gen-c.py, cli.py), Documentation/netlink/*.yaml
#         and scripts/checkpatch.pl with its data files
set -euo pipefail

series=${1:?usage: ksrc.sh 6.1|6.12}
cache=${RCMGR_CACHE:-/var/cache/rcmgr}
tarball=/usr/src/linux-source-$series.tar.xz
[ -r "$tarball" ] || { echo "missing $tarball (apt-get install linux-source-$series)" >&2; exit 1; }

ver=$(dpkg-query -W -f='${Version}' "linux-source-$series")
dir=$cache/ksrc-$series-$ver
if [ ! -f "$dir/.done" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	top=linux-source-$series
	tar -xJf "$tarball" -C "$dir" --strip-components=1 --wildcards \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/testing/selftests/kselftest_harness.h" \
		"$top/tools/net/ynl/*" \
		"$top/Documentation/netlink/*.yaml" \
		"$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" \
		"$top/scripts/const_structs.checkpatch" 2>/dev/null ||
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		"$top/tools/testing/selftests/kselftest.h" \
		"$top/tools/testing/selftests/kselftest_harness.h"
	touch "$dir/.done"
fi
echo "$dir"
