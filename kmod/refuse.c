// SPDX-License-Identifier: GPL-2.0
/*
 * Refusals: counted per kind of refusing scope and per resource in the
 * namespace, so the counts outlive the scopes; and sent to the refusals
 * group, rate limited, naming the refused process.
 *
 * Every count is an atomic of the namespace: a refusal costs a few atomic
 * adds and, while nobody listens, one test of the group's listeners.
 *
 * The rate limit: each user (the refused process's effective kuid, hashed
 * with the namespace's random seed into one of 32 windows) may send
 * event_burst events per event_interval_ms for refusals by its own handles
 * (conn, stream, span), and as many again for refusals by shared scopes, in
 * a window of its own; the namespace as a whole sends at most
 * RCMGR_EVENT_ALL_FACTOR x event_burst per window.  One user's windows
 * reach at most 4 x event_burst in one of the namespace's (two windows,
 * each straddling its edge), so one user alone cannot reach the ceiling,
 * and a user flooding refusals of its own handles does not use up another
 * user's events, nor the events of refusals by shared scopes.  Users whose
 * kuids hash to one window share it.  Windows are taken with atomics, no
 * lock.  Their edges are loose (a reset racing a take may let one more
 * event through) but every refusal is counted exactly once, as sent or as
 * dropped.
 */
#include <linux/cred.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/pid_namespace.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>

#include "rcmgr.h"
#include "netlink.h"

/* The namespace's ceiling, in event_burst per window. */
#define RCMGR_EVENT_ALL_FACTOR	8

/* The parameters' bounds: a window of 1 ms to a day, up to 1e6 events. */
#define RCMGR_EVENT_INTERVAL_MAX	(24U * 3600 * 1000)
#define RCMGR_EVENT_BURST_MAX		1000000U

static int param_set_bounded(const char *val, const struct kernel_param *kp,
			     unsigned int min, unsigned int max)
{
	unsigned int v;
	int ret;

	ret = kstrtouint(val, 0, &v);
	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	WRITE_ONCE(*(unsigned int *)kp->arg, v);
	return 0;
}

static int interval_set(const char *val, const struct kernel_param *kp)
{
	/* 0 would begin a new window at every refusal: no limit. */
	return param_set_bounded(val, kp, 1, RCMGR_EVENT_INTERVAL_MAX);
}

static int burst_set(const char *val, const struct kernel_param *kp)
{
	/* 0: refusals are counted, no event is sent. */
	return param_set_bounded(val, kp, 0, RCMGR_EVENT_BURST_MAX);
}

static const struct kernel_param_ops interval_ops = {
	.set = interval_set,
	.get = param_get_uint,
};

static const struct kernel_param_ops burst_ops = {
	.set = burst_set,
	.get = param_get_uint,
};

static unsigned int event_interval_ms __read_mostly = 1000;
module_param_cb(event_interval_ms, &interval_ops, &event_interval_ms, 0644);
MODULE_PARM_DESC(event_interval_ms,
		 "window of the refusal events' rate limit, in ms (1 to 86400000)");

static unsigned int event_burst __read_mostly = 100;
module_param_cb(event_burst, &burst_ops, &event_burst, 0644);
MODULE_PARM_DESC(event_burst,
		 "refusal events per window and user (own handles; as many for shared scopes), 8x per namespace; the rest are counted; 0: none (0 to 1000000)");

/**
 * rcmgr_stats_init() - no refusal yet; the rate limit's windows begin
 * @st: the namespace's counts
 */
void rcmgr_stats_init(struct rcmgr_stats *st)
{
	unsigned long now = jiffies;
	int i;

	memset(st, 0, sizeof(*st));
	st->seed = get_random_u32();
	atomic_long_set(&st->all.start, now);
	for (i = 0; i < ARRAY_SIZE(st->own); i++) {
		atomic_long_set(&st->own[i].start, now);
		atomic_long_set(&st->shared[i].start, now);
	}
}

/*
 * Take one of @w's @burst events per @len jiffies.  Unsigned: after a
 * quiet period of any length the window begins again.
 */
static bool window_take(struct rcmgr_window *w, unsigned long now,
			unsigned long len, unsigned long burst)
{
	unsigned long start = atomic_long_read(&w->start);

	if (now - start >= len &&
	    atomic_long_cmpxchg(&w->start, start, now) == start)
		atomic_long_set(&w->taken, 0);
	return (unsigned long)atomic_long_inc_return(&w->taken) <= burst;
}

