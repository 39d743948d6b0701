#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The endpoint policy through the real tool: the allowlist (add, delete,
# show, -j, errors naming the bad multiaddr component, CAP_NET_ADMIN),
# the subnet, rate and verify tables (go-libp2p's defaults, set, delete,
# reset, -j and -s, the verify table following the subnet one), limit
# files with the Allowlisted keys (load, dump, round trip), and conns
# opened through librcmgr with endpoints: the ninth... here the third conn
# of a /32 limited to two refused (EDQUOT, a monitor line naming the
# subnet, stats counting it), a garbage endpoint refused before the
# kernel, and an allowlisted network getting in past a full transient
# scope, shown as allowlisted.
#   RCMGR: the tool (default: rcmgr)
# Busybox sh compatible.

# Run in a namespace of our own: nothing of the host's is touched.
if [ -z "$RCMGR_NETPOLICY_INNER" ]; then
	RCMGR_NETPOLICY_INNER=1 exec unshare -n "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
R=${RCMGR:-rcmgr}
EP=${RCMGR_ENDPOINTS:-$here/rcmgr_endpoints}
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=""
. "$here/rcmgr_tap.sh"

# check NAME CMD...: the command succeeds.
check() {
	name=$1
	shift
	if "$@" > "$tmp/out" 2> "$tmp/err"; then
		ok "$name"
	else
		echo "# $name: exit $?: $(head -c 300 "$tmp/err")"
		nok "$name"
	fi
}

# same NAME FILE TEXT: FILE holds exactly TEXT's lines, in any order.
same() {
	printf '%s\n' "$3" | sort > "$tmp/want"
	sort "$2" > "$tmp/got"
	if cmp -s "$tmp/want" "$tmp/got"; then
		ok "$1"
	else
		diff "$tmp/want" "$tmp/got" | head -n 8 | sed 's/^/# /'
		nok "$1"
	fi
}

nobody() {
	python3 -c 'import os, sys
os.setgroups([]); os.setgid(65534); os.setuid(65534)
os.execvp(sys.argv[1], sys.argv[1:])' "$@"
}

echo "TAP version 13"
ip link set lo up 2>/dev/null

P1=12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN
P2=QmcgpsyWgH8Y8ajJz1Cu72KnS5uo2Aa2LpzU7kinSupNKC

# --- The allowlist. ---
check allowlist_add_network "$R" allowlist add /ip4/10.0.0.0/ipcidr/8
check allowlist_add_peer "$R" allowlist add /ip6/2001:db8::/ipcidr/32/p2p/$P1
# Another spelling of an address: the kernel's text is canonical.
check allowlist_add_host "$R" allowlist add /ip6/2001:DB8:0::7/ipfs/$P2
"$R" allowlist show > "$tmp/al"
if printf '%s\n' /ip4/10.0.0.0/ipcidr/8 /ip6/2001:db8::/ipcidr/32/p2p/$P1 \
	/ip6/2001:db8::7/p2p/$P2 | cmp -s - "$tmp/al"; then
	ok allowlist_show_in_order_canonical
else
	sed 's/^/# /' "$tmp/al"
	nok allowlist_show_in_order_canonical
fi
"$R" -j allowlist show > "$tmp/al.json"
py allowlist_json '
import json, sys
a = json.load(open(sys.argv[1]))
assert [e["multiaddr"] for e in a] == [
    "/ip4/10.0.0.0/ipcidr/8", "/ip6/2001:db8::/ipcidr/32/p2p/" + sys.argv[2],
    "/ip6/2001:db8::7/p2p/" + sys.argv[3]], a
' "$tmp/al.json" "$P1" "$P2"
refused allowlist_add_twice 1 'Error: ' "$R" allowlist add /ip4/10.0.0.0/ipcidr/8
refused allowlist_bad_cidr 255 'multiaddr: /ipcidr/33: not a prefix length' \
	"$R" allowlist add /ip4/10.0.0.0/ipcidr/33
refused allowlist_bad_port 255 'multiaddr: /tcp/65536: not a port' \
	"$R" allowlist add /ip4/10.0.0.1/tcp/65536
