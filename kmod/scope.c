// SPDX-License-Identifier: GPL-2.0
/*
 * Scopes: counters, limits, and charging a chain of scopes all or nothing.
 *
 * Each resource of a scope is a counter in the page_counter style: usage,
 * a high watermark and a count of refusals.  A reservation charges a chain
 * (the scope, then what it charges: its edges, or a span's parent chain)
 * counter by counter without a lock, and rolls back what it charged if any
 * counter refuses, so a failed reservation changes nothing.  Concurrent
 * reservations may see each other's transient charges and fail spuriously
 * (as in page_counter and go-libp2p); no limit is ever exceeded.
 *
 * Each counter is charged with a compare-and-exchange rather than an add
 * and a roll-back: usage never shows a value above its limit, not even for
 * an instant, and an addition can never overflow.
 *
 * A zero delta is never checked, so a scope above a lowered limit still
 * accepts moves of what it does not count (go-libp2p checks the totals of
 * every move; see Documentation/rcmgr.rst).
 *
 * A handle keeps a counter for memory only.  The one stream or conn (and
 * file descriptor) it holds is charged to it once, when it opens, and
 * given back once, when it is done: a check against its limit then, and
 * a value that follows from its kind, direction and done flag otherwise.
 */
#include <linux/hash.h>
#include <linux/math64.h>

#include "rcmgr.h"

/*
 * The locks of handle trees: a tree's lock is the one its root's address
 * hashes to, shared with other trees but never nested (see rcmgr.h), so a
 * scope needs no mutex of its own, nor a pointer to one.
 */
#define RCMGR_TREE_LOCK_BITS	8
static struct mutex tree_locks[1 << RCMGR_TREE_LOCK_BITS];

/**
 * rcmgr_scope_locks_init() - initialise the locks of handle trees
 */
void __init rcmgr_scope_locks_init(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tree_locks); i++)
		mutex_init(&tree_locks[i]);
}

/**
 * rcmgr_scope_tree() - the lock of a scope's handle tree
 * @s: the scope
 *
 * The tree of a span is its root's: the conn, stream or shared scope its
 * chain of parents starts from.
 *
 * Return: the lock; the same for the whole tree, as long as it lives.
 */
struct mutex *rcmgr_scope_tree(const struct rcmgr_scope *s)
{
	while (s->kind == RCMGR_SCOPE_KIND_SPAN)
		s = s->parent;
	return &tree_locks[hash_ptr(s, RCMGR_TREE_LOCK_BITS)];
}

/**
 * rcmgr_scope_locks_exit() - destroy them; no scope is left
 */
void rcmgr_scope_locks_exit(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(tree_locks); i++)
		mutex_destroy(&tree_locks[i]);
}

/* How many counters @s has: a handle has the memory counter alone. */
static int counters(const struct rcmgr_scope *s)
{
	BUILD_BUG_ON(RCMGR_RES_MEMORY != 0);
	return rcmgr_scope_is_handle(s) ? 1 : RCMGR_NR_RES;
}

/* The counter of @r, which @s has (@r < counters(@s)). */
static struct rcmgr_counter *counter(struct rcmgr_scope *s, int r)
{
	return rcmgr_scope_is_handle(s) ? &s->mem : &s->res[r];
}

static const struct rcmgr_counter *counter_c(const struct rcmgr_scope *s,
					     int r)
{
	return rcmgr_scope_is_handle(s) ? &s->mem : &s->res[r];
}

/* What a handle holds of @r besides memory while it is not done. */
static s64 handle_units(const struct rcmgr_scope *s, enum rcmgr_res r)
{
	bool in = s->dir == RCMGR_DIRECTION_INBOUND;

	switch (s->kind) {
	case RCMGR_SCOPE_KIND_CONN:
		return r == RCMGR_RES_CONNS ||
		       r == (in ? RCMGR_RES_CONNS_IN : RCMGR_RES_CONNS_OUT) ||
		       (r == RCMGR_RES_FD && s->usefd);
	case RCMGR_SCOPE_KIND_STREAM:
		return r == RCMGR_RES_STREAMS ||
		       r == (in ? RCMGR_RES_STREAMS_IN : RCMGR_RES_STREAMS_OUT);
	}
	return 0;
}

