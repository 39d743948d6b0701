// SPDX-License-Identifier: GPL-2.0
/*
 * The rcmgr generic netlink family: policies, ops and their handlers.
 *
 * Documentation/netlink/specs/rcmgr.yaml is the contract.  The ops table is
 * written by hand in struct genl_ops form because the split ops that
 * ynl-gen-c.py emits do not exist before 6.2; keep it in step with the spec.
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/rwsem.h>

#include "rcmgr.h"
#include "netlink.h"

/* Policies: one per op, holding only the attributes its request takes. */

static struct netlink_range_validation limit_range = { .max = S64_MAX };

const struct nla_policy rcmgr_resources_policy[RCMGR_A_RESOURCES_FD + 1] = {
	[RCMGR_A_RESOURCES_MEMORY]	     = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_RESOURCES_STREAMS_INBOUND]  = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_RESOURCES_STREAMS_OUTBOUND] = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_RESOURCES_STREAMS]	     = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_RESOURCES_CONNS_INBOUND]    = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_RESOURCES_CONNS_OUTBOUND]   = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_RESOURCES_CONNS]	     = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_RESOURCES_FD]		     = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
};

#define KIND_POLICY	NLA_POLICY_RANGE(NLA_U32, RCMGR_SCOPE_KIND_SYSTEM, \
					 RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT)
#define CLASS_POLICY	NLA_POLICY_RANGE(NLA_U32, RCMGR_CLASS_SYSTEM, \
					 RCMGR_CLASS_ALLOWLISTED_TRANSIENT)
#define PEER_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 1, 128)
#define PROTOCOL_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 1, 256)
#define SERVICE_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 1, 128)
#define DIR_POLICY	NLA_POLICY_RANGE(NLA_U32, RCMGR_DIRECTION_INBOUND, \
					 RCMGR_DIRECTION_OUTBOUND)
#define COOKIE_POLICY	NLA_POLICY_MIN(NLA_U64, 1)

/* Ops that address any scope: a handle by id, or the others by name. */
static const struct nla_policy target_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_KIND]	 = KIND_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
};

static const struct nla_policy reserve_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_KIND]	 = KIND_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
	[RCMGR_A_SCOPE_SIZE]	 = NLA_POLICY_MIN(NLA_S64, 0),
	[RCMGR_A_SCOPE_PRIO]	 = { .type = NLA_U8 },
};

static const struct nla_policy release_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_KIND]	 = KIND_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
	[RCMGR_A_SCOPE_SIZE]	 = NLA_POLICY_MIN(NLA_S64, 0),
};

#define ENDPOINT_BIN_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 2, RCMGR_ENDPOINT_MAX)

static const struct nla_policy conn_open_policy[RCMGR_A_SCOPE_NEW_COOKIE + 1] = {
	[RCMGR_A_SCOPE_DIR]	 = DIR_POLICY,
	[RCMGR_A_SCOPE_USEFD]	 = { .type = NLA_FLAG },
	[RCMGR_A_SCOPE_ENDPOINT] = { .type = NLA_NUL_STRING, .len = 255 },
	[RCMGR_A_SCOPE_FD]	 = NLA_POLICY_MIN(NLA_S32, 0),
	[RCMGR_A_SCOPE_ENDPOINT_BIN] = ENDPOINT_BIN_POLICY,
	[RCMGR_A_SCOPE_NEW_COOKIE] = COOKIE_POLICY,
};

static const struct nla_policy verify_policy[RCMGR_A_SCOPE_ENDPOINT_BIN + 1] = {
	[RCMGR_A_SCOPE_ENDPOINT_BIN] = ENDPOINT_BIN_POLICY,
};

static const struct nla_policy netrule_policy[RCMGR_A_NETRULE_COUNT + 1] = {
	[RCMGR_A_NETRULE_FAMILY]     = { .type = NLA_U16 },
	[RCMGR_A_NETRULE_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[RCMGR_A_NETRULE_NETWORK]    = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[RCMGR_A_NETRULE_CONNS]	     = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_NETRULE_RATE]	     = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_NETRULE_BURST]	     = NLA_POLICY_FULL_RANGE(NLA_U64, &limit_range),
	[RCMGR_A_NETRULE_COUNT]	     = { .type = NLA_REJECT },
};

