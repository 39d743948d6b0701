// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr: inspect and tune the kernel resource manager.
 *
 *   rcmgr [OPTIONS] OBJECT { COMMAND | help }
 *
 * iproute2 grammar: unique prefixes are accepted, an object without a
 * command shows it, and one print path renders text or JSON (-j, -p).
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rcmgr/rcmgr.h>

static bool json, pretty;

/* The print path: text keywords and JSON keys are the same words. */
static int depth;
static bool need_comma;

static void json_indent(void)
{
	if (pretty) {
		putchar('\n');
		for (int i = 0; i < depth; i++)
			fputs("    ", stdout);
	}
}

static void json_sep(void)
{
	if (need_comma)
		putchar(',');
	json_indent();
	need_comma = false;
}

static void open_obj(const char *key, char c)
{
	if (!json)
		return;
	if (depth)
		json_sep();
	if (key)
		printf("\"%s\":%s", key, pretty ? " " : "");
	putchar(c);
	depth++;
	need_comma = false;
}

static void close_obj(char c)
{
	if (!json)
		return;
	depth--;
	json_indent();
	putchar(c);
	need_comma = true;
	if (!depth)
		putchar('\n');
}

static void json_string(const char *val)
{
	putchar('"');
	for (; *val; val++) {
		if (*val == '"' || *val == '\\')
			printf("\\%c", *val);
		else if ((unsigned char)*val < 0x20)
			printf("\\u%04x", *val);
		else
			putchar(*val);
	}
	putchar('"');
}

static void print_str(const char *key, const char *fmt, const char *val)
{
	if (json) {
		json_sep();
		printf("\"%s\":%s", key, pretty ? " " : "");
		json_string(val);
		need_comma = true;
	} else {
		printf(fmt, val);
	}
}

static void print_limit(const char *key, int64_t v)
{
	if (json) {
		json_sep();
		if (v == RCMGR_LIMIT_UNLIMITED)
			printf("\"%s\":%s\"max\"", key, pretty ? " " : "");
		else
			printf("\"%s\":%s%lld", key, pretty ? " " : "", (long long)v);
		need_comma = true;
	} else if (v == RCMGR_LIMIT_UNLIMITED) {
		printf(" %s max", key);
	} else {
		printf(" %s %lld", key, (long long)v);
	}
}

static void print_u64(const char *key, uint64_t v)
{
	if (json) {
		json_sep();
		printf("\"%s\":%s%llu", key, pretty ? " " : "", (unsigned long long)v);
		need_comma = true;
	} else {
		printf(" %s %llu", key, (unsigned long long)v);
	}
}

static void print_flag(const char *key, bool v)
{
	if (json) {
		json_sep();
		printf("\"%s\":%s%s", key, pretty ? " " : "", v ? "true" : "false");
		need_comma = true;
	} else if (v) {
		printf(" %s", key);
	}
}

static void print_nl(void)
{
	if (!json)
		putchar('\n');
}

static int usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	return 255;
}

static int kernel_err(struct rcmgr *rm, int ret)
{
	const struct rcmgr_error *e = rcmgr_last_error(rm);

	if (e->message[0])
		fprintf(stderr, "Error: %s.\n", e->message);
	else
		fprintf(stderr, "Error: %s.\n", strerror(-ret));
	return 1;
}

static bool matches(const char *arg, const char *word)
{
	size_t n = strlen(arg);

	return n && n <= strlen(word) && !strncmp(arg, word, n);
}

static bool show_stats, show_details;

static const char *const kind_names[] = {
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
};

static const char *kind_name(enum rcmgr_kind k)
{
	if (k < sizeof(kind_names) / sizeof(kind_names[0]) && kind_names[k])
		return kind_names[k];
	return "unknown";
}

/* The resources' keywords, and their fields in either value struct. */
static const char *const res_keys[] = {
	"memory", "streams_inbound", "streams_outbound", "streams",
	"conns_inbound", "conns_outbound", "conns", "fd",
};

