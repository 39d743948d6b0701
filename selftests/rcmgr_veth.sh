#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Two network namespaces joined by a veth pair, real TCP between them: node
# B listens in its namespace, node A dials from another.  Each namespace
# accounts only its own side (A: outbound conns bound to sockets talking to
# B's address; B: inbound ones), limits in one do not reach the other, and
# killing a node empties only its namespace's scopes.
#   IP: an iproute2 ip able to make veth pairs (default: ip.iproute2 or ip)

# Run in a namespace of our own: nothing of the host's is touched.
if [ -z "$RCMGR_VETH_INNER" ]; then
	RCMGR_VETH_INNER=1 exec unshare -n "$0" "$@"
fi
IP=${IP:-$(command -v ip.iproute2 || echo ip)}
tmp=$(mktemp -d)
n=0 pass=0 fail=0 pids=""

ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else nok "$name"; fi; }
cleanup() {
	[ -n "$pids" ] && kill -9 $pids 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..7"

# Namespace B, held by a process that reports its pid.
mkfifo "$tmp/b.pid"
unshare -n sh -c 'echo $$ > '"$tmp/b.pid"'; exec tail -f /dev/null' &
pids="$pids $!"
read -r bpid < "$tmp/b.pid"
inb() { nsenter -t "$bpid" -n "$@"; }

if ! $IP link add va type veth peer name vb netns "$bpid" 2>"$tmp/err"; then
	echo "# $(cat "$tmp/err")"
	echo "1..0 # SKIP cannot make a veth pair"
	echo "# Totals: pass:0 fail:0 xfail:0 xpass:0 skip:1 error:0"
	exit 4
fi
$IP link set lo up
$IP addr add 10.99.0.1/24 dev va
$IP link set va up
inb $IP link set lo up
inb $IP addr add 10.99.0.2/24 dev vb
inb $IP link set vb up

mkfifo "$tmp/b" "$tmp/a"
# Not through inb(): $! must be the node itself (nsenter execs it).
nsenter -t "$bpid" -n rcmgr-demo-node listen 10.99.0.2:4001 12D3KooWNodeB 2 > "$tmp/b" &
pid_b=$!
pids="$pids $pid_b"
exec 4< "$tmp/b"
read -r line <&4 && echo "# $line"
rcmgr-demo-node dial 10.99.0.2:4001 12D3KooWNodeA 12D3KooWNodeB 2 > "$tmp/a" &
pid_a=$!
pids="$pids $pid_a"
exec 5< "$tmp/a"
for fd in 5 4; do
	while read -r line <&$fd; do
		echo "# $line"
		case "$line" in *": ready") break ;; esac
	done
done

count() { grep -o "$1" | wc -l; }
a_conns=$(rcmgr -j scope show conn)
b_conns=$(inb rcmgr -j scope show conn)
echo "# A: $a_conns" | cut -c1-300
check a_dialled_over_veth \
	[ "$(echo "$a_conns" | count '"sock_remote":"10.99.0.2:4001"')" -eq 2 -a \
	  "$(echo "$a_conns" | count '"dir":"outbound"')" -eq 2 -a \
	  "$(echo "$a_conns" | count '"dir":"inbound"')" -eq 0 ]
check b_accepted_over_veth \
	[ "$(echo "$b_conns" | count '"sock_local":"10.99.0.2:4001"')" -eq 2 -a \
	  "$(echo "$b_conns" | count '"fd_bound":true')" -eq 2 -a \
	  "$(echo "$b_conns" | count '"dir":"outbound"')" -eq 0 ]
check b_peer_is_a [ "$(inb rcmgr -j scope show peer | count '"peer":"12D3KooWNodeA"')" -eq 1 ]

rcmgr limit set system conns_outbound 0
check limits_stay_apart [ "$(inb rcmgr -j limit show system | count '"conns_outbound":0,')" -eq 0 -a \
			   "$(rcmgr -j limit show system | count '"conns_outbound":0,')" -eq 1 ]
rcmgr limit reset

kill -9 "$pid_b"
wait "$pid_b" 2>/dev/null
check b_killed_b_empty [ "$(inb rcmgr -j scope show conn)" = "[]" ]
check b_killed_a_untouched [ "$(rcmgr -j scope show conn | count '"fd_bound":true')" -eq 2 ]
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null
check a_killed_a_empty [ "$(rcmgr -j scope show conn)" = "[]" ]

echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
[ "$fail" -eq 0 ]
