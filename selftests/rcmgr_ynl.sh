#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own YNL client (tools/net/ynl/cli.py from linux-source-6.12),
# driven only by our spec, against the loaded module; its decoding of every
# reply must agree with the rcmgr CLI's (librcmgr's).
#   YNL_CLI  path to cli.py          (default: next to this script, ynl/cli.py)
#   RCMGR_SPEC path to rcmgr.yaml    (default: next to this script)
#   RCMGR    path to the rcmgr CLI   (default: rcmgr in PATH)
here=$(cd "$(dirname "$0")" && pwd)
cli=${YNL_CLI:-$here/ynl/cli.py}
spec=${RCMGR_SPEC:-$here/rcmgr.yaml}
rcmgr=${RCMGR:-rcmgr}
pass=0; fail=0; skip=0; n=0

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
skp() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }

echo "TAP version 13"
echo "1..3"
if ! command -v python3 >/dev/null || [ ! -r "$cli" ]; then
	for t in do_system do_transient do_bad_kind; do
		skp "$t" "no python3 or cli.py"
	done
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:3 error:0"
	exit 4
fi

# cli.py's JSON and the CLI's JSON must describe the same scope.
compare() {
	kind=$1
	ynl=$(python3 "$cli" --spec "$spec" --no-schema --output-json \
		--do scope-get --json "{\"kind\": \"$kind\"}" 2>&1) || {
		echo "# cli.py: $ynl"; return 1; }
	ours=$("$rcmgr" -j scope show "$kind") || return 1
	echo "# ynl: $ynl"
	python3 - "$ynl" "$ours" "$kind" <<'PY'
import json, sys
ynl, ours, kind = json.loads(sys.argv[1]), json.loads(sys.argv[2])[0], sys.argv[3]
assert ynl["kind"] == kind, ynl
assert ours["scope"] == kind, ours
for part in ("usage", "limit"):
    for key, val in ynl[part].items():
        mine = ours[part][key.replace("-", "_")]
        if mine == "max":
            mine = (1 << 63) - 1
        assert mine == val, (part, key, mine, val)
    assert len(ynl[part]) == 8, ynl[part]
PY
}

if compare system; then ok do_system; else nok do_system; fi
if compare transient; then ok do_transient; else nok do_transient; fi

# A kind outside the spec's checks is refused by the kernel's policy.
out=$(python3 "$cli" --spec "$spec" --no-schema --do scope-get \
	--json '{"kind": 7}' 2>&1)
echo "$out" | sed 's/^/# /'
if echo "$out" | grep -q "Numerical result out of range\|error: -34\|ERANGE"; then
	ok do_bad_kind
else
	nok do_bad_kind
fi

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail -eq 0 ]
