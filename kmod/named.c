// SPDX-License-Identifier: GPL-2.0
/*
 * Named scopes: service, protocol, peer, protocol-peer and service-peer,
 * found by kind and names in an RCU hash table, created on first use and
 * gone as soon as nothing uses them and they hold nothing.
 *
 * A named scope's refcount counts users (conns and streams charging it,
 * spans on it, sockets' reservations on it, requests on it), so a scope
 * that holds usage is always in use.  Whoever drops the last use does so
 * under &rcmgr_net.lock, and a lookup takes a use only while the count is
 * not zero (or revives a scope at zero under the same lock), so a scope is
 * never freed while anything can still charge it.  Readers that hold no
 * use (dumps) read it under RCU: it is freed after a grace period.
 *
 * A scope left unused and empty goes *idle*: out of every view at once
 * (dumps, lookups that do not create, the namespace's count against
 * max-scopes), but kept in the table, with its id, for one to two seconds
 * (a sweep every second frees those it already found idle the time
 * before), so that a protocol or peer that comes and goes with every
 * stream is not made and freed each time.  One that is asked for again
 * meanwhile comes back as if new, if the namespace has room for one: same
 * id, peaks and refusal counts restarted.  At most %RCMGR_IDLE_MAX are
 * kept, and only within max-scopes, live and idle together (a new live
 * scope takes an idle one's room); beyond, the oldest go at once.
 *
 * A named scope counts against no user itself: every live one is kept by
 * handles (bounded per user by max-user-handles; a stream keeps at most
 * five) or by sockets' reservations on it (counted per user as views).
 */
#include <linux/jhash.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "rcmgr.h"

/* How often idle named scopes are swept, and how many are kept at most. */
#define RCMGR_IDLE_SWEEP	HZ
#define RCMGR_IDLE_MAX		1024

/* Named scopes, whole; their names are allocated apart, to their size. */
static struct kmem_cache *named_cache __read_mostly;

/**
 * rcmgr_named_init() - make the cache named scopes are allocated from
 *
 * Return: 0 or -ENOMEM.
 */
int __init rcmgr_named_init(void)
{
	named_cache = kmem_cache_create("rcmgr_named",
					offsetofend(struct rcmgr_scope, names),
					0, SLAB_ACCOUNT, NULL);
	return named_cache ? 0 : -ENOMEM;
}

/**
 * rcmgr_named_exit() - destroy the cache; every named scope is freed
 *
 * Context: after rcu_barrier(), so no free is pending.
 */
void rcmgr_named_exit(void)
{
	kmem_cache_destroy(named_cache);
}

static void named_free_rcu(struct rcu_head *head)
{
	struct rcmgr_scope *s = container_of(head, struct rcmgr_scope, rcu);

	kfree(s->names);
	kmem_cache_free(named_cache, s);
}

/**
 * rcmgr_key_hash() - hash a key
 * @k: the key
 * @seed: the table's seed
 *
 * Return: the hash.
 */
u32 rcmgr_key_hash(const struct rcmgr_key *k, u32 seed)
{
	u32 h = jhash_1word(k->kind, seed);

	h = jhash(k->name, k->name_len, h);
	return jhash(k->peer, k->peer_len, h);
}

/**
 * rcmgr_key_cmp() - compare two keys
 * @a: a key
 * @b: another
 *
 * Return: 0 when they name the same thing.
 */
int rcmgr_key_cmp(const struct rcmgr_key *a, const struct rcmgr_key *b)
{
	return a->kind != b->kind || a->name_len != b->name_len ||
	       a->peer_len != b->peer_len ||
	       memcmp(a->name, b->name, a->name_len) ||
	       memcmp(a->peer, b->peer, a->peer_len);
}

/**
 * rcmgr_key_hashfn() - rhashtable hash of a key, or of the object it starts
 * @data: the key
 * @len: unused (keys vary in length)
 * @seed: the table's seed
 *
 * Return: the hash.
 */
