// SPDX-License-Identifier: GPL-2.0
/*
 * Handles: connections, streams and spans, owned by the netlink socket that
 * opened them; memory reserved on them, and moves between scopes.
 *
 * A conn charges itself and its edges: [transient, system], after set-peer
 * [peer, system]; a conn from an allowlisted address that those refused
 * [allowlisted-transient, allowlisted-system], after set-peer [peer,
 * allowlisted-system].  A stream charges [peer, transient, system], after
 * set-protocol [peer, protocol-peer, protocol, system], after set-service
 * [peer, protocol-peer, service-peer, protocol, service, system].  Streams
 * are never charged to a conn.  A span charges itself, then everything its
 * parent charges.
 *
 * Everything that changes a tree of handles (reservations, moves, done) runs
 * under the tree's lock (the lock of the conn, stream or other scope the
 * spans hang off), so a move never races a reservation through the same
 * tree; the counters of shared scopes are charged without a lock.
 */
#include <linux/slab.h>
#include <net/sock.h>

#include "rcmgr.h"

#define RCMGR_MAX_SPAN_DEPTH	16
#define RCMGR_MAX_CHAIN		(RCMGR_MAX_SPAN_DEPTH + 1 + RCMGR_MAX_EDGES)

enum {
	RCMGR_SCOPE_DROPPED = RCMGR_SCOPE_NR_FLAGS,	/* flags: id released */
};

/*
 * Conns, streams and spans: scopes allocated short, each kind up to the
 * end of what it holds (struct rcmgr_scope).
 */
static struct kmem_cache *conn_cache __read_mostly;
static struct kmem_cache *stream_cache __read_mostly;
static struct kmem_cache *span_cache __read_mostly;

/* Frees the handles of dead owners, a grace period after their teardown. */
static struct workqueue_struct *free_wq __read_mostly;

static struct kmem_cache *handle_cache(u32 kind)
{
	switch (kind) {
	case RCMGR_SCOPE_KIND_CONN:
		return conn_cache;
	case RCMGR_SCOPE_KIND_STREAM:
		return stream_cache;
	}
	return span_cache;
}

/**
 * rcmgr_handle_init() - make the caches handles are allocated from
 *
 * Return: 0 or -ENOMEM.
 */
int __init rcmgr_handle_init(void)
{
	conn_cache = kmem_cache_create("rcmgr_conn",
				       offsetofend(struct rcmgr_scope,
						   reap_node),
				       0, SLAB_ACCOUNT, NULL);
	stream_cache = kmem_cache_create("rcmgr_stream",
					 offsetofend(struct rcmgr_scope,
						     service),
					 0, SLAB_ACCOUNT, NULL);
	span_cache = kmem_cache_create("rcmgr_span",
				       offsetofend(struct rcmgr_scope, parent),
				       0, SLAB_ACCOUNT, NULL);
	free_wq = alloc_workqueue("rcmgr_free", WQ_UNBOUND, 0);
	if (conn_cache && stream_cache && span_cache && free_wq)
		return 0;
	rcmgr_handle_exit();
	return -ENOMEM;
}

/**
 * rcmgr_handle_exit() - destroy the caches once every handle is freed
 *
 * Context: after rcu_barrier(), so every owner's free is queued already.
 */
void rcmgr_handle_exit(void)
{
	/* Runs what is queued, then goes. */
	if (free_wq)
		destroy_workqueue(free_wq);
	kmem_cache_destroy(span_cache);
	kmem_cache_destroy(stream_cache);
	kmem_cache_destroy(conn_cache);
}

/**
 * rcmgr_handle_get() - look up a handle of an owner
 * @rn: the namespace state
 * @owner: the requesting socket's owner record, or NULL
 * @id: the handle
 *
 * Another socket's handle is not found: its existence does not leak.
 *
 * Return: the handle, referenced, or NULL.
 */
struct rcmgr_scope *rcmgr_handle_get(struct rcmgr_net *rn,
				     struct rcmgr_owner *owner, u64 id)
{
	struct rcmgr_scope *s;

	if (!owner)
		return NULL;
	rcu_read_lock();
	s = xa_load(&rn->scopes, id);
	if (s && (!rcmgr_scope_is_handle(s) || s->owner != owner ||
		  !refcount_inc_not_zero(&s->ref)))
		s = NULL;
	rcu_read_unlock();
	return s;
}

/*
 * An owner's handles by cookie (&rcmgr_owner.cookies).  32 buckets at
 * least (256 bytes): the table grows above 75% and shrinks below 30%, to
 * 66%, so a socket that opens a batch of handles and ends them, from
 * none, would otherwise have it rehashed (grown twice, then shrunk) by a
 * worker at every batch.  Batches of up to 24 handles never rehash it.
 * It starts at 32 too (@nelem_hint): without a hint rhashtable_init()
 * makes 64 buckets, which the first done shrinks to 32, a rehash per
 * socket and twice the memory while it lasts.
 */
const struct rhashtable_params rcmgr_cookie_params = {
	.head_offset = offsetof(struct rcmgr_scope, cookie_node),
	.key_offset = offsetof(struct rcmgr_scope, cookie),
	.key_len = sizeof(u64),
	.nelem_hint = 24,
	.min_size = 32,
	.automatic_shrinking = true,
};