#define TABLE_POLICY	NLA_POLICY_RANGE(NLA_U32, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, \
					 RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE)

static const struct nla_policy netlimit_get_policy[RCMGR_A_NETLIMIT_TABLE + 1] = {
	[RCMGR_A_NETLIMIT_TABLE] = TABLE_POLICY,
};

static const struct nla_policy netlimit_set_policy[RCMGR_A_NETLIMIT_RULE + 1] = {
	[RCMGR_A_NETLIMIT_TABLE] = TABLE_POLICY,
	[RCMGR_A_NETLIMIT_RULE]	 = NLA_POLICY_NESTED(netrule_policy),
};

static const struct nla_policy conn_bind_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_FD]	 = NLA_POLICY_MIN(NLA_S32, 0),
};

static const struct nla_policy conn_set_peer_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
};

static const struct nla_policy stream_open_policy[RCMGR_A_SCOPE_NEW_COOKIE + 1] = {
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_DIR]	 = DIR_POLICY,
	[RCMGR_A_SCOPE_NEW_COOKIE] = COOKIE_POLICY,
};

/* span-begin: the parent, as any target, and the new span's cookie. */
static const struct nla_policy span_begin_policy[RCMGR_A_SCOPE_NEW_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_KIND]	 = KIND_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_NEW_COOKIE] = COOKIE_POLICY,
};

static const struct nla_policy set_protocol_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
};

static const struct nla_policy set_service_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
};

static const struct nla_policy done_policy[RCMGR_A_SCOPE_COOKIE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_COOKIE]	 = COOKIE_POLICY,
};

static const struct nla_policy limit_get_policy[RCMGR_A_LIMIT_NAME + 1] = {
	[RCMGR_A_LIMIT_CLASS]	 = CLASS_POLICY,
	[RCMGR_A_LIMIT_NAME]	 = NLA_POLICY_RANGE(NLA_BINARY, 1, 256),
};

static const struct nla_policy limit_set_policy[RCMGR_A_LIMIT_VALUES + 1] = {
	[RCMGR_A_LIMIT_CLASS]	 = CLASS_POLICY,
	[RCMGR_A_LIMIT_NAME]	 = NLA_POLICY_RANGE(NLA_BINARY, 1, 256),
	[RCMGR_A_LIMIT_VALUES]	 = NLA_POLICY_NESTED(rcmgr_resources_policy),
};

static const struct nla_policy limit_del_policy[RCMGR_A_LIMIT_NAME + 1] = {
	[RCMGR_A_LIMIT_CLASS]	 = CLASS_POLICY,
	[RCMGR_A_LIMIT_NAME]	 = NLA_POLICY_RANGE(NLA_BINARY, 1, 256),
};

static const struct nla_policy config_set_policy[RCMGR_A_CONFIG_MAX_ALLOWLIST + 1] = {
	[RCMGR_A_CONFIG_MAX_HANDLES]	   = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_OWNER_HANDLES] = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_SCOPES]	   = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_USER_HANDLES]  = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_USER_SCOPES]   = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_USER_BINDS]	   = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_TRACKED]	   = NLA_POLICY_MIN(NLA_U32, 16),
	[RCMGR_A_CONFIG_MAX_ALLOWLIST]	   = NLA_POLICY_MIN(NLA_U32, 1),
};

static const struct nla_policy allowlist_policy[RCMGR_A_ALLOWLIST_MULTIADDR + 1] = {
	[RCMGR_A_ALLOWLIST_MULTIADDR] = NLA_POLICY_RANGE(NLA_BINARY, 2, 255),
};

