// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr limit show [ CLASS [ name NAME ] ]
 * rcmgr limit set CLASS [ name NAME ] LIMIT VALUE [ LIMIT VALUE ]...
 * rcmgr limit delete CLASS name NAME
 * rcmgr limit reset
 * rcmgr limit load FILE, rcmgr limit dump: see limitfile.c
 * rcmgr limit { show | set | delete | reset } { subnet | rate | verify }:
 *   see netlimit.c
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *const res_keys[8] = {
	"memory", "streams_inbound", "streams_outbound", "streams",
	"conns_inbound", "conns_outbound", "conns", "fd",
};

static const char *const class_words[] = {
	[RCMGR_LIMIT_SYSTEM] = "system",
	[RCMGR_LIMIT_TRANSIENT] = "transient",
	[RCMGR_LIMIT_SERVICE] = "service",
	[RCMGR_LIMIT_SERVICE_PEER] = "service-peer",
	[RCMGR_LIMIT_PROTOCOL] = "protocol",
	[RCMGR_LIMIT_PROTOCOL_PEER] = "protocol-peer",
	[RCMGR_LIMIT_PEER] = "peer",
	[RCMGR_LIMIT_CONN] = "conn",
	[RCMGR_LIMIT_STREAM] = "stream",
	[RCMGR_LIMIT_ALLOWLISTED_SYSTEM] = "allowlisted-system",
	[RCMGR_LIMIT_ALLOWLISTED_TRANSIENT] = "allowlisted-transient",
	/* Then the per-address tables (netlimit.c): one prefix space. */
	"subnet", "rate", "verify",
};
#define NR_CLASS	(RCMGR_LIMIT_ALLOWLISTED_TRANSIENT + 1)

static bool class_has_names(int c)
{
	return c == RCMGR_LIMIT_SERVICE || c == RCMGR_LIMIT_SERVICE_PEER ||
	       c == RCMGR_LIMIT_PROTOCOL || c == RCMGR_LIMIT_PROTOCOL_PEER ||
	       c == RCMGR_LIMIT_PEER;
}

/* A line that "limit set" takes back: CLASS [ name NAME ] LIMIT VALUE... */
static void print_limit(int c, const char *name, size_t name_len,
			const struct rcmgr_limit *l)
{
	const int64_t *f[] = RES_FIELDS(l);
	size_t i;

	out_open();
	out_str("class", class_words[c], false);
	if (name)
		out_name("name", name, name_len);
	if (json)
		out_nest("values");
	for (i = 0; i < ARRAY_SIZE(f); i++)
		out_limit(res_keys[i], *f[i]);
	if (json)
		out_unnest();
	out_close();
}

static int dump_fn(const struct rcmgr_limit_info *i, void *arg)
{
	const struct cmd *c = arg;

	if ((int)i->limit_class >= NR_CLASS)
		return 0;	/* a newer module's class */
	if (c->limit.class < 0 || (int)i->limit_class == c->limit.class)
		print_limit(i->limit_class, i->name, i->name_len, &i->limit);
	return 0;
}

static int limit_show(struct rcmgr *rm, struct cmd *c)
{
	struct rcmgr_limit l;
	int ret;

	out_begin_list();
	if (c->limit.named) {
		ret = rcmgr_limit_get(rm, c->limit.class, c->limit.name, &l);
		if (!ret)
			print_limit(c->limit.class, c->limit.name,
				    c->limit.name_len, &l);
	} else {
		/* Class defaults, then per-name limits, in one dump. */
		ret = rcmgr_limit_dump(rm, dump_fn, c);
	}
	out_end_list();
	return ret < 0 ? kernel_err(rm, ret) : EXIT_OK;
}

static int limit_set(struct rcmgr *rm, struct cmd *c)
{
	int ret;

	/* Only the values given: the others stay as the kernel has them. */
	ret = rcmgr_limit_update(rm, c->limit.class,
				 c->limit.named ? c->limit.name : NULL,
				 &c->limit.l, c->limit.which);
	return ret ? kernel_err(rm, ret) : EXIT_OK;
}

static int limit_delete(struct rcmgr *rm, struct cmd *c)
{
	int ret = rcmgr_limit_delete(rm, c->limit.class, c->limit.name);

	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "Error: this rcmgr module cannot delete one name's limits; \"limit reset\" drops them all.\n");
		return EXIT_FAIL;
	}
	return ret ? kernel_err(rm, ret) : EXIT_OK;
}

static int limit_reset(struct rcmgr *rm, struct cmd *c)
{
	int ret = rcmgr_limit_reset(rm);

	return ret ? kernel_err(rm, ret) : EXIT_OK;
}