refused allowlist_trailing_slash 255 'multiaddr: a trailing /' \
	"$R" allowlist add /ip4/10.0.0.1/
refused allowlist_zone 255 'multiaddr: /ip6/fe80::1%eth0: a zone' \
	"$R" allowlist add /ip6/fe80::1%eth0
refused allowlist_bad_peer 255 'multiaddr: /p2p/QmNope: not a peer ID' \
	"$R" allowlist add /ip4/10.0.0.1/p2p/QmNope
# The kernel's shape check: a bare peer is no entry (go-libp2p: "missing
# ip address"), nor is a transport.
refused allowlist_no_address 1 'Error: ' "$R" allowlist add /p2p/$P1
refused allowlist_transport 1 'Error: ' "$R" allowlist add /ip4/10.0.0.1/tcp/1
refused allowlist_delete_missing 1 'Error: ' "$R" allowlist delete /ip4/10.1.2.3
refused allowlist_add_as_nobody 1 'Error: ' nobody "$R" allowlist add /ip4/10.9.0.0/ipcidr/16
refused allowlist_show_as_nobody 1 'CAP_NET_ADMIN' nobody "$R" allowlist show
"$R" allowlist show > "$tmp/al2"
cmp -s "$tmp/al" "$tmp/al2" && ok allowlist_unchanged_by_errors ||
	nok allowlist_unchanged_by_errors
check allowlist_delete "$R" allowlist delete /ip6/2001:db8::/ipcidr/32/p2p/$P1
check allowlist_delete_other_spelling "$R" allowlist del /ip6/2001:db8::7/p2p/$P2
"$R" allowlist show > "$tmp/al3"
same allowlist_after_delete "$tmp/al3" "/ip4/10.0.0.0/ipcidr/8"

# --- The subnet table: go-libp2p's defaults, set, delete, reset. ---
"$R" limit reset subnet
"$R" limit show subnet > "$tmp/subnet0"
same subnet_defaults "$tmp/subnet0" "subnet prefix 127.0.0.0/8 conns max
subnet prefix ::1/128 conns max
subnet ipv4 /32 conns 8
subnet ipv6 /56 conns 8
subnet ipv6 /48 conns 64"
check subnet_set_ipv4 "$R" limit set subnet ipv4 /32 conns 2
check subnet_set_prefix "$R" limit set subnet prefix 10.1.0.0/16 conns 3
check subnet_set_prefix_max "$R" limit set subnet prefix 192.168.0.0/16 conns max
"$R" limit show subnet > "$tmp/subnet1"
same subnet_after_set "$tmp/subnet1" "subnet prefix 127.0.0.0/8 conns max
subnet prefix ::1/128 conns max
subnet prefix 10.1.0.0/16 conns 3
subnet prefix 192.168.0.0/16 conns max
subnet ipv4 /32 conns 2
subnet ipv6 /56 conns 8
subnet ipv6 /48 conns 64"
# What show prints, set takes back.
sed 's/^/limit set /' "$tmp/subnet1" | while read -r line; do
	"$R" $line || echo "# failed: $line"
done > "$tmp/err" 2>&1
"$R" limit show subnet > "$tmp/subnet2"
if cmp -s "$tmp/subnet1" "$tmp/subnet2" && [ ! -s "$tmp/err" ]; then
	ok subnet_show_pastes_back
else
	sed 's/^/# /' "$tmp/err"
	diff "$tmp/subnet1" "$tmp/subnet2" | sed 's/^/# /'
	nok subnet_show_pastes_back
fi
"$R" -j limit show subnet > "$tmp/subnet.json"
"$R" -s limit show subnet > "$tmp/subnet_s"
py subnet_json '
import json, sys
a = json.load(open(sys.argv[1]))
MAX = (1 << 63) - 1
d = {}
for r in a:
    assert r["table"] == "subnet", r
    assert isinstance(r["tracked"], int), r
    key = r.get("prefix") or (r["family"], r["prefix_len"])
    d[key] = r["conns"]