/**
 * rcmgr_scope_edges() - what a scope charges after itself, in order
 * @s: the scope
 * @e: filled in; room for %RCMGR_MAX_EDGES
 *
 * A conn charges [transient, system], after set-peer [peer, system] (the
 * allowlisted scopes in place of transient and system for an allowlisted
 * conn); a stream [peer, transient, system], after set-protocol [peer,
 * protocol-peer, protocol, system], after set-service [peer,
 * protocol-peer, service-peer, protocol, service, system]; a span
 * nothing (what it charges is its parent's chain); transient, service,
 * protocol and peer the system scope, allowlisted-transient the
 * allowlisted one, other shared scopes nothing.  A done handle holds
 * nothing.
 *
 * Context: @s's tree lock held, or @s not published yet; a shared
 * scope's never change.
 * Return: how many scopes @e holds.
 */
unsigned int rcmgr_scope_edges(struct rcmgr_scope *s, struct rcmgr_scope **e)
{
	struct rcmgr_net *rn = s->rn;
	bool al;

	switch (s->kind) {
	case RCMGR_SCOPE_KIND_CONN:
		if (rcmgr_scope_done(s))
			return 0;
		al = test_bit(RCMGR_SCOPE_ALLOWLISTED, &s->flags);
		e[0] = s->peer ?: al ? &rn->allowlisted_transient :
				       &rn->transient;
		e[1] = al ? &rn->allowlisted_system : &rn->system;
		return 2;
	case RCMGR_SCOPE_KIND_STREAM:
		if (!s->peer)
			return 0;
		e[0] = s->peer;
		if (!s->protocol) {
			e[1] = &rn->transient;
			e[2] = &rn->system;
			return 3;
		}
		e[1] = s->protocol_peer;
		if (!s->service) {
			e[2] = s->protocol;
			e[3] = &rn->system;
			return 4;
		}
		e[2] = s->service_peer;
		e[3] = s->protocol;
		e[4] = s->service;
		e[5] = &rn->system;
		return 6;
	case RCMGR_SCOPE_KIND_TRANSIENT:
	case RCMGR_SCOPE_KIND_SERVICE:
	case RCMGR_SCOPE_KIND_PROTOCOL:
	case RCMGR_SCOPE_KIND_PEER:
		e[0] = &rn->system;
		return 1;
	case RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT:
		e[0] = &rn->allowlisted_system;
		return 1;
	}
	/* Span, system, the pairs, allowlisted-system. */
	return 0;
}

/**
 * rcmgr_scope_init() - initialise an empty scope
 * @s: the scope
 * @rn: its namespace
 * @kind: &enum rcmgr_scope_kind
 * @limit: the limits of a shared scope; NULL for a handle (see
 *	scope_limit())
 */
void rcmgr_scope_init(struct rcmgr_scope *s, struct rcmgr_net *rn, u32 kind,
		      const struct rcmgr_limit *limit)
{
	int r;

	s->kind = kind;
	s->rn = rn;
	refcount_set(&s->ref, 1);
	if (!rcmgr_scope_is_handle(s))
		RCU_INIT_POINTER(s->limit, limit);
	if (rcmgr_scope_is_handle(s))
		INIT_LIST_HEAD(&s->owner_node);
	if (kind == RCMGR_SCOPE_KIND_CONN)
		INIT_LIST_HEAD(&s->reap_node);
	for (r = 0; r < counters(s); r++) {
		atomic64_set(&counter(s, r)->usage, 0);
		atomic64_set(&counter(s, r)->peak, 0);
		atomic64_set(&counter(s, r)->failcnt, 0);
	}
}

/*
 * The limits that apply to @s: a span's are those of what it charges, a
 * conn's or stream's those of its class.  Context: RCU read lock held.
 */
static const struct rcmgr_limit *scope_limit(const struct rcmgr_scope *s)
{
	while (s->kind == RCMGR_SCOPE_KIND_SPAN)
		s = s->parent;
	switch (s->kind) {
	case RCMGR_SCOPE_KIND_CONN:
		return &s->rn->class_limit[RCMGR_CLASS_CONN];
	case RCMGR_SCOPE_KIND_STREAM:
		return &s->rn->class_limit[RCMGR_CLASS_STREAM];
	}
	return rcu_dereference(s->limit);
}

