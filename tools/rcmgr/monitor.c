// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr monitor: what the kernel tells the events and refusals groups,
 * one line (or one JSON object) each, flushed at once, until interrupted:
 * refusals of any process of the namespace (which scope, which limit, the
 * numbers, and who: pid, comm, uid; "dropped" counts the refusal events
 * the kernel's rate limit suppressed before this one), and the handles
 * the kernel ended because their socket died.  Events lost because we
 * were slow are reported as a "lost" line, and the monitor goes on.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/*
 * rcmgr monitor stats: the namespace's refusal counts, kept when the
 * scopes that refused are freed: refusals, events sent and suppressed,
 * and per kind of refusing scope, per resource.
 */
static int monitor_stats(struct rcmgr *rm, struct cmd *c)
{
	struct rcmgr_stats st;
	int ret, k;
	size_t r;

	ret = rcmgr_stats_get(rm, &st);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "Error: this rcmgr module keeps no refusal counts.\n");
		return EXIT_FAIL;
	}
	if (ret)
		return kernel_err(rm, ret);
	out_open();
	out_text("stats");
	out_u64("refusals", st.refusals);
	out_u64("events", st.events);
	out_u64("events_dropped", st.events_dropped);
	out_u64("subnet_refusals", st.subnet_refusals);
	out_u64("rate_refusals", st.rate_refusals);
	out_u64("verify_asked", st.verify_asked);
	if (json)
		out_nest("blocked");
	for (k = RCMGR_KIND_SYSTEM; k <= RCMGR_KIND_ALLOWLISTED_TRANSIENT; k++) {
		const struct rcmgr_resources *b = k <= RCMGR_KIND_SPAN ?
			&st.blocked[k] :
			&st.allowlisted_blocked[k - RCMGR_KIND_ALLOWLISTED_SYSTEM];
		const int64_t *v[] = RES_FIELDS(b);

		if (!json) {
			int64_t sum = 0;

			for (r = 0; r < ARRAY_SIZE(v); r++)
				sum += *v[r];
			if (!sum)
				continue;	/* text: what refused */
			printf("\nblocked %s", kind_name(k));
		} else {
			out_nest(kind_name(k));
		}
		for (r = 0; r < ARRAY_SIZE(v); r++)
			if (json || *v[r])
				out_limit(res_keys[r], *v[r]);
		if (json)
			out_unnest();
	}
	if (json)
		out_unnest();
	out_close();
	return EXIT_OK;
}

int monitor_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = { "help", "stats" };
	int i;

	if (!argc)
		return 0;
	i = pick("command", argv[0], cmds, ARRAY_SIZE(cmds));
	if (i < 0)
		return EXIT_USAGE;
	if (argc > 1)
		return usage_err("\"monitor %s\" takes no arguments", cmds[i]);
	if (i == 1) {
		c->run = monitor_stats;
		return 0;
	}
	printf("Usage: rcmgr [ -j ] monitor\n"
	       "       rcmgr [ -j ] monitor stats\n"
	       "       rcmgr monitor help\n");
	c->no_module = true;
	return 0;
}

/* Who was refused, and how many refusal events were suppressed before. */
static void print_who(const struct rcmgr_event *ev)
{
	/* Another pid namespace's pid would name one of ours. */
	if (ev->pid_local)
		out_u64("pid", ev->pid);
	else
		out_str("pid", "foreign", true);
	out_name("comm", ev->comm, strnlen(ev->comm, sizeof(ev->comm)));
	out_u64("uid", ev->uid);
	out_u64("dropped", ev->dropped);
	out_close();
}

/* The refusing rule of a per-address table, "10.0.0.1/32" or "global". */
static void rule_text(const struct rcmgr_netrule *r, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];

	if (r->family != AF_INET && r->family != AF_INET6) {
		snprintf(buf, size, "global");
		return;
	}
	inet_ntop(r->family, r->addr, addr, sizeof(addr));
	snprintf(buf, size, "%s/%u", addr, r->prefix_len);
}