/**
 * rcmgr_handle_by_cookie() - look up a handle of an owner by its cookie
 * @owner: the requesting socket's owner record, or NULL
 * @cookie: the name the owner gave the handle
 *
 * Return: the handle, referenced, or NULL.
 */
struct rcmgr_scope *rcmgr_handle_by_cookie(struct rcmgr_owner *owner,
					   u64 cookie)
{
	struct rcmgr_scope *s;

	/* Set up by the owner's first naming, before it published anything. */
	if (!owner || !smp_load_acquire(&owner->named))
		return NULL;
	rcu_read_lock();
	s = rhashtable_lookup(&owner->cookies, &cookie, rcmgr_cookie_params);
	if (s && !refcount_inc_not_zero(&s->ref))
		s = NULL;
	rcu_read_unlock();
	return s;
}

/**
 * rcmgr_handle_name() - give a new handle its owner's cookie
 * @s: the handle, published, referenced by the caller
 * @cookie: the name, not 0
 *
 * Under the owner's lock, so a handle another thread of the owner already
 * dropped (by its id) is not named after its id was forgotten.
 *
 * Return: 0; -EEXIST: a live handle of the owner has that name; -ENOENT:
 * @s was dropped meanwhile; -ENOMEM.
 */
int rcmgr_handle_name(struct rcmgr_scope *s, u64 cookie)
{
	struct rcmgr_owner *o = s->owner;
	int ret = -ENOENT;

	mutex_lock(&o->lock);
	/* An owner's table is made when it names its first handle. */
	if (!o->named) {
		ret = rhashtable_init(&o->cookies, &rcmgr_cookie_params);
		if (ret)
			goto out;
		/* Pairs with the acquire in rcmgr_handle_by_cookie(). */
		smp_store_release(&o->named, true);
		ret = -ENOENT;
	}
	if (!list_empty(&s->owner_node)) {
		s->cookie = cookie;
		ret = rhashtable_lookup_insert_fast(&o->cookies,
						    &s->cookie_node,
						    rcmgr_cookie_params);
		if (ret)
			s->cookie = 0;
	}
out:
	mutex_unlock(&o->lock);
	return ret;
}

static struct rcmgr_scope *handle_new(struct rcmgr_net *rn, struct sock *sk,
				      u32 portid, u32 kind,
				      struct netlink_ext_ack *extack)
{
	struct rcmgr_owner *o;
	struct rcmgr_scope *s;
	int ret = -EDQUOT;

	o = rcmgr_owner_get(rn, sk, portid);
	if (IS_ERR(o))
		return ERR_CAST(o);
	if (!rcmgr_user_charge(&rn->nr_handles, READ_ONCE(rn->bounds.max_handles))) {
		NL_SET_ERR_MSG(extack, "too many handles in this namespace (max-handles)");
		goto err_net;
	}
	if (!rcmgr_user_charge(&o->nr_handles, READ_ONCE(rn->bounds.max_owner_handles))) {
		NL_SET_ERR_MSG(extack, "too many handles on this socket (max-owner-handles)");
		goto err_owner;
	}
	if (!rcmgr_user_charge(&o->user->nr_handles,
			       READ_ONCE(rn->bounds.max_user_handles))) {
		NL_SET_ERR_MSG(extack, "too many handles of this user (max-user-handles)");
		goto err_user;
	}
	s = kmem_cache_zalloc(handle_cache(kind), GFP_KERNEL);
	if (!s) {
		ret = -ENOMEM;
		goto err_alloc;
	}
	rcmgr_scope_init(s, rn, kind, NULL);
	s->owner = o;
	s->portid = o->portid;
	return s;

err_alloc:
	atomic_dec(&o->user->nr_handles);
err_user:
	atomic_dec(&o->nr_handles);
err_owner:
	atomic_dec(&rn->nr_handles);
err_net:
	return ERR_PTR(ret);
}

/*
 * Make a charged handle visible: whole first (listed under its owner,
 * referenced for the id and for the caller), then its id.  From the moment
 * the id is in the table, another thread of the owner may look it up and
 * end it.
 */
static int handle_publish(struct rcmgr_scope *s)
{
	struct rcmgr_owner *o = s->owner;
	int ret;

	mutex_lock(&o->lock);
	list_add_tail(&s->owner_node, &o->handles);
	mutex_unlock(&o->lock);
	/* The caller's reference; the initial one is the id's. */
	rcmgr_scope_get(s);
	ret = rcmgr_net_add(s->rn, s);
	if (ret) {
		refcount_dec(&s->ref);
		mutex_lock(&o->lock);
		list_del_init(&s->owner_node);
		mutex_unlock(&o->lock);
		return ret;
	}
	pr_debug("rcmgr: scope %llu (%s) created\n", s->id,
		 rcmgr_kind_name(s->kind));
	return 0;
}

/* Give back @n handles of @o: its count, its user's and the namespace's. */
static void handles_uncount(struct rcmgr_owner *o, unsigned int n)
{
	atomic_sub(n, &o->user->nr_handles);
	atomic_sub(n, &o->nr_handles);
	atomic_sub(n, &o->rn->nr_handles);
}

/* Undo handle_new() for a handle that was never published or charged. */
static void handle_abort(struct rcmgr_scope *s)
{
	handles_uncount(s->owner, 1);
	rcmgr_handle_free(s);
}

