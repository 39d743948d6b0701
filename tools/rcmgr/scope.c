// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr scope show [ KIND ] [ id ID ] [ name NAME ]
 * rcmgr scope list [ KIND ] [ id ID ] [ name NAME ]
 *
 * "show" without a filter draws the tree (tree.c); "list", a filter or -j
 * print one line (one object) per scope, the form that pastes back.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const kind_words[] = {
	[RCMGR_KIND_SYSTEM] = "system",
	[RCMGR_KIND_TRANSIENT] = "transient",
	[RCMGR_KIND_SERVICE] = "service",
	[RCMGR_KIND_PROTOCOL] = "protocol",
	[RCMGR_KIND_PEER] = "peer",
	[RCMGR_KIND_PROTOCOL_PEER] = "protocol-peer",
	[RCMGR_KIND_SERVICE_PEER] = "service-peer",
	[RCMGR_KIND_CONN] = "conn",
	[RCMGR_KIND_STREAM] = "stream",
	[RCMGR_KIND_SPAN] = "span",
	[RCMGR_KIND_ALLOWLISTED_SYSTEM] = "allowlisted-system",
	[RCMGR_KIND_ALLOWLISTED_TRANSIENT] = "allowlisted-transient",
};

const char *kind_name(enum rcmgr_kind k)
{
	if ((size_t)k < ARRAY_SIZE(kind_words) && kind_words[k])
		return kind_words[k];
	return "unknown";
}

/* Usage, limits, peaks and refusal counts share the resource keywords. */
static void print_values(const char *key, const struct rcmgr_resources *v,
			 bool sparse)
{
	const int64_t *f[] = RES_FIELDS(v);
	bool any = false;
	size_t i;

	if (!json && !sparse)
		fputs("\n   ", stdout);
	out_nest(key);
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		/* A text usage line shows what is held. */
		if (!json && sparse && !*f[i])
			continue;
		out_limit(res_keys[i], *f[i]);
		any = true;
	}
	if (!any)
		out_text(" none");
	out_unnest();
}

static void limit_values(const struct rcmgr_limit *l, struct rcmgr_resources *v)
{
	const int64_t *from[] = RES_FIELDS(l);
	int64_t *to[] = RES_FIELDS(v);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(from); i++)
		*to[i] = *from[i];
}

static bool name_is(const char *p, size_t len, const struct cmd *c)
{
	return p && len == c->scope.name_len && !memcmp(p, c->scope.name, len);
}

static int print_scope(const struct rcmgr_scope_info *i, void *arg)
{
	static const char *const dirs[] = { "unknown", "inbound", "outbound" };
	const struct cmd *c = arg;
	struct rcmgr_resources lim;

	if (c->scope.by_id && i->id != c->scope.id)
		return 0;
	if (c->scope.by_name && !name_is(i->peer, i->peer_len, c) &&
	    !name_is(i->protocol, i->protocol_len, c) &&
	    !name_is(i->service, i->service_len, c))
		return 0;
	out_open();
	out_str("kind", kind_name(i->kind), false);
	out_u64("id", i->id);
	if (i->service)
		out_name("service", i->service, i->service_len);
	if (i->protocol)
		out_name("protocol", i->protocol, i->protocol_len);
	if (i->peer)
		out_name("peer", i->peer, i->peer_len);
	if (i->kind == RCMGR_KIND_CONN || i->kind == RCMGR_KIND_STREAM) {
		out_str("dir", dirs[i->dir <= 2 ? i->dir : 0], true);
		if (i->kind == RCMGR_KIND_CONN) {
			out_flag("usefd", i->usefd);
			out_flag("allowlisted", i->allowlisted);
		}
		if (i->endpoint)
			out_name("endpoint", i->endpoint, strlen(i->endpoint));
		if (i->kind == RCMGR_KIND_CONN && i->usefd)
			out_flag("fd_bound", i->fd_bound);
		if (i->fd_bound) {
			out_u64("sock_ino", i->sock_ino);
			if (i->sock_local)
				out_name("sock_local", i->sock_local,
					 strlen(i->sock_local));
			if (i->sock_remote)
				out_name("sock_remote", i->sock_remote,
					 strlen(i->sock_remote));
		}
	}
	if (i->kind == RCMGR_KIND_SPAN) {
		out_u64("parent", i->parent);
		out_flag("zombie", i->zombie);
	}
	if (i->owner)
		out_u64("owner", i->owner);
	/* One line per scope; limits with -d, peaks and refusals with -s. */
	print_values("usage", &i->usage, true);
	limit_values(&i->limit, &lim);
	if (json || show_details)
		print_values("limit", &lim, false);
	if (json || show_stats) {
		print_values("peak", &i->peak, false);
		print_values("blocked", &i->blocked, false);
	}
	out_close();
	return 0;
}