static bool event_allowed(struct rcmgr_stats *st,
			  const struct rcmgr_refusal *why)
{
	unsigned long len = msecs_to_jiffies(READ_ONCE(event_interval_ms));
	unsigned long burst = READ_ONCE(event_burst);
	u32 slot = jhash_1word(__kuid_val(current_euid()), st->seed) &
		   (ARRAY_SIZE(st->own) - 1);
	/* A per-address table refuses one conn of the user's: its own. */
	bool own = why->kind == RCMGR_SCOPE_KIND_CONN ||
		   why->kind == RCMGR_SCOPE_KIND_STREAM ||
		   why->kind == RCMGR_SCOPE_KIND_SPAN || why->net.table;
	struct rcmgr_window *w = own ? &st->own[slot] : &st->shared[slot];
	unsigned long now = jiffies;

	/* A user over its budget does not take from the namespace's. */
	return window_take(w, now, len, burst) &&
	       window_take(&st->all, now, len, burst * RCMGR_EVENT_ALL_FACTOR);
}

static bool userns_within(const struct user_namespace *ancestor,
			  const struct user_namespace *ns)
{
	for (; ns; ns = ns->parent)
		if (ns == ancestor)
			return true;
	return false;
}

/*
 * The refused process's pid where the namespace's listeners live: in the
 * outermost pid namespace, of its own and their ancestors, owned by the
 * network namespace's user namespace (or one below it).  The host's pids
 * for the host's namespaces, a container's for its own; 0 if none is.
 * @inum: that pid namespace's inode number, for the listener to tell
 * whether the pid is counted in its own.
 */
static u32 refused_pid(const struct net *net, u32 *inum)
{
	struct pid_namespace *ns, *where = NULL;

	for (ns = task_active_pid_ns(current); ns; ns = ns->parent)
		if (userns_within(net->user_ns, ns->user_ns))
			where = ns;
	*inum = where ? where->ns.inum : 0;
	return where ? task_tgid_nr_ns(current, where) : 0;
}

static u32 refusal_dir(const struct genl_info *info,
		       const struct rcmgr_refusal *why)
{
	u8 cmd = info->genlhdr->cmd;

	switch (why->res) {
	case RCMGR_RES_STREAMS_IN:
	case RCMGR_RES_CONNS_IN:
		return RCMGR_DIRECTION_INBOUND;
	case RCMGR_RES_STREAMS_OUT:
	case RCMGR_RES_CONNS_OUT:
		return RCMGR_DIRECTION_OUTBOUND;
	default:
		break;
	}
	/* Only these ops' policies reach the direction attribute. */
	if ((cmd == RCMGR_CMD_CONN_OPEN || cmd == RCMGR_CMD_STREAM_OPEN) &&
	    info->attrs[RCMGR_A_SCOPE_DIR])
		return nla_get_u32(info->attrs[RCMGR_A_SCOPE_DIR]);
	return 0;
}

