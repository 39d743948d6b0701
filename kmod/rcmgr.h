/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcmgr: private declarations shared by the module's files, grouped by the
 * file that defines them.
 */
#ifndef _RCMGR_H
#define _RCMGR_H

#include <linux/atomic.h>
#include <linux/types.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <linux/rcmgr.h>

#include "compat/compat.h"

/*
 * The accounted resources, in the order a scope checks them (go-libp2p:
 * memory alone; streams inbound, outbound, total; connections inbound,
 * outbound, total, then file descriptors).
 */
enum rcmgr_res {
	RCMGR_RES_MEMORY,
	RCMGR_RES_STREAMS_IN,
	RCMGR_RES_STREAMS_OUT,
	RCMGR_RES_STREAMS,
	RCMGR_RES_CONNS_IN,
	RCMGR_RES_CONNS_OUT,
	RCMGR_RES_CONNS,
	RCMGR_RES_FD,
	RCMGR_NR_RES,
};

#define RCMGR_UNLIMITED		S64_MAX

/* limit.c */

/**
 * struct rcmgr_limit - the limits of one scope class or one named scope
 * @max: per resource; %RCMGR_UNLIMITED is unlimited, 0 blocks all.
 *
 * Written with WRITE_ONCE() and read locklessly with READ_ONCE() on every
 * check, so a change applies at once to live scopes.
 */
struct rcmgr_limit {
	s64 max[RCMGR_NR_RES];
};

void rcmgr_limit_init_system(struct rcmgr_limit *l);
void rcmgr_limit_init_transient(struct rcmgr_limit *l);

/* scope.c */

/**
 * struct rcmgr_counter - usage of one resource in one scope
 * @usage: what is held now; never above the limit that applied when it was
 *	charged (a limit lowered later may leave it above).
 * @peak: high watermark of @usage.
 * @failcnt: reservations this counter refused.
 */
struct rcmgr_counter {
	atomic64_t usage;
	atomic64_t peak;
	atomic64_t failcnt;
};

/**
 * struct rcmgr_scope - an accounting scope
 * @kind: &enum rcmgr_scope_kind.
 * @res: one counter per &enum rcmgr_res.
 * @limit: the limits that apply; never NULL.
 */
struct rcmgr_scope {
	enum rcmgr_scope_kind kind;
	struct rcmgr_counter res[RCMGR_NR_RES];
	const struct rcmgr_limit *limit;
};

/**
 * struct rcmgr_stat - a snapshot of a scope's usage and limits
 * @usage: per resource.
 * @limit: per resource.
 */
struct rcmgr_stat {
	s64 usage[RCMGR_NR_RES];
	s64 limit[RCMGR_NR_RES];
};

void rcmgr_scope_init(struct rcmgr_scope *s, enum rcmgr_scope_kind kind,
		      const struct rcmgr_limit *limit);
void rcmgr_scope_stat(const struct rcmgr_scope *s, struct rcmgr_stat *st);

/* net.c */

/**
 * struct rcmgr_net - the per network namespace state
 * @system: the root scope.
 * @transient: where connections and streams wait for a peer or protocol.
 * @system_limit: limits of @system.
 * @transient_limit: limits of @transient.
 */
struct rcmgr_net {
	struct rcmgr_scope system;
	struct rcmgr_scope transient;
	struct rcmgr_limit system_limit;
	struct rcmgr_limit transient_limit;
};

extern struct pernet_operations rcmgr_net_ops;
struct rcmgr_net *rcmgr_net(const struct net *net);

/* netlink.c */

int __init rcmgr_genl_register(void);
void rcmgr_genl_unregister(void);

#endif /* _RCMGR_H */