static int scope_show(struct rcmgr *rm, struct cmd *c)
{
	int ret;

	out_begin_list();
	ret = rcmgr_dump(rm, c->scope.kind, print_scope, c);
	out_end_list();
	return ret < 0 ? kernel_err(rm, ret) : EXIT_OK;
}

static int scope_tree_or_list(struct rcmgr *rm, struct cmd *c)
{
	if (json || c->scope.kind || c->scope.by_id || c->scope.by_name)
		return scope_show(rm, c);
	return scope_tree(rm, c);
}

static int scope_help(struct rcmgr *rm, struct cmd *c)
{
	printf("Usage: rcmgr [ -d ] [ -s ] scope show [ KIND ] [ id ID ] [ name NAME ]\n"
	       "       rcmgr [ -d ] [ -s ] scope list [ KIND ] [ id ID ] [ name NAME ]\n"
	       "       rcmgr scope help\n"
	       "KIND := { system | transient | service | protocol | peer |\n"
	       "          protocol-peer | service-peer | conn | stream | span }\n");
	return EXIT_OK;
}

int scope_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = { "show", "list", "help" };
	static const char *const keys[] = { "id", "name" };
	int i, ret;

	c->run = scope_tree_or_list;
	if (argc) {
		i = pick("command", argv[0], cmds, ARRAY_SIZE(cmds));
		if (i < 0)
			return EXIT_USAGE;
		argc--, argv++;
		if (i == 1)
			c->run = scope_show;	/* list: one line per scope */
		if (i == 2) {
			if (argc)
				return usage_err("\"scope help\" takes no arguments");
			c->run = scope_help;
			c->no_module = true;
			return 0;
		}
	}
	for (; argc; argc--, argv++) {
		/* KIND first, if at all; then keywords, each once. */
		if (!c->scope.kind && !c->scope.by_id && !c->scope.by_name &&
		    match_word(argv[0], keys, ARRAY_SIZE(keys)) < 0) {
			i = pick("scope kind", argv[0], kind_words,
				 ARRAY_SIZE(kind_words));
			if (i < 0)
				return EXIT_USAGE;
			c->scope.kind = i;
			continue;
		}
		i = pick("keyword", argv[0], keys, ARRAY_SIZE(keys));
		if (i < 0)
			return EXIT_USAGE;
		if (argc < 2)
			return usage_err("\"%s\" needs a value", keys[i]);
		if (i == 0) {
			if (c->scope.by_id)
				return usage_err("\"id\" given twice");
			ret = parse_u64("id", argv[1], UINT64_MAX, &c->scope.id);
			if (ret)
				return ret;
			c->scope.by_id = true;
		} else {
			if (c->scope.by_name)
				return usage_err("\"name\" given twice");
			ret = parse_name("name", argv[1], c->scope.name,
					 sizeof(c->scope.name));
			if (ret < 0)
				return EXIT_USAGE;
			c->scope.name_len = ret;
			c->scope.by_name = true;
		}
		argc--, argv++;
	}
	return 0;
}