static int limit_help(struct rcmgr *rm, struct cmd *c)
{
	printf("Usage: rcmgr limit show [ CLASS [ name NAME ] ]\n"
	       "       rcmgr limit set CLASS [ name NAME ] LIMIT VALUE [ LIMIT VALUE ]...\n"
	       "       rcmgr limit delete CLASS name NAME\n"
	       "       rcmgr limit reset\n"
	       "       rcmgr limit load FILE\n"
	       "       rcmgr limit dump\n"
	       "       rcmgr limit show { subnet | rate | verify }\n"
	       "       rcmgr limit set subnet RULE conns VALUE\n"
	       "       rcmgr limit set rate { RULE | global } [ rate RATE ] [ burst COUNT ]\n"
	       "       rcmgr limit delete { subnet | rate } { RULE | global }\n"
	       "       rcmgr limit reset { subnet | rate }\n"
	       "       rcmgr limit help\n"
	       "CLASS := { system | transient | service | service-peer | protocol |\n"
	       "           protocol-peer | peer | conn | stream | allowlisted-system |\n"
	       "           allowlisted-transient }\n"
	       "LIMIT := { memory | streams_inbound | streams_outbound | streams |\n"
	       "           conns_inbound | conns_outbound | conns | fd }\n"
	       "VALUE := { NUMBER | SIZE | max }    SIZE (memory): NUMBER{K|M|G|KiB|MiB|GiB}\n"
	       "RULE := { { ipv4 | ipv6 } /BITS | prefix ADDRESS/BITS }\n"
	       "RATE := { NUMBER[.DIGITS] | max }\n");
	return EXIT_OK;
}

/* CLASS [ name NAME ]: the arguments it took, or -1. */
static int parse_target(int argc, char **argv, struct cmd *c, bool need_name)
{
	static const char *const name_kw[] = { "name" };
	int i, ret;

	if (!argc)
		return usage_err("a class is needed; try \"rcmgr limit help\""), -1;
	i = pick("class", argv[0], class_words, NR_CLASS);
	if (i < 0)
		return -1;
	c->limit.class = i;
	if (argc < 2 || match_word(argv[1], name_kw, 1) != 0) {
		if (need_name)
			return usage_err("\"name NAME\" is needed"), -1;
		return 1;
	}
	if (!class_has_names(i))
		return usage_err("limits of class \"%s\" have no names",
				 class_words[i]), -1;
	if (argc < 3)
		return usage_err("\"name\" needs a value"), -1;
	ret = parse_name("name", argv[2], c->limit.name, sizeof(c->limit.name));
	if (ret < 0)
		return -1;
	c->limit.name_len = ret;
	c->limit.named = true;
	return 3;
}

static int parse_values(int argc, char **argv, struct cmd *c)
{
	int64_t *f[] = RES_FIELDS(&c->limit.l);
	int i;

	if (!argc)
		return usage_err("nothing to set; give LIMIT VALUE pairs");
	for (; argc; argc -= 2, argv += 2) {
		i = pick("limit", argv[0], res_keys, ARRAY_SIZE(res_keys));
		if (i < 0)
			return EXIT_USAGE;
		if (argc < 2)
			return usage_err("\"%s\" needs a value", res_keys[i]);
		if (c->limit.which & RCMGR_RESOURCE_BIT(i + 1))
			return usage_err("\"%s\" given twice", res_keys[i]);
		if (parse_limit(res_keys[i], argv[1], i == 0, f[i]))
			return EXIT_USAGE;
		/* res_keys follow enum rcmgr_resource, from 1. */
		c->limit.which |= RCMGR_RESOURCE_BIT(i + 1);
	}
	return 0;
}

int limit_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = {
		"show", "list", "set", "delete", "reset", "help",
		"load", "dump",
	};
	int i = 0, n, t;

	c->limit.class = -1;
	if (argc) {
		i = pick("command", argv[0], cmds, ARRAY_SIZE(cmds));
		if (i < 0)
			return EXIT_USAGE;
		argc--, argv++;
	}
	/* A per-address table instead of a class; reset takes only those. */
	if (argc && i <= 4) {
		t = match_word(argv[0], class_words, ARRAY_SIZE(class_words));
		if (t < 0 && i != 4)
			t = pick("class", argv[0], class_words,
				 ARRAY_SIZE(class_words));
		if (t < 0 && i != 4)
			return EXIT_USAGE;
		if (t >= NR_CLASS)
			return netlimit_parse(i == 1 ? 0 : i,
					      netlimit_table(class_words[t]),
					      argc, argv, c);
	}
	switch (i) {
	case 0:
	case 1:
		c->run = limit_show;
		if (!argc)
			return 0;
		n = parse_target(argc, argv, c, false);
		if (n < 0)
			return EXIT_USAGE;
		if (argc > n)
			return usage_err("too many arguments to \"limit show\"");
		return 0;
	case 2:
		c->run = limit_set;
		n = parse_target(argc, argv, c, false);
		if (n < 0)
			return EXIT_USAGE;
		return parse_values(argc - n, argv + n, c);
	case 3:
		c->run = limit_delete;
		n = parse_target(argc, argv, c, true);
		if (n < 0)
			return EXIT_USAGE;
		if (argc > n)
			return usage_err("too many arguments to \"limit delete\"");
		return 0;
	case 4:
		c->run = limit_reset;
		if (argc)
			return usage_err("\"limit reset\" takes no arguments but a table: subnet or rate");
		return 0;
	case 6:
		if (argc != 1)
			return usage_err("\"limit load\" takes one FILE (\"-\": standard input)");
		return limitfile_cmd(true, argv[0], c);
	case 7:
		if (argc)
			return usage_err("\"limit dump\" takes no arguments");
		return limitfile_cmd(false, NULL, c);
	default:
		c->run = limit_help;
		c->no_module = true;
		if (argc)
			return usage_err("\"limit help\" takes no arguments");
		return 0;
	}
}
