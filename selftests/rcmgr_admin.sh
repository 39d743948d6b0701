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
pids=""
. "$here/rcmgr_tap.sh"

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
P3=bafzaajaiaejcadpckdrzvev5zuztulix5dz3kujsfgr3pvsd4uabdzlpmpr6zh7t

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
  "AllowlistedSystem": {"ConnsInbound": 9, "Memory": "default"},
  "AllowlistedTransient": {"FD": "unlimited"},
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
     "AllowlistedSystem": "allowlisted-system",
     "AllowlistedTransient": "allowlisted-transient",
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
assert list(d)[:4] == ["System", "Transient", "AllowlistedSystem",
                       "AllowlistedTransient"], list(d)
assert d["AllowlistedSystem"]["ConnsInbound"] == 9
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
# Base58 and base32 alphabets alone are not enough: the bytes must be a
# peer ID's multihash (or a libp2p-key CID of one).
load_bad peer_id_prefix_only 'Peer."b": not a peer ID' '{"Peer": {"b": {}}}'
load_bad peer_id_truncated 'Peer."'${P2%?}'": not a peer ID' \
	'{"Peer": {"'${P2%?}'": {}}}'
load_bad peer_id_raw_cid 'Peer."f0155[0-9a-f]*": not a peer ID' \
	'{"Peer": {"f01551220d52ebb89d85b02a284948203a62ff28389c57c9f42beec4ec20db76a68911c0b": {}}}'
load_bad duplicate 'duplicate object key' \
	'{"System": {"FD": 1, "FD": 2}}'
load_bad allowlisted_value 'AllowlistedTransient.FD: "x" is not' \
	'{"AllowlistedTransient": {"FD": "x"}}'
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

# --- The views: a process holding something in every kind of scope. ---
BUSY=${RCMGR_BUSY:-$here/rcmgr_busy}
"$R" limit set transient conns_inbound 1
mkfifo "$tmp/busy"
"$BUSY" "$P1" "$P2" > "$tmp/busy" &
pids="$pids $!"
line=
read -r line < "$tmp/busy"
set -- $line
if [ "$1" != ready ] || [ "$3" != 122 ]; then
	echo "# rcmgr_busy: $line"
	nok busy_refused_edquot
else
	ok busy_refused_edquot
fi
busy_pid=$2

"$R" scope show > "$tmp/tree.txt"
"$R" -j scope show > "$tmp/scopes.json"
sed 's/^/# /' "$tmp/tree.txt" | head -n 30
py tree_shape '
import sys
import re
rows = [l.rstrip("\n") for l in open(sys.argv[1])]
assert rows[0].startswith("SCOPE "), rows[0]
assert rows[1].startswith("system "), rows[1]
assert not any(r.endswith(" ") for r in rows), "trailing blanks"
# The tree drawn before a label, then cells two blanks apart.
def label(r):
    tree = re.match(r"[|`\- ]*", r).group(0)
    return tree + re.split(r"\s{2,}", r[len(tree):])[0]
names = [label(r) for r in rows[1:]]
def at(label):
    for k, n in enumerate(names):
        if n.lstrip("|`- ") == label:
            return k, len(n) - len(n.lstrip("|`- "))
    raise AssertionError("no row " + label + " in " + repr(names))
t, td = at("transient"); sv, sd = at("services"); pr, pd = at("protocols")
pe, ped = at("peers")
assert td == sd == pd == ped == 3 and t < sv < pr < pe, (t, sv, pr, pe)
assert names[pe].startswith("`- "), names[pe]
p1, p1d = at(sys.argv[2]); p2, p2d = at(sys.argv[3])
assert p1d == p2d == 6 and pe < p1 < p2, (p1, p2)
ident, idd = at("libp2p.identify")
assert sv < ident < pr and idd == 6
pid, pidd = at("/ipfs/id/1.0.0")
assert pr < pid < pe and pidd == 6
# Under transient: the conn without a peer, the stream without a protocol.
under_t = [n.lstrip("|`- ") for n in names[t + 1:sv]]
assert any(n.startswith("conn ") and n.endswith(" inbound") for n in under_t), under_t
assert any(n.startswith("stream ") and n.endswith(" outbound peer " + sys.argv[2]) for n in under_t), under_t
# Under peer 1: its conn (with an fd) and its stream; the span under it.
under_p1 = [n.lstrip("|`- ") for n in names[p1 + 1:p2]]
assert any(n.startswith("conn ") and n.endswith(" inbound fd") for n in under_p1), under_p1
assert any(n.endswith(" inbound /ipfs/id/1.0.0") for n in under_p1), under_p1
assert any(n.startswith("span ") for n in under_p1), under_p1
' "$tmp/tree.txt" "$P1" "$P2"

