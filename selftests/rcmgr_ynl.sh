#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Every op of the spec, driven by the kernel's YNL client: see rcmgr_ynl.py.
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP no python3"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 4
fi
exec python3 "$here/rcmgr_ynl.py"
