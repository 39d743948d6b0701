// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr limit show { subnet | rate | verify }
 * rcmgr limit set subnet RULE conns VALUE
 * rcmgr limit set rate { RULE | global } [ rate RATE ] [ burst COUNT ]
 * rcmgr limit delete { subnet | rate } RULE
 * rcmgr limit reset { subnet | rate }
 *   RULE := { ipv4 | ipv6 } /BITS | prefix ADDRESS/BITS
 *
 * The per-address tables: "subnet" is the conn-limit table (live conns
 * per subnet or network prefix), "rate" the rate-limit table (token
 * buckets on new conns), "verify" the verify-source table the module
 * derives from conn-limit.  The module replaces a table whole, so set and
 * delete read it, change one rule and write it back: an admin doing the
 * same at the same time may lose one change or the other.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "cli.h"

#define RULES_MAX	64

static const char *const table_words[] = {
	[RCMGR_NETLIMIT_CONN] = "subnet",
	[RCMGR_NETLIMIT_RATE] = "rate",
	[RCMGR_NETLIMIT_VERIFY] = "verify",
};

/* The word's table, for limit.c's target words; 0 if none. */
int netlimit_table(const char *word)
{
	size_t i;

	for (i = 1; i < ARRAY_SIZE(table_words); i++)
		if (!strcmp(word, table_words[i]))
			return i;
	return 0;
}

/* "ipv4 /32", "ipv6 48", "prefix 10.0.0.0/8": the arguments taken, or -1. */
static int parse_rule(int argc, char **argv, bool global_ok,
		      struct rcmgr_netrule *r)
{
	static const char *const words[] = { "ipv4", "ipv6", "prefix", "global" };
	char addr[INET6_ADDRSTRLEN];
	const char *slash;
	uint64_t bits;
	int i, max, b;

	memset(r, 0, sizeof(*r));
	if (!argc)
		return usage_err("a rule is needed: { ipv4 | ipv6 } /BITS or prefix ADDRESS/BITS"), -1;
	i = pick("rule", argv[0], words, global_ok ? 4 : 3);
	if (i < 0)
		return -1;
	if (i == 3) {
		r->family = AF_UNSPEC;
		return 1;
	}
	if (argc < 2)
		return usage_err("\"%s\" needs %s", words[i],
				 i == 2 ? "ADDRESS/BITS" : "/BITS"), -1;
	if (i < 2) {
		r->family = i ? AF_INET6 : AF_INET;
		max = i ? 128 : 32;
		if (parse_u64("prefix length", argv[1] + (argv[1][0] == '/'),
			      max, &bits))
			return -1;
		r->prefix_len = bits;
		return 2;
	}
	slash = strchr(argv[1], '/');
	if (!slash || (size_t)(slash - argv[1]) >= sizeof(addr))
		return usage_err("invalid prefix \"%s\": ADDRESS/BITS", argv[1]), -1;
	memcpy(addr, argv[1], slash - argv[1]);
	addr[slash - argv[1]] = '\0';
	if (inet_pton(AF_INET, addr, r->addr) == 1)
		r->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, r->addr) == 1)
		r->family = AF_INET6;
	else
		return usage_err("invalid prefix \"%s\": not an IPv4 or IPv6 address",
				 argv[1]), -1;
	max = r->family == AF_INET ? 32 : 128;
	if (parse_u64("prefix length", slash + 1, max, &bits))
		return -1;
	r->prefix_len = bits;
	for (b = bits; b < max; b++)
		if (r->addr[b / 8] & (0x80 >> (b % 8)))
			return usage_err("invalid prefix \"%s\": bits set past /%d",
					 argv[1], (int)bits), -1;
	r->network = true;
	return 2;
}

static bool same_rule(const struct rcmgr_netrule *a,
		      const struct rcmgr_netrule *b)
{
	return a->family == b->family && a->prefix_len == b->prefix_len &&
	       a->network == b->network &&
	       (!a->network || !memcmp(a->addr, b->addr, sizeof(a->addr)));
}

