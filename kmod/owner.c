// SPDX-License-Identifier: GPL-2.0
/*
 * Owners: the netlink sockets that own handles and reservations.
 *
 * Everything a socket charges belongs to it and ends when it does: the
 * handles it opened, and what it reserved directly on shared scopes
 * (system, transient, service, protocol, peer), which is kept per scope in
 * a view.  A release on a shared scope takes back at most what the socket
 * reserved there, so no socket can free what another one holds, and a
 * socket's release (close, exit, SIGKILL) returns all of it.
 *
 * An owner record is made on a socket's first request that needs one and
 * found by port id; the socket's NETLINK_URELEASE destroys it.
 */
#include <linux/slab.h>
#include <net/sock.h>

#include "rcmgr.h"

/**
 * rcmgr_owner_find() - the owner record of a requesting socket
 * @rn: the namespace state
 * @sk: the socket
 * @portid: its port id
 *
 * Context: process, within a request from @sk, which keeps the record
 * alive: it goes only when @sk is released.
 * Return: the record, or NULL if @sk owns nothing.
 */
struct rcmgr_owner *rcmgr_owner_find(struct rcmgr_net *rn,
				     const struct sock *sk, u32 portid)
{
	struct rcmgr_owner *o;

	rcu_read_lock();
	o = xa_load(&rn->owners, portid);
	if (o && o->sk != sk)
		o = NULL;
	rcu_read_unlock();
	return o;
}

static void owner_destroy(struct rcmgr_owner *o);

/**
 * rcmgr_owner_get() - the owner record of a requesting socket, made on
 *	first use
 * @rn: the namespace state
 * @sk: the socket
 * @portid: its port id
 *
 * Insert or get: of two threads making a socket's first requests at once,
 * one creates the record and both use it.  A record under the same port id
 * of another socket belongs to a released socket whose NETLINK_URELEASE
 * has not run yet (port ids are unique among bound sockets and reused at
 * once): it is destroyed here, as its URELEASE would.
 *
 * Context: process, within a request from @sk.
 * Return: the record, or an ERR_PTR (-ENOMEM).
 */
struct rcmgr_owner *rcmgr_owner_get(struct rcmgr_net *rn, struct sock *sk,
				    u32 portid)
{
	struct rcmgr_owner *o, *cur;
	struct rcmgr_user *u;
	int ret;

	o = rcmgr_owner_find(rn, sk, portid);
	if (o)
		return o;

	u = rcmgr_user_get(rn, sk->sk_uid);
	if (IS_ERR(u))
		return ERR_CAST(u);
	o = kzalloc(sizeof(*o), GFP_KERNEL_ACCOUNT);
	if (!o) {
		rcmgr_user_put(u);
		return ERR_PTR(-ENOMEM);
	}
	o->sk = sk;
	o->portid = portid;
	o->rn = rn;
	o->user = u;
	mutex_init(&o->lock);
	INIT_LIST_HEAD(&o->handles);
	INIT_LIST_HEAD(&o->dead);
	xa_init(&o->views);

	mutex_lock(&rn->lock);
	cur = xa_load(&rn->owners, portid);
	if (cur && cur->sk == sk) {
		/* Another thread of this socket was first. */
		mutex_unlock(&rn->lock);
		rcmgr_user_put(u);
		mutex_destroy(&o->lock);
		kfree(o);
		return cur;
	}
	ret = xa_err(xa_store(&rn->owners, portid, o, GFP_KERNEL_ACCOUNT));
	if (!ret)
		sock_hold(sk);
	mutex_unlock(&rn->lock);
	if (ret) {
		rcmgr_user_put(u);
		mutex_destroy(&o->lock);
		kfree(o);
		return ERR_PTR(ret);
	}
	/* Taken out of the table: nobody else destroys it. */
	if (cur)
		owner_destroy(cur);
	return o;
}

