#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo, run where rcmgr.ko is loaded (in the VM, or on a host): two
# libp2p-like nodes share one kernel budget over real TCP.  It leaves the
# host as it found it: the system limit it lowers is put back, its nodes
# are killed, and its fifos live in a directory of its own, removed at exit.
set -e
run() { echo "\$ $*"; "$@"; }

dir=$(mktemp -d "${TMPDIR:-/tmp}/rcmgr-demo.XXXXXX")
cd "$dir"
# The limit as it was ("limit show" prints the keywords "limit set" takes).
was=$(rcmgr limit show system | sed -n 's/.* conns_inbound \([^ ]*\).*/\1/p')
cleanup() {
	# shellcheck disable=SC2086,SC2154 # set by eval in node(), maybe empty
	kill -9 ${pid_a:-} ${pid_b:-} ${pid_c:-} 2>/dev/null || true
	if [ -n "$was" ] && rcmgr limit set system conns_inbound "$was"; then
		echo "(the system's conns_inbound limit is $was again)"
	fi
	cd /
	rm -rf "$dir"
}
trap cleanup EXIT

# Start a node; return once it printed "ready" (no sleeping).
node() {
	name=$1; shift
	mkfifo "$name.fifo"
	rcmgr-demo-node "$@" > "$name.fifo" &
	eval "pid_$name=\$!"
	while read -r line < "$name.fifo" || true; do
		echo "  $line"
		case "$line" in *": ready") break ;; esac
	done < "$name.fifo"
}

echo "== The host's budget: 2 inbound connections at most"
run rcmgr limit set system conns_inbound 2
echo
echo "== Node A accepts 3 connections; node B dials 2, node C 1"
mkfifo a.fifo
rcmgr-demo-node listen 4001 12D3KooWNodeA 3 > a.fifo &
pid_a=$!
exec 3< a.fifo
read -r line <&3 && echo "  $line"
node b dial 4001 12D3KooWNodeB 12D3KooWNodeA 2
node c dial 4001 12D3KooWNodeC 12D3KooWNodeA 1
while read -r line <&3; do
	echo "  $line"
	case "$line" in *": ready") break ;; esac
done
echo
echo "== The tree: every conn's fd bound to its real socket"
run rcmgr scope show
echo
echo "== kill -9 node A: no cleanup code runs; its sockets die, so do its scopes"
kill -9 "$pid_a"
wait "$pid_a" 2>/dev/null || true
run rcmgr scope show
echo
run rcmgr -j scope show transient
kill -9 "$pid_b" "$pid_c"
wait "$pid_b" "$pid_c" 2>/dev/null || true
pid_a='' pid_b='' pid_c=''
