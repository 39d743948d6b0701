// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: every process of a namespace shares one DAG
 * of scopes, rooted at that namespace's system scope.
 */
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/sysfs.h>
#include <net/netns/generic.h>

#include "rcmgr.h"

static unsigned int rcmgr_net_id __read_mostly;

/* Namespaces with rcmgr state: tests watch a dead namespace really go. */
static atomic_t rcmgr_nr_nets = ATOMIC_INIT(0);

static int namespaces_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&rcmgr_nr_nets));
}

static const struct kernel_param_ops namespaces_ops = {
	.get = namespaces_get,
};

module_param_cb(namespaces, &namespaces_ops, NULL, 0444);
MODULE_PARM_DESC(namespaces, "network namespaces with rcmgr state (read only)");

/*
 * The module-wide ceilings: a new namespace starts at them, and only the
 * host's admin (CAP_NET_ADMIN in the initial user namespace) may raise a
 * namespace's bounds above them; root of a user namespace may not.
 */
struct rcmgr_bounds rcmgr_ceiling __read_mostly = {
	.max_handles = 262144,
	.max_owner_handles = 65536,
	.max_scopes = 262144,
	.max_user_handles = 65536,
	.max_user_scopes = 65536,
	.max_user_binds = 16384,
	.max_tracked = 65536,
	.max_allowlist = 1024,
};

module_param_named(max_handles, rcmgr_ceiling.max_handles, uint, 0644);
MODULE_PARM_DESC(max_handles, "ceiling of a namespace's max-handles");
module_param_named(max_owner_handles, rcmgr_ceiling.max_owner_handles, uint, 0644);
MODULE_PARM_DESC(max_owner_handles, "ceiling of a namespace's max-owner-handles");
module_param_named(max_scopes, rcmgr_ceiling.max_scopes, uint, 0644);
MODULE_PARM_DESC(max_scopes, "ceiling of a namespace's max-scopes");
module_param_named(max_user_handles, rcmgr_ceiling.max_user_handles, uint, 0644);
MODULE_PARM_DESC(max_user_handles, "ceiling of a namespace's max-user-handles");
module_param_named(max_user_scopes, rcmgr_ceiling.max_user_scopes, uint, 0644);
MODULE_PARM_DESC(max_user_scopes, "ceiling of a namespace's max-user-scopes");
module_param_named(max_user_binds, rcmgr_ceiling.max_user_binds, uint, 0644);
MODULE_PARM_DESC(max_user_binds, "ceiling of a namespace's max-user-binds");
module_param_named(max_tracked, rcmgr_ceiling.max_tracked, uint, 0644);
MODULE_PARM_DESC(max_tracked, "ceiling of a namespace's max-tracked");
module_param_named(max_allowlist, rcmgr_ceiling.max_allowlist, uint, 0644);
MODULE_PARM_DESC(max_allowlist, "ceiling of a namespace's max-allowlist");

/**
 * rcmgr_net() - the rcmgr state of a network namespace
 * @net: the namespace
 *
 * Return: the state; valid while @net is.
 */
struct rcmgr_net *rcmgr_net(const struct net *net)
{
	return net_generic(net, rcmgr_net_id);
}

/**
 * rcmgr_net_add() - give a scope the next id and make it visible by it
 * @rn: the namespace state
 * @s: the scope
 *
 * Ids only grow, so a socket that opens and ends handles in turn would
 * empty an xarray node with every done and make a new one with the next
 * open (a kmalloc, a memset and an RCU free each time).  Instead the slot
 * of the id after @s's is reserved while nobody has that id yet: its node
 * outlives @s, and the next add fills the slot without allocating.  At
 * most one slot is reserved, that of @rn->next_id + 1: an id is handed
 * out and the next one reserved in one hold of the xarray's lock (the
 * reservation does not sleep, so the lock is not dropped between).  The
 * next slot is nearly always in @s's leaf: reserved by a step from @s's
 * slot, not by a second walk down from the root.
 *
 * Return: 0 or -ENOMEM.
 */
