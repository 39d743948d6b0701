// SPDX-License-Identifier: GPL-2.0
/*
 * The rcmgr generic netlink family: policies, ops and their handlers.
 *
 * Documentation/netlink/specs/rcmgr.yaml is the contract.  The ops table is
 * written by hand in struct genl_ops form because the split ops that
 * ynl-gen-c.py emits do not exist before 6.2; keep it in step with the spec.
 */
#include <linux/module.h>

#include "rcmgr.h"

static struct genl_family rcmgr_family;

static const int rcmgr_res_attr[RCMGR_NR_RES] = {
	[RCMGR_RES_MEMORY]	= RCMGR_A_RESOURCES_MEMORY,
	[RCMGR_RES_STREAMS_IN]	= RCMGR_A_RESOURCES_STREAMS_INBOUND,
	[RCMGR_RES_STREAMS_OUT]	= RCMGR_A_RESOURCES_STREAMS_OUTBOUND,
	[RCMGR_RES_STREAMS]	= RCMGR_A_RESOURCES_STREAMS,
	[RCMGR_RES_CONNS_IN]	= RCMGR_A_RESOURCES_CONNS_INBOUND,
	[RCMGR_RES_CONNS_OUT]	= RCMGR_A_RESOURCES_CONNS_OUTBOUND,
	[RCMGR_RES_CONNS]	= RCMGR_A_RESOURCES_CONNS,
	[RCMGR_RES_FD]		= RCMGR_A_RESOURCES_FD,
};

static const struct nla_policy rcmgr_scope_get_policy[RCMGR_A_SCOPE_KIND + 1] = {
	[RCMGR_A_SCOPE_KIND] = NLA_POLICY_RANGE(NLA_U32, RCMGR_SCOPE_KIND_SYSTEM,
						RCMGR_SCOPE_KIND_TRANSIENT),
};

static int put_resources(struct sk_buff *skb, int type, const s64 *v)
{
	struct nlattr *nest;
	int r;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (r = 0; r < RCMGR_NR_RES; r++) {
		if (nla_put_u64_64bit(skb, rcmgr_res_attr[r], v[r],
				      RCMGR_A_RESOURCES_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_scope(struct sk_buff *skb, const struct rcmgr_scope *s)
{
	struct rcmgr_stat st;

	rcmgr_scope_stat(s, &st);
	if (nla_put_u32(skb, RCMGR_A_SCOPE_KIND, s->kind) ||
	    put_resources(skb, RCMGR_A_SCOPE_USAGE, st.usage) ||
	    put_resources(skb, RCMGR_A_SCOPE_LIMIT, st.limit))
		return -EMSGSIZE;
	return 0;
}

static int rcmgr_nl_scope_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	const struct rcmgr_scope *s;
	struct sk_buff *msg;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_KIND))
		return -EINVAL;

	switch (nla_get_u32(info->attrs[RCMGR_A_SCOPE_KIND])) {
	case RCMGR_SCOPE_KIND_SYSTEM:
		s = &rn->system;
		break;
	default:
		s = &rn->transient;
		break;
	}

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				RCMGR_CMD_SCOPE_GET);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto out_free;
	}
	ret = put_scope(msg, s);
	if (ret)
		goto out_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

out_free:
	nlmsg_free(msg);
	return ret;
}

static const struct genl_ops rcmgr_ops[] = {
	{
		.cmd = RCMGR_CMD_SCOPE_GET,
		.doit = rcmgr_nl_scope_get_doit,
		.policy = rcmgr_scope_get_policy,
		.maxattr = ARRAY_SIZE(rcmgr_scope_get_policy) - 1,
	},
};

static struct genl_family rcmgr_family __ro_after_init = {
	.name = RCMGR_FAMILY_NAME,
	.version = RCMGR_FAMILY_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.resv_start_op = 0,
	.ops = rcmgr_ops,
	.n_ops = ARRAY_SIZE(rcmgr_ops),
	.module = THIS_MODULE,
};

/**
 * rcmgr_genl_register() - register the rcmgr generic netlink family
 *
 * Return: 0 or a negative errno.
 */
int __init rcmgr_genl_register(void)
{
	return genl_register_family(&rcmgr_family);
}

/**
 * rcmgr_genl_unregister() - unregister the family; no request runs after
 */
void rcmgr_genl_unregister(void)
{
	genl_unregister_family(&rcmgr_family);
}
