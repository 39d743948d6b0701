// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: a default per scope class, and per-name limits for services,
 * protocols and peers (and their pairs, by service or protocol).
 *
 * The defaults are go-libp2p's DefaultLimits scaled for a small host
 * (Scale(128 MiB, 512 fds)), so a node that moves to rcmgr sees the limits
 * it is used to.  Limits are configuration, not scope state: a per-name
 * limit outlives the scope it applies to and applies again when a scope of
 * that name comes back.
 */
#include <linux/rhashtable.h>
#include <linux/slab.h>

#include "rcmgr.h"

#define MIB(x)	((s64)(x) << 20)

const struct rhashtable_params rcmgr_limit_params = {
	.head_offset = offsetof(struct rcmgr_override, key.node),
	.hashfn = rcmgr_key_hashfn,
	.obj_hashfn = rcmgr_key_hashfn,
	.obj_cmpfn = rcmgr_key_cmpfn,
	.automatic_shrinking = true,
};

static void set_limit(struct rcmgr_limit *l, s64 mem, s64 s_in, s64 s_out,
		      s64 s, s64 c_in, s64 c_out, s64 c, s64 fd)
{
	WRITE_ONCE(l->max[RCMGR_RES_MEMORY], mem);
	WRITE_ONCE(l->max[RCMGR_RES_STREAMS_IN], s_in);
	WRITE_ONCE(l->max[RCMGR_RES_STREAMS_OUT], s_out);
	WRITE_ONCE(l->max[RCMGR_RES_STREAMS], s);
	WRITE_ONCE(l->max[RCMGR_RES_CONNS_IN], c_in);
	WRITE_ONCE(l->max[RCMGR_RES_CONNS_OUT], c_out);
	WRITE_ONCE(l->max[RCMGR_RES_CONNS], c);
	WRITE_ONCE(l->max[RCMGR_RES_FD], fd);
}

/**
 * rcmgr_limit_defaults() - set every class default to the module's default
 * @rn: the namespace state
 */
void rcmgr_limit_defaults(struct rcmgr_net *rn)
{
	struct rcmgr_limit *l = rn->class_limit;

	set_limit(&l[RCMGR_CLASS_SYSTEM],
		  MIB(128), 1024, 2048, 2048, 64, 128, 128, 512);
	set_limit(&l[RCMGR_CLASS_TRANSIENT],
		  MIB(32), 128, 256, 256, 32, 64, 64, 128);
	set_limit(&l[RCMGR_CLASS_SERVICE],
		  MIB(64), 1024, 4096, 4096, 0, 0, 0, 0);
	set_limit(&l[RCMGR_CLASS_SERVICE_PEER],
		  MIB(16), 128, 256, 256, 0, 0, 0, 0);
	set_limit(&l[RCMGR_CLASS_PROTOCOL],
		  MIB(64), 512, 2048, 2048, 0, 0, 0, 0);
	set_limit(&l[RCMGR_CLASS_PROTOCOL_PEER],
		  MIB(16), 64, 128, 256, 0, 0, 0, 0);
	set_limit(&l[RCMGR_CLASS_PEER],
		  MIB(64), 256, 512, 512, 8, 8, 8, 8);
	set_limit(&l[RCMGR_CLASS_CONN],
		  MIB(32), 0, 0, 0, 1, 1, 1, 1);
	set_limit(&l[RCMGR_CLASS_STREAM],
		  MIB(16), 1, 1, 1, 0, 0, 0, 0);
}

/**
 * rcmgr_limit_find() - the per-name limit of a class and name
 * @rn: the namespace state
 * @class: &enum rcmgr_class
 * @name: the name
 * @len: its length
 *
 * Context: RCU read lock or &rcmgr_net.lock held.
 * Return: the limit, or NULL when the name has none of its own.
 */
const struct rcmgr_limit *rcmgr_limit_find(struct rcmgr_net *rn, u32 class,
					   const u8 *name, u16 len)
{
	struct rcmgr_key k = {
		.kind = class, .name = name, .name_len = len,
	};
	struct rcmgr_override *o;

	o = rhashtable_lookup_fast(&rn->overrides, &k, rcmgr_limit_params);
	return o ? &o->limit : NULL;
}