#define NR_RES (sizeof(res_keys) / sizeof(res_keys[0]))
#define RES_FIELDS(s) {							\
	&(s)->memory, &(s)->streams_inbound, &(s)->streams_outbound,	\
	&(s)->streams, &(s)->conns_inbound, &(s)->conns_outbound,	\
	&(s)->conns, &(s)->fd,						\
}

/* Keyword-value pairs; in text, @sparse leaves out zeros. */
static bool print_fields(const struct rcmgr_resources *v, bool sparse)
{
	const int64_t *f[NR_RES] = RES_FIELDS(v);
	bool any = false;
	size_t i;

	for (i = 0; i < NR_RES; i++) {
		if (!json && sparse && !*f[i])
			continue;
		print_limit(res_keys[i], *f[i]);
		any = true;
	}
	return any;
}

/*
 * Usage, limits, peaks and refusal counts share these keywords.  In text,
 * @sparse leaves out zeros (a usage line shows what is held).
 */
static void print_values(const char *key, const struct rcmgr_resources *v,
			 bool sparse)
{
	if (!json)
		printf(sparse ? " %s" : "\n    %s", key);
	open_obj(key, '{');
	if (!print_fields(v, sparse) && !json)
		fputs(" none", stdout);
	close_obj('}');
}

static void limit_to_values(const struct rcmgr_limit *l,
			    struct rcmgr_resources *v)
{
	v->memory = l->memory;
	v->streams_inbound = l->streams_inbound;
	v->streams_outbound = l->streams_outbound;
	v->streams = l->streams;
	v->conns_inbound = l->conns_inbound;
	v->conns_outbound = l->conns_outbound;
	v->conns = l->conns;
	v->fd = l->fd;
}

static int print_scope(const struct rcmgr_scope_info *i, void *arg)
{
	static const char *const dirs[] = { "unknown", "inbound", "outbound" };
	struct rcmgr_resources lim;

	(void)arg;
	open_obj(NULL, '{');
	print_str("kind", "%s", kind_name(i->kind));
	print_u64("id", i->id);
	if (i->service)
		print_str("service", " service %s", i->service);
	if (i->protocol)
		print_str("protocol", " protocol %s", i->protocol);
	if (i->peer)
		print_str("peer", " peer %s", i->peer);
	if (i->kind == RCMGR_KIND_CONN || i->kind == RCMGR_KIND_STREAM) {
		print_str("dir", " dir %s", dirs[i->dir <= 2 ? i->dir : 0]);
		if (i->kind == RCMGR_KIND_CONN)
			print_flag("usefd", i->usefd);
		if (i->endpoint)
			print_str("endpoint", " endpoint %s", i->endpoint);
		if (i->kind == RCMGR_KIND_CONN && i->usefd)
			print_flag("fd_bound", i->fd_bound);
		if (i->fd_bound) {
			print_u64("sock_ino", i->sock_ino);
			print_str("sock_local", " sock_local %s", i->sock_local);
			print_str("sock_remote", " sock_remote %s", i->sock_remote);
		}
	}
	if (i->kind == RCMGR_KIND_SPAN) {
		print_u64("parent", i->parent);
		print_flag("zombie", i->zombie);
	}
	if (i->owner)
		print_u64("owner", i->owner);
	/* One line per scope; limits with -d, peaks and refusals with -s. */
	print_values("usage", &i->usage, true);
	limit_to_values(&i->limit, &lim);
	if (json || show_details)
		print_values("limit", &lim, false);
	if (json || show_stats) {
		print_values("peak", &i->peak, false);
		print_values("blocked", &i->blocked, false);
	}
	print_nl();
	close_obj('}');
	return 0;
}

static const struct {
	const char *word;
	enum rcmgr_kind kind;
} kind_words[] = {
	{ "system", RCMGR_KIND_SYSTEM },
	{ "transient", RCMGR_KIND_TRANSIENT },
	{ "service", RCMGR_KIND_SERVICE },
	{ "protocol", RCMGR_KIND_PROTOCOL },
	{ "peer", RCMGR_KIND_PEER },
	{ "protocol-peer", RCMGR_KIND_PROTOCOL_PEER },
	{ "service-peer", RCMGR_KIND_SERVICE_PEER },
	{ "conn", RCMGR_KIND_CONN },
	{ "stream", RCMGR_KIND_STREAM },
	{ "span", RCMGR_KIND_SPAN },
};