u32 rcmgr_key_hashfn(const void *data, u32 len, u32 seed)
{
	return rcmgr_key_hash(data, seed);
}

/**
 * rcmgr_key_cmpfn() - rhashtable comparison of a key with an object
 * @arg: holds the key
 * @obj: the object, which starts with its key
 *
 * Return: 0 on a match.
 */
int rcmgr_key_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	return rcmgr_key_cmp(arg->key, obj);
}

static u32 named_obj_hashfn(const void *data, u32 len, u32 seed)
{
	const struct rcmgr_scope *s = data;

	return rcmgr_key_hash(&s->key, seed);
}

static int named_obj_cmpfn(struct rhashtable_compare_arg *arg,
			   const void *obj)
{
	const struct rcmgr_scope *s = obj;

	return rcmgr_key_cmp(arg->key, &s->key);
}

const struct rhashtable_params rcmgr_named_params = {
	.head_offset = offsetof(struct rcmgr_scope, key.node),
	.hashfn = rcmgr_key_hashfn,
	.obj_hashfn = named_obj_hashfn,
	.obj_cmpfn = named_obj_cmpfn,
	/* Not rehashed as a few protocol-peer scopes come and go. */
	.min_size = 64,
	.automatic_shrinking = true,
};

/* The class and the name whose limits a named scope takes. */
static u32 limit_class(const struct rcmgr_key *k, const u8 **name, u16 *len)
{
	*name = k->name;
	*len = k->name_len;
	switch (k->kind) {
	case RCMGR_SCOPE_KIND_SERVICE:
		return RCMGR_CLASS_SERVICE;
	case RCMGR_SCOPE_KIND_SERVICE_PEER:
		return RCMGR_CLASS_SERVICE_PEER;
	case RCMGR_SCOPE_KIND_PROTOCOL:
		return RCMGR_CLASS_PROTOCOL;
	case RCMGR_SCOPE_KIND_PROTOCOL_PEER:
		return RCMGR_CLASS_PROTOCOL_PEER;
	default:
		*name = k->peer;
		*len = k->peer_len;
		return RCMGR_CLASS_PEER;
	}
}

static const struct rcmgr_limit *resolve_limit(struct rcmgr_net *rn,
					       const struct rcmgr_key *k)
{
	const struct rcmgr_limit *l;
	const u8 *name;
	u32 class;
	u16 len;

	class = limit_class(k, &name, &len);
	l = rcmgr_limit_find(rn, class, name, len);
	return l ?: &rn->class_limit[class];
}

/* Room for one more live named scope (an idle one counts as none). */
static int named_room(struct rcmgr_net *rn, struct netlink_ext_ack *extack)
{
	if (atomic_read(&rn->nr_scopes) >= READ_ONCE(rn->bounds.max_scopes)) {
		NL_SET_ERR_MSG(extack, "too many named scopes in this namespace (max-scopes)");
		return -EDQUOT;
	}
	return 0;
}

static void named_free(struct rcmgr_scope *s);

/*
 * Free the oldest idle scopes until the namespace holds, live and idle,
 * no more than max-scopes named scopes and one more live one fits
 * (@live_to_come), and at most %RCMGR_IDLE_MAX idle.  Idle scopes are
 * kept within the bound, not beside it: the bound (whose ceiling is the
 * host's) is what sizes the slab a namespace holds.
 */
static void named_trim(struct rcmgr_net *rn, unsigned int live_to_come)
{
	unsigned int max = READ_ONCE(rn->bounds.max_scopes);
	unsigned int live = atomic_read(&rn->nr_scopes) + live_to_come;
	unsigned int keep = max > live ? max - live : 0;

	lockdep_assert_held(&rn->lock);
	keep = min_t(unsigned int, keep, RCMGR_IDLE_MAX);
	while (rn->nr_idle > keep)
		named_free(list_first_entry(&rn->idle, struct rcmgr_scope,
					    idle_node));
}