assert d[("ipv4", 32)] == 2, d
assert d["10.1.0.0/16"] == 3 and d["192.168.0.0/16"] == MAX, d
assert d[("ipv6", 48)] == 64, d
' "$tmp/subnet.json"
grep -q '^subnet ipv4 /32 conns 2 tracked [0-9]*$' "$tmp/subnet_s" &&
	ok subnet_stats_tracked || nok subnet_stats_tracked
check subnet_delete "$R" limit delete subnet prefix 10.1.0.0/16
refused subnet_delete_missing 1 'no such rule' "$R" limit delete subnet prefix 10.1.0.0/16
refused subnet_host_bits 255 'bits set past /16' "$R" limit set subnet prefix 10.1.0.1/16 conns 1
refused subnet_bad_len 255 'prefix length' "$R" limit set subnet ipv4 /33 conns 1
refused subnet_no_global 255 'rule "global" is unknown' "$R" limit set subnet global conns 1
refused subnet_set_as_nobody 1 'Error: ' nobody "$R" limit set subnet ipv4 /32 conns 9

# --- The verify table follows subnet: rate 0.1, burst half the conns. ---
"$R" limit show verify > "$tmp/verify"
grep -q '^verify ipv4 /32 rate 0.1 burst 1$' "$tmp/verify" &&
grep -q '^verify ipv6 /48 rate 0.1 burst 32$' "$tmp/verify" &&
	ok verify_follows_subnet || { sed 's/^/# /' "$tmp/verify"; nok verify_follows_subnet; }
refused verify_read_only 255 'read only' "$R" limit set verify ipv4 /32 rate 1 burst 1

check subnet_reset "$R" limit reset subnet
"$R" limit show subnet > "$tmp/subnet3"
same subnet_reset_to_defaults "$tmp/subnet3" "$(cat "$tmp/subnet0")"

# --- The rate table. ---
"$R" limit reset rate
"$R" limit show rate > "$tmp/rate0"
grep -q '^rate ipv4 /32 rate 0.2 burst 16$' "$tmp/rate0" &&
grep -q '^rate ipv6 /56 rate 0.2 burst 16$' "$tmp/rate0" &&
grep -q '^rate ipv6 /48 rate 0.5 burst 80$' "$tmp/rate0" &&
grep -q '^rate global rate max burst ' "$tmp/rate0" &&
	ok rate_defaults || { sed 's/^/# /' "$tmp/rate0"; nok rate_defaults; }
check rate_set_global "$R" limit set rate global rate 100 burst 200
check rate_set_burst_only "$R" limit set rate global burst 300
check rate_set_fraction "$R" limit set rate ipv6 /48 rate 0.25 burst 40
check rate_set_prefix "$R" limit set rate prefix 10.2.0.0/16 rate 1.5 burst 3
"$R" limit show rate > "$tmp/rate1"
grep -q '^rate global rate 100 burst 300$' "$tmp/rate1" &&
grep -q '^rate ipv6 /48 rate 0.25 burst 40$' "$tmp/rate1" &&
grep -q '^rate prefix 10.2.0.0/16 rate 1.5 burst 3$' "$tmp/rate1" &&
	ok rate_after_set || { sed 's/^/# /' "$tmp/rate1"; nok rate_after_set; }
"$R" -j limit show rate > "$tmp/rate.json"
py rate_json '
import json, sys
a = json.load(open(sys.argv[1]))
g = [r for r in a if r.get("global")]
assert len(g) == 1 and g[0]["rate"] == 100 and g[0]["burst"] == 300, g
p = [r for r in a if r.get("prefix") == "10.2.0.0/16"]
assert len(p) == 1 and p[0]["rate"] == 1.5 and p[0]["burst"] == 3, p
' "$tmp/rate.json"
refused rate_new_rule_needs_both 255 'needs both' "$R" limit set rate ipv4 /24 rate 1
refused rate_four_decimals 255 'three decimals' "$R" limit set rate ipv4 /24 rate 0.0001 burst 1
check rate_delete_prefix "$R" limit delete rate prefix 10.2.0.0/16
check rate_reset "$R" limit reset rate
"$R" limit show rate > "$tmp/rate2"
cmp -s "$tmp/rate0" "$tmp/rate2" && ok rate_reset_to_defaults ||
	nok rate_reset_to_defaults