static int parse_kind(const char *arg, enum rcmgr_kind *kind)
{
	size_t i;

	/* An exact word first: "peer" is also a prefix of nothing else. */
	for (i = 0; i < sizeof(kind_words) / sizeof(kind_words[0]); i++)
		if (!strcmp(arg, kind_words[i].word))
			goto found;
	for (i = 0; i < sizeof(kind_words) / sizeof(kind_words[0]); i++)
		if (matches(arg, kind_words[i].word))
			goto found;
	return -1;
found:
	*kind = kind_words[i].kind;
	return 0;
}

static int scope_show(struct rcmgr *rm, int argc, char **argv)
{
	enum rcmgr_kind kind = 0;
	int ret;

	if (argc > 1)
		return usage_err("Error: too many arguments to \"scope show\".\n");
	if (argc == 1 && parse_kind(argv[0], &kind))
		return usage_err("Error: unknown scope kind \"%s\"; try \"rcmgr scope help\".\n",
				 argv[0]);
	open_obj(NULL, '[');
	ret = rcmgr_dump(rm, kind, print_scope, NULL);
	close_obj(']');
	return ret ? kernel_err(rm, ret) : 0;
}

static int scope_help(void)
{
	fprintf(stderr,
		"Usage: rcmgr [ -d ] [ -s ] scope show [ KIND ]\n"
		"       rcmgr scope help\n"
		"KIND := { system | transient | service | protocol | peer |\n"
		"          protocol-peer | service-peer | conn | stream | span }\n");
	return 0;
}

static int do_scope(struct rcmgr *rm, int argc, char **argv)
{
	if (argc < 1 || matches(argv[0], "show") || matches(argv[0], "list"))
		return scope_show(rm, argc ? argc - 1 : 0, argv + 1);
	if (matches(argv[0], "help"))
		return scope_help();
	return usage_err("Error: unknown command \"%s\"; try \"rcmgr scope help\".\n",
			 argv[0]);
}

/* Limits. */

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
};

#define NR_CLASSES (sizeof(class_words) / sizeof(class_words[0]))

static int parse_class(const char *arg, enum rcmgr_limit_class *c)
{
	size_t i;

	for (i = 0; i < NR_CLASSES; i++)
		if (!strcmp(arg, class_words[i]))
			goto found;
	for (i = 0; i < NR_CLASSES; i++)
		if (matches(arg, class_words[i]))
			goto found;
	return -1;
found:
	*c = i;
	return 0;
}

static void print_limit_entry(enum rcmgr_limit_class c, const char *name,
			      const struct rcmgr_limit *l)
{
	struct rcmgr_resources v;

	open_obj(NULL, '{');
	print_str("class", "%s", class_words[c]);
	if (name)
		print_str("name", " name %s", name);
	limit_to_values(l, &v);
	if (json) {
		print_values("values", &v, false);
	} else {
		print_fields(&v, false);
	}
	print_nl();
	close_obj('}');
}

static int limit_show(struct rcmgr *rm, int argc, char **argv)
{
	enum rcmgr_limit_class c;
	const char *name = NULL;
	struct rcmgr_limit l;
	size_t i;
	int ret;

	if (argc > 3 || (argc == 3 && !matches(argv[1], "name")) || argc == 2)
		return usage_err("Error: expected \"limit show [ CLASS [ name NAME ] ]\".\n");
	if (argc && parse_class(argv[0], &c))
		return usage_err("Error: unknown class \"%s\"; try \"rcmgr limit help\".\n",
				 argv[0]);
	if (argc == 3)
		name = argv[2];
	open_obj(NULL, '[');
	for (i = 0; i < NR_CLASSES; i++) {
		if (argc && i != c)
			continue;
		ret = rcmgr_limit_get(rm, i, name, &l);
		if (ret) {
			close_obj(']');
			return kernel_err(rm, ret);
		}
		print_limit_entry(i, name, &l);
	}
	close_obj(']');
	return 0;
}