/* The module's order: prefixes, most specific first; subnets; global. */
static int rule_rank(const struct rcmgr_netrule *r)
{
	if (r->network)
		return 0;
	return r->family == AF_UNSPEC ? 2 : 1;
}

static int rule_cmp(const void *x, const void *y)
{
	const struct rcmgr_netrule *a = x, *b = y;

	if (rule_rank(a) != rule_rank(b))
		return rule_rank(a) - rule_rank(b);
	if (a->network && a->prefix_len != b->prefix_len)
		return b->prefix_len - a->prefix_len;
	if (a->family != b->family)
		return a->family - b->family;
	if (a->prefix_len != b->prefix_len)
		return a->prefix_len - b->prefix_len;
	/* One order for equal lengths, so that a table reads back the same. */
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

struct table {
	struct rcmgr_netrule r[RULES_MAX + 1];
	size_t n;
};

static int collect_fn(const struct rcmgr_netrule *r, void *arg)
{
	struct table *t = arg;

	if (t->n == RULES_MAX)
		return -E2BIG;
	t->r[t->n++] = *r;
	return 0;
}

/* A line that "limit set" takes back. */
static void print_rule(int table, const struct rcmgr_netrule *r)
{
	char addr[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 8];

	out_open();
	out_str("table", table_words[table], false);
	if (r->network) {
		inet_ntop(r->family, r->addr, addr, sizeof(addr));
		snprintf(buf, sizeof(buf), "%s/%u", addr, r->prefix_len);
		out_str("prefix", buf, true);
	} else if (r->family == AF_UNSPEC) {
		out_flag("global", true);
	} else {
		out_text(" ");
		out_str("family", r->family == AF_INET ? "ipv4" : "ipv6", false);
		if (json) {
			out_u64("prefix_len", r->prefix_len);
		} else {
			snprintf(buf, sizeof(buf), " /%u", r->prefix_len);
			out_text(buf);
		}
	}
	if (table == RCMGR_NETLIMIT_CONN) {
		out_limit("conns", r->conns);
	} else {
		out_rate("rate", r->rate);
		out_u64("burst", r->burst);
	}
	if (show_stats || json)
		out_u64("tracked", r->count);
	out_close();
}

static int read_table(struct rcmgr *rm, int table, struct table *t)
{
	int ret;

	t->n = 0;
	ret = rcmgr_netlimit_get(rm, table, collect_fn, t);
	if (ret == -E2BIG) {
		fprintf(stderr, "Error: the module's %s table has more than %d rules.\n",
			table_words[table], RULES_MAX);
		return EXIT_FAIL;
	}
	return ret < 0 ? kernel_err(rm, ret) : 0;
}

static int netlimit_show(struct rcmgr *rm, struct cmd *c)
{
	struct table t;
	size_t i;
	int ret;

	ret = read_table(rm, c->net.table, &t);
	if (ret)
		return ret;
	out_begin_list();
	for (i = 0; i < t.n; i++)
		print_rule(c->net.table, &t.r[i]);
	out_end_list();
	return EXIT_OK;
}

/* Read, change one rule, write back (see the top of the file). */
static int netlimit_change(struct rcmgr *rm, struct cmd *c)
{
	const char *what = table_words[c->net.table];
	struct rcmgr_netrule *r = &c->net.rule;
	struct table t;
	size_t i;
	int ret;

	ret = read_table(rm, c->net.table, &t);
	if (ret)
		return ret;
	for (i = 0; i < t.n; i++)
		if (same_rule(&t.r[i], r))
			break;
	if (c->net.del) {
		if (i == t.n) {
			fprintf(stderr, "Error: the %s table has no such rule; see \"rcmgr limit show %s\".\n",
				what, what);
			return EXIT_FAIL;
		}
		t.r[i] = t.r[--t.n];
	} else if (i == t.n) {
		if (c->net.table == RCMGR_NETLIMIT_RATE &&
		    (c->net.which & 3) != 3) {
			fprintf(stderr, "Error: a new rate rule needs both \"rate\" and \"burst\".\n");
			return EXIT_USAGE;
		}
		if (t.n == RULES_MAX) {
			fprintf(stderr, "Error: the %s table holds at most %d rules.\n",
				what, RULES_MAX);
			return EXIT_FAIL;
		}
		t.r[t.n++] = *r;
	} else {
		if (c->net.which & 1)
			t.r[i].rate = r->rate;
		if (c->net.which & 2)
			t.r[i].burst = r->burst;
		if (c->net.which & 4)
			t.r[i].conns = r->conns;
	}
	qsort(t.r, t.n, sizeof(t.r[0]), rule_cmp);
	ret = rcmgr_netlimit_set(rm, c->net.table, t.r, t.n);
	return ret ? kernel_err(rm, ret) : EXIT_OK;
}

static int netlimit_reset(struct rcmgr *rm, struct cmd *c)
{
	int ret = rcmgr_netlimit_reset(rm, c->net.table);

	return ret ? kernel_err(rm, ret) : EXIT_OK;
}

static int parse_settings(int argc, char **argv, struct cmd *c)
{
	static const char *const conn_kw[] = { "conns" };
	static const char *const rate_kw[] = { "rate", "burst" };
	bool rate = c->net.table == RCMGR_NETLIMIT_RATE;
	struct rcmgr_netrule *r = &c->net.rule;
	uint64_t burst;
	int i, bit;

	if (!argc)
		return usage_err(rate ? "nothing to set; give \"rate RATE\" and \"burst COUNT\"" :
				 "nothing to set; give \"conns VALUE\"");
	for (; argc; argc -= 2, argv += 2) {
		i = rate ? pick("setting", argv[0], rate_kw, 2) :
			   pick("setting", argv[0], conn_kw, 1);
		if (i < 0)
			return EXIT_USAGE;
		bit = rate ? 1 << i : 4;
		if (argc < 2)
			return usage_err("\"%s\" needs a value", argv[0]);
		if (c->net.which & bit)
			return usage_err("\"%s\" given twice", argv[0]);
		c->net.which |= bit;
		if (!rate) {
			if (parse_limit("conns", argv[1], false, &r->conns))
				return EXIT_USAGE;
		} else if (!i) {
			if (parse_rate("rate", argv[1], &r->rate))
				return EXIT_USAGE;
		} else {
			if (parse_u64("burst", argv[1], INT64_MAX, &burst))
				return EXIT_USAGE;
			r->burst = burst;
		}
	}
	return 0;
}

/*
 * "limit CMD TABLE ...", argv at TABLE.  @cmd: 0 show, 2 set, 3 delete,
 * 4 reset, as limit_parse() numbers them.
 */
int netlimit_parse(int cmd, int table, int argc, char **argv, struct cmd *c)
{
	const char *what = table_words[table];
	int n;

	c->net.table = table;
	argc--, argv++;
	switch (cmd) {
	case 0:
		c->run = netlimit_show;
		if (argc)
			return usage_err("\"limit show %s\" takes no arguments", what);
		return 0;
	case 4:
		c->run = netlimit_reset;
		if (table == RCMGR_NETLIMIT_VERIFY)
			return usage_err("the verify table follows the subnet table; reset that");
		if (argc)
			return usage_err("\"limit reset %s\" takes no arguments", what);
		return 0;
	}
	if (table == RCMGR_NETLIMIT_VERIFY)
		return usage_err("the verify table is read only: it follows the subnet table");
	c->run = netlimit_change;
	n = parse_rule(argc, argv, table == RCMGR_NETLIMIT_RATE, &c->net.rule);
	if (n < 0)
		return EXIT_USAGE;
	if (cmd == 3) {
		c->net.del = true;
		if (argc > n)
			return usage_err("too many arguments to \"limit delete %s\"", what);
		return 0;
	}
	return parse_settings(argc - n, argv + n, c);
}
