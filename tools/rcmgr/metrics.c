// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr metrics: the Prometheus text exposition format, for
 * node_exporter's textfile collector, named as go-libp2p's
 * StatsTraceReporter names its metrics (namespace libp2p_rcmgr), so the
 * dashboards built for go-libp2p read it:
 *
 *   connections{dir,scope}       system and transient
 *   streams{dir,scope,protocol}  system, transient, every protocol
 *   memory{scope,protocol}       system, transient, every protocol
 *   fds{scope}                   system and transient
 *   peer_connections{dir}, peer_streams{dir}, peer_memory, conn_memory:
 *                                histograms over the live peers (conns)
 *   blocked_resources{dir,scope,resource}: refusals by the class of the
 *                                refusing scope, resource and direction;
 *                                the allowlisted scopes as go-libp2p
 *                                labels them, by their scope names
 *                                "allowlistedSystem", "allowlistedTransient"
 *   limit{scope,resource}        system and transient
 *
 * One snapshot: the values are those "rcmgr -j scope show" prints at the
 * same instant.  go-libp2p's histograms count changes, with a
 * previous_* twin to subtract; a snapshot has the current distribution
 * directly (peers holding none of a resource are not observed), so there
 * are no previous_* series.  Blocked counts come from the module's
 * namespace counters, which outlive the scopes, when it has them (and are
 * then counters); from the live scopes' counts otherwise (gauges: a scope
 * freed takes its counts away).
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

#define NS	"libp2p_rcmgr_"

static void head(const char *name, const char *type, const char *help)
{
	printf("# HELP " NS "%s %s\n# TYPE " NS "%s %s\n", name, help, name,
	       type);
}

/* A label value: escaped as the tool prints names, then as Prometheus. */
static void label_value(const char *p, size_t len)
{
	char esc[ESC_SIZE];
	const char *s;

	escape(p ? p : "", p ? len : 0, false, esc, sizeof(esc));
	for (s = esc; *s; s++) {
		if (*s == '\\' || *s == '"')
			putchar('\\');
		putchar(*s);
	}
}

static void limit_value(int64_t v)
{
	if (v == RCMGR_LIMIT_UNLIMITED)
		printf("+Inf\n");
	else
		printf("%lld\n", (long long)v);
}

static const struct rcmgr_scope_info *find_kind(const struct snap *sn,
						enum rcmgr_kind kind)
{
	size_t k;

	for (k = 0; k < sn->n; k++)
		if (sn->s[k].kind == kind)
			return &sn->s[k];
	return NULL;
}

static void gauges(const struct snap *sn)
{
	static const enum rcmgr_kind top[] = {
		RCMGR_KIND_SYSTEM, RCMGR_KIND_TRANSIENT,
	};
	const struct rcmgr_scope_info *i;
	size_t t, k;

	head("connections", "gauge", "Number of Connections");
	for (t = 0; t < ARRAY_SIZE(top); t++) {
		i = find_kind(sn, top[t]);
		if (!i)
			continue;
		printf(NS "connections{dir=\"inbound\",scope=\"%s\"} %lld\n",
		       kind_name(top[t]), (long long)i->usage.conns_inbound);
		printf(NS "connections{dir=\"outbound\",scope=\"%s\"} %lld\n",
		       kind_name(top[t]), (long long)i->usage.conns_outbound);
	}
	head("streams", "gauge", "Number of Streams");
	for (k = 0; k < sn->n; k++) {
		i = &sn->s[k];
		if (i->kind != RCMGR_KIND_SYSTEM &&
		    i->kind != RCMGR_KIND_TRANSIENT &&
		    i->kind != RCMGR_KIND_PROTOCOL)
			continue;
		for (t = 0; t < 2; t++) {
			printf(NS "streams{dir=\"%s\",scope=\"%s\",protocol=\"",
			       t ? "outbound" : "inbound", kind_name(i->kind));
			if (i->kind == RCMGR_KIND_PROTOCOL)
				label_value(i->protocol, i->protocol_len);
			printf("\"} %lld\n", (long long)(t ?
			       i->usage.streams_outbound :
			       i->usage.streams_inbound));
		}
	}
	head("memory", "gauge", "Amount of memory reserved as reported to the Resource Manager");
	for (k = 0; k < sn->n; k++) {
		i = &sn->s[k];
		if (i->kind != RCMGR_KIND_SYSTEM &&
		    i->kind != RCMGR_KIND_TRANSIENT &&
		    i->kind != RCMGR_KIND_PROTOCOL)
			continue;
		printf(NS "memory{scope=\"%s\",protocol=\"", kind_name(i->kind));
		if (i->kind == RCMGR_KIND_PROTOCOL)
			label_value(i->protocol, i->protocol_len);
		printf("\"} %lld\n", (long long)i->usage.memory);
	}
	head("fds", "gauge", "Number of file descriptors reserved as reported to the Resource Manager");
	for (t = 0; t < ARRAY_SIZE(top); t++) {
		i = find_kind(sn, top[t]);
		if (i)
			printf(NS "fds{scope=\"%s\"} %lld\n", kind_name(top[t]),
			       (long long)i->usage.fd);
	}
}

