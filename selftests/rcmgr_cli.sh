#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The rcmgr tool as a script sees it: every class of bad input is a usage
# error (exit 255, its message, nothing sent to the module), numbers and
# sizes are read strictly, "limit set" changes only what it is given, -n
# runs in another namespace, a write error is exit 2, a kernel refusal
# exit 1, JSON stays valid (checked by Python's parser) for names that are
# not UTF-8 and text output escapes control characters, and rcmgr(8)
# documents exactly the words "rcmgr help" prints.
#   RCMGR: the tool (default: rcmgr)   RCMGR_MAN: its man page
# Busybox sh compatible.

# Run in a namespace of our own: nothing of the host's is touched.
if [ -z "$RCMGR_CLI_INNER" ]; then
	RCMGR_CLI_INNER=1 exec unshare -n "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
R=${RCMGR:-rcmgr}
MAN=${RCMGR_MAN:-$here/rcmgr.8}
NAMER=${RCMGR_NAMER:-$here/rcmgr_namer}
tmp=$(mktemp -d)
pids=""
. "$here/rcmgr_tap.sh"

# expect NAME CODE PATTERN ARGS...: the tool with ARGS exits CODE, with
# PATTERN on stderr.
expect() {
	name=$1 code=$2 pat=$3
	shift 3
	refused "$name" "$code" "$pat" "$R" "$@"
}

# jcheck NAME PYTHON-EXPR ARGS...: run the tool with ARGS, parse its
# output as JSON (strict UTF-8) into d, then assert PYTHON-EXPR.
jcheck() {
	name=$1 expr=$2
	shift 2
	"$R" "$@" > "$tmp/json"
	if python3 -c "import json, sys
d = json.loads(open(sys.argv[1], 'rb').read().decode('utf-8', 'strict'))
assert $expr, d" "$tmp/json" 2> "$tmp/py"; then
		ok "$name"
	else
		echo "# $R $*: $(tail -n 1 "$tmp/py" | head -c 300)"
		nok "$name"
	fi
}

echo "TAP version 13"
ip link set lo up 2>/dev/null
# The system's limits as the test finds them (autoscaled: they follow RAM).
"$R" -j limit show system > "$tmp/system.json"

# --- Usage errors: exit 255, a message, before the module is reached. ---
e=255
expect no_object $e "Usage:"
expect unknown_option $e 'option "-x" is unknown' -x scope
expect option_needs_value $e '"-netns" needs' -n
expect unknown_object $e 'object "frob" is unknown' frob
expect ambiguous_command $e '"s" is ambiguous' limit s
expect ambiguous_kind $e '"p" is ambiguous' scope show p
expect unknown_kind $e 'scope kind "x" is unknown' scope show x
expect unknown_class $e 'class "x" is unknown' limit set x fd 1
expect unknown_limit $e 'limit "x" is unknown' limit set system x 1
expect ambiguous_limit $e '"conns_" is ambiguous' limit set system conns_ 1
expect needs_value $e '"fd" needs a value' limit set system fd
expect nothing_to_set $e 'nothing to set' limit set system
expect given_twice $e '"fd" given twice' limit set system fd 1 fd 2
expect num_empty $e 'invalid fd "": empty' limit set system fd ""
expect num_garbage $e 'invalid fd "12x": not a decimal' limit set system fd 12x
expect num_blank $e 'invalid fd ".*1": not a decimal' limit set system fd " 1"
expect num_negative $e 'invalid fd "-1": negative' limit set system fd -1
expect num_hex $e 'invalid fd "0x10": not a decimal' limit set system fd 0x10
expect num_overflow $e 'out of range' limit set system fd 18446744073709551616
expect num_past_s64 $e 'out of range' limit set system fd 9223372036854775808
expect size_on_count $e 'invalid fd "1K"' limit set system fd 1K
expect size_bad_suffix $e 'unknown size suffix' limit set system memory 1KB
expect size_overflow $e 'out of range' limit set system memory 9999999999G
expect u32_range $e 'at most 4294967295' config set max_handles 4294967296
expect u32_zero $e 'at least 1' config set max_handles 0
expect unknown_bound $e 'bound "x" is unknown' config set x 1
expect nameless_class $e 'have no names' limit set system name a fd 1
expect name_empty $e 'empty name' limit set peer name "" fd 1
expect name_bad_escape $e 'backslash' limit set peer name 'a\q' fd 1
expect name_nul $e 'NUL' limit set peer name 'a\x00' fd 1
expect delete_needs_name $e 'name NAME' limit delete peer
expect too_many $e 'too many' limit show peer name a extra
expect reset_no_args $e 'takes no arguments' limit reset now
expect scope_id_number $e 'invalid id' scope show id 1a
# A usage error even where the namespace could not be entered: checked first.
expect usage_before_netns $e 'not a decimal' -n /nonexistent limit set system fd x

# Nothing was half-applied by the errors above.
jcheck unchanged_after_errors "d == json.load(open('$tmp/system.json'))" -j limit show system

# --- Other failures. ---
expect netns_missing 1 'cannot enter network namespace' -n /nonexistent scope show
long=$(printf '%0300d' 0)
expect kernel_refusal 1 '^Error: ' limit set peer name "$long" fd 1
if "$R" scope show > /dev/full 2> "$tmp/err"; then
	nok write_error_text
else
	[ $? -eq 2 ] && grep -q 'cannot write' "$tmp/err" && ok write_error_text ||
		nok write_error_text
fi
"$R" -j limit show > /dev/full 2> /dev/null
[ $? -eq 2 ] && ok write_error_json || nok write_error_json