static struct rcmgr_scope *named_alloc(struct rcmgr_net *rn,
				       const struct rcmgr_key *k,
				       struct netlink_ext_ack *extack)
{
	struct rcmgr_scope *s;
	int ret;

	lockdep_assert_held(&rn->lock);
	ret = named_room(rn, extack);
	if (ret)
		return ERR_PTR(ret);
	/* Idle ones give way to it. */
	named_trim(rn, 1);
	s = kmem_cache_zalloc(named_cache, GFP_KERNEL);
	if (!s)
		return ERR_PTR(-ENOMEM);
	rcmgr_scope_init(s, rn, k->kind, resolve_limit(rn, k));
	s->names = kmalloc(k->name_len + k->peer_len, GFP_KERNEL_ACCOUNT);
	if (!s->names) {
		ret = -ENOMEM;
		goto err_free;
	}
	s->key.kind = k->kind;
	s->key.name_len = k->name_len;
	s->key.peer_len = k->peer_len;
	if (k->name_len) {
		memcpy(s->names, k->name, k->name_len);
		s->key.name = s->names;
	}
	if (k->peer_len) {
		memcpy(s->names + k->name_len, k->peer, k->peer_len);
		s->key.peer = s->names + k->name_len;
	}

	/*
	 * Whole before it can be found by name: a lockless lookup may take
	 * it the moment it is hashed, and views are kept by its id.  Dumps
	 * find it by id first, which only reads it under RCU.
	 */
	ret = rcmgr_net_add(rn, s);
	if (ret)
		goto err_free;
	ret = rhashtable_insert_fast(&rn->named, &s->key.node,
				     rcmgr_named_params);
	if (ret)
		goto err_del;
	xa_set_mark(&rn->scopes, s->id, RCMGR_SCOPE_NAMED);
	atomic_inc(&rn->nr_scopes);
	pr_debug("rcmgr: scope %llu (%s) created\n", s->id,
		 rcmgr_kind_name(s->kind));
	return s;

err_del:
	rcmgr_net_del(rn, s);
	/* Dumps may be reading it. */
	call_rcu(&s->rcu, named_free_rcu);
	return ERR_PTR(ret);
err_free:
	kfree(s->names);
	kmem_cache_free(named_cache, s);
	return ERR_PTR(ret);
}

static void named_free(struct rcmgr_scope *s)
{
	struct rcmgr_net *rn = s->rn;

	lockdep_assert_held(&rn->lock);
	rhashtable_remove_fast(&rn->named, &s->key.node, rcmgr_named_params);
	rcmgr_net_del(rn, s);
	if (test_bit(RCMGR_SCOPE_IDLE, &s->flags)) {
		/* Before call_rcu(), which reuses its room. */
		list_del(&s->idle_node);
		rn->nr_idle--;
	} else {
		atomic_dec(&rn->nr_scopes);
	}
	pr_debug("rcmgr: scope %llu (%s) destroyed\n", s->id,
		 rcmgr_kind_name(s->kind));
	call_rcu(&s->rcu, named_free_rcu);
}

/*
 * Its last use went and it holds nothing: out of every view now, freed by
 * the second sweep from now unless it comes back first.
 */
static void named_idle(struct rcmgr_scope *s)
{
	struct rcmgr_net *rn = s->rn;

	lockdep_assert_held(&rn->lock);
	list_add_tail(&s->idle_node, &rn->idle);
	set_bit(RCMGR_SCOPE_IDLE, &s->flags);
	atomic_dec(&rn->nr_scopes);
	/* Gone, for a dump walking past it. */
	atomic_inc(&rn->gen);
	rn->nr_idle++;
	/* The oldest beyond the bounds go now (this one, if none is left). */
	named_trim(rn, 0);
	/*
	 * Pending already, unless this is the only one: a running sweep
	 * requeues itself under the lock while any is idle.
	 */
	if (!delayed_work_pending(&rn->gc))
		queue_delayed_work(system_wq, &rn->gc, RCMGR_IDLE_SWEEP);
}