int rcmgr_net_add(struct rcmgr_net *rn, struct rcmgr_scope *s)
{
	XA_STATE(xas, &rn->scopes, 0);
	bool numbered = false;

	do {
		xas_lock(&xas);
		/* Once: a retry after an allocation stores the same id. */
		if (!numbered) {
			s->id = ++rn->next_id;
			xas_set(&xas, s->id);
			numbered = true;
		}
		/* Allocates only when the slot was not reserved. */
		xas_store(&xas, s);
		/* Best effort: without it, the next add allocates. */
		if (!xas_error(&xas) && rn->next_id == s->id) {
			if ((s->id + 1) & XA_CHUNK_MASK) {
				if (!xas_next(&xas))
					xas_store(&xas, XA_ZERO_ENTRY);
			} else {
				__xa_cmpxchg(&rn->scopes, s->id + 1, NULL,
					     XA_ZERO_ENTRY, GFP_NOWAIT |
					     __GFP_ACCOUNT | __GFP_NOWARN);
			}
		}
		xas_unlock(&xas);
	} while (xas_nomem(&xas, GFP_KERNEL_ACCOUNT));
	/*
	 * No generation bump: a new id is above every id a dump has passed,
	 * so the dump still shows one state, the later one.
	 */
	return xas_error(&xas);
}

/**
 * rcmgr_net_del() - make a scope's id unknown
 * @rn: the namespace state
 * @s: the scope
 */
void rcmgr_net_del(struct rcmgr_net *rn, struct rcmgr_scope *s)
{
	xa_erase(&rn->scopes, s->id);
	atomic_inc(&rn->gen);
}

/**
 * rcmgr_net_del_many() - make several handles' ids unknown at once
 * @rn: the namespace state
 * @s: the handles, in the order their ids were handed out
 * @n: how many
 *
 * A dead socket's handles, in the order it opened them: one hold of the
 * xarray's lock for all, and an id that follows the previous one is found
 * by a step from its slot, not a walk down from the root (unless that
 * erase freed the node the step would start from).
 */
void rcmgr_net_del_many(struct rcmgr_net *rn, struct rcmgr_scope **s,
			unsigned int n)
{
	XA_STATE(xas, &rn->scopes, 0);
	struct xa_node *node = NULL;
	unsigned int i;

	if (!n)
		return;
	xas_lock(&xas);
	for (i = 0; i < n; i++) {
		if (i && node && xas.xa_node == node &&
		    s[i]->id == s[i - 1]->id + 1)
			xas_next(&xas);
		else
			xas_set(&xas, s[i]->id);
		xas_load(&xas);
		node = xas.xa_node;
		xas_store(&xas, NULL);
	}
	atomic_add(n, &rn->gen);
	xas_unlock(&xas);
}