static void handle_free_rcu(struct rcu_head *head)
{
	struct rcmgr_scope *s = container_of(head, struct rcmgr_scope, rcu);

	if (s->kind == RCMGR_SCOPE_KIND_CONN)
		kfree(rcu_access_pointer(s->ep));
	kmem_cache_free(handle_cache(s->kind), s);
}

/* Drop the scopes a handle nothing references any more still holds. */
static void handle_put_scopes(struct rcmgr_scope *s)
{
	struct rcmgr_scope *edges[RCMGR_MAX_EDGES];
	unsigned int i, n;

	/* A handle that never opened may still hold its first scopes. */
	n = rcmgr_scope_edges(s, edges);
	for (i = 0; i < n; i++)
		rcmgr_scope_put(edges[i]);
	if (s->kind == RCMGR_SCOPE_KIND_SPAN && s->parent)
		rcmgr_scope_put(s->parent);
}

/**
 * rcmgr_handle_free() - free a handle nothing references any more
 * @s: the handle: done, and its edges dropped; or never published
 */
void rcmgr_handle_free(struct rcmgr_scope *s)
{
	handle_put_scopes(s);
	/* Dumps may be reading it, and its endpoint. */
	call_rcu(&s->rcu, handle_free_rcu);
}

static void owner_free_work(struct work_struct *work)
{
	struct rcmgr_owner *o = container_of(to_rcu_work(work),
					     struct rcmgr_owner, free_work);
	struct rcmgr_scope *s, *tmp;

	list_for_each_entry_safe(s, tmp, &o->dead, owner_node) {
		handle_free_rcu(&s->rcu);
		cond_resched();
	}
	/* Lockless readers compare o->sk: it outlives them, as o does. */
	sock_put(o->sk);
	kfree(o);
}

/**
 * rcmgr_owner_free() - free an owner, and the handles its teardown let go
 * @o: the owner, destroyed: out of every table, its handles dropped
 *
 * One grace period for the owner and all of them (&rcmgr_owner.dead),
 * rather than one call_rcu() each: lookups by id, dumps and socket
 * callbacks may still be reading any of them.
 */
void rcmgr_owner_free(struct rcmgr_owner *o)
{
	INIT_RCU_WORK(&o->free_work, owner_free_work);
	queue_rcu_work(free_wq, &o->free_work);
}

/*
 * The chain a reservation on @s charges, in order: @s, up through the
 * parents of spans, then the root's edges.  Fails with -ESTALE if any scope
 * of it is done (a span whose parent is done is a zombie).
 */
static int build_chain(struct rcmgr_scope *s, struct rcmgr_scope **chain)
{
	unsigned int n = 0;

	for (;;) {
		if (rcmgr_scope_done(s))
			return -ESTALE;
		chain[n++] = s;
		if (s->kind != RCMGR_SCOPE_KIND_SPAN)
			break;
		s = s->parent;
	}
	return n + rcmgr_scope_edges(s, &chain[n]);
}

/* The part of @s's chain a release reaches: up to the first done scope. */
static unsigned int live_chain(struct rcmgr_scope *s,
			       struct rcmgr_scope **chain)
{
	unsigned int n = 0;

	for (;;) {
		if (rcmgr_scope_done(s))
			return n;
		chain[n++] = s;
		if (s->kind != RCMGR_SCOPE_KIND_SPAN)
			break;
		s = s->parent;
	}
	return n + rcmgr_scope_edges(s, &chain[n]);
}

/*
 * Charge a new handle: if refused, reap dead sockets (their units may be
 * what is in the way) and try once more.  No tree lock may be held.
 */
static int charge_reaping(struct rcmgr_net *rn, struct rcmgr_scope **chain,
			  unsigned int n, const struct rcmgr_delta *d,
			  struct rcmgr_refusal *why)
{
	int ret = rcmgr_charge(chain, n, d, why);

	if (ret == -EDQUOT && rcmgr_reap(rn)) {
		why->refused = false;
		ret = rcmgr_charge(chain, n, d, why);
	}
	return ret;
}

/*
 * A conn's remote address, or NULL: its endpoint changes only under its
 * tree lock (conn-bind-fd), and not at all before it is published (id 0).
 */
static const struct rcmgr_maddr *conn_remote(const struct rcmgr_scope *s)
{
	const struct rcmgr_endpoint *ep;

	ep = rcu_dereference_protected(s->ep, !s->id ||
				       lockdep_is_held(rcmgr_scope_tree(s)));
	return ep && ep->has_addr ? &ep->ma : NULL;
}

/*
 * The normal scopes refused a new conn: if its remote address is
 * allowlisted, charge [conn, allowlisted-transient, allowlisted-system]
 * instead.  The allowlist is read only once the normal scopes refused, as
 * in go-libp2p: it costs nothing to other conns.  A final refusal is the
 * retry's, as go-libp2p returns it; the first one is still counted in the
 * refusing scope's blocked counters.  A conn that gets in stays counted in
 * the per-address tables (go-libp2p forgets it there: its quirk 7).  The
 * conn is not published yet.
 */
static int conn_open_refused(struct rcmgr_scope *s, struct rcmgr_scope **chain,
			     const struct rcmgr_delta *d, int ret,
			     struct rcmgr_refusal *why)
{
	struct rcmgr_net *rn = s->rn;