/*
 * Found at zero uses, under the lock: use it again; an idle one as if it
 * were made now, so only if the namespace has room for it.
 */
static int named_revive(struct rcmgr_scope *s, struct netlink_ext_ack *extack)
{
	struct rcmgr_net *rn = s->rn;
	int r;

	lockdep_assert_held(&rn->lock);
	if (test_bit(RCMGR_SCOPE_IDLE, &s->flags)) {
		r = named_room(rn, extack);
		if (r)
			return r;
		list_del(&s->idle_node);
		rn->nr_idle--;
		atomic_inc(&rn->nr_scopes);
		for (r = 0; r < RCMGR_NR_RES; r++) {
			atomic64_set(&s->res[r].peak, 0);
			atomic64_set(&s->res[r].failcnt, 0);
		}
		clear_bit(RCMGR_SCOPE_IDLE_OLD, &s->flags);
		clear_bit(RCMGR_SCOPE_IDLE, &s->flags);
		/*
		 * Back under an id a dump may have passed already (unlike a
		 * new scope's, above all it has passed): flag the dump.
		 */
		atomic_inc(&rn->gen);
	}
	refcount_set(&s->ref, 1);
	return 0;
}

static void named_gc(struct work_struct *work)
{
	struct rcmgr_net *rn = container_of(to_delayed_work(work),
					    struct rcmgr_net, gc);
	struct rcmgr_scope *s, *tmp;

	mutex_lock(&rn->lock);
	/* Free what was idle last time; what is new is, next time. */
	list_for_each_entry_safe(s, tmp, &rn->idle, idle_node) {
		if (test_bit(RCMGR_SCOPE_IDLE_OLD, &s->flags))
			named_free(s);
		else
			set_bit(RCMGR_SCOPE_IDLE_OLD, &s->flags);
	}
	if (rn->nr_idle)
		queue_delayed_work(system_wq, &rn->gc, RCMGR_IDLE_SWEEP);
	mutex_unlock(&rn->lock);
}

/**
 * rcmgr_named_init_net() - set up a namespace's idle named scopes
 * @rn: the namespace state
 */
void rcmgr_named_init_net(struct rcmgr_net *rn)
{
	INIT_LIST_HEAD(&rn->idle);
	rn->nr_idle = 0;
	INIT_DELAYED_WORK(&rn->gc, named_gc);
}

/* The lockless fast path: a scope in use, referenced; @found if any. */
static struct rcmgr_scope *lookup_get(struct rcmgr_net *rn,
				      const struct rcmgr_key *k, bool *found)
{
	struct rcmgr_scope *s;

	rcu_read_lock();
	s = rhashtable_lookup(&rn->named, k, rcmgr_named_params);
	*found = s;
	if (s && !refcount_inc_not_zero(&s->ref))
		s = NULL;
	rcu_read_unlock();
	return s;
}

/**
 * rcmgr_named_find() - find a named scope, and use it
 * @rn: the namespace state
 * @k: kind and names
 *
 * Context: process; may take &rcmgr_net.lock.
 * Return: the scope, referenced; or NULL if there is none.
 */
struct rcmgr_scope *rcmgr_named_find(struct rcmgr_net *rn,
				     const struct rcmgr_key *k)
{
	struct rcmgr_scope *s;
	bool found;

	s = lookup_get(rn, k, &found);
	if (s || !found)
		return s;
	/* Idle, or unused but holding memory: decide under the lock. */
	mutex_lock(&rn->lock);
	s = rhashtable_lookup_fast(&rn->named, k, rcmgr_named_params);
	if (s && test_bit(RCMGR_SCOPE_IDLE, &s->flags))
		s = NULL;
	else if (s && !refcount_inc_not_zero(&s->ref))
		named_revive(s, NULL);
	mutex_unlock(&rn->lock);
	return s;
}