/**
 * rcmgr_scope_max() - a scope's limit for one resource, as it is now
 * @s: the scope; a span uses the limits of what it charges
 * @r: the resource
 *
 * Context: any; takes the RCU read lock.
 * Return: the limit; %RCMGR_UNLIMITED when unlimited.
 */
s64 rcmgr_scope_max(const struct rcmgr_scope *s, enum rcmgr_res r)
{
	const struct rcmgr_limit *l;
	s64 max;

	rcu_read_lock();
	l = scope_limit(s);
	max = READ_ONCE(l->max[r]);
	rcu_read_unlock();
	return max;
}

/* Memory may be charged up to (1 + prio) / 256 of the limit, exactly. */
static s64 threshold(s64 max, enum rcmgr_res r, u8 prio)
{
	if (r != RCMGR_RES_MEMORY || max == RCMGR_UNLIMITED || max <= 0)
		return max;
	return mul_u64_u32_shr(max, (u32)prio + 1, 8);
}

static bool counter_try_add(struct rcmgr_counter *c, s64 v, s64 limit,
			    s64 *seen)
{
	s64 old = atomic64_read(&c->usage), new, peak;

	do {
		/* limit >= 0 and old >= 0: the subtraction cannot overflow. */
		if (v > limit - old) {
			*seen = old;
			atomic64_inc(&c->failcnt);
			return false;
		}
		new = old + v;
	} while (!atomic64_try_cmpxchg(&c->usage, &old, new));

	/* Racy watermark, as in page_counter: a concurrent peak may win. */
	peak = atomic64_read(&c->peak);
	while (new > peak && !atomic64_try_cmpxchg(&c->peak, &peak, new))
		;
	return true;
}

static void counter_sub(struct rcmgr_counter *c, s64 v)
{
	s64 new = atomic64_sub_return(v, &c->usage);

	/* Our accounting is broken; keep the counter sane and say so. */
	if (WARN_ON_ONCE(new < 0))
		atomic64_set(&c->usage, 0);
}

static void uncharge_one(struct rcmgr_scope *s, const struct rcmgr_delta *d,
			 int end)
{
	int r;

	end = min(end, counters(s));
	for (r = 0; r < end; r++)
		if (d->v[r])
			counter_sub(counter(s, r), d->v[r]);
}

/**
 * rcmgr_scope_names() - the names a scope shows
 * @s: the scope
 * @peer: set to the key holding its peer name, or NULL
 * @proto: set to the key holding its protocol, or NULL
 * @svc: set to the key holding its service, or NULL
 *
 * Named scopes show their own names; a conn or stream those of the scopes
 * it is attached to.
 *
 * Context: RCU read lock or @s's tree lock held; either keeps a scope a
 * conn or stream drops meanwhile alive.
 */
void rcmgr_scope_names(const struct rcmgr_scope *s,
		       const struct rcmgr_key **peer,
		       const struct rcmgr_key **proto,
		       const struct rcmgr_key **svc)
{
	const struct rcmgr_scope *p;

	*peer = NULL;
	*proto = NULL;
	*svc = NULL;
	switch (s->kind) {
	case RCMGR_SCOPE_KIND_SERVICE:
	case RCMGR_SCOPE_KIND_SERVICE_PEER:
		*svc = &s->key;
		*peer = s->key.peer ? &s->key : NULL;
		break;
	case RCMGR_SCOPE_KIND_PROTOCOL:
	case RCMGR_SCOPE_KIND_PROTOCOL_PEER:
		*proto = &s->key;
		*peer = s->key.peer ? &s->key : NULL;
		break;
	case RCMGR_SCOPE_KIND_PEER:
		*peer = &s->key;
		break;
	case RCMGR_SCOPE_KIND_CONN:
		p = READ_ONCE(s->peer);
		*peer = p ? &p->key : NULL;
		break;
	case RCMGR_SCOPE_KIND_STREAM:
		p = READ_ONCE(s->peer);
		*peer = p ? &p->key : NULL;
		p = READ_ONCE(s->protocol);
		*proto = p ? &p->key : NULL;
		p = READ_ONCE(s->service);
		*svc = p ? &p->key : NULL;
		break;
	}
}