/* The chain a reservation on a shared scope charges: it, then its edges. */
static unsigned int shared_chain(struct rcmgr_scope *s,
				 struct rcmgr_scope **chain)
{
	chain[0] = s;
	return rcmgr_scope_edges(s, &chain[1]) + 1;
}

/**
 * struct rcmgr_view - what an owner reserved directly on a shared scope
 * @scope: the system, transient or a named scope (referenced).
 * @id: @scope's id, its index in &rcmgr_owner.views.
 * @mem: bytes; what a release by the owner may take back, and what the
 *	owner's end gives back.
 */
struct rcmgr_view {
	struct rcmgr_scope *scope;
	u64 id;
	s64 mem;
};

static void view_free(struct rcmgr_owner *o, struct rcmgr_view *v)
{
	struct rcmgr_scope *chain[RCMGR_MAX_EDGES + 1];
	struct rcmgr_delta d = { .prio = RCMGR_PRIO_ALWAYS };
	unsigned int n;

	lockdep_assert_held(&o->lock);
	if (v->mem) {
		d.v[RCMGR_RES_MEMORY] = v->mem;
		n = shared_chain(v->scope, chain);
		rcmgr_uncharge(chain, n, &d);
	}
	xa_erase(&o->views, v->id);
	atomic_dec(&o->user->nr_scopes);
	rcmgr_scope_put(v->scope);
	kfree(v);
}

static void owner_destroy(struct rcmgr_owner *o)
{
	struct rcmgr_view *v;
	unsigned long id;

	/*
	 * Its handles' cookies, all at once: nothing looks them up now.
	 * First, while every handle lives: the table's resize worker, which
	 * this waits for, walks them.
	 */
	if (o->named)
		rhashtable_destroy(&o->cookies);
	rcmgr_owner_drop_handles(o);
	mutex_lock(&o->lock);
	xa_for_each(&o->views, id, v)
		view_free(o, v);
	mutex_unlock(&o->lock);
	xa_destroy(&o->views);
	rcmgr_user_put(o->user);
	mutex_destroy(&o->lock);
	rcmgr_owner_free(o);
}

/**
 * rcmgr_owner_release() - a netlink socket was released: drop its handles
 * @rn: the namespace state
 * @portid: the socket's port id
 *
 * Everything the socket's handles and reservations held is released,
 * exactly once, however the socket went (close, exit, SIGKILL).  Called
 * for every generic netlink socket of the namespace: a socket that owns
 * nothing costs one lockless lookup.
 *
 * Context: process (the NETLINK_URELEASE notifier).
 */
void rcmgr_owner_release(struct rcmgr_net *rn, u32 portid)
{
	struct rcmgr_owner *o;
	bool dead;

	rcu_read_lock();
	o = xa_load(&rn->owners, portid);
	dead = o && sock_flag(o->sk, SOCK_DEAD);
	rcu_read_unlock();
	if (!dead)
		return;

	mutex_lock(&rn->lock);
	o = xa_load(&rn->owners, portid);
	/* Only the released socket's record, not a new socket's. */
	if (o && sock_flag(o->sk, SOCK_DEAD))
		xa_erase(&rn->owners, portid);
	else
		o = NULL;
	mutex_unlock(&rn->lock);
	if (o)
		owner_destroy(o);
}

/**
 * rcmgr_owner_flush() - drop every owner of a dying namespace
 * @rn: the namespace state
 */
void rcmgr_owner_flush(struct rcmgr_net *rn)
{
	struct rcmgr_owner *o;
	unsigned long portid;

	xa_for_each(&rn->owners, portid, o) {
		xa_erase(&rn->owners, portid);
		owner_destroy(o);
	}
}

/* Reserve on a shared scope for @o, without reaping; @o->lock not held. */
static int shared_charge(struct rcmgr_owner *o, struct rcmgr_scope *s,
			 const struct rcmgr_delta *d,
			 struct rcmgr_refusal *why,
			 struct netlink_ext_ack *extack)
{
	struct rcmgr_scope *chain[RCMGR_MAX_EDGES + 1];
	struct rcmgr_net *rn = o->rn;
	struct rcmgr_view *v;
	unsigned int n;
	int ret;