# Every scope row says what -j says: used/limit, memory in human units;
# right-aligned columns end in the same place on every line.
py tree_values_and_columns '
import json, re, sys
rows = [l.rstrip("\n") for l in open(sys.argv[1])]
scopes = json.load(open(sys.argv[2]))
MAX = (1 << 63) - 1
def human(v):
    if v == MAX: return "max"
    if v < 1024: return "%d B" % v
    u = 0; d = float(v)
    while d >= 1024 and u < 6: d /= 1024; u += 1
    unit = ["", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"][u]
    return ("%.0f %s" if d == int(d) else "%.1f %s") % (d, unit)
def lim(v): return "max" if v == MAX else str(v)
cells = []
for r in rows:
    tree = re.match(r"[|`\- ]*", r).group(0)
    c = [(m.group(0), m.start() + len(tree), m.end() + len(tree))
         for m in re.finditer(r"\S+(?: \S+)*", r[len(tree):])]
    if len(c) == 1: continue		# a group
    c[0] = (tree + c[0][0], 0, c[0][2])
    cells.append(c)
for c in (1, 2, 3, 4, 6):
    ends = set(line[c][2] for line in cells if len(line) > c)
    assert len(ends) == 1, ("column", c, ends)
byid = {}
for line in cells[1:]:
    m = re.match(r"(conn|stream|span) (\d+)", line[0][0].lstrip("|`- "))
    if m: byid[int(m.group(2))] = line
seen = 0
for s in scopes:
    if s["kind"] not in ("conn", "stream", "span"): continue
    line = byid[s["id"]]
    u, l = s["usage"], s["limit"]
    assert line[1][0] == human(u["memory"]) + "/" + human(l["memory"]), (line, s)
    assert line[2][0] == "%d/%s" % (u["streams"], lim(l["streams"])), (line, s)
    assert line[3][0] == "%d/%s" % (u["conns"], lim(l["conns"])), (line, s)
    assert line[4][0] == "%d/%s" % (u["fd"], lim(l["fd"])), (line, s)
    assert line[6][0] == str(sum(s["blocked"].values())), (line, s)
    seen += 1
assert seen >= 6, seen
sysl = [line for line in cells if line[0][0] == "system"][0]
sj = [s for s in scopes if s["kind"] == "system"][0]
assert sysl[1][0] == human(sj["usage"]["memory"]) + "/" + human(sj["limit"]["memory"]), sysl
tl = [line for line in cells if line[0][0].lstrip("|`- ") == "transient"][0]
assert tl[5][0] == "100% conns_inbound" and tl[6][0] == "1", tl
' "$tmp/tree.txt" "$tmp/scopes.json"

# rcmgr metrics: Prometheus text that Debian's parser reads, every sample
# equal to what "rcmgr -j scope show" says (nothing moves meanwhile).
"$R" metrics > "$tmp/metrics.txt"
"$R" -j scope show > "$tmp/scopes2.json"
if ! python3 -c "import prometheus_client.parser" 2> /dev/null; then
	skip metrics_equal_scopes "no python3-prometheus-client"
else
	py metrics_equal_scopes '
import json, sys
from prometheus_client.parser import text_string_to_metric_families
raw = open(sys.argv[1]).read()
fams = list(text_string_to_metric_families(raw))
a, b = json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
assert a == b, "the scopes moved under the test"
MAX = (1 << 63) - 1
got = {}
for f in fams:
    for s in f.samples:
        name = s.name
        # The parser names every counter sample NAME_total; go-libp2p
        # (and we) write blocked_resources without the suffix.
        if f.type == "counter" and name == f.name + "_total" and \
           "\n" + name not in raw:
            name = f.name
        key = (name, tuple(sorted(s.labels.items())))
        assert key not in got, key
        got[key] = s.value
want = {}
def put(name, value, **labels):
    want[("libp2p_rcmgr_" + name, tuple(sorted(labels.items())))] = value
kinds = ["system", "transient", "service", "protocol", "peer",
         "protocol-peer", "service-peer", "conn", "stream", "span",
         "allowlisted-system", "allowlisted-transient"]
# go-libp2p labels refusals by scope name: "allowlistedSystem"...
label = {"allowlisted-system": "allowlistedSystem",
         "allowlisted-transient": "allowlistedTransient"}
blocked = {k: {} for k in kinds}
for s in a:
    u = s["usage"]
    for r, v in s["blocked"].items():
        blocked[s["kind"]][r] = blocked[s["kind"]].get(r, 0) + v
    if s["kind"] in ("system", "transient"):
        k = s["kind"]
        put("connections", u["conns_inbound"], dir="inbound", scope=k)
        put("connections", u["conns_outbound"], dir="outbound", scope=k)
        put("fds", u["fd"], scope=k)
        for r, v in s["limit"].items():
            put("limit", float("inf") if v == MAX else v, scope=k, resource=r)
    if s["kind"] in ("system", "transient", "protocol"):
        p = s.get("protocol", "")
        put("streams", u["streams_inbound"], dir="inbound", scope=s["kind"], protocol=p)
        put("streams", u["streams_outbound"], dir="outbound", scope=s["kind"], protocol=p)
        put("memory", u["memory"], scope=s["kind"], protocol=p)
CB = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 32, 64, 128, 256]
MB = [1 << 10, 4 << 10, 32 << 10, 1 << 20, 32 << 20, 256 << 20, 512 << 20, 1 << 30, 2 << 30, 4 << 30]
def hist(name, kind, field, buckets, **labels):
    vals = [s["usage"][field] for s in a if s["kind"] == kind and s["usage"][field] > 0]
    for le in buckets:
        put(name + "_bucket", sum(v <= le for v in vals), le="%.1f" % le if False else str(float(le)), **labels)
    put(name + "_bucket", len(vals), le="+Inf", **labels)
    put(name + "_sum", sum(vals), **labels)
    put(name + "_count", len(vals), **labels)