/* go-libp2p's buckets. */
static const double count_buckets[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 16, 32, 64, 128, 256,
};
static const double mem_buckets[] = {
	1 << 10, 4 << 10, 32 << 10, 1 << 20, 32 << 20, 256 << 20, 512 << 20,
	1u << 30, 2.0 * (1u << 30), 4.0 * (1u << 30),
};

/*
 * A histogram of @field over the scopes of @kind that hold some of it.
 * @field is an offset into struct rcmgr_resources.
 */
static void histogram(const struct snap *sn, const char *name,
		      const char *dir, enum rcmgr_kind kind, size_t field,
		      const double *b, size_t nb)
{
	unsigned long long cnt[16] = {}, n = 0;
	long long sum = 0;
	char lab[32] = "";
	size_t k, j;

	for (k = 0; k < sn->n; k++) {
		int64_t v;

		if (sn->s[k].kind != kind)
			continue;
		memcpy(&v, (const char *)&sn->s[k].usage + field, sizeof(v));
		if (v <= 0)
			continue;
		n++;
		sum += v;
		for (j = 0; j < nb; j++)
			if ((double)v <= b[j])
				cnt[j]++;
	}
	if (dir)
		snprintf(lab, sizeof(lab), "dir=\"%s\",", dir);
	for (j = 0; j < nb; j++)
		printf(NS "%s_bucket{%sle=\"%.0f\"} %llu\n", name, lab, b[j],
		       cnt[j]);
	printf(NS "%s_bucket{%sle=\"+Inf\"} %llu\n", name, lab, n);
	if (dir)
		snprintf(lab, sizeof(lab), "{dir=\"%s\"}", dir);
	printf(NS "%s_sum%s %lld\n", name, lab, sum);
	printf(NS "%s_count%s %llu\n", name, lab, n);
}

#define OFF(f)	offsetof(struct rcmgr_resources, f)

static void histograms(const struct snap *sn)
{
	head("peer_connections", "histogram", "Number of connections this peer has");
	histogram(sn, "peer_connections", "inbound", RCMGR_KIND_PEER,
		  OFF(conns_inbound), count_buckets, ARRAY_SIZE(count_buckets));
	histogram(sn, "peer_connections", "outbound", RCMGR_KIND_PEER,
		  OFF(conns_outbound), count_buckets, ARRAY_SIZE(count_buckets));
	head("peer_streams", "histogram", "Number of streams this peer has");
	histogram(sn, "peer_streams", "inbound", RCMGR_KIND_PEER,
		  OFF(streams_inbound), count_buckets, ARRAY_SIZE(count_buckets));
	histogram(sn, "peer_streams", "outbound", RCMGR_KIND_PEER,
		  OFF(streams_outbound), count_buckets, ARRAY_SIZE(count_buckets));
	head("peer_memory", "histogram", "How many peers have reserved this bucket of memory, as reported to the Resource Manager");
	histogram(sn, "peer_memory", NULL, RCMGR_KIND_PEER, OFF(memory),
		  mem_buckets, ARRAY_SIZE(mem_buckets));
	head("conn_memory", "histogram", "How many conns have reserved this bucket of memory, as reported to the Resource Manager");
	histogram(sn, "conn_memory", NULL, RCMGR_KIND_CONN, OFF(memory),
		  mem_buckets, ARRAY_SIZE(mem_buckets));
}

/* res_keys order: memory, s_in, s_out, s, c_in, c_out, c, fd. */
static const char *const res_dir[8] = {
	"", "inbound", "outbound", "", "inbound", "outbound", "", "",
};
static const char *const res_word[8] = {
	"memory", "stream", "stream", "stream", "connection", "connection",
	"connection", "fd",
};

