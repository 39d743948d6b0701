// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr top [ -n COUNT ] [ -d SECONDS ]: the busiest scopes, refreshed.
 *
 * "Who holds my transient slots?": every scope that holds something or
 * was refused, fullest first (its highest utilisation over its limits),
 * then by refusals since the last frame (the first frame: since the
 * scope was made), then by all its refusals.  On a
 * terminal, the screen is redrawn (plain ANSI) with as many rows as fit;
 * otherwise each frame is printed in full after a blank line, so top can
 * be piped and tested.  -j prints one JSON object per frame and line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>

#include "cli.h"

struct seen {
	uint64_t id;
	int64_t blocked;
};

struct line {
	const struct rcmgr_scope_info *i;
	int util, res;
	int64_t blocked, fresh;
};

static struct seen *prev;
static size_t nprev;

static int seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int64_t before(uint64_t id)
{
	struct seen k = { .id = id }, *s;

	s = bsearch(&k, prev, nprev, sizeof(*prev), seen_cmp);
	return s ? s->blocked : 0;
}

static int line_cmp(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->util != y->util)
		return x->util > y->util ? -1 : 1;
	if (x->fresh != y->fresh)
		return x->fresh > y->fresh ? -1 : 1;
	if (x->blocked != y->blocked)
		return x->blocked > y->blocked ? -1 : 1;
	return (x->i->id > y->i->id) - (x->i->id < y->i->id);
}

static json_t *values(const struct rcmgr_resources *v)
{
	const int64_t *f[] = RES_FIELDS(v);
	json_t *o = json_object();
	size_t k;

	for (k = 0; k < ARRAY_SIZE(f); k++)
		json_object_set_new(o, res_keys[k], json_integer(*f[k]));
	return o;
}

static void frame_json(struct line *l, size_t n, const struct rcmgr_stats *st)
{
	json_t *f = json_object(), *a = json_array();
	char esc[ESC_SIZE];
	size_t k;

	if (st)
		json_object_set_new(f, "refusals", json_integer(st->refusals));
	for (k = 0; k < n; k++) {
		const struct rcmgr_scope_info *i = l[k].i;
		struct rcmgr_resources lim;
		json_t *o = json_object();

		memcpy(&lim, &i->limit, sizeof(lim));	/* same fields */
		json_object_set_new(o, "kind", json_string(kind_name(i->kind)));
		json_object_set_new(o, "id", json_integer(i->id));
#define NAME(key) do {							\
			if (i->key) {					\
				escape(i->key, i->key##_len, false, esc,\
				       sizeof(esc));			\
				json_object_set_new(o, #key,		\
						    json_string(esc));	\
			}						\
		} while (0)
		NAME(service);
		NAME(protocol);
		NAME(peer);
#undef NAME
		json_object_set_new(o, "util", json_real(l[k].util / 10.0));
		if (l[k].res >= 0)
			json_object_set_new(o, "util_resource",
					    json_string(res_keys[l[k].res]));
		json_object_set_new(o, "blocked", json_integer(l[k].blocked));
		json_object_set_new(o, "blocked_new", json_integer(l[k].fresh));
		json_object_set_new(o, "usage", values(&i->usage));
		json_object_set_new(o, "limit", values(&lim));
		json_array_append_new(a, o);
	}
	json_object_set_new(f, "scopes", a);
	json_dumpf(f, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(f);
}

static void frame_text(struct line *l, size_t n, const struct rcmgr_stats *st,
		       size_t nscopes, bool tty)
{
	char lab[2 * ESC_SIZE + 64], mem[64], s[64], c[64], fd[64], u[64];
	struct winsize ws;
	size_t rows = n, k, w = 5;
	time_t now = time(NULL);
	char when[16];

	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (tty) {
		fputs("\033[H\033[2J", stdout);
		if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row > 3 &&
		    rows > ws.ws_row - 3u)
			rows = ws.ws_row - 3u;
	}
	printf("rcmgr top - %s - %zu scopes, %zu busy", when, nscopes, n);
	if (st)
		printf(", %llu refusals in the namespace",
		       (unsigned long long)st->refusals);
	putchar('\n');
	for (k = 0; k < rows; k++) {
		scope_label(l[k].i, lab, sizeof(lab));
		if (strlen(lab) > w)
			w = strlen(lab);
	}
	if (tty && w > 60)
		w = 60;
	printf("%-*s  %19s  %11s  %9s  %9s  %-22s  %7s  %5s\n", (int)w, "SCOPE",
	       "MEMORY", "STREAMS", "CONNS", "FD", "UTIL", "BLOCKED", "NEW");
	for (k = 0; k < rows; k++) {
		const struct rcmgr_scope_info *i = l[k].i;

		scope_label(i, lab, sizeof(lab));
		if (tty && strlen(lab) > w)
			lab[w] = '\0';
		used_limit(i->usage.memory, i->limit.memory, true, mem,
			   sizeof(mem));
		used_limit(i->usage.streams, i->limit.streams, false, s,
			   sizeof(s));
		used_limit(i->usage.conns, i->limit.conns, false, c, sizeof(c));
		used_limit(i->usage.fd, i->limit.fd, false, fd, sizeof(fd));
		if (l[k].res < 0)
			snprintf(u, sizeof(u), "-");
		else
			snprintf(u, sizeof(u), "%d.%d%% %s", l[k].util / 10,
				 l[k].util % 10, res_keys[l[k].res]);
		printf("%-*s  %19s  %11s  %9s  %9s  %-22s  %7lld  %5lld\n",
		       (int)w, lab, mem, s, c, fd, u,
		       (long long)l[k].blocked, (long long)l[k].fresh);
	}
}