# --- Numbers and sizes that are accepted, and only given fields sent. ---
"$R" limit set system fd 010 memory 8K conns max
jcheck numbers_and_sizes "d[0]['values']['fd'] == 10 and d[0]['values']['memory'] == 8192 and \
	 d[0]['values']['conns'] == (1 << 63) - 1 and \
	 d[0]['values']['streams'] == json.load(open('$tmp/system.json'))[0]['values']['streams']" \
	-j limit show system
"$R" limit set system memory 1MiB
jcheck set_only_given "d[0]['values']['memory'] == 1 << 20 and d[0]['values']['fd'] == 10" -j limit show system
"$R" l se system mem 2GiB
jcheck unique_prefixes "d[0]['values']['memory'] == 2 << 30" -j limit show system
"$R" limit reset

# config set: only the bounds given.
mh=$("$R" -j config show | python3 -c 'import json, sys; print(json.load(sys.stdin)["max_handles"])')
"$R" config set max_user_binds 7
jcheck config_set_only_given \
	"d['max_user_binds'] == 7 and d['max_handles'] == $mh and d['user_binds'] == 0" \
	-j config show

# One type per key: every value of every nest is a number.
jcheck one_type_per_key "all(type(v) is int for k in ('usage', 'limit', 'peak', 'blocked') \
	     for v in d[0][k].values())" -j scope show system

# --- -n NETNS: a namespace held by a process, by path. ---
mkfifo "$tmp/ns.pid"
unshare -n sh -c 'echo $$ > '"$tmp/ns.pid"'; exec tail -f /dev/null' &
pids="$pids $!"
read -r nspid < "$tmp/ns.pid"
"$R" -netns "/proc/$nspid/ns/net" limit set system fd 3
jcheck netns_there "d[0]['values']['fd'] == 3" -n "/proc/$nspid/ns/net" -j limit show system
jcheck netns_not_here "d == json.load(open('$tmp/system.json'))" -j limit show system

# --- Names that are not text. ---
# A peer and protocol of bytes: 0xff, 0x01, a quote, a backslash, a space,
# a valid e-acute.  Escaped: \xff\x01a"b\\c d<e-acute> (text: \x20).
weird=$(printf 'a\377\001"b\\c d\303\251')
mkfifo "$tmp/namer"
"$NAMER" "$weird" > "$tmp/namer" &
pids="$pids $!"
line=
read -r line < "$tmp/namer"
if [ "$line" != ready ]; then
	nok namer_ready
else
	jcheck json_non_utf8 "[s['peer'] for s in d] == ['a\\\\xff\\\\x01\"b\\\\\\\\c d\u00e9']" -j scope show peer
	jcheck json_non_utf8_protocol "[s['protocol'] for s in d] == ['a\\\\xff\\\\x01\"b\\\\\\\\c d\u00e9']" -j scope show stream
	jcheck json_pretty_valid "len(d) >= 4" -j -p scope show
	"$R" scope show peer > "$tmp/text"
	if python3 -c "import sys
b = open('$tmp/text', 'rb').read()
assert not any(c < 0x20 and c != 0x0a or c == 0x7f for c in b), b
assert b'peer a\\\\xff\\\\x01\"b\\\\\\\\c\\\\x20d\xc3\xa9 ' in b, b"; then
		ok text_escaped
	else
		nok text_escaped
	fi
	# Pasted back: the printed name finds the scope, and sets its limits.
	esc=$(sed -n 's/.* peer \([^ ]*\) .*/\1/p' "$tmp/text")
	jcheck name_filter "sorted(set(s['kind'] for s in d)) in \
		(['peer', 'protocol', 'stream'], ['peer', 'protocol', 'protocol-peer', 'stream'])" -j scope show name "$esc"
	"$R" limit set peer name "$esc" streams 5
	jcheck name_pasted_back "[(s['name'], s['values']['streams']) for s in d if 'name' in s] == \
		 [('a\\\\xff\\\\x01\"b\\\\\\\\c d\u00e9', 5)]" -j limit show peer
	"$R" limit delete peer name "$esc" 2> "$tmp/err"
	ret=$?
	if grep -q 'cannot delete' "$tmp/err"; then
		skip limit_delete_one "the module has no limit-del op"
	else
		jcheck limit_delete_one "[s for s in d if 'name' in s] == [] and $ret == 0" -j limit show peer
	fi
fi
"$R" limit reset

# --- scope show filters: kind, id, name. ---
jcheck filter_kind "[s['kind'] for s in d] == ['system']" -j scope show system
id=$("$R" -j scope show stream | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])')
jcheck filter_id "[s['id'] for s in d] == [$id]" -j scope show id "$id"
jcheck filter_kind_and_id "d == []" -j scope show conn id "$id"

# --- rcmgr(8) documents what "rcmgr help" prints, word for word. ---
{ "$R" help; for o in scope limit allowlist config monitor; do "$R" "$o" help; done; } \
	> "$tmp/help"
if python3 - "$tmp/help" "$MAN" <<'EOF'
import re, sys
words = re.compile(r'(?<![A-Za-z])-?[a-z][a-z_-]*')
helptext = open(sys.argv[1]).read()
man = open(sys.argv[2]).read()
syn = man.split('.SH SYNOPSIS', 1)[1].split('.SH ', 1)[0]
syn = re.sub(r'\\f[BIRP]', '', syn).replace('\\-', '-')
syn = re.sub(r'^\.[A-Za-z]+ ?', '', syn, flags=re.M)
h, m = set(words.findall(helptext)), set(words.findall(syn))
assert h == m, ('only in help: %s; only in rcmgr.8: %s'
                % (sorted(h - m), sorted(m - h)))
EOF
then
	ok man_matches_help
else
	nok man_matches_help
fi

totals