# --- Limit files: the Allowlisted keys are classes now. ---
"$R" limit reset
cat > "$tmp/al.json" <<EOF
{
  "System": {"ConnsInbound": 40},
  "AllowlistedSystem": {"ConnsInbound": 7, "Memory": "1048576"},
  "AllowlistedTransient": {"ConnsInbound": "unlimited", "FD": "blockAll"}
}
EOF
check limitfile_load_allowlisted "$R" limit load "$tmp/al.json"
"$R" -j limit show allowlisted-system > "$tmp/als.json"
"$R" -j limit show allowlisted-transient > "$tmp/alt.json"
py limitfile_allowlisted_loaded '
import json, sys
s, t = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert s[0]["class"] == "allowlisted-system", s
assert s[0]["values"]["conns_inbound"] == 7, s
assert s[0]["values"]["memory"] == 1048576, s
assert t[0]["values"]["conns_inbound"] == (1 << 63) - 1, t
assert t[0]["values"]["fd"] == 0, t
' "$tmp/als.json" "$tmp/alt.json"
"$R" limit dump > "$tmp/d1.json"
py limitfile_dump_has_allowlisted '
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d)[:4] == ["System", "Transient", "AllowlistedSystem",
                       "AllowlistedTransient"], list(d)
assert d["AllowlistedSystem"]["ConnsInbound"] == 7, d["AllowlistedSystem"]
assert d["AllowlistedTransient"]["FD"] == "blockAll", d["AllowlistedTransient"]
' "$tmp/d1.json"
"$R" limit reset
"$R" limit load "$tmp/d1.json"
"$R" limit dump > "$tmp/d2.json"
cmp -s "$tmp/d1.json" "$tmp/d2.json" && ok limitfile_round_trip ||
	{ diff "$tmp/d1.json" "$tmp/d2.json" | head -n 6 | sed 's/^/# /'; nok limitfile_round_trip; }
"$R" limit reset

# --- Conns with endpoints, through librcmgr. ---
# Outside the allowlisted 10.0.0.0/8 (an entry limits its network alone),
# and with no rate limit in the way, but where a test asks for one.
"$R" limit reset subnet
"$R" limit set subnet ipv4 /32 conns 2
"$R" limit set rate prefix 172.16.0.0/12 rate max burst 0
"$R" -j monitor stats > "$tmp/st1.json"
set -- $("$EP" /ip4/172.16.9.9/tcp/4001 3)
if [ "$3" = 2 ] && [ "$4" = 1 ] && [ "$5" = 122 ]; then	# EDQUOT
	ok subnet_refuses_the_third
else
	echo "# got: $*"
	nok subnet_refuses_the_third
fi
"$R" -j monitor stats > "$tmp/st2.json"
py subnet_refusal_counted '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert b["subnet_refusals"] - a["subnet_refusals"] == 1, (a, b)
assert b["refusals"] - a["refusals"] == 1, (a, b)
' "$tmp/st1.json" "$tmp/st2.json"
# The monitor joins at some point: refuse until it has seen one of ours.
"$R" monitor > "$tmp/mon.txt" 2>&1 &
mon=$!
pids="$pids $mon"
for try in $(seq 1 100); do
	set -- $("$EP" /ip4/172.16.9.9/tcp/4001 3)
	refuser=$2
	grep -q " pid $refuser " "$tmp/mon.txt" && break
	sleep 0.1
done
if grep -q "^refused conn-limit 172.16.9.9/32 resource subnet_conns conns 2 pid $refuser comm rcmgr_endpoints uid 0 dropped [0-9]*$" "$tmp/mon.txt"; then
	ok monitor_names_the_subnet
else
	sed 's/^/# /' "$tmp/mon.txt" | tail -n 3
	nok monitor_names_the_subnet
fi
# The rate table: a bucket of two refuses the third new conn, for good.
"$R" limit set rate ipv4 /24 rate 0.001 burst 2
"$R" -j monitor stats > "$tmp/st3.json"
set -- $("$EP" /ip4/192.0.2.1/tcp/1 3)
if [ "$3" = 2 ] && [ "$4" = 1 ] && [ "$5" = 122 ]; then
	ok rate_refuses_past_the_burst
