// SPDX-License-Identifier: GPL-2.0
/*
 * Users: what each user of a namespace holds, so one user cannot use up
 * the namespace's bounds for all the others (the way inotify instances and
 * POSIX message queues are bounded per user).
 *
 * A user is the creator of the netlink sockets it owns through (sk_uid),
 * not whoever sends on them: a socket passed to another process still
 * charges the user who made it.  A user's record lives while an owner of
 * that user does.
 */
#include <linux/slab.h>
#include <linux/uidgid.h>

#include "rcmgr.h"

/**
 * rcmgr_user_charge() - count one more object against a bound
 * @nr: the count
 * @max: its bound
 *
 * Context: any.
 * Return: true if counted, false if @nr is at @max already.
 */
bool rcmgr_user_charge(atomic_t *nr, u32 max)
{
	int old = atomic_read(nr);

	do {
		if ((u32)old >= max)
			return false;
	} while (!atomic_try_cmpxchg(nr, &old, old + 1));
	return true;
}

/**
 * rcmgr_user_get() - the record of a user, made on first use
 * @rn: the namespace state
 * @uid: the user
 *
 * Context: process; may take &rcmgr_net.lock.
 * Return: the record, referenced, or ERR_PTR(-ENOMEM).
 */
struct rcmgr_user *rcmgr_user_get(struct rcmgr_net *rn, kuid_t uid)
{
	unsigned long idx = __kuid_val(uid);
	struct rcmgr_user *u, *n;
	int ret;

	rcu_read_lock();
	u = xa_load(&rn->users, idx);
	if (u && refcount_inc_not_zero(&u->ref)) {
		rcu_read_unlock();
		return u;
	}
	rcu_read_unlock();

	n = kzalloc(sizeof(*n), GFP_KERNEL_ACCOUNT);
	if (!n)
		return ERR_PTR(-ENOMEM);
	n->uid = uid;
	n->rn = rn;
	refcount_set(&n->ref, 1);

	mutex_lock(&rn->lock);
	/* Records are erased and freed under the lock: none is going now. */
	u = xa_load(&rn->users, idx);
	if (u) {
		refcount_inc(&u->ref);
		mutex_unlock(&rn->lock);
		kfree(n);
		return u;
	}
	ret = xa_err(xa_store(&rn->users, idx, n, GFP_KERNEL_ACCOUNT));
	mutex_unlock(&rn->lock);
	if (ret) {
		kfree(n);
		return ERR_PTR(ret);
	}
	return n;
}

static void user_free(struct rcmgr_user *u)
{
	lockdep_assert_held(&u->rn->lock);
	xa_erase(&u->rn->users, __kuid_val(u->uid));
	kfree_rcu(u, rcu);
}

/**
 * rcmgr_user_put() - drop a reference to a user's record
 * @u: the record
 *
 * Context: process; may take &rcmgr_net.lock.
 */
void rcmgr_user_put(struct rcmgr_user *u)
{
	struct rcmgr_net *rn = u->rn;

	if (!refcount_dec_and_mutex_lock(&u->ref, &rn->lock))
		return;
	user_free(u);
	mutex_unlock(&rn->lock);
}
