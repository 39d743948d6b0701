#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# checkpatch.pl --strict (from the installed linux-source-6.12) over every
# kernel source file of the module.  Any report fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
ksrc=$("$top/scripts/ksrc.sh" 6.12)
cd "$top"
files=$(git ls-files --cached --others --exclude-standard "kmod/*.[ch]")
# shellcheck disable=SC2086
if ! perl "$ksrc/scripts/checkpatch.pl" --strict --no-tree --quiet --terse \
	--show-types --ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f $files; then
	echo "checkpatch: reports above" >&2
	exit 1
fi
echo "checkpatch --strict: clean ($(echo $files | wc -w) files)"