else
	echo "# got: $*"
	nok rate_refuses_past_the_burst
fi
refuser=$2
"$R" -j monitor stats > "$tmp/st4.json"
py rate_refusal_counted '
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert b["rate_refusals"] - a["rate_refusals"] == 1, (a, b)
' "$tmp/st3.json" "$tmp/st4.json"
for try in $(seq 1 50); do
	grep -q " pid $refuser " "$tmp/mon.txt" && break
	sleep 0.1
done
grep -q "^refused rate-limit 192.0.2.0/24 resource conn_rate rate 0.001 burst 2 pid $refuser " "$tmp/mon.txt" &&
	ok monitor_names_the_bucket ||
	{ grep rate-limit "$tmp/mon.txt" | sed 's/^/# /' | tail -n 2; nok monitor_names_the_bucket; }
kill $mon 2>/dev/null
wait $mon 2>/dev/null
"$R" limit reset rate
# A garbage endpoint: EINVAL, the component named, nothing counted.
"$EP" /ip4/172.16.9.9/tcp/70000 1 > "$tmp/ep"
if grep -q '^opened [0-9]* 0 1 22$' "$tmp/ep" &&
   grep -q '^message multiaddr: /tcp/70000: not a port' "$tmp/ep"; then
	ok garbage_endpoint_refused
else
	sed 's/^/# /' "$tmp/ep"
	nok garbage_endpoint_refused
fi
"$R" limit reset subnet

# An allowlisted network gets in past a full transient scope; others not.
"$R" limit set transient conns_inbound 1
"$EP" /ip4/172.17.1.1/tcp/1 3 > "$tmp/ep"
grep -q '^opened [0-9]* 1 2 122$' "$tmp/ep" && ok transient_full_refuses ||
	{ sed 's/^/# /' "$tmp/ep"; nok transient_full_refuses; }
"$EP" -h /ip4/10.7.1.1/tcp/1 3 > "$tmp/hold" &
holder=$!
pids="$pids $holder"
for try in $(seq 1 50); do
	[ -s "$tmp/hold" ] && break
	sleep 0.1
done
# 10.0.0.0/8 is allowlisted (above).
grep -q '^opened [0-9]* 3 0 0$' "$tmp/hold" && ok allowlisted_get_in ||
	{ sed 's/^/# /' "$tmp/hold"; nok allowlisted_get_in; }
"$R" -j scope list conn > "$tmp/conns.json"
"$R" -j scope list allowlisted-transient > "$tmp/alt.json"
py allowlisted_shown '
import json, sys
c = json.load(open(sys.argv[1]))
t = json.load(open(sys.argv[2]))
al = [x for x in c if x["allowlisted"]]
assert len(c) == 3 and len(al) == 2, c
assert all(x["endpoint"] == "/ip4/10.7.1.1/tcp/1" for x in c), c
assert t[0]["kind"] == "allowlisted-transient", t
assert t[0]["usage"]["conns_inbound"] == 2, t
' "$tmp/conns.json" "$tmp/alt.json"
"$R" scope list conn | grep -c ' allowlisted' > "$tmp/cnt"
[ "$(cat "$tmp/cnt")" = 2 ] && ok allowlisted_text_flag || nok allowlisted_text_flag
"$R" scope show > "$tmp/tree"
grep -q '^allowlisted-system' "$tmp/tree" &&
grep -q 'allowlisted-transient' "$tmp/tree" &&
grep -q 'conn [0-9]* inbound allowlisted' "$tmp/tree" &&
	ok tree_shows_allowlisted || { sed 's/^/# /' "$tmp/tree"; nok tree_shows_allowlisted; }
"$R" metrics > "$tmp/prom"
grep -q 'blocked_resources{dir="",scope="allowlistedSystem",resource="connection"}' "$tmp/prom" &&
	ok metrics_allowlisted_labels || nok metrics_allowlisted_labels
kill -9 $holder 2>/dev/null
wait $holder 2>/dev/null

"$R" limit reset
"$R" limit reset subnet
"$R" limit reset rate
"$R" allowlist delete /ip4/10.0.0.0/ipcidr/8

totals