static struct rcmgr_limit *override_add(struct rcmgr_net *rn, u32 class,
					const u8 *name, u16 len)
{
	struct rcmgr_override *o;
	int r, ret;

	o = kzalloc(struct_size(o, data, len), GFP_KERNEL_ACCOUNT);
	if (!o)
		return ERR_PTR(-ENOMEM);
	o->key.kind = class;
	o->key.name = o->data;
	o->key.name_len = len;
	memcpy(o->data, name, len);
	for (r = 0; r < RCMGR_NR_RES; r++)
		o->limit.max[r] = READ_ONCE(rn->class_limit[class].max[r]);
	ret = rhashtable_insert_fast(&rn->overrides, &o->key.node,
				     rcmgr_limit_params);
	if (ret) {
		kfree(o);
		return ERR_PTR(ret);
	}
	list_add_tail(&o->list, &rn->override_list);
	/* Limit dumps flag the change. */
	atomic_inc(&rn->gen);
	return &o->limit;
}

/**
 * rcmgr_limit_set() - change the limits of a class, or of one name
 * @rn: the namespace state
 * @class: &enum rcmgr_class
 * @name: the service, protocol or peer, or NULL for the class default
 * @len: length of @name
 * @max: the new values, per resource
 * @present: which of @max to apply; the others stay as they are
 *
 * A name without limits of its own starts from the class default.  Live
 * scopes see the change at once; usage above a lowered limit stays.
 *
 * Context: process; takes &rcmgr_net.lock.
 * Return: 0 or -ENOMEM.
 */
int rcmgr_limit_set(struct rcmgr_net *rn, u32 class, const u8 *name, u16 len,
		    const s64 *max, const bool *present)
{
	struct rcmgr_limit *l = &rn->class_limit[class];
	bool added = false;
	int r;

	mutex_lock(&rn->lock);
	if (name) {
		l = (struct rcmgr_limit *)rcmgr_limit_find(rn, class, name, len);
		if (!l) {
			l = override_add(rn, class, name, len);
			if (IS_ERR(l)) {
				mutex_unlock(&rn->lock);
				return PTR_ERR(l);
			}
			added = true;
		}
	}
	for (r = 0; r < RCMGR_NR_RES; r++)
		if (present[r])
			WRITE_ONCE(l->max[r], max[r]);
	if (added)
		rcmgr_named_relimit(rn);
	mutex_unlock(&rn->lock);
	return 0;
}

/**
 * rcmgr_limit_del() - drop the limits of one name of a class
 * @rn: the namespace state
 * @class: &enum rcmgr_class
 * @name: the service, protocol or peer
 * @len: length of @name
 *
 * Live scopes of that name follow the class default again at once.
 *
 * Context: process; takes &rcmgr_net.lock.
 * Return: 0, or -ENOENT when the name has no limits of its own.
 */
int rcmgr_limit_del(struct rcmgr_net *rn, u32 class, const u8 *name, u16 len)
{
	struct rcmgr_key k = { .kind = class, .name = name, .name_len = len };
	struct rcmgr_override *o;

	mutex_lock(&rn->lock);
	o = rhashtable_lookup_fast(&rn->overrides, &k, rcmgr_limit_params);
	if (o) {
		rhashtable_remove_fast(&rn->overrides, &o->key.node,
				       rcmgr_limit_params);
		list_del(&o->list);
		atomic_inc(&rn->gen);
		/* Nothing finds it now: move live scopes off it, then free. */
		rcmgr_named_relimit(rn);
	}
	mutex_unlock(&rn->lock);
	if (!o)
		return -ENOENT;
	kfree_rcu(o, rcu);
	return 0;
}

/**
 * rcmgr_limit_reset() - back to the module's defaults, without any
 *	per-name limit
 * @rn: the namespace state
 *
 * Context: process; takes &rcmgr_net.lock.
 */
void rcmgr_limit_reset(struct rcmgr_net *rn)
{
	struct rcmgr_override *o, *tmp;
	LIST_HEAD(gone);

	mutex_lock(&rn->lock);
	list_for_each_entry(o, &rn->override_list, list)
		rhashtable_remove_fast(&rn->overrides, &o->key.node,
				       rcmgr_limit_params);
	list_splice_init(&rn->override_list, &gone);
	atomic_inc(&rn->gen);
	/* Nothing finds them now: move live scopes off them, then free. */
	rcmgr_named_relimit(rn);
	rcmgr_limit_defaults(rn);
	mutex_unlock(&rn->lock);
	list_for_each_entry_safe(o, tmp, &gone, list)
		kfree_rcu(o, rcu);
}

/**
 * rcmgr_limit_flush() - free every per-name limit of a dying namespace
 * @rn: the namespace state; no scope uses a per-name limit any more
 */
void rcmgr_limit_flush(struct rcmgr_net *rn)
{
	rcmgr_limit_reset(rn);
}
