// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: a default per scope class, and per-name limits for services,
 * protocols and peers (and their pairs, by service or protocol).
 *
 * The defaults are go-libp2p's DefaultLimits scaled as AutoScale() does:
 * Scale(memory, fds) with a memory budget of an eighth of the RAM and a
 * file descriptor budget of one per 16 KiB of RAM, unless the module
 * parameters limits_memory and limits_fds set them.  Two quirks of
 * go-libp2p are not copied: protocol-peer memory grows by 4 MiB per GiB,
 * not 4 bytes, and the stream class scales with its own (empty) increase,
 * not the conn class's.  Limits are configuration, not scope state: a
 * per-name limit outlives the scope it applies to and applies again when a
 * scope of that name comes back.
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "rcmgr.h"

#define MIB(x)	((s64)(x) << 20)
#define GIB(x)	((s64)(x) << 30)

const struct rhashtable_params rcmgr_limit_params = {
	.head_offset = offsetof(struct rcmgr_override, key.node),
	.hashfn = rcmgr_key_hashfn,
	.obj_hashfn = rcmgr_key_hashfn,
	.obj_cmpfn = rcmgr_key_cmpfn,
	.automatic_shrinking = true,
};

/* Budgets of the module parameters: "auto", or a number within these. */
#define BUDGET_AUTO		(-1LL)
#define MEMORY_BUDGET_MAX	((s64)BIT_ULL(50))	/* 1 PiB: Scale() cannot overflow */
#define FDS_BUDGET_MAX		((s64)BIT_ULL(31))

static s64 limits_memory = BUDGET_AUTO;
static s64 limits_fds = BUDGET_AUTO;

static int budget_set(const char *val, const struct kernel_param *kp, s64 max)
{
	s64 v;
	int ret;

	if (sysfs_streq(val, "auto")) {
		WRITE_ONCE(*(s64 *)kp->arg, BUDGET_AUTO);
		return 0;
	}
	ret = kstrtos64(val, 0, &v);
	if (ret)
		return ret;
	if (v < 0 || v > max)
		return -ERANGE;
	WRITE_ONCE(*(s64 *)kp->arg, v);
	return 0;
}

static int memory_set(const char *val, const struct kernel_param *kp)
{
	return budget_set(val, kp, MEMORY_BUDGET_MAX);
}

static int fds_set(const char *val, const struct kernel_param *kp)
{
	return budget_set(val, kp, FDS_BUDGET_MAX);
}

static int budget_get(char *buf, const struct kernel_param *kp)
{
	s64 v = READ_ONCE(*(s64 *)kp->arg);

	return v == BUDGET_AUTO ? sysfs_emit(buf, "auto\n") :
				  sysfs_emit(buf, "%lld\n", v);
}

static const struct kernel_param_ops memory_ops = {
	.set = memory_set,
	.get = budget_get,
};

static const struct kernel_param_ops fds_ops = {
	.set = fds_set,
	.get = budget_get,
};

module_param_cb(limits_memory, &memory_ops, &limits_memory, 0644);
MODULE_PARM_DESC(limits_memory,
		 "memory budget of the default limits in bytes, or auto (RAM/8); applies to new namespaces and limit resets");
module_param_cb(limits_fds, &fds_ops, &limits_fds, 0644);
MODULE_PARM_DESC(limits_fds,
		 "fd budget of the default limits, or auto (RAM/16KiB); applies to new namespaces and limit resets");

/*
 * One class's base (at a budget of 128 MiB or less) and increase per GiB of
 * budget, in &enum rcmgr_res order (memory, streams in, out, total, conns
 * in, out, total, fd); the fd increase is the fraction fd_num / fd_den of
 * the fd budget, with the base as the floor.
 */
struct scaling {
	s64 base[RCMGR_NR_RES];
	s64 inc[RCMGR_NR_RES];
	u32 fd_num, fd_den;
};