for d in ("inbound", "outbound"):
    hist("peer_connections", "peer", "conns_" + d, CB, dir=d)
    hist("peer_streams", "peer", "streams_" + d, CB, dir=d)
hist("peer_memory", "peer", "memory", MB)
hist("conn_memory", "conn", "memory", MB)
RD = {"memory": ("", "memory"), "streams_inbound": ("inbound", "stream"),
      "streams_outbound": ("outbound", "stream"), "streams": ("", "stream"),
      "conns_inbound": ("inbound", "connection"),
      "conns_outbound": ("outbound", "connection"), "conns": ("", "connection"),
      "fd": ("", "fd")}
for k in kinds:
    for r, (d, res) in RD.items():
        put("blocked_resources", blocked[k].get(r, 0), dir=d,
            scope=label.get(k, k), resource=res)
# Counters of the namespace, when the module keeps them: checked by value
# against the blocked counts, which here all come from live scopes.
for name in ("refusals_total", "refusal_events_total", "refusal_events_dropped_total"):
    for key in list(got):
        if key[0] == "libp2p_rcmgr_" + name:
            want[key] = got[key]
if ("libp2p_rcmgr_refusals_total", ()) in got:
    assert got[("libp2p_rcmgr_refusals_total", ())] == sum(sum(v.values()) for v in blocked.values())
def norm(d):
    out = {}
    for (n, l), v in d.items():
        l = tuple((k, str(float(x)) if k == "le" and x != "+Inf" else x) for k, x in l)
        out[(n, l)] = float(v)
    return out
g, w = norm(got), norm(want)
diff = sorted(set(g) ^ set(w))[:6] + [(k, g[k], w[k]) for k in g if k in w and g[k] != w[k]][:6]
assert g == w, diff
assert g[("libp2p_rcmgr_blocked_resources", (("dir", "inbound"), ("resource", "connection"), ("scope", "transient")))] == 1
assert g[("libp2p_rcmgr_peer_connections_count", (("dir", "inbound"),))] == 1
' "$tmp/metrics.txt" "$tmp/scopes.json" "$tmp/scopes2.json"
fi

# rcmgr top, not on a terminal: plain frames; the full transient (with a
# fresh refusal) first; NEW counts only refusals since the last frame.
"$R" top -n 2 -d 0.1 > "$tmp/top.txt"
sed 's/^/# /' "$tmp/top.txt" | head -n 12
py top_plain_frames '
import sys
t = open(sys.argv[1]).read()
assert "\033" not in t
frames = t.split("\n\n")
assert len(frames) == 2, len(frames)
for k, f in enumerate(frames):
    lines = f.strip("\n").split("\n")
    assert lines[0].startswith("rcmgr top - "), lines[0]
    assert lines[1].split()[:2] == ["SCOPE", "MEMORY"], lines[1]
    first = lines[2].split()
    assert first[0] == "transient", first
    assert first[-3:] == ["conns_inbound", "1", "1" if k == 0 else "0"], first