/* go-libp2p's label: its scope name up to the first ':' or '-'. */
static const char *blocked_label(int kind)
{
	if (kind == RCMGR_KIND_ALLOWLISTED_SYSTEM)
		return "allowlistedSystem";
	if (kind == RCMGR_KIND_ALLOWLISTED_TRANSIENT)
		return "allowlistedTransient";
	return kind_name(kind);
}

static void add_blocked(struct rcmgr_resources *to,
			const struct rcmgr_resources *from)
{
	const int64_t *f[] = RES_FIELDS(from);
	int64_t *t[] = RES_FIELDS(to);
	size_t r;

	for (r = 0; r < ARRAY_SIZE(f); r++)
		*t[r] += *f[r];
}

static void blocked(struct rcmgr *rm, const struct snap *sn)
{
	struct rcmgr_resources sum[RCMGR_KIND_ALLOWLISTED_TRANSIENT + 1] = {};
	struct rcmgr_stats st;
	bool kept = !rcmgr_stats_get(rm, &st);
	int kind;
	size_t k, r;

	if (kept)
		memcpy(sum, st.blocked, sizeof(st.blocked));
	/*
	 * The namespace's counters stop at span; the allowlisted scopes live
	 * as long as the namespace, so their own counts are as good.
	 */
	for (k = 0; k < sn->n; k++) {
		const struct rcmgr_scope_info *i = &sn->s[k];

		if (i->kind > RCMGR_KIND_ALLOWLISTED_TRANSIENT ||
		    (kept && i->kind <= RCMGR_KIND_SPAN))
			continue;
		add_blocked(&sum[i->kind], &i->blocked);
	}
	head("blocked_resources", kept ? "counter" : "gauge",
	     "Number of blocked resources");
	for (kind = RCMGR_KIND_SYSTEM; kind <= RCMGR_KIND_ALLOWLISTED_TRANSIENT;
	     kind++) {
		const int64_t *v[] = RES_FIELDS(&sum[kind]);

		for (r = 0; r < ARRAY_SIZE(v); r++)
			printf(NS "blocked_resources{dir=\"%s\",scope=\"%s\",resource=\"%s\"} %lld\n",
			       res_dir[r], blocked_label(kind), res_word[r],
			       (long long)*v[r]);
	}
	if (kept) {
		head("refusals_total", "counter", "Requests a limit refused, in this network namespace");
		printf(NS "refusals_total %llu\n", (unsigned long long)st.refusals);
		head("refusal_events_total", "counter", "Refusal events sent to the events group");
		printf(NS "refusal_events_total %llu\n", (unsigned long long)st.events);
		head("refusal_events_dropped_total", "counter", "Refusal events the rate limit suppressed");
		printf(NS "refusal_events_dropped_total %llu\n",
		       (unsigned long long)st.events_dropped);
	}
}

static void limits(const struct snap *sn)
{
	static const enum rcmgr_kind top[] = {
		RCMGR_KIND_SYSTEM, RCMGR_KIND_TRANSIENT,
	};
	size_t t, r;

	head("limit", "gauge", "Limit set for this resource and scope (+Inf: unlimited)");
	for (t = 0; t < ARRAY_SIZE(top); t++) {
		const struct rcmgr_scope_info *i = find_kind(sn, top[t]);

		if (!i)
			continue;
		for (r = 0; r < 8; r++) {
			const int64_t *v[] = RES_FIELDS(&i->limit);

			printf(NS "limit{scope=\"%s\",resource=\"%s\"} ",
			       kind_name(top[t]), res_keys[r]);
			limit_value(*v[r]);
		}
	}
}

static int metrics_run(struct rcmgr *rm, struct cmd *c)
{
	struct snap sn;
	int ret;

	ret = snap_take(rm, &sn);
	if (ret)
		return kernel_err(rm, ret);
	gauges(&sn);
	histograms(&sn);
	blocked(rm, &sn);
	limits(&sn);
	snap_free(&sn);
	return EXIT_OK;
}

static int metrics_help(struct rcmgr *rm, struct cmd *c)
{
	printf("Usage: rcmgr metrics [ show ]\n"
	       "       rcmgr metrics help\n");
	return EXIT_OK;
}

int metrics_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = { "show", "help" };
	int i = 0;

	c->run = metrics_run;
	if (argc) {
		i = pick("command", argv[0], cmds, ARRAY_SIZE(cmds));
		if (i < 0)
			return EXIT_USAGE;
		if (argc > 1)
			return usage_err("\"metrics %s\" takes no arguments",
					 cmds[i]);
	}
	if (i == 1) {
		c->run = metrics_help;
		c->no_module = true;
	}
	return 0;
}