	if (!rcmgr_allowlist_allowed(rn, conn_remote(s)))
		return ret;
	why->refused = false;
	set_bit(RCMGR_SCOPE_ALLOWLISTED, &s->flags);
	rcmgr_scope_edges(s, &chain[1]);
	ret = charge_reaping(rn, chain, 3, d, why);
	if (ret)
		clear_bit(RCMGR_SCOPE_ALLOWLISTED, &s->flags);
	return ret;
}

/*
 * A conn with an address passes the rate-limit table, then is counted in
 * the conn-limit table, before any scope is charged.
 */
static int conn_admit(struct rcmgr_net *rn, struct rcmgr_endpoint *ep,
		      struct rcmgr_refusal *why)
{
	int ret;

	if (!ep || !ep->has_addr)
		return 0;
	ret = rcmgr_netlimit_rate(rn, ep, why);
	if (ret)
		return ret;
	ret = rcmgr_netlimit_count(rn, ep, why);
	/* Dead sockets' conns may be what is counted: reap, once more. */
	if (ret == -EDQUOT && rcmgr_reap(rn)) {
		why->refused = false;
		memset(&why->net, 0, sizeof(why->net));
		ret = rcmgr_netlimit_count(rn, ep, why);
	}
	return ret;
}

/**
 * rcmgr_conn_open() - open a connection in the transient scope
 * @rn: the namespace state
 * @sk: the requesting netlink socket, its owner
 * @portid: its port id
 * @dir: &enum rcmgr_direction
 * @usefd: the connection holds a file descriptor
 * @ep: the remote endpoint, or NULL; the conn's, even on failure
 * @why: filled in when a limit refuses
 * @extack: for other reasons of a failure
 *
 * When the system or transient scope refuses and the remote address is
 * allowlisted, the conn is charged to the allowlisted scopes instead.
 *
 * Return: the conn, referenced, or an ERR_PTR (-EDQUOT, -ENOMEM).
 */
struct rcmgr_scope *rcmgr_conn_open(struct rcmgr_net *rn, struct sock *sk,
				    u32 portid, u8 dir, bool usefd,
				    struct rcmgr_endpoint *ep,
				    struct rcmgr_refusal *why,
				    struct netlink_ext_ack *extack)
{
	struct rcmgr_delta d = { .prio = RCMGR_PRIO_ALWAYS };
	struct rcmgr_scope *s, *chain[3];
	int ret;

	s = handle_new(rn, sk, portid, RCMGR_SCOPE_KIND_CONN, extack);
	if (IS_ERR(s)) {
		kfree(ep);
		return s;
	}
	s->dir = dir;
	s->usefd = usefd;
	RCU_INIT_POINTER(s->ep, ep);
	ret = conn_admit(rn, ep, why);
	if (ret)
		goto err;

	d.v[dir == RCMGR_DIRECTION_INBOUND ? RCMGR_RES_CONNS_IN : RCMGR_RES_CONNS_OUT] = 1;
	d.v[RCMGR_RES_CONNS] = 1;
	d.v[RCMGR_RES_FD] = usefd;
	chain[0] = s;
	rcmgr_scope_edges(s, &chain[1]);
	ret = charge_reaping(rn, chain, 3, &d, why);
	if (ret == -EDQUOT)
		ret = conn_open_refused(s, chain, &d, ret, why);
	if (ret)
		goto err_uncount;
	ret = handle_publish(s);
	if (ret) {
		rcmgr_uncharge(chain, 3, &d);
		goto err_uncount;
	}
	return s;
err_uncount:
	rcmgr_netlimit_uncount(rn, ep);
err:
	handle_abort(s);
	return ERR_PTR(ret);
}

/**
 * rcmgr_stream_open() - open a stream to a peer
 * @rn: the namespace state
 * @sk: the requesting netlink socket, its owner
 * @portid: its port id
 * @peer: the peer's key
 * @dir: &enum rcmgr_direction
 * @why: filled in when a limit refuses
 * @extack: for other reasons of a failure
 *
 * Return: the stream, referenced, or an ERR_PTR (-EDQUOT, -ENOMEM).
 */
struct rcmgr_scope *rcmgr_stream_open(struct rcmgr_net *rn, struct sock *sk,
				      u32 portid, const struct rcmgr_key *peer,
				      u8 dir, struct rcmgr_refusal *why,
				      struct netlink_ext_ack *extack)
{
	struct rcmgr_delta d = { .prio = RCMGR_PRIO_ALWAYS };
	struct rcmgr_scope *s, *p, *chain[4];
	int ret;

	s = handle_new(rn, sk, portid, RCMGR_SCOPE_KIND_STREAM, extack);
	if (IS_ERR(s))
		return s;
	p = rcmgr_named_get(rn, peer, extack);
	if (IS_ERR(p)) {
		handle_abort(s);
		return p;
	}
	s->dir = dir;
	s->peer = p;

	d.v[dir == RCMGR_DIRECTION_INBOUND ? RCMGR_RES_STREAMS_IN : RCMGR_RES_STREAMS_OUT] = 1;
	d.v[RCMGR_RES_STREAMS] = 1;
	chain[0] = s;
	rcmgr_scope_edges(s, &chain[1]);
	ret = charge_reaping(rn, chain, 4, &d, why);
	if (ret)
		goto err;
	ret = handle_publish(s);
	if (ret) {
		rcmgr_uncharge(chain, 4, &d);
		goto err;
	}
	return s;
err:
	handle_abort(s);
	return ERR_PTR(ret);
}