static u16 copy_name(u8 *dst, size_t size, const u8 *src, u16 len)
{
	len = min_t(size_t, len, size);
	memcpy(dst, src, len);
	return len;
}

/* What a refusal report says of @s, copied while the chain holds it. */
static void refusal_snapshot(struct rcmgr_refusal *why,
			     const struct rcmgr_scope *s)
{
	why->id = s->id;
	why->kind = s->kind;
	why->peer_len = 0;
	why->name_len = 0;
	if (rcmgr_scope_is_handle(s))
		return;
	/* A named scope's key never changes. */
	why->peer_len = copy_name(why->peer, sizeof(why->peer), s->key.peer,
				  s->key.peer_len);
	why->name_len = copy_name(why->name, sizeof(why->name), s->key.name,
				  s->key.name_len);
}

/* Context: RCU read lock held, for the scope's limits. */
static int charge_one(struct rcmgr_scope *s, const struct rcmgr_delta *d,
		      struct rcmgr_refusal *why)
{
	const struct rcmgr_limit *l = scope_limit(s);
	s64 max, seen;
	int r;

	for (r = 0; r < RCMGR_NR_RES; r++) {
		if (!d->v[r])
			continue;
		max = READ_ONCE(l->max[r]);
		if (r >= counters(s)) {
			/* A handle's units, charged as it opens: a check. */
			seen = 0;
			if (d->v[r] <= max)
				continue;
		} else if (counter_try_add(counter(s, r), d->v[r],
					   threshold(max, r, d->prio), &seen)) {
			continue;
		}
		uncharge_one(s, d, r);
		if (why) {
			why->refused = true;
			why->res = r;
			why->usage = seen;
			why->attempted = d->v[r];
			why->limit = max;
			why->prio = d->prio;
			refusal_snapshot(why, s);
		}
		return -EDQUOT;
	}
	return 0;
}

/**
 * rcmgr_charge() - charge a delta to every scope of a chain, or to none
 * @chain: the scopes, in check order
 * @n: how many
 * @d: what to charge; every value >= 0
 * @why: filled in on refusal; may be NULL
 *
 * Context: any; takes the RCU read lock.  The caller keeps @chain alive.
 * Return: 0, or -EDQUOT with nothing charged.
 */
int rcmgr_charge(struct rcmgr_scope **chain, unsigned int n,
		 const struct rcmgr_delta *d, struct rcmgr_refusal *why)
{
	unsigned int i;
	int ret = 0;

	/* One read-side section for the limits of the whole chain. */
	rcu_read_lock();
	for (i = 0; i < n; i++) {
		ret = charge_one(chain[i], d, why);
		if (ret) {
			while (i--)
				uncharge_one(chain[i], d, RCMGR_NR_RES);
			break;
		}
	}
	rcu_read_unlock();
	return ret;
}

/**
 * rcmgr_uncharge() - give back a delta charged to every scope of a chain
 * @chain: the scopes
 * @n: how many
 * @d: what was charged
 */
void rcmgr_uncharge(struct rcmgr_scope **chain, unsigned int n,
		    const struct rcmgr_delta *d)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		uncharge_one(chain[i], d, RCMGR_NR_RES);
}

/**
 * rcmgr_scope_usage() - what a scope holds, as a delta
 * @s: the scope
 * @d: filled in; its priority is %RCMGR_PRIO_ALWAYS, as for moves
 *
 * A handle that is done holds nothing but what its counter still shows
 * while rcmgr_handle_done() gives it back (see rcmgr_handle_usage()).
 */
void rcmgr_scope_usage(const struct rcmgr_scope *s, struct rcmgr_delta *d)
{
	bool units = rcmgr_scope_is_handle(s) && !rcmgr_scope_done(s);
	int r;

	for (r = 0; r < RCMGR_NR_RES; r++)
		d->v[r] = r < counters(s) ? atomic64_read(&counter_c(s, r)->usage) :
			  units ? handle_units(s, r) : 0;
	d->prio = RCMGR_PRIO_ALWAYS;
}

