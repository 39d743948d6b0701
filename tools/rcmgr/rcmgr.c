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

static void print_str(const char *key, const char *fmt, const char *val)
{
	if (json) {
		json_sep();
		printf("\"%s\":%s\"%s\"", key, pretty ? " " : "", val);
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

struct show_ctx {
	struct rcmgr *rm;
	int ret;
};

static int show_scope(struct rcmgr_scope *s, void *arg)
{
	struct show_ctx *c = arg;
	struct rcmgr_stat st;
	struct rcmgr_limit l;
	int ret;

	ret = rcmgr_scope_stat(s, &st);
	if (!ret)
		ret = rcmgr_scope_limit(s, &l);
	if (ret)
		return ret;

	open_obj(NULL, '{');
	print_str("scope", "scope %s", rcmgr_scope_name(s));
	print_nl();
	if (!json)
		fputs("    usage", stdout);
	open_obj("usage", '{');
	print_limit("memory", st.memory);
	print_limit("streams_inbound", st.num_streams_inbound);
	print_limit("streams_outbound", st.num_streams_outbound);
	print_limit("streams", (int64_t)st.num_streams_inbound + st.num_streams_outbound);
	print_limit("conns_inbound", st.num_conns_inbound);
	print_limit("conns_outbound", st.num_conns_outbound);
	print_limit("conns", (int64_t)st.num_conns_inbound + st.num_conns_outbound);
	print_limit("fd", st.num_fd);
	close_obj('}');
	print_nl();
	if (!json)
		fputs("    limit", stdout);
	open_obj("limit", '{');
	print_limit("memory", l.memory);
	print_limit("streams_inbound", l.streams_inbound);
	print_limit("streams_outbound", l.streams_outbound);
	print_limit("streams", l.streams);
	print_limit("conns_inbound", l.conns_inbound);
	print_limit("conns_outbound", l.conns_outbound);
	print_limit("conns", l.conns);
	print_limit("fd", l.fd);
	close_obj('}');
	print_nl();
	close_obj('}');
	(void)c;
	return 0;
}

static int scope_show(struct rcmgr *rm, int argc, char **argv)
{
	struct show_ctx c = { .rm = rm };
	bool sys = true, tra = true;
	int ret = 0;

	if (argc > 1)
		return usage_err("Error: too many arguments to \"scope show\".\n");
	if (argc == 1) {
		if (matches(argv[0], "system")) {
			tra = false;
		} else if (matches(argv[0], "transient")) {
			sys = false;
		} else {
			return usage_err("Error: unknown scope \"%s\"; try \"rcmgr scope help\".\n",
					 argv[0]);
		}
	}

	open_obj(NULL, '[');
	if (sys)
		ret = rcmgr_view_system(rm, show_scope, &c);
	if (!ret && tra)
		ret = rcmgr_view_transient(rm, show_scope, &c);
	close_obj(']');
	return ret ? kernel_err(rm, ret) : 0;
}

static int scope_help(void)
{
	fprintf(stderr,
		"Usage: rcmgr scope show [ SCOPE ]\n"
		"       rcmgr scope help\n"
		"SCOPE := { system | transient }\n");
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

static int help(int ret)
{
	fprintf(stderr,
		"Usage: rcmgr [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"OBJECT := { scope }\n"
		"OPTIONS := { -j[son] | -p[retty] | -V[ersion] | -h[elp] }\n");
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "Version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct rcmgr *rm;
	int opt, ret;

	while ((opt = getopt_long(argc, argv, "+jphV", opts, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
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
	if (!matches(argv[0], "scope"))
		return usage_err("Error: object \"%s\" is unknown, try \"rcmgr help\".\n",
				 argv[0]);

	ret = rcmgr_open(&rm);
	if (ret) {
		fprintf(stderr, "Error: cannot reach the rcmgr module: %s.\n",
			strerror(-ret));
		return 1;
	}
	ret = do_scope(rm, argc - 1, argv + 1);
	rcmgr_close(rm);
	return ret;
}