/* go-libp2p's DefaultLimits (limit_defaults.go), the quirks fixed. */
static const struct scaling default_scaling[RCMGR_NR_CLASSES] = {
	[RCMGR_CLASS_SYSTEM] = {
		{ MIB(128), 1024, 2048, 2048, 64, 128, 128, 256 },
		{ GIB(1), 1024, 2048, 2048, 64, 128, 128 }, 1, 1,
	},
	[RCMGR_CLASS_TRANSIENT] = {
		{ MIB(32), 128, 256, 256, 32, 64, 64, 64 },
		{ MIB(128), 128, 256, 256, 16, 32, 32 }, 1, 4,
	},
	[RCMGR_CLASS_SERVICE] = {
		{ MIB(64), 1024, 4096, 4096, 0, 0, 0, 0 },
		{ MIB(128), 512, 2048, 2048 },
	},
	[RCMGR_CLASS_SERVICE_PEER] = {
		{ MIB(16), 128, 256, 256, 0, 0, 0, 0 },
		{ MIB(4), 4, 8, 8 },
	},
	[RCMGR_CLASS_PROTOCOL] = {
		{ MIB(64), 512, 2048, 2048, 0, 0, 0, 0 },
		{ MIB(164), 256, 512, 512 },
	},
	[RCMGR_CLASS_PROTOCOL_PEER] = {
		/* go-libp2p: 4 bytes per GiB, surely meant 4 MiB. */
		{ MIB(16), 64, 128, 256, 0, 0, 0, 0 },
		{ MIB(4), 4, 8, 16 },
	},
	[RCMGR_CLASS_PEER] = {
		{ MIB(64), 256, 512, 512, 8, 8, 8, 4 },
		{ MIB(128), 128, 256, 256 }, 1, 64,
	},
	[RCMGR_CLASS_CONN] = {
		{ MIB(32), 0, 0, 0, 1, 1, 1, 1 },
	},
	[RCMGR_CLASS_STREAM] = {
		/* go-libp2p scales it with the conn class's increase. */
		{ MIB(16), 1, 1, 1, 0, 0, 0, 0 },
	},
	/* go-libp2p: the same as system and transient. */
	[RCMGR_CLASS_ALLOWLISTED_SYSTEM] = {
		{ MIB(128), 1024, 2048, 2048, 64, 128, 128, 256 },
		{ GIB(1), 1024, 2048, 2048, 64, 128, 128 }, 1, 1,
	},
	[RCMGR_CLASS_ALLOWLISTED_TRANSIENT] = {
		{ MIB(32), 128, 256, 256, 32, 64, 64, 64 },
		{ MIB(128), 128, 256, 256, 16, 32, 32 }, 1, 4,
	},
};

/* Present RAM, rounded up so a machine's reserved pages do not show. */
static u64 present_ram(void)
{
	return round_up((u64)get_num_physpages() << PAGE_SHIFT, MIB(128));
}

/* go-libp2p's Scale(): the increase counts whole MiB of the budget. */
static void scale(struct rcmgr_limit *l, const struct scaling *sc,
		  const struct rcmgr_autoscale *as)
{
	s64 mib = as->memory > MIB(128) ? as->memory >> 20 : 0;
	s64 fd = sc->base[RCMGR_RES_FD];
	int r;

	for (r = 0; r < RCMGR_RES_FD; r++)
		WRITE_ONCE(l->max[r], sc->base[r] + ((sc->inc[r] * mib) >> 10));
	if (sc->fd_num && as->fds)
		fd = max_t(s64, fd, div_u64(as->fds * sc->fd_num, sc->fd_den));
	WRITE_ONCE(l->max[RCMGR_RES_FD], fd);
}

/**
 * rcmgr_limit_defaults() - scale every class default from the budgets
 * @rn: the namespace state
 *
 * Context: &rcmgr_net.lock held, or @rn not yet visible.
 */
void rcmgr_limit_defaults(struct rcmgr_net *rn)
{
	s64 memory = READ_ONCE(limits_memory), fds = READ_ONCE(limits_fds);
	struct rcmgr_autoscale as = { .ram = present_ram() };
	u32 c;

	as.memory = memory == BUDGET_AUTO ? as.ram / 8 : memory;
	as.fds = fds == BUDGET_AUTO ? as.ram >> 14 : fds;
	for (c = RCMGR_CLASS_SYSTEM; c < RCMGR_NR_CLASSES; c++)
		scale(&rn->class_limit[c], &default_scaling[c], &as);
	rn->autoscale = as;
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