/**
 * rcmgr_span_begin() - begin a span on a scope
 * @parent: the scope, referenced by the caller
 * @sk: the requesting netlink socket, the span's owner
 * @portid: its port id
 * @extack: for the reason of a failure
 *
 * Return: the span, referenced, or an ERR_PTR (-ESTALE when @parent is
 * done, -EINVAL when spans nest too deep, -EDQUOT, -ENOMEM).
 */
struct rcmgr_scope *rcmgr_span_begin(struct rcmgr_scope *parent,
				     struct sock *sk, u32 portid,
				     struct netlink_ext_ack *extack)
{
	struct rcmgr_scope *chain[RCMGR_MAX_CHAIN], *s, *p;
	unsigned int depth = 0;
	int ret;

	for (p = parent; p->kind == RCMGR_SCOPE_KIND_SPAN; p = p->parent)
		depth++;
	if (depth >= RCMGR_MAX_SPAN_DEPTH) {
		NL_SET_ERR_MSG(extack, "spans nest at most 16 deep");
		return ERR_PTR(-EINVAL);
	}
	s = handle_new(parent->rn, sk, portid, RCMGR_SCOPE_KIND_SPAN, extack);
	if (IS_ERR(s))
		return s;

	mutex_lock(rcmgr_scope_tree(parent));
	ret = build_chain(parent, chain);
	if (ret < 0) {
		mutex_unlock(rcmgr_scope_tree(parent));
		NL_SET_ERR_MSG(extack, "scope closed");
		handle_abort(s);
		return ERR_PTR(ret);
	}
	rcmgr_scope_get(parent);
	s->parent = parent;
	mutex_unlock(rcmgr_scope_tree(parent));

	ret = handle_publish(s);
	if (ret) {
		handle_abort(s);
		return ERR_PTR(ret);
	}
	return s;
}

/*
 * Move @s onto @to (charged with all @s holds, at priority always), then
 * off @from (if any); the caller then attaches @s to what it moved to.
 * On refusal nothing changes.  Called with the tree lock held.
 */
static int move(struct rcmgr_scope *s, struct rcmgr_scope **to,
		unsigned int nto, struct rcmgr_scope *from,
		struct rcmgr_refusal *why)
{
	struct rcmgr_delta d;
	int ret;

	lockdep_assert_held(rcmgr_scope_tree(s));
	rcmgr_scope_usage(s, &d);
	ret = rcmgr_charge(to, nto, &d, why);
	if (ret)
		return ret;
	if (from)
		rcmgr_uncharge(&from, 1, &d);
	return 0;
}

static int check_open(struct rcmgr_scope *s, struct netlink_ext_ack *extack)
{
	if (rcmgr_scope_done(s)) {
		NL_SET_ERR_MSG(extack, "scope closed");
		return -ESTALE;
	}
	return 0;
}

/*
 * Move an allowlisted conn, with all it holds, to the standard scopes: charge
 * system, then transient (go-libp2p's order), then give back to the
 * allowlisted ones.  On refusal nothing changes: the conn stays allowlisted
 * (go-libp2p releases first and leaves the conn with no scope at all).
 * Called with the tree lock held.
 */
static int to_standard(struct rcmgr_scope *conn, struct rcmgr_refusal *why)
{
	struct rcmgr_net *rn = conn->rn;
	struct rcmgr_scope *to[2] = { &rn->system, &rn->transient };
	struct rcmgr_scope *edges[RCMGR_MAX_EDGES];
	struct rcmgr_delta d;
	unsigned int n;
	int ret;

	lockdep_assert_held(rcmgr_scope_tree(conn));
	rcmgr_scope_usage(conn, &d);
	ret = rcmgr_charge(to, 2, &d, why);
	if (ret)
		return ret;
	n = rcmgr_scope_edges(conn, edges);
	rcmgr_uncharge(edges, n, &d);
	clear_bit(RCMGR_SCOPE_ALLOWLISTED, &conn->flags);
	return 0;
}

static int set_peer(struct rcmgr_scope *conn, const struct rcmgr_key *peer,
		    struct rcmgr_refusal *why, struct netlink_ext_ack *extack)
{
	struct rcmgr_net *rn = conn->rn;
	struct rcmgr_scope *p, *edges[RCMGR_MAX_EDGES];
	int ret;

	mutex_lock(rcmgr_scope_tree(conn));
	ret = check_open(conn, extack);
	if (ret)
		goto out;
	if (conn->peer) {
		NL_SET_ERR_MSG(extack, "connection already has a peer");
		ret = -EALREADY;
		goto out;
	}
	/* First what may fail for want of memory: then nothing has moved. */
	p = rcmgr_named_get(rn, peer, extack);
	if (IS_ERR(p)) {
		ret = PTR_ERR(p);
		goto out;
	}
	/* Admitted for another peer than this one: the standard scopes. */
	if (test_bit(RCMGR_SCOPE_ALLOWLISTED, &conn->flags) &&
	    !rcmgr_allowlist_allowed_peer(rn, conn_remote(conn), peer)) {
		ret = to_standard(conn, why);
		if (ret) {
			rcmgr_scope_put(p);
			goto out;
		}
	}
	/*
	 * Off transient (or allowlisted-transient); system (or
	 * allowlisted-system) keeps the charge and is not checked again.
	 */
	rcmgr_scope_edges(conn, edges);
	ret = move(conn, &p, 1, edges[0], why);
	if (ret)
		rcmgr_scope_put(p);
	else
		WRITE_ONCE(conn->peer, p);
out:
	mutex_unlock(rcmgr_scope_tree(conn));
	return ret;
}

