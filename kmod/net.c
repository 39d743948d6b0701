// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state: every process of a namespace shares one DAG
 * of scopes, rooted at that namespace's system scope.
 */
#include <net/netns/generic.h>

#include "rcmgr.h"

static unsigned int rcmgr_net_id __read_mostly;

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

static int __net_init rcmgr_net_init(struct net *net)
{
	struct rcmgr_net *rn = rcmgr_net(net);

	rcmgr_limit_init_system(&rn->system_limit);
	rcmgr_limit_init_transient(&rn->transient_limit);
	rcmgr_scope_init(&rn->system, RCMGR_SCOPE_KIND_SYSTEM, &rn->system_limit);
	rcmgr_scope_init(&rn->transient, RCMGR_SCOPE_KIND_TRANSIENT,
			 &rn->transient_limit);
	return 0;
}

struct pernet_operations rcmgr_net_ops = {
	.init = rcmgr_net_init,
	.id = &rcmgr_net_id,
	.size = sizeof(struct rcmgr_net),
};