static int __net_init rcmgr_net_init(struct net *net)
{
	struct rcmgr_net *rn = rcmgr_net(net);
	int ret;

	mutex_init(&rn->lock);
	INIT_LIST_HEAD(&rn->override_list);
	xa_init(&rn->scopes);
	xa_init(&rn->owners);
	xa_init(&rn->users);
	rcmgr_named_init_net(rn);
	rn->next_id = 0;
	/* Never 0: nl_dump_check_consistent() ignores a previous seq of 0. */
	atomic_set(&rn->gen, 1);
	atomic_set(&rn->allowlist_gen, 1);
	/* Racy against a parameter write: either value will do. */
	rn->bounds = rcmgr_ceiling;
	rcmgr_stats_init(&rn->stats);
	rcmgr_limit_defaults(rn);
	rcmgr_scope_init(&rn->system, rn, RCMGR_SCOPE_KIND_SYSTEM,
			 &rn->class_limit[RCMGR_CLASS_SYSTEM]);
	rcmgr_scope_init(&rn->transient, rn, RCMGR_SCOPE_KIND_TRANSIENT,
			 &rn->class_limit[RCMGR_CLASS_TRANSIENT]);
	rcmgr_scope_init(&rn->allowlisted_system, rn,
			 RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM,
			 &rn->class_limit[RCMGR_CLASS_ALLOWLISTED_SYSTEM]);
	rcmgr_scope_init(&rn->allowlisted_transient, rn,
			 RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT,
			 &rn->class_limit[RCMGR_CLASS_ALLOWLISTED_TRANSIENT]);

	rn->net = net;
	ret = rhashtable_init(&rn->named, &rcmgr_named_params);
	if (ret)
		goto err_named;
	ret = rhashtable_init(&rn->overrides, &rcmgr_limit_params);
	if (ret)
		goto err_overrides;
	ret = rcmgr_sock_init(rn);
	if (ret)
		goto err_sock;
	ret = rcmgr_netlimit_init(rn);
	if (ret)
		goto err_netlimit;
	/* Ids 1 and 2. */
	ret = rcmgr_net_add(rn, &rn->system);
	if (ret)
		goto err_scopes;
	ret = rcmgr_net_add(rn, &rn->transient);
	if (ret)
		goto err_scopes;
	/* Ids 3 and 4. */
	ret = rcmgr_net_add(rn, &rn->allowlisted_system);
	if (ret)
		goto err_scopes;
	ret = rcmgr_net_add(rn, &rn->allowlisted_transient);
	if (ret)
		goto err_scopes;
	atomic_inc(&rcmgr_nr_nets);
	return 0;

err_scopes:
	xa_destroy(&rn->scopes);
	rcmgr_netlimit_exit(rn);
err_netlimit:
	rcmgr_sock_exit(rn);
err_sock:
	rhashtable_destroy(&rn->overrides);
err_overrides:
	rhashtable_destroy(&rn->named);
err_named:
	return ret;
}

static void __net_exit rcmgr_net_exit(struct net *net)
{
	struct rcmgr_net *rn = rcmgr_net(net);
	unsigned long first = 0;

	/*
	 * Every socket of the namespace is gone, or the module is going:
	 * stop reaping, then drop every owner, their handles and bindings.
	 */
	rcmgr_sock_stop(rn);
	rcmgr_owner_flush(rn);
	rcmgr_sock_exit(rn);
	rcmgr_netlimit_exit(rn);
	rcmgr_named_flush(rn);
	rcmgr_limit_flush(rn);
	rcmgr_allowlist_flush(rn);
	WARN_ON_ONCE(!rcmgr_scope_empty(&rn->transient));
	WARN_ON_ONCE(!rcmgr_scope_empty(&rn->system));
	WARN_ON_ONCE(!rcmgr_scope_empty(&rn->allowlisted_transient));
	WARN_ON_ONCE(!rcmgr_scope_empty(&rn->allowlisted_system));
	rcmgr_net_del(rn, &rn->transient);
	rcmgr_net_del(rn, &rn->system);
	rcmgr_net_del(rn, &rn->allowlisted_transient);
	rcmgr_net_del(rn, &rn->allowlisted_system);
	/*
	 * No scope is left.  Not xa_empty(): the reserved slot
	 * (rcmgr_net_add()) is no scope, and a reservation that failed
	 * halfway through a tree two levels deeper (id 4096, ...) leaves
	 * an empty node behind.  xa_destroy() frees both.
	 */
	WARN_ON_ONCE(xa_find(&rn->scopes, &first, ULONG_MAX, XA_PRESENT));
	WARN_ON_ONCE(!xa_empty(&rn->users));
	xa_destroy(&rn->scopes);
	xa_destroy(&rn->owners);
	xa_destroy(&rn->users);
	rhashtable_destroy(&rn->overrides);
	rhashtable_destroy(&rn->named);
	mutex_destroy(&rn->lock);
	atomic_dec(&rcmgr_nr_nets);
}

struct pernet_operations rcmgr_net_ops = {
	.init = rcmgr_net_init,
	.exit = rcmgr_net_exit,
	.id = &rcmgr_net_id,
	.size = sizeof(struct rcmgr_net),
};