/*
 * Get the scope @k names and its pair with the stream's peer (the
 * protocol-peer or service-peer scope), both referenced.
 */
static int get_with_pair(struct rcmgr_scope *stream, const struct rcmgr_key *k,
			 u32 pair_kind, struct rcmgr_scope **named,
			 struct rcmgr_scope **pair, struct netlink_ext_ack *extack)
{
	struct rcmgr_key pk = *k;

	*named = rcmgr_named_get(stream->rn, k, extack);
	if (IS_ERR(*named))
		return PTR_ERR(*named);
	pk.kind = pair_kind;
	pk.peer = stream->peer->key.peer;
	pk.peer_len = stream->peer->key.peer_len;
	*pair = rcmgr_named_get(stream->rn, &pk, extack);
	if (IS_ERR(*pair)) {
		rcmgr_scope_put(*named);
		return PTR_ERR(*pair);
	}
	return 0;
}

static int set_protocol(struct rcmgr_scope *stream,
			const struct rcmgr_key *proto,
			struct rcmgr_refusal *why,
			struct netlink_ext_ack *extack)
{
	struct rcmgr_scope *p, *pp, *to[2];
	struct rcmgr_net *rn = stream->rn;
	int ret;

	mutex_lock(rcmgr_scope_tree(stream));
	ret = check_open(stream, extack);
	if (ret)
		goto out;
	if (stream->protocol) {
		NL_SET_ERR_MSG(extack, "stream already has a protocol");
		ret = -EALREADY;
		goto out;
	}
	ret = get_with_pair(stream, proto, RCMGR_SCOPE_KIND_PROTOCOL_PEER,
			    &p, &pp, extack);
	if (ret)
		goto out;
	to[0] = p;
	to[1] = pp;
	ret = move(stream, to, 2, &rn->transient, why);
	if (!ret) {
		stream->protocol_peer = pp;
		WRITE_ONCE(stream->protocol, p);
		goto out;
	}
	rcmgr_scope_put(pp);
	rcmgr_scope_put(p);
out:
	mutex_unlock(rcmgr_scope_tree(stream));
	return ret;
}

static int set_service(struct rcmgr_scope *stream,
		       const struct rcmgr_key *svc,
		       struct rcmgr_refusal *why,
		       struct netlink_ext_ack *extack)
{
	struct rcmgr_scope *s, *sp, *to[2];
	int ret;

	mutex_lock(rcmgr_scope_tree(stream));
	ret = check_open(stream, extack);
	if (ret)
		goto out;
	if (stream->service) {
		NL_SET_ERR_MSG(extack, "stream already has a service");
		ret = -EALREADY;
		goto out;
	}
	if (!stream->protocol) {
		NL_SET_ERR_MSG(extack, "stream has no protocol yet");
		ret = -EINVAL;
		goto out;
	}
	ret = get_with_pair(stream, svc, RCMGR_SCOPE_KIND_SERVICE_PEER,
			    &s, &sp, extack);
	if (ret)
		goto out;
	to[0] = s;
	to[1] = sp;
	ret = move(stream, to, 2, NULL, why);
	if (!ret) {
		stream->service_peer = sp;
		WRITE_ONCE(stream->service, s);
		goto out;
	}
	rcmgr_scope_put(sp);
	rcmgr_scope_put(s);
out:
	mutex_unlock(rcmgr_scope_tree(stream));
	return ret;
}

/*
 * A move refused by a limit changes nothing: reap dead sockets, whose
 * units may be what is in the way, and try once more.
 */
static int move_reaping(int (*fn)(struct rcmgr_scope *,
				  const struct rcmgr_key *,
				  struct rcmgr_refusal *,
				  struct netlink_ext_ack *),
			struct rcmgr_scope *h, const struct rcmgr_key *k,
			struct rcmgr_refusal *why, struct netlink_ext_ack *extack)
{
	int ret = fn(h, k, why, extack);

	if (ret == -EDQUOT && rcmgr_reap(h->rn)) {
		/* Only what the retry says counts. */
		why->refused = false;
		ret = fn(h, k, why, extack);
	}
	return ret;
}

/**
 * rcmgr_conn_set_peer() - move a connection from transient to a peer
 * @conn: the conn
 * @peer: the peer's key
 * @why: filled in when the peer's limits refuse
 * @extack: for other reasons of a failure
 *
 * The system scope keeps the conn's charge and is not checked again.  If
 * the peer refuses, the conn stays in the transient scope.
 *
 * An allowlisted conn whose address is allowlisted only for other peers
 * first moves to the standard system and transient scopes; if they refuse
 * (-EDQUOT, naming the one that did), it stays allowlisted and without a
 * peer.  An allowlisted conn with a peer charges [peer, allowlisted-system].
 *
 * Return: 0, -EDQUOT, -EALREADY (a peer already set), -ESTALE (done).
 */