static int parse_value(const char *arg, int64_t *v)
{
	char *end;

	if (!strcmp(arg, "max")) {
		*v = RCMGR_LIMIT_UNLIMITED;
		return 0;
	}
	errno = 0;
	*v = strtoll(arg, &end, 0);
	return errno || *end || *v < 0 ? -1 : 0;
}

static int limit_set(struct rcmgr *rm, int argc, char **argv)
{
	enum rcmgr_limit_class c;
	const char *name = NULL;
	struct rcmgr_limit l;
	int64_t *fields[NR_RES] = RES_FIELDS(&l);
	size_t k;
	int ret;

	if (argc < 1 || parse_class(argv[0], &c))
		return usage_err("Error: expected a class; try \"rcmgr limit help\".\n");
	argc--;
	argv++;
	if (argc >= 2 && !strcmp(argv[0], "name")) {
		name = argv[1];
		argc -= 2;
		argv += 2;
	}
	/* Start from what applies now: unnamed values stay as they are. */
	ret = rcmgr_limit_get(rm, c, name, &l);
	if (ret)
		return kernel_err(rm, ret);
	for (; argc >= 2; argc -= 2, argv += 2) {
		for (k = 0; k < NR_RES; k++)
			if (!strcmp(argv[0], res_keys[k]))
				break;
		if (k == NR_RES)
			return usage_err("Error: unknown limit \"%s\".\n", argv[0]);
		if (parse_value(argv[1], fields[k]))
			return usage_err("Error: \"%s\" is not a limit (a number or \"max\").\n",
					 argv[1]);
	}
	if (argc)
		return usage_err("Error: \"%s\" needs a value.\n", argv[0]);
	ret = rcmgr_limit_set(rm, c, name, &l);
	return ret ? kernel_err(rm, ret) : 0;
}

static int limit_help(void)
{
	fprintf(stderr,
		"Usage: rcmgr limit show [ CLASS [ name NAME ] ]\n"
		"       rcmgr limit set CLASS [ name NAME ] [ LIMIT VALUE ]...\n"
		"       rcmgr limit reset\n"
		"CLASS := { system | transient | service | service-peer | protocol |\n"
		"           protocol-peer | peer | conn | stream }\n"
		"LIMIT := { memory | streams_inbound | streams_outbound | streams |\n"
		"           conns_inbound | conns_outbound | conns | fd }\n"
		"VALUE := { NUMBER | max }\n");
	return 0;
}

static int do_limit(struct rcmgr *rm, int argc, char **argv)
{
	int ret;

	if (argc < 1 || matches(argv[0], "show") || matches(argv[0], "list"))
		return limit_show(rm, argc ? argc - 1 : 0, argv + 1);
	if (matches(argv[0], "set"))
		return limit_set(rm, argc - 1, argv + 1);
	if (matches(argv[0], "reset")) {
		ret = rcmgr_limit_reset(rm);
		return ret ? kernel_err(rm, ret) : 0;
	}
	if (matches(argv[0], "help"))
		return limit_help();
	return usage_err("Error: unknown command \"%s\"; try \"rcmgr limit help\".\n",
			 argv[0]);
}

/* Bounds. */

static int config_show(struct rcmgr *rm)
{
	struct rcmgr_config c;
	int ret;

	ret = rcmgr_config_get(rm, &c);
	if (ret)
		return kernel_err(rm, ret);
	open_obj(NULL, '{');
	if (!json)
		fputs("config", stdout);
	print_u64("max_handles", c.max_handles);
	print_u64("max_owner_handles", c.max_owner_handles);
	print_u64("max_scopes", c.max_scopes);
	print_u64("handles", c.handles);
	print_u64("scopes", c.scopes);
	print_nl();
	close_obj('}');
	return 0;
}