static int put_event(struct sk_buff *msg, struct genl_info *info,
		     const struct rcmgr_refusal *why, const char *words,
		     u64 dropped)
{
	struct net *net = genl_info_net(info);
	bool svc = why->kind == RCMGR_SCOPE_KIND_SERVICE ||
		   why->kind == RCMGR_SCOPE_KIND_SERVICE_PEER;
	char comm[TASK_COMM_LEN];
	u32 dir = refusal_dir(info, why);
	u32 inum, pid = refused_pid(net, &inum);
	struct nlattr *nest;

	get_task_comm(comm, current);
	nest = nla_nest_start(msg, RCMGR_A_SCOPE_REFUSAL);
	if (!nest)
		return -EMSGSIZE;
	if (why->net.table) {
		if (rcmgr_nl_put_netrefusal(msg, why))
			return -EMSGSIZE;
		goto who;
	}
	if ((why->peer_len &&
	     nla_put(msg, RCMGR_A_REFUSAL_PEER, why->peer_len, why->peer)) ||
	    (why->name_len &&
	     nla_put(msg, svc ? RCMGR_A_REFUSAL_SERVICE : RCMGR_A_REFUSAL_PROTOCOL,
		     why->name_len, why->name)) ||
	    nla_put_u64_64bit(msg, RCMGR_A_REFUSAL_ID, why->id, RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u32(msg, RCMGR_A_REFUSAL_KIND, why->kind) ||
	    nla_put_u32(msg, RCMGR_A_REFUSAL_RESOURCE, rcmgr_res_attr[why->res]) ||
	    nla_put_u64_64bit(msg, RCMGR_A_REFUSAL_USAGE, why->usage,
			      RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_REFUSAL_ATTEMPTED, why->attempted,
			      RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_REFUSAL_LIMIT, why->limit,
			      RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u8(msg, RCMGR_A_REFUSAL_PRIORITY, why->prio))
		return -EMSGSIZE;
who:
	if (nla_put_string(msg, RCMGR_A_REFUSAL_MESSAGE, words) ||
	    (dir && nla_put_u32(msg, RCMGR_A_REFUSAL_DIR, dir)) ||
	    nla_put_u32(msg, RCMGR_A_REFUSAL_PID, pid) ||
	    (inum && nla_put_u32(msg, RCMGR_A_REFUSAL_PID_NS, inum)) ||
	    nla_put_string(msg, RCMGR_A_REFUSAL_COMM, comm) ||
	    nla_put_u32(msg, RCMGR_A_REFUSAL_UID,
			from_kuid_munged(net->user_ns, current_euid())) ||
	    nla_put_u64_64bit(msg, RCMGR_A_REFUSAL_DROPPED, dropped,
			      RCMGR_A_REFUSAL_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

static void drop_event(struct rcmgr_stats *st, u64 n)
{
	atomic64_add(n, &st->dropped);
	atomic64_add(n, &st->pending);
}

/**
 * rcmgr_refusal_listeners_gone() - a netlink socket of @net was released:
 *	if nobody listens to refusals any more, forget the drops not told
 * @net: the socket's namespace
 *
 * A new listener is told only of drops since it joined (or since the
 * event before, if that came later).  Neither 6.1 nor 6.12 tells a family
 * of a join in a namespace, so the count is reset when the last listener
 * goes: here, when a socket is released and the system has no listener;
 * at a refusal that finds no listener; and when an event finds none in
 * the namespace.
 *
 * Context: process, the family registered.
 */
void rcmgr_refusal_listeners_gone(struct net *net)
{
	struct rcmgr_stats *st = &rcmgr_net(net)->stats;

	if (!genl_has_listeners(&rcmgr_family, net, RCMGR_GRP_REFUSALS) &&
	    atomic64_read(&st->pending))
		atomic64_set(&st->pending, 0);
}

/**
 * rcmgr_refusal_event() - count a refusal, and tell the refusals group
 * @info: the refused request, from the refused process
 * @why: which limit of which scope
 * @words: the refusal in words, as in the extack
 *
 * Context: process, in the refused request's handler.
 */
void rcmgr_refusal_event(struct genl_info *info,
			 const struct rcmgr_refusal *why, const char *words)
{
	struct net *net = genl_info_net(info);
	struct rcmgr_stats *st = &rcmgr_net(net)->stats;
	struct sk_buff *msg;
	u64 dropped;
	void *hdr;

	atomic64_inc(&st->refusals);
	if (why->net.table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT)
		atomic64_inc(&st->subnet_refusals);
	else if (why->net.table)
		atomic64_inc(&st->rate_refusals);
	else if (why->kind < ARRAY_SIZE(st->blocked))
		atomic64_inc(&st->blocked[why->kind][why->res]);
	if (!genl_has_listeners(&rcmgr_family, net, RCMGR_GRP_REFUSALS)) {
		/* Nobody to tell them: a listener to come must not be. */
		if (atomic64_read(&st->pending))
			atomic64_set(&st->pending, 0);
		return;
	}
	if (!event_allowed(st, why)) {
		drop_event(st, 1);
		return;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		drop_event(st, 1);
		return;
	}
	/* What was dropped since the last event sent is this one's to tell. */
	dropped = atomic64_xchg(&st->pending, 0);
	hdr = genlmsg_put(msg, 0, 0, &rcmgr_family, 0, RCMGR_CMD_REFUSAL_NTF);
	if (!hdr || put_event(msg, info, why, words, dropped)) {
		nlmsg_free(msg);
		atomic64_add(dropped, &st->pending);
		drop_event(st, 1);
		return;
	}
	genlmsg_end(msg, hdr);
	/*
	 * A full listener loses it, and learns so from ENOBUFS (the others
	 * got it: sent).  ESRCH: no listener in this namespace (the test of
	 * listeners above is the system's), not sent.
	 */
	if (genlmsg_multicast_netns(&rcmgr_family, net, msg, 0,
				    RCMGR_GRP_REFUSALS, GFP_KERNEL) == -ESRCH) {
		/* Those it told of were for listeners gone: not the next's. */
		atomic64_inc(&st->dropped);
		return;
	}
	atomic64_inc(&st->events);
}