static int frame(struct rcmgr *rm, bool tty, bool first)
{
	struct rcmgr_stats st;
	struct line *l;
	struct snap sn;
	struct seen *now;
	size_t k, n = 0;
	bool have_st;
	int ret;

	ret = snap_take(rm, &sn);
	if (ret)
		return kernel_err(rm, ret);
	have_st = !rcmgr_stats_get(rm, &st);
	l = calloc(sn.n + 1, sizeof(*l));
	now = calloc(sn.n + 1, sizeof(*now));
	if (!l || !now) {
		fprintf(stderr, "Error: out of memory.\n");
		return EXIT_FAIL;
	}
	for (k = 0; k < sn.n; k++) {
		const struct rcmgr_scope_info *i = &sn.s[k];
		struct line x = { .i = i };

		x.util = scope_util(i, &x.res);
		x.blocked = scope_blocked(i);
		x.fresh = x.blocked - before(i->id);
		if (x.fresh < 0)
			x.fresh = 0;
		now[k] = (struct seen){ i->id, x.blocked };
		if (x.res >= 0 || x.blocked)
			l[n++] = x;
	}
	qsort(l, n, sizeof(*l), line_cmp);
	if (json) {
		frame_json(l, n, have_st ? &st : NULL);
	} else {
		if (!tty && !first)
			putchar('\n');
		frame_text(l, n, have_st ? &st : NULL, sn.n, tty);
	}
	qsort(now, sn.n, sizeof(*now), seen_cmp);
	free(prev);
	prev = now;
	nprev = sn.n;
	free(l);
	snap_free(&sn);
	return out_flush();
}

static int top_run(struct rcmgr *rm, struct cmd *c)
{
	bool tty = !json && isatty(STDOUT_FILENO);
	struct timespec d = {
		.tv_sec = c->top.delay_ms / 1000,
		.tv_nsec = (c->top.delay_ms % 1000) * 1000000L,
	};
	uint64_t k;
	int ret;

	for (k = 0; !c->top.count || k < c->top.count; k++) {
		if (k)
			while (nanosleep(&d, &d) && errno == EINTR)
				;
		ret = frame(rm, tty, !k);
		if (ret)
			return ret;
		d.tv_sec = c->top.delay_ms / 1000;
		d.tv_nsec = (c->top.delay_ms % 1000) * 1000000L;
	}
	return EXIT_OK;
}

static int top_help(struct rcmgr *rm, struct cmd *c)
{
	printf("Usage: rcmgr [ -j ] top [ -n COUNT ] [ -d SECONDS ]\n"
	       "       rcmgr top help\n");
	return EXIT_OK;
}

/* Seconds, with at most three decimals: "2", "0.5". */
static int parse_delay(const char *arg, unsigned int *ms)
{
	const char *dot = strchr(arg, '.');
	uint64_t s, frac = 0;
	char whole[32];
	size_t k, n;

	n = dot ? (size_t)(dot - arg) : strlen(arg);
	if (n >= sizeof(whole))
		return usage_err("invalid delay: out of range");
	memcpy(whole, arg, n);
	whole[n] = '\0';
	if (parse_u64("delay", whole, 86400, &s))
		return EXIT_USAGE;
	if (dot) {
		if (!dot[1] || strlen(dot + 1) > 3)
			return usage_err("invalid delay \"%s\": at most three decimals", arg);
		for (k = 1; k <= 3; k++) {
			char ch = k <= strlen(dot + 1) ? dot[k] : '0';

			if (ch < '0' || ch > '9')
				return usage_err("invalid delay \"%s\": not a decimal number", arg);
			frac = frac * 10 + (ch - '0');
		}
	}
	*ms = s * 1000 + frac;
	if (*ms < 100)
		return usage_err("invalid delay \"%s\": at least 0.1 seconds", arg);
	return 0;
}

int top_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = { "help" };
	int ret;

	c->run = top_run;
	c->top.delay_ms = 2000;
	if (argc && argv[0][0] != '-') {
		if (pick("command", argv[0], cmds, ARRAY_SIZE(cmds)) < 0)
			return EXIT_USAGE;
		if (argc > 1)
			return usage_err("\"top help\" takes no arguments");
		c->run = top_help;
		c->no_module = true;
		return 0;
	}
	for (; argc; argc -= 2, argv += 2) {
		if (strcmp(argv[0], "-n") && strcmp(argv[0], "-d"))
			return usage_err("\"top\" takes -n COUNT and -d SECONDS, not \"%s\"",
					 argv[0]);
		if (argc < 2)
			return usage_err("\"%s\" needs a value", argv[0]);
		if (argv[0][1] == 'n') {
			ret = parse_u64("count", argv[1], UINT32_MAX,
					&c->top.count);
			if (ret)
				return ret;
			if (!c->top.count)
				return usage_err("invalid count \"0\": at least 1");
		} else {
			ret = parse_delay(argv[1], &c->top.delay_ms);
			if (ret)
				return ret;
		}
	}
	return 0;
}