int rcmgr_conn_set_peer(struct rcmgr_scope *conn, const struct rcmgr_key *peer,
			struct rcmgr_refusal *why,
			struct netlink_ext_ack *extack)
{
	return move_reaping(set_peer, conn, peer, why, extack);
}

/**
 * rcmgr_stream_set_protocol() - move a stream from transient to a protocol
 * @stream: the stream
 * @proto: the protocol's key
 * @why: filled in when the protocol's (or protocol-peer's) limits refuse
 * @extack: for other reasons of a failure
 *
 * On refusal the stream stays in the transient scope and may try another
 * protocol.
 *
 * Return: 0, -EDQUOT, -EALREADY, -ESTALE, -ENOMEM.
 */
int rcmgr_stream_set_protocol(struct rcmgr_scope *stream,
			      const struct rcmgr_key *proto,
			      struct rcmgr_refusal *why,
			      struct netlink_ext_ack *extack)
{
	return move_reaping(set_protocol, stream, proto, why, extack);
}

/**
 * rcmgr_stream_set_service() - attach a stream to a service
 * @stream: the stream; it must have a protocol
 * @svc: the service's key
 * @why: filled in when the service's (or service-peer's) limits refuse
 * @extack: for other reasons of a failure
 *
 * Return: 0, -EDQUOT, -EALREADY, -ESTALE, -EINVAL (no protocol), -ENOMEM.
 */
int rcmgr_stream_set_service(struct rcmgr_scope *stream,
			     const struct rcmgr_key *svc,
			     struct rcmgr_refusal *why,
			     struct netlink_ext_ack *extack)
{
	return move_reaping(set_service, stream, svc, why, extack);
}

/**
 * rcmgr_reserve_memory() - reserve memory on a handle, all or nothing
 * @s: the conn, stream or span, referenced by the caller
 * @size: bytes, >= 0
 * @prio: the reservation's priority
 * @why: filled in when a limit refuses
 *
 * Return: 0, -EDQUOT, or -ESTALE when @s (or a parent of a span) is done.
 */
int rcmgr_reserve_memory(struct rcmgr_scope *s, s64 size, u8 prio,
			 struct rcmgr_refusal *why)
{
	struct rcmgr_delta d = { .prio = prio };
	struct rcmgr_scope *chain[RCMGR_MAX_CHAIN];
	bool reaped = false;
	int n;

	d.v[RCMGR_RES_MEMORY] = size;
again:
	mutex_lock(rcmgr_scope_tree(s));
	n = build_chain(s, chain);
	if (n >= 0)
		n = rcmgr_charge(chain, n, &d, why);
	if (!n)
		s->own += size;
	mutex_unlock(rcmgr_scope_tree(s));
	/* Dead sockets' conns may hold memory: reap (no tree lock held). */
	if (n == -EDQUOT && !reaped && rcmgr_reap(s->rn)) {
		reaped = true;
		why->refused = false;
		goto again;
	}
	return n < 0 ? n : 0;
}

/**
 * rcmgr_release_memory() - release memory reserved on a handle
 * @s: the conn, stream or span, referenced by the caller
 * @size: bytes, >= 0
 * @extack: for the reason of a failure
 *
 * Takes back at most what was reserved directly on @s, never what its
 * spans charged through it.  A no-op once @s is done; a span whose parent
 * is done releases only from itself.
 *
 * Return: 0 or -EINVAL.
 */
int rcmgr_release_memory(struct rcmgr_scope *s, s64 size,
			 struct netlink_ext_ack *extack)
{
	struct rcmgr_delta d = { .prio = RCMGR_PRIO_ALWAYS };
	struct rcmgr_scope *chain[RCMGR_MAX_CHAIN];
	unsigned int n;
	int ret = 0;

	d.v[RCMGR_RES_MEMORY] = size;
	mutex_lock(rcmgr_scope_tree(s));
	n = live_chain(s, chain);
	if (n && size > s->own) {
		NL_SET_ERR_MSG(extack, "more than was reserved on this scope");
		ret = -EINVAL;
	} else if (n) {
		s->own -= size;
		rcmgr_uncharge(chain, n, &d);
	}
	mutex_unlock(rcmgr_scope_tree(s));
	return ret;
}

/**
 * rcmgr_handle_done() - release everything a handle holds, once
 * @s: the conn, stream or span
 *
 * A conn or stream gives back what it holds to every edge and drops them
 * (a conn lets go of its socket); a span gives it back to its parent chain,
 * unless the parent is done already.  Idempotent: whichever of explicit
 * done, the bound socket dying, owner release, namespace exit or module
 * unload comes first does it.
 *
 * Context: process; takes the tree lock.
 * Return: true if this call did it.
 */