/*
 * "refused conn-limit 10.0.0.1/32 resource subnet_conns conns 8 pid 812
 * comm node uid 0 dropped 0": no scope refused, the subnet (or the network
 * of a prefix rule, or the global bucket) did, under the rule shown.
 */
static void print_subnet_refusal(const struct rcmgr_event *ev)
{
	const struct rcmgr_error *e = &ev->refusal;
	bool conns = e->resource == RCMGR_RESOURCE_SUBNET_CONNS;
	char rule[INET6_ADDRSTRLEN + 8];

	rule_text(&e->subnet, rule, sizeof(rule));
	out_open();
	out_str("event", "refused", false);
	out_text(" ");
	out_str("table", conns ? "conn-limit" : "rate-limit", false);
	out_text(" ");
	out_str("subnet", rule, false);
	out_str("resource", conns ? "subnet_conns" : "conn_rate", true);
	if (conns) {
		out_limit("conns", e->subnet.conns);
	} else {
		out_rate("rate", e->subnet.rate);
		out_u64("burst", e->subnet.burst);
	}
	print_who(ev);
}

/*
 * "refused transient id 2 resource conns_inbound dir inbound usage 1
 * attempted 1 limit 1 pid 812 comm node uid 0 dropped 0".
 */
static void print_refusal(const struct rcmgr_event *ev)
{
	static const char *const dirs[] = { "unknown", "inbound", "outbound" };
	const struct rcmgr_error *e = &ev->refusal;

	if (e->resource == RCMGR_RESOURCE_SUBNET_CONNS ||
	    e->resource == RCMGR_RESOURCE_CONN_RATE) {
		print_subnet_refusal(ev);
		return;
	}
	out_open();
	out_str("event", "refused", false);
	out_text(" ");
	out_str("kind", kind_name(e->kind ? e->kind : ev->kind), false);
	out_u64("id", e->scope_id ? e->scope_id : ev->id);
	if (e->service[0])
		out_name("service", e->service, strlen(e->service));
	if (e->protocol[0])
		out_name("protocol", e->protocol, strlen(e->protocol));
	if (e->peer[0])
		out_name("peer", e->peer, strlen(e->peer));
	if (e->resource >= RCMGR_RESOURCE_MEMORY &&
	    e->resource <= RCMGR_RESOURCE_FD)
		out_str("resource", res_keys[e->resource - 1], true);
	if (e->direction == RCMGR_DIR_INBOUND ||
	    e->direction == RCMGR_DIR_OUTBOUND)
		out_str("dir", dirs[e->direction], true);
	out_limit("usage", e->usage);
	out_limit("attempted", e->attempted);
	out_limit("limit", e->limit);
	if (e->resource == RCMGR_RESOURCE_MEMORY)
		out_u64("prio", e->priority);
	print_who(ev);
}

int monitor_run(void)
{
	struct rcmgr_monitor *mon;
	struct rcmgr_event ev;
	int ret;

	ret = rcmgr_monitor_open(&mon);
	if (ret) {
		fprintf(stderr, "Error: cannot join the rcmgr events group: %s.\n",
			strerror(-ret));
		return EXIT_FAIL;
	}
	for (;;) {
		ret = rcmgr_monitor_read(mon, &ev);
		if (ret == -ENOBUFS) {
			out_open();
			out_str("event", "lost", false);
			out_u64("overruns", rcmgr_monitor_lost(mon));
			out_close();
		} else if (ret) {
			break;
		} else if (ev.type == RCMGR_EVENT_REFUSAL) {
			print_refusal(&ev);
		} else {
			out_open();
			out_str("event", "closed", false);
			out_text(" ");
			out_str("kind", kind_name(ev.kind), false);
			out_u64("id", ev.id);
			out_u64("owner", ev.owner);
			out_close();
		}
		if (out_flush()) {
			rcmgr_monitor_close(mon);
			return EXIT_WRITE;
		}
	}
	rcmgr_monitor_close(mon);
	fprintf(stderr, "Error: %s.\n", strerror(-ret));
	return EXIT_FAIL;
}