' "$tmp/top.txt"
"$R" -j top -n 1 > "$tmp/top.json"
py top_json '
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1
d = json.loads(lines[0])
s = d["scopes"][0]
assert s["kind"] == "transient" and s["util"] == 100.0, s
assert s["util_resource"] == "conns_inbound" and s["blocked"] == 1, s
assert s["usage"]["conns_inbound"] == 1 and s["limit"]["conns_inbound"] == 1, s
assert all(x["kind"] != "system" or x["util"] < 100 for x in d["scopes"])
' "$tmp/top.json"
for bad in "-n 0" "-d 0.01" "-d 1.2345" "-x 1" "-n"; do
	"$R" top $bad > /dev/null 2> "$tmp/err"
	[ $? -eq 255 ] && grep -q '^Error: ' "$tmp/err" && ok "top_usage $bad" ||
		nok "top_usage $bad"
done
"$R" m > /dev/null 2> "$tmp/err"
[ $? -eq 255 ] && grep -q 'ambiguous' "$tmp/err" && ok object_m_ambiguous ||
	nok object_m_ambiguous

# --- rcmgr monitor: another process's refusal, with its pid. ---
if ! "$R" -j monitor stats > "$tmp/stats0.json" 2> "$tmp/err"; then
	skip monitor_refusal "$(head -c 100 "$tmp/err")"
	skip monitor_flood_counted "no refusal counts"
else
	"$R" -j monitor > "$tmp/mon.json" 2> "$tmp/mon.err" &
	mon=$!
	pids="$pids $mon"
	# Until the monitor has joined, refusals reach nobody: ask again,
	# each time from a new process, until one is seen.
	found=
	for try in $(seq 1 100); do
		set -- $("$BUSY" -r 1)
		probe=$2
		if grep -q "\"pid\":$probe," "$tmp/mon.json"; then
			found=$probe
			break
		fi
		sleep 0.1
	done
	py monitor_refusal '
import json, sys
pid = int(sys.argv[2])
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
mine = [e for e in evs if e.get("pid") == pid]
assert len(mine) == 1, (pid, evs[-3:])
e = mine[0]
want = {"event": "refused", "kind": "transient", "resource": "conns_inbound",
        "dir": "inbound", "usage": 1, "attempted": 1, "limit": 1,
        "comm": "rcmgr_busy", "uid": 0}
assert {k: e.get(k) for k in want} == want, e
assert type(e["dropped"]) is int and type(e["id"]) is int, e
' "$tmp/mon.json" "${found:-0}"
	# A flood: every refusal counted once, as an event or as dropped.
	"$R" -j monitor stats > "$tmp/stats1.json"
	set -- $("$BUSY" -r 2000)
	flood=$2 refused=$3
	"$R" -j monitor stats > "$tmp/stats2.json"
	"$R" monitor stats | sed 's/^/# /'
	py monitor_flood_counted '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
n = int(sys.argv[3])
assert n == 2000, n
assert b["refusals"] - a["refusals"] == n, (a, b)
assert (b["events"] - a["events"]) + (b["events_dropped"] - a["events_dropped"]) == n, (a, b)
assert b["blocked"]["transient"]["conns_inbound"] - a["blocked"]["transient"]["conns_inbound"] == n
' "$tmp/stats1.json" "$tmp/stats2.json" "$refused"
	kill $mon 2> /dev/null
	wait $mon 2> /dev/null
	# The text form, as an admin reads it.
	"$R" monitor > "$tmp/mon.txt" 2>&1 &
	mon=$!
	pids="$pids $mon"
	for try in $(seq 1 100); do
		set -- $("$BUSY" -r 1)
		grep -q " pid $2 " "$tmp/mon.txt" && break
		sleep 0.1
	done
	if grep -q "^refused transient id [0-9]* resource conns_inbound dir inbound usage 1 attempted 1 limit 1 pid $2 comm rcmgr_busy uid 0 dropped [0-9]*$" "$tmp/mon.txt"; then
		ok monitor_text_line
	else
		sed 's/^/# /' "$tmp/mon.txt" | tail -n 3
		nok monitor_text_line
	fi
	kill $mon 2> /dev/null
	wait $mon 2> /dev/null
fi

kill -9 $busy_pid 2> /dev/null
"$R" limit reset

totals