/**
 * rcmgr_handle_usage() - what a handle gives back when it is done
 * @s: the handle, being done under its tree lock
 * @d: filled in; its priority is %RCMGR_PRIO_ALWAYS
 */
void rcmgr_handle_usage(const struct rcmgr_scope *s, struct rcmgr_delta *d)
{
	int r;

	d->v[RCMGR_RES_MEMORY] = atomic64_read(&s->mem.usage);
	for (r = 1; r < RCMGR_NR_RES; r++)
		d->v[r] = handle_units(s, r);
	d->prio = RCMGR_PRIO_ALWAYS;
}

/**
 * rcmgr_scope_stats() - a scope's usage, high watermarks and refusals
 * @s: the scope
 * @usage: filled in, per resource
 * @peak: filled in, per resource
 * @blocked: filled in, per resource
 *
 * A handle's units besides memory were charged once, as it opened, and
 * never refused (a refused open leaves no handle): their watermark is what
 * it held then.
 */
void rcmgr_scope_stats(const struct rcmgr_scope *s, s64 *usage, s64 *peak,
		       s64 *blocked)
{
	struct rcmgr_delta d;
	int r;

	rcmgr_scope_usage(s, &d);
	for (r = 0; r < RCMGR_NR_RES; r++) {
		usage[r] = d.v[r];
		if (r < counters(s)) {
			peak[r] = atomic64_read(&counter_c(s, r)->peak);
			blocked[r] = atomic64_read(&counter_c(s, r)->failcnt);
		} else {
			peak[r] = handle_units(s, r);
			blocked[r] = 0;
		}
	}
}

/**
 * rcmgr_scope_empty() - whether a scope holds nothing
 * @s: the scope
 *
 * Return: true if every counter is zero.
 */
bool rcmgr_scope_empty(const struct rcmgr_scope *s)
{
	struct rcmgr_delta d;
	int r;

	rcmgr_scope_usage(s, &d);
	for (r = 0; r < RCMGR_NR_RES; r++)
		if (d.v[r])
			return false;
	return true;
}

static const char *const kind_names[] = {
	[RCMGR_SCOPE_KIND_SYSTEM]	 = "system",
	[RCMGR_SCOPE_KIND_TRANSIENT]	 = "transient",
	[RCMGR_SCOPE_KIND_SERVICE]	 = "service",
	[RCMGR_SCOPE_KIND_PROTOCOL]	 = "protocol",
	[RCMGR_SCOPE_KIND_PEER]		 = "peer",
	[RCMGR_SCOPE_KIND_PROTOCOL_PEER] = "protocol-peer",
	[RCMGR_SCOPE_KIND_SERVICE_PEER]	 = "service-peer",
	[RCMGR_SCOPE_KIND_CONN]		 = "conn",
	[RCMGR_SCOPE_KIND_STREAM]	 = "stream",
	[RCMGR_SCOPE_KIND_SPAN]		 = "span",
	[RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM] = "allowlisted-system",
	[RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT] = "allowlisted-transient",
};

/**
 * rcmgr_kind_name() - the name of a scope kind, for messages
 * @kind: &enum rcmgr_scope_kind
 *
 * Return: a static string.
 */
const char *rcmgr_kind_name(u32 kind)
{
	if (kind < ARRAY_SIZE(kind_names) && kind_names[kind])
		return kind_names[kind];
	return "scope";
}

static const char *const res_names[RCMGR_NR_RES] = {
	[RCMGR_RES_MEMORY]	= "memory",
	[RCMGR_RES_STREAMS_IN]	= "inbound streams",
	[RCMGR_RES_STREAMS_OUT]	= "outbound streams",
	[RCMGR_RES_STREAMS]	= "streams",
	[RCMGR_RES_CONNS_IN]	= "inbound connections",
	[RCMGR_RES_CONNS_OUT]	= "outbound connections",
	[RCMGR_RES_CONNS]	= "connections",
	[RCMGR_RES_FD]		= "file descriptors",
};

/**
 * rcmgr_res_name() - the name of a resource, for messages
 * @r: the resource
 *
 * Return: a static string.
 */
const char *rcmgr_res_name(enum rcmgr_res r)
{
	return res_names[r];
}