/**
 * rcmgr_named_get() - find or create a named scope, and use it
 * @rn: the namespace state
 * @k: kind and names
 * @extack: for the reason of a failure
 *
 * Context: process; may take &rcmgr_net.lock.
 * Return: the scope, referenced; or an ERR_PTR (-EDQUOT when the namespace
 * holds as many named scopes as it may, -ENOMEM).
 */
struct rcmgr_scope *rcmgr_named_get(struct rcmgr_net *rn,
				    const struct rcmgr_key *k,
				    struct netlink_ext_ack *extack)
{
	struct rcmgr_scope *s;
	bool found;

	s = lookup_get(rn, k, &found);
	if (s)
		return s;

	mutex_lock(&rn->lock);
	s = rhashtable_lookup_fast(&rn->named, k, rcmgr_named_params);
	if (s) {
		/* Idle, or unused but holding memory. */
		if (!refcount_inc_not_zero(&s->ref) && named_revive(s, extack))
			s = ERR_PTR(-EDQUOT);
	} else {
		s = named_alloc(rn, k, extack);
	}
	mutex_unlock(&rn->lock);
	return s;
}

/**
 * rcmgr_scope_get() - take another reference on a scope already held
 * @s: the scope
 */
void rcmgr_scope_get(struct rcmgr_scope *s)
{
	if (!rcmgr_kind_is_fixed(s->kind))
		refcount_inc(&s->ref);
}

/**
 * rcmgr_scope_put() - drop a reference; a handle nothing references is
 *	freed, a named scope nothing uses and that holds nothing goes idle
 * @s: the scope
 *
 * Context: process; may take &rcmgr_net.lock.
 */
void rcmgr_scope_put(struct rcmgr_scope *s)
{
	struct rcmgr_net *rn = s->rn;

	switch (s->kind) {
	case RCMGR_SCOPE_KIND_SYSTEM:
	case RCMGR_SCOPE_KIND_TRANSIENT:
	case RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM:
	case RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT:
		return;
	case RCMGR_SCOPE_KIND_CONN:
	case RCMGR_SCOPE_KIND_STREAM:
	case RCMGR_SCOPE_KIND_SPAN:
		if (refcount_dec_and_test(&s->ref))
			rcmgr_handle_free(s);
		return;
	}
	if (!refcount_dec_and_mutex_lock(&s->ref, &rn->lock))
		return;
	if (rcmgr_scope_empty(s))
		named_idle(s);
	mutex_unlock(&rn->lock);
}

/**
 * rcmgr_named_relimit() - point every named scope at the limits that now
 *	apply to it, after per-name limits came or went
 * @rn: the namespace state
 *
 * Walks the named scopes only, which the lock keeps; an admin's op
 * (limit-set of a new name, limit-reset), never a user's.
 *
 * Context: process, &rcmgr_net.lock held.
 */
void rcmgr_named_relimit(struct rcmgr_net *rn)
{
	struct rcmgr_scope *s;
	unsigned long id;

	lockdep_assert_held(&rn->lock);
	xa_for_each_marked(&rn->scopes, id, s, RCMGR_SCOPE_NAMED) {
		rcu_assign_pointer(s->limit, resolve_limit(rn, &s->key));
		cond_resched();
	}
}

/**
 * rcmgr_named_flush() - free every named scope of a dying namespace
 * @rn: the namespace state; no request can reach it any more
 */
void rcmgr_named_flush(struct rcmgr_net *rn)
{
	struct rcmgr_scope *s;
	unsigned long id;

	/* Nothing can go idle any more: every owner and handle is gone. */
	cancel_delayed_work_sync(&rn->gc);
	mutex_lock(&rn->lock);
	/* Nothing uses or holds any. */
	xa_for_each_marked(&rn->scopes, id, s, RCMGR_SCOPE_NAMED) {
		WARN_ON_ONCE(refcount_read(&s->ref) || !rcmgr_scope_empty(s));
		named_free(s);
	}
	mutex_unlock(&rn->lock);
}