static int config_set(struct rcmgr *rm, int argc, char **argv)
{
	struct rcmgr_config c;
	uint32_t *v;
	char *end;
	int ret;

	ret = rcmgr_config_get(rm, &c);
	if (ret)
		return kernel_err(rm, ret);
	for (; argc >= 2; argc -= 2, argv += 2) {
		if (!strcmp(argv[0], "max_handles"))
			v = &c.max_handles;
		else if (!strcmp(argv[0], "max_owner_handles"))
			v = &c.max_owner_handles;
		else if (!strcmp(argv[0], "max_scopes"))
			v = &c.max_scopes;
		else
			return usage_err("Error: unknown bound \"%s\".\n", argv[0]);
		errno = 0;
		*v = strtoul(argv[1], &end, 0);
		if (errno || *end)
			return usage_err("Error: \"%s\" is not a number.\n", argv[1]);
	}
	if (argc)
		return usage_err("Error: \"%s\" needs a value.\n", argv[0]);
	ret = rcmgr_config_set(rm, &c);
	return ret ? kernel_err(rm, ret) : 0;
}

static int do_config(struct rcmgr *rm, int argc, char **argv)
{
	if (argc < 1 || matches(argv[0], "show"))
		return config_show(rm);
	if (matches(argv[0], "set"))
		return config_set(rm, argc - 1, argv + 1);
	if (matches(argv[0], "help")) {
		fprintf(stderr,
			"Usage: rcmgr config show\n"
			"       rcmgr config set [ BOUND NUMBER ]...\n"
			"BOUND := { max_handles | max_owner_handles | max_scopes }\n");
		return 0;
	}
	return usage_err("Error: unknown command \"%s\"; try \"rcmgr config help\".\n",
			 argv[0]);
}

/* Events, until interrupted: one line each, flushed at once. */
static int do_monitor(int argc, char **argv)
{
	struct rcmgr_monitor *mon;
	struct rcmgr_event ev;
	int ret;

	if (argc && matches(argv[0], "help")) {
		fprintf(stderr, "Usage: rcmgr monitor\n");
		return 0;
	}
	ret = rcmgr_monitor_open(&mon);
	if (ret) {
		fprintf(stderr, "Error: cannot join the rcmgr events group: %s.\n",
			strerror(-ret));
		return 1;
	}
	while (!(ret = rcmgr_monitor_read(mon, &ev))) {
		open_obj(NULL, '{');
		print_str("event", "%s", "closed");
		print_str("kind", " %s", kind_name(ev.kind));
		print_u64("id", ev.id);
		print_u64("owner", ev.owner);
		print_nl();
		close_obj('}');
		fflush(stdout);
	}
	rcmgr_monitor_close(mon);
	fprintf(stderr, "Error: %s.\n", strerror(-ret));
	return 1;
}

static int help(int ret)
{
	fprintf(stderr,
		"Usage: rcmgr [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"OBJECT := { scope | limit | config | monitor }\n"
		"OPTIONS := { -j[son] | -p[retty] | -d[etails] | -s[tatistics] |\n"
		"            -V[ersion] | -h[elp] }\n");
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "statistics", no_argument, NULL, 's' },
		{ "details", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "Version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int (*object)(struct rcmgr *, int, char **);
	struct rcmgr *rm;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+jpsdhV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 's':
			show_stats = true;
			break;
		case 'd':
			show_details = true;
			break;
		case 'V':
			printf("rcmgr %s\n", RCMGR_VERSION);
			return 0;
		case 'h':
			return help(0);
		default:
			return help(255);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		return help(255);
	if (matches(argv[0], "help"))
		return help(0);
	if (matches(argv[0], "monitor"))
		return do_monitor(argc - 1, argv + 1);
	if (matches(argv[0], "scope"))
		object = do_scope;
	else if (matches(argv[0], "limit"))
		object = do_limit;
	else if (matches(argv[0], "config"))
		object = do_config;
	else
		return usage_err("Error: object \"%s\" is unknown, try \"rcmgr help\".\n",
				 argv[0]);

	ret = rcmgr_open(&rm);
	if (ret) {
		fprintf(stderr, "Error: cannot reach the rcmgr module: %s.\n",
			strerror(-ret));
		return 1;
	}
	ret = object(rm, argc - 1, argv + 1);
	rcmgr_close(rm);
	return ret;
}