bool rcmgr_handle_done(struct rcmgr_scope *s)
{
	struct rcmgr_scope *chain[RCMGR_MAX_CHAIN];
	struct rcmgr_scope *edges[RCMGR_MAX_EDGES];
	struct mutex *tree = rcmgr_scope_tree(s);
	unsigned int n, nedges, r;
	struct rcmgr_delta d;

	mutex_lock(tree);
	/* What it charges while not done; nothing for a span. */
	nedges = rcmgr_scope_edges(s, edges);
	if (test_and_set_bit(RCMGR_SCOPE_DONE, &s->flags)) {
		mutex_unlock(tree);
		return false;
	}
	if (s->kind == RCMGR_SCOPE_KIND_CONN) {
		rcmgr_conn_unbind(s);
		/* Exactly once: the done flag is set, under the tree lock. */
		rcmgr_netlimit_uncount(s->rn,
				       rcu_dereference_protected(s->ep,
								 lockdep_is_held(tree)));
	}
	rcmgr_handle_usage(s, &d);
	if (s->kind == RCMGR_SCOPE_KIND_SPAN) {
		n = live_chain(s->parent, chain);
		rcmgr_uncharge(chain, n, &d);
	} else {
		rcmgr_uncharge(edges, nedges, &d);
		/* Dropped below: a done handle charges nothing. */
		WRITE_ONCE(s->peer, NULL);
		if (s->kind == RCMGR_SCOPE_KIND_STREAM) {
			s->protocol_peer = NULL;
			s->service_peer = NULL;
			WRITE_ONCE(s->protocol, NULL);
			WRITE_ONCE(s->service, NULL);
		}
	}
	/* The other units follow from the done flag. */
	atomic64_set(&s->mem.usage, 0);
	s->own = 0;
	mutex_unlock(tree);

	/* Named scopes left unused and empty go now. */
	for (r = 0; r < nedges; r++)
		rcmgr_scope_put(edges[r]);
	return true;
}

/*
 * Forget a done handle's id, once it is off its owner's list, and its
 * cookie unless the owner's whole table goes (@unname false).
 */
static void handle_forget(struct rcmgr_scope *s, bool unname)
{
	struct rcmgr_owner *o = s->owner;

	rcmgr_net_del(s->rn, s);
	/* Named under the owner's lock, which its dropper took after. */
	if (s->cookie && unname)
		rhashtable_remove_fast(&o->cookies, &s->cookie_node,
				       rcmgr_cookie_params);
	handles_uncount(o, 1);
	pr_debug("rcmgr: scope %llu (%s) destroyed\n", s->id,
		 rcmgr_kind_name(s->kind));
	/* The reference the id held. */
	rcmgr_scope_put(s);
}

/**
 * rcmgr_handle_drop() - done, and forget the handle's id
 * @s: the handle, referenced by the caller
 *
 * Context: process.
 */
void rcmgr_handle_drop(struct rcmgr_scope *s)
{
	struct rcmgr_owner *o = s->owner;

	rcmgr_handle_done(s);
	if (test_and_set_bit(RCMGR_SCOPE_DROPPED, &s->flags))
		return;
	mutex_lock(&o->lock);
	list_del_init(&s->owner_node);
	mutex_unlock(&o->lock);
	handle_forget(s, true);
}

/* Handles a dead socket's teardown forgets at once. */
#define RCMGR_DROP_BATCH	32

/*
 * Forget the ids of @n done handles of a dead owner, then drop the ids'
 * references: a handle whose last one this is waits on @o->dead.  The
 * counts go down as the handles do, not all at the end.
 */
static void drop_batch(struct rcmgr_owner *o, struct rcmgr_scope **s,
		       unsigned int n)
{
	unsigned int i;

	rcmgr_net_del_many(o->rn, s, n);
	for (i = 0; i < n; i++) {
		/* The last reference, unless a dump holds one. */
		if (refcount_dec_and_test(&s[i]->ref)) {
			handle_put_scopes(s[i]);
			list_add_tail(&s[i]->owner_node, &o->dead);
		}
	}
	handles_uncount(o, n);
}

/**
 * rcmgr_owner_drop_handles() - drop every handle of an owner that goes
 * @o: the owner, out of &rcmgr_net.owners
 *
 * The owner's socket is gone, so no request of it drops a handle any
 * more: the handles are taken off @o in one go, not one lock round trip
 * each, and done in the order they were opened, then forgotten
 * %RCMGR_DROP_BATCH at a time (rcmgr_net_del_many()).  Their
 * cookies stay in @o's table, which goes whole with @o (nothing looks a
 * cookie up in it any more).  Those whose last reference this drops wait
 * on @o->dead for the owner's free: one grace period for all of them.
 * This relies on rcmgr_handle_drop() running only in a request of the
 * owning socket: the list walked here is no longer under @o->lock.
 * Every caller destroys @o only once its socket is released (URELEASE,
 * a port id reused after netlink_release(), namespace or module exit).
 *
 * Context: process; the only one to destroy @o.
 */
void rcmgr_owner_drop_handles(struct rcmgr_owner *o)
{
	struct rcmgr_scope *batch[RCMGR_DROP_BATCH];
	struct rcmgr_scope *s, *tmp;
	unsigned int n = 0;
	LIST_HEAD(handles);

	mutex_lock(&o->lock);
	list_splice_init(&o->handles, &handles);
	mutex_unlock(&o->lock);
	list_for_each_entry_safe(s, tmp, &handles, owner_node) {
		rcmgr_handle_done(s);
		list_del_init(&s->owner_node);
		if (!test_and_set_bit(RCMGR_SCOPE_DROPPED, &s->flags))
			batch[n++] = s;
		if (n == RCMGR_DROP_BATCH) {
			drop_batch(o, batch, n);
			n = 0;
		}
		cond_resched();
	}
	drop_batch(o, batch, n);
}