static const struct genl_ops rcmgr_ops[] = {
	{
		.cmd = RCMGR_CMD_SCOPE_GET,
		.doit = rcmgr_nl_scope_get_doit,
		.start = rcmgr_nl_scope_get_start,
		.dumpit = rcmgr_nl_scope_get_dumpit,
		.policy = target_policy,
		.maxattr = ARRAY_SIZE(target_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_CONN_OPEN,
		.doit = rcmgr_nl_conn_open_doit,
		.policy = conn_open_policy,
		.maxattr = ARRAY_SIZE(conn_open_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_CONN_BIND_FD,
		.doit = rcmgr_nl_conn_bind_fd_doit,
		.policy = conn_bind_policy,
		.maxattr = ARRAY_SIZE(conn_bind_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_CONN_SET_PEER,
		.doit = rcmgr_nl_conn_set_peer_doit,
		.policy = conn_set_peer_policy,
		.maxattr = ARRAY_SIZE(conn_set_peer_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_STREAM_OPEN,
		.doit = rcmgr_nl_stream_open_doit,
		.policy = stream_open_policy,
		.maxattr = ARRAY_SIZE(stream_open_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_STREAM_SET_PROTOCOL,
		.doit = rcmgr_nl_stream_set_protocol_doit,
		.policy = set_protocol_policy,
		.maxattr = ARRAY_SIZE(set_protocol_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_STREAM_SET_SERVICE,
		.doit = rcmgr_nl_stream_set_service_doit,
		.policy = set_service_policy,
		.maxattr = ARRAY_SIZE(set_service_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_SPAN_BEGIN,
		.doit = rcmgr_nl_span_begin_doit,
		.policy = span_begin_policy,
		.maxattr = ARRAY_SIZE(span_begin_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_SCOPE_RESERVE,
		.doit = rcmgr_nl_scope_reserve_doit,
		.policy = reserve_policy,
		.maxattr = ARRAY_SIZE(reserve_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_SCOPE_RELEASE,
		.doit = rcmgr_nl_scope_release_doit,
		.policy = release_policy,
		.maxattr = ARRAY_SIZE(release_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_SCOPE_DONE,
		.doit = rcmgr_nl_scope_done_doit,
		.policy = done_policy,
		.maxattr = ARRAY_SIZE(done_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_LIMIT_GET,
		.doit = rcmgr_nl_limit_get_doit,
		.dumpit = rcmgr_nl_limit_get_dumpit,
		.policy = limit_get_policy,
		.maxattr = ARRAY_SIZE(limit_get_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_LIMIT_SET,
		.doit = rcmgr_nl_limit_set_doit,
		.policy = limit_set_policy,
		.maxattr = ARRAY_SIZE(limit_set_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* No policy: genetlink rejects every attribute. */
		.cmd = RCMGR_CMD_LIMIT_RESET,
		.doit = rcmgr_nl_limit_reset_doit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* No policy: genetlink rejects every attribute. */
		.cmd = RCMGR_CMD_CONFIG_GET,
		.doit = rcmgr_nl_config_get_doit,
	},
	{
		.cmd = RCMGR_CMD_CONFIG_SET,
		.doit = rcmgr_nl_config_set_doit,
		.policy = config_set_policy,
		.maxattr = ARRAY_SIZE(config_set_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RCMGR_CMD_LIMIT_DEL,
		.doit = rcmgr_nl_limit_del_doit,
		.policy = limit_del_policy,
		.maxattr = ARRAY_SIZE(limit_del_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* No policy: genetlink rejects every attribute. */
		.cmd = RCMGR_CMD_STATS_GET,
		.doit = rcmgr_nl_stats_get_doit,
	},
	{
		.cmd = RCMGR_CMD_ALLOWLIST_ADD,
		.doit = rcmgr_nl_allowlist_add_doit,
		.policy = allowlist_policy,
		.maxattr = ARRAY_SIZE(allowlist_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RCMGR_CMD_ALLOWLIST_DEL,
		.doit = rcmgr_nl_allowlist_del_doit,
		.policy = allowlist_policy,
		.maxattr = ARRAY_SIZE(allowlist_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		/* No policy: genetlink rejects every attribute. */
		.cmd = RCMGR_CMD_ALLOWLIST_GET,
		.start = rcmgr_nl_allowlist_get_start,
		.dumpit = rcmgr_nl_allowlist_get_dumpit,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RCMGR_CMD_NETLIMIT_GET,
		.doit = rcmgr_nl_netlimit_get_doit,
		.policy = netlimit_get_policy,
		.maxattr = ARRAY_SIZE(netlimit_get_policy) - 1,
	},
	{
		.cmd = RCMGR_CMD_NETLIMIT_SET,
		.doit = rcmgr_nl_netlimit_set_doit,
		.policy = netlimit_set_policy,
		.maxattr = ARRAY_SIZE(netlimit_set_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RCMGR_CMD_NETLIMIT_RESET,
		.doit = rcmgr_nl_netlimit_reset_doit,
		.policy = netlimit_get_policy,
		.maxattr = ARRAY_SIZE(netlimit_get_policy) - 1,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = RCMGR_CMD_VERIFY_SOURCE_ADDRESS,
		.doit = rcmgr_nl_verify_source_address_doit,
		.policy = verify_policy,
		.maxattr = ARRAY_SIZE(verify_policy) - 1,
	},
};

static const struct genl_multicast_group rcmgr_mcgrps[] = {
	[RCMGR_GRP_EVENTS] = {
		.name = RCMGR_MCGRP_EVENTS,
		/* Events name other sockets' handles. */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	/*
	 * Refusal events: a group of their own, so that a reader of "events"
	 * from before them (librcmgr 1.0) sees only what it knows.
	 */
	[RCMGR_GRP_REFUSALS] = {
		.name = RCMGR_MCGRP_REFUSALS,
		/* They name other users' processes and handles. */
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

struct genl_family rcmgr_family __ro_after_init = {
	.name = RCMGR_FAMILY_NAME,
	.version = RCMGR_FAMILY_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,
	.ops = rcmgr_ops,
	.n_ops = ARRAY_SIZE(rcmgr_ops),
	.mcgrps = rcmgr_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rcmgr_mcgrps),
	.module = THIS_MODULE,
};

/*
 * Events go out only while the family is registered: a reaper may still
 * run after genl_unregister_family() until its namespace's state goes, and
 * the group ids are free for another family by then.
 */
static DECLARE_RWSEM(notify_sem);	/* protects notify_live */
static bool notify_live;

/**
 * rcmgr_notify_closed() - tell the events group the kernel ended a handle
 * @s: the handle
 *
 * Context: process.
 */
void rcmgr_notify_closed(const struct rcmgr_scope *s)
{
	struct net *net = s->rn->net;
	struct sk_buff *msg;
	void *hdr;

	down_read(&notify_sem);
	if (!notify_live ||
	    !genl_has_listeners(&rcmgr_family, net, RCMGR_GRP_EVENTS))
		goto out;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto out;
	hdr = genlmsg_put(msg, 0, 0, &rcmgr_family, 0,
			  RCMGR_CMD_SCOPE_CLOSED_NTF);
	if (!hdr ||
	    nla_put_u64_64bit(msg, RCMGR_A_SCOPE_ID, s->id, RCMGR_A_SCOPE_PAD) ||
	    nla_put_u32(msg, RCMGR_A_SCOPE_KIND, s->kind) ||
	    nla_put_u32(msg, RCMGR_A_SCOPE_OWNER, s->portid)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&rcmgr_family, net, msg, 0, RCMGR_GRP_EVENTS,
				GFP_KERNEL);
out:
	up_read(&notify_sem);
}

/**
 * rcmgr_genl_register() - register the rcmgr generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int __init rcmgr_genl_register(void)
{
	int ret = genl_register_family(&rcmgr_family);

	if (!ret) {
		down_write(&notify_sem);
		notify_live = true;
		up_write(&notify_sem);
	}
	return ret;
}

/**
 * rcmgr_genl_unregister() - unregister the family; no request runs after,
 *	and no event is sent
 */
void rcmgr_genl_unregister(void)
{
	down_write(&notify_sem);
	notify_live = false;
	up_write(&notify_sem);
	genl_unregister_family(&rcmgr_family);
}

static int rcmgr_netlink_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct netlink_notify *n = ptr;

	/* Called for every netlink socket of the system: filter cheaply. */
	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	rcmgr_owner_release(rcmgr_net(n->net), n->portid);
	down_read(&notify_sem);
	if (notify_live)
		rcmgr_refusal_listeners_gone(n->net);
	up_read(&notify_sem);
	return NOTIFY_DONE;
}

static struct notifier_block rcmgr_netlink_notifier = {
	.notifier_call = rcmgr_netlink_event,
};

/**
 * rcmgr_notifier_register() - learn when netlink sockets are released
 *
 * Return: 0 or a negative errno.
 */
int __init rcmgr_notifier_register(void)
{
	return netlink_register_notifier(&rcmgr_netlink_notifier);
}

/**
 * rcmgr_notifier_unregister() - stop learning about released sockets
 */
void rcmgr_notifier_unregister(void)
{
	netlink_unregister_notifier(&rcmgr_netlink_notifier);
}