	mutex_lock(&o->lock);
	v = xa_load(&o->views, s->id);
	if (!v) {
		if (!rcmgr_user_charge(&o->user->nr_scopes,
				       READ_ONCE(rn->bounds.max_user_scopes))) {
			NL_SET_ERR_MSG(extack, "too many scopes of this user (max-user-scopes)");
			ret = -EDQUOT;
			goto out;
		}
		v = kzalloc(sizeof(*v), GFP_KERNEL_ACCOUNT);
		if (!v) {
			atomic_dec(&o->user->nr_scopes);
			ret = -ENOMEM;
			goto out;
		}
		v->scope = s;
		v->id = s->id;
		ret = xa_err(xa_store(&o->views, v->id, v, GFP_KERNEL_ACCOUNT));
		if (ret) {
			atomic_dec(&o->user->nr_scopes);
			kfree(v);
			goto out;
		}
		rcmgr_scope_get(s);
	}
	n = shared_chain(s, chain);
	ret = rcmgr_charge(chain, n, d, why);
	if (!ret)
		v->mem += d->v[RCMGR_RES_MEMORY];
	else if (!v->mem)
		view_free(o, v);
out:
	mutex_unlock(&o->lock);
	return ret;
}

/**
 * rcmgr_shared_reserve() - reserve memory on a shared scope for a socket
 * @o: the requesting socket's owner record
 * @s: the system, transient or a named scope, referenced by the caller
 * @size: bytes, >= 0
 * @prio: the reservation's priority
 * @why: filled in when a limit refuses
 * @extack: for other reasons of a failure
 *
 * The reservation belongs to @o: only @o may release it, and @o's end
 * gives back whatever is left of it.
 *
 * Return: 0, -EDQUOT, -ENOMEM.
 */
int rcmgr_shared_reserve(struct rcmgr_owner *o, struct rcmgr_scope *s,
			 s64 size, u8 prio, struct rcmgr_refusal *why,
			 struct netlink_ext_ack *extack)
{
	struct rcmgr_delta d = { .prio = prio };
	int ret;

	if (!size)
		return 0;
	d.v[RCMGR_RES_MEMORY] = size;
	ret = shared_charge(o, s, &d, why, extack);
	if (ret == -EDQUOT && why->refused && rcmgr_reap(o->rn)) {
		why->refused = false;
		ret = shared_charge(o, s, &d, why, extack);
	}
	return ret;
}

/**
 * rcmgr_shared_release() - release memory a socket reserved on a shared scope
 * @o: the requesting socket's owner record, or NULL if it has none
 * @id: the scope's id
 * @size: bytes, >= 0
 * @extack: for the reason of a failure
 *
 * Return: 0, or -EINVAL when @size is more than @o reserved there.
 */
int rcmgr_shared_release(struct rcmgr_owner *o, u64 id, s64 size,
			 struct netlink_ext_ack *extack)
{
	struct rcmgr_scope *chain[RCMGR_MAX_EDGES + 1];
	struct rcmgr_delta d = { .prio = RCMGR_PRIO_ALWAYS };
	struct rcmgr_view *v;
	unsigned int n;
	int ret = 0;

	if (!size)
		return 0;
	if (!o)
		goto refuse;
	mutex_lock(&o->lock);
	v = xa_load(&o->views, id);
	if (!v || size > v->mem) {
		mutex_unlock(&o->lock);
		goto refuse;
	}
	d.v[RCMGR_RES_MEMORY] = size;
	n = shared_chain(v->scope, chain);
	rcmgr_uncharge(chain, n, &d);
	v->mem -= size;
	if (!v->mem)
		view_free(o, v);
	mutex_unlock(&o->lock);
	return ret;

refuse:
	NL_SET_ERR_MSG(extack, "more than this socket reserved on this scope");
	return -EINVAL;
}

