#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The admin's view, through the real tool: a Kubo-style go-libp2p limit
# file with every key and kind of value loads and reads back exactly
# ("rcmgr -j limit show"); a malformed file changes nothing and names the
# key and the value; a kernel refusal midway undoes the load; dump, load,
# dump is byte-identical; a load without CAP_NET_ADMIN fails clearly; the
# scope tree, its JSON and the Prometheus metrics agree.
#   RCMGR: the tool (default: rcmgr)
# Busybox sh compatible.

# Run in a namespace of our own: nothing of the host's is touched.
if [ -z "$RCMGR_ADMIN_INNER" ]; then
	RCMGR_ADMIN_INNER=1 exec unshare -n "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
R=${RCMGR:-rcmgr}
FAILNTH=${RCMGR_FAILNTH:-$here/rcmgr_failnth.so}
tmp=$(mktemp -d)
chmod 755 "$tmp"
n=0 pass=0 fail=0 skip=0 pids=""

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); skip=$((skip + 1)); echo "ok $n $1 # SKIP $2"; }
cleanup() {
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# py NAME SCRIPT ARGS...: a Python check passes (it asserts).
py() {
	name=$1 script=$2
	shift 2
	if python3 -c "$script" "$@" 2> "$tmp/py"; then
		ok "$name"
	else
		echo "# $name: $(tail -n 3 "$tmp/py" | head -c 600)"
		nok "$name"
	fi
}

# load_bad NAME PATTERN JSON: the load is refused (exit 255) naming the
# problem with PATTERN, and the limits are as they were.
load_bad() {
	name=$1 pat=$2
	printf '%s\n' "$3" > "$tmp/bad.json"
	"$R" limit load "$tmp/bad.json" > /dev/null 2> "$tmp/err"
	ret=$?
	"$R" limit dump > "$tmp/after.json"
	if [ "$ret" -eq 255 ] && grep -q -e "$pat" "$tmp/err" &&
	   cmp -s "$tmp/before.json" "$tmp/after.json"; then
		ok "$name"
	else
		echo "# exit $ret; stderr: $(head -c 300 "$tmp/err")"
		nok "$name"
	fi
}

echo "TAP version 13"
ip link set lo up 2>/dev/null

P1=12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN
P2=QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC
P3=bafzaajaiaejcbzdibmxyzdjbcn3tslrdmvdtbatvp2rgl5rnbmw6l3pzwaebiibbk

# --- A Kubo-style file: every key, every kind of value. ---
"$R" limit reset
"$R" -j limit show > "$tmp/defaults.json"
# Values the file sets back with "default", and a name it extends.
"$R" limit set system conns_inbound 5
"$R" limit set protocol memory 1K
"$R" limit set stream streams 7
"$R" limit set peer name "$P1" conns_outbound 3
"$R" -j limit show > "$tmp/start.json"
cat > "$tmp/kubo.json" <<EOF
{
  "System": {"Streams": 4000, "StreamsInbound": "unlimited",
             "StreamsOutbound": "blockAll", "Conns": 0,
             "ConnsInbound": "default", "Memory": "1073741824"},
  "Transient": {"Memory": 33554433, "FD": 7},
  "ServiceDefault": {"Streams": 100, "Memory": "unlimited"},
  "Service": {
    "libp2p.identify": {"StreamsInbound": 64, "Memory": "4194304"},
    "libp2p.relay/v2": {"Memory": "blockAll", "Streams": "default"}
  },
  "ServicePeerDefault": {"Streams": 9},
  "ServicePeer": {"libp2p.identify": {"Streams": 32, "Memory": 0}},
  "ProtocolDefault": {"Memory": "default", "StreamsOutbound": 99},
  "Protocol": {
    "/ipfs/id/1.0.0": {"Streams": 128, "StreamsOutbound": "default"},
    "/ipfs/ping/1.0.0": {}
  },
  "ProtocolPeerDefault": {"StreamsOutbound": 3},
  "ProtocolPeer": {"/ipfs/ping/1.0.0": {"Streams": 4, "FD": "unlimited"}},
  "PeerDefault": {"FD": 16, "Memory": 67108864},
  "Peer": {
    "$P1": {"Conns": 2, "Memory": "default"},
    "$P2": {"Streams": "unlimited"},
    "$P3": {"ConnsInbound": 1}
  },
  "Conn": {"Memory": 1048576},
  "Stream": {"Memory": "16777216", "Streams": "default"}
}
EOF
if "$R" limit load "$tmp/kubo.json" 2> "$tmp/err"; then
	ok load_kubo_file
else
	echo "# $(head -c 300 "$tmp/err")"
	nok load_kubo_file
fi
"$R" -j limit show > "$tmp/loaded.json"
# The file's meaning, modelled here: a set value is taken, "default" is
# the module's default in a class and the new class value in a name, an
# absent value stays; a new name starts from its (new) class default.
py kubo_reads_back_exactly '
import json, sys
F = ["Streams", "StreamsInbound", "StreamsOutbound", "Conns",
     "ConnsInbound", "ConnsOutbound", "FD", "Memory"]
K = ["streams", "streams_inbound", "streams_outbound", "conns",
     "conns_inbound", "conns_outbound", "fd", "memory"]
C = {"System": "system", "Transient": "transient",
     "ServiceDefault": "service", "Service": "service",
     "ServicePeerDefault": "service-peer", "ServicePeer": "service-peer",
     "ProtocolDefault": "protocol", "Protocol": "protocol",
     "ProtocolPeerDefault": "protocol-peer", "ProtocolPeer": "protocol-peer",
     "PeerDefault": "peer", "Peer": "peer", "Conn": "conn", "Stream": "stream"}
MAX = (1 << 63) - 1
def table(path):
    return {(e["class"], e.get("name")): e["values"]
            for e in json.load(open(path))}
mod, start = table(sys.argv[1]), table(sys.argv[2])
f = json.load(open(sys.argv[3]))
want = {k: dict(v) for k, v in start.items()}
def val(v, dflt):
    if v == "unlimited": return MAX
    if v == "blockAll": return 0
    if v == "default": return dflt
    return int(v)
for key, o in f.items():
    if key in ("Service", "ServicePeer", "Protocol", "ProtocolPeer", "Peer"):
        continue
    c = C[key]
    for fn, v in o.items():
        k = K[F.index(fn)]
        want[(c, None)][k] = val(v, mod[(c, None)][k])
for key in ("Service", "ServicePeer", "Protocol", "ProtocolPeer", "Peer"):
    c = C[key]
    for name, o in f.get(key, {}).items():
        cur = want.setdefault((c, name), dict(want[(c, None)]))
        for fn, v in o.items():
            k = K[F.index(fn)]
            cur[k] = val(v, want[(c, None)][k])
got = table(sys.argv[4])
assert got == want, [(k, got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)]
# Every key, every kind of value, and a kept value, were exercised.
assert want[("peer", "'"$P1"'")]["conns_outbound"] == 3
assert want[("system", None)]["conns_inbound"] == mod[("system", None)]["conns_inbound"] != 5
' "$tmp/defaults.json" "$tmp/start.json" "$tmp/kubo.json" "$tmp/loaded.json"

# --- dump -> load -> dump: byte-identical, and it is the same config. ---
"$R" limit dump > "$tmp/d1.json"
"$R" limit reset
"$R" limit load "$tmp/d1.json"
"$R" limit dump > "$tmp/d2.json"
"$R" -j limit show > "$tmp/reloaded.json"
if cmp -s "$tmp/d1.json" "$tmp/d2.json" && [ -s "$tmp/d1.json" ]; then
	ok dump_load_dump_identical
else
	diff "$tmp/d1.json" "$tmp/d2.json" | head -n 10 | sed 's/^/# /'
	nok dump_load_dump_identical
fi
py dump_is_the_config '
import json, sys
def table(path):
    return {(e["class"], e.get("name")): e["values"]
            for e in json.load(open(path))}
a, b = table(sys.argv[1]), table(sys.argv[2])
assert a == b, [k for k in set(a) | set(b) if a.get(k) != b.get(k)]
' "$tmp/loaded.json" "$tmp/reloaded.json"
py dump_format_is_go '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:2] == ["System", "Transient"], list(d)
assert d["System"]["StreamsOutbound"] == "blockAll"
assert d["System"]["StreamsInbound"] == "unlimited"
assert d["System"]["Memory"] == "1073741824"
assert d["Transient"]["FD"] == 7
assert sorted(d["Peer"]) == list(d["Peer"])
' "$tmp/d1.json"

# --- Malformed files change nothing and name the problem. ---
"$R" limit dump > "$tmp/before.json"
load_bad bad_json 'bad.json:1:.*' '{"System": {"Streams": 1,}'
load_bad unknown_key '"Sistem" is not a limit key' '{"Sistem": {}}'
load_bad unknown_field 'System.Stream: unknown field' \
	'{"Transient": {"FD": 1}, "System": {"Stream": 1}}'
load_bad bad_value 'Service."foo".Memory: "12x" is not' \
	'{"System": {"FD": 1}, "Service": {"foo": {"Memory": "12x"}}}'
load_bad negative 'Peer."'$P1'".Conns: -1 is negative' \
	'{"Peer": {"'$P1'": {"Conns": -1}}}'
load_bad wrong_type 'Transient.Streams: \[1\] is not' \
	'{"Transient": {"Streams": [1]}}'
load_bad count_as_string 'System.FD: "5" is not' '{"System": {"FD": "5"}}'
load_bad fraction 'Conn.Memory: 1.5 is not' '{"Conn": {"Memory": 1.5}}'
load_bad not_object 'Stream: 3 is not an object' '{"Stream": 3}'
load_bad names_not_object 'Protocol: \[\] is not an object of names' \
	'{"Protocol": []}'
load_bad bad_peer_id 'Peer."not-a-peer": not a peer ID' \
	'{"Peer": {"not-a-peer": {}}}'
load_bad duplicate 'duplicate object key' \
	'{"System": {"FD": 1, "FD": 2}}'
load_bad allowlist 'AllowlistedSystem: rcmgr has no allowlist' \
	'{"AllowlistedSystem": {"Memory": 1}}'
load_bad too_big 'too big' '{"System": {"FD": 99999999999999999999}}'
"$R" limit load "$tmp/nonexistent.json" 2> "$tmp/err"
[ $? -eq 255 ] && grep -q 'nonexistent.json' "$tmp/err" && ok missing_file ||
	nok missing_file

# --- A refusal midway: what was changed is changed back. ---
cat > "$tmp/mid.json" <<EOF
{ "System": {"FD": 11}, "ServicePeer": {"svc-new": {"Streams": 5}},
  "Peer": {"$P1": {"FD": 12}, "$P2": {"Streams": 6}} }
EOF
for nth in 1 3 4; do
	LD_PRELOAD=$FAILNTH RCMGR_FAIL_NTH=$nth "$R" limit load "$tmp/mid.json" \
		2> "$tmp/err"
	ret=$?
	"$R" limit dump > "$tmp/after.json"
	if [ $ret -eq 1 ] && cmp -s "$tmp/before.json" "$tmp/after.json" &&
	   grep -q 'Error: ' "$tmp/err"; then
		ok "refused_change_$nth""_undone"
	else
		echo "# exit $ret; $(head -c 300 "$tmp/err")"
		diff "$tmp/before.json" "$tmp/after.json" | head -n 6 | sed 's/^/# /'
		nok "refused_change_$nth""_undone"
	fi
done
grep -q 'restored' "$tmp/err" && ok undo_says_so || nok undo_says_so

# --- Without CAP_NET_ADMIN: refused, clearly, and nothing changes. ---
python3 -c 'import os, sys
os.setgroups([]); os.setgid(65534); os.setuid(65534)
os.execvp(sys.argv[1], sys.argv[1:])' "$R" limit load "$tmp/mid.json" \
	2> "$tmp/err"
ret=$?
"$R" limit dump > "$tmp/after.json"
if [ $ret -eq 1 ] && grep -q 'needs CAP_NET_ADMIN' "$tmp/err" &&
   cmp -s "$tmp/before.json" "$tmp/after.json"; then
	ok load_as_nobody_refused
else
	echo "# exit $ret; $(head -c 300 "$tmp/err")"
	nok load_as_nobody_refused
fi
"$R" limit reset

echo "1..$n"
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ "$fail" -eq 0 ]
