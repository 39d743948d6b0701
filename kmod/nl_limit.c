// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink: limits and bounds.
 */
#include <linux/netlink.h>
#include <net/sock.h>

#include "rcmgr.h"
#include "netlink.h"

/* Limits. */

static bool class_has_names(u32 class)
{
	return class == RCMGR_CLASS_SERVICE ||
	       class == RCMGR_CLASS_SERVICE_PEER ||
	       class == RCMGR_CLASS_PROTOCOL ||
	       class == RCMGR_CLASS_PROTOCOL_PEER ||
	       class == RCMGR_CLASS_PEER;
}

static int fill_limit(struct sk_buff *skb, u32 class,
		      const struct rcmgr_limit *l, const struct rcmgr_key *name,
		      bool override)
{
	s64 v[RCMGR_NR_RES];
	int r;

	for (r = 0; r < RCMGR_NR_RES; r++)
		v[r] = READ_ONCE(l->max[r]);
	if (nla_put_u32(skb, RCMGR_A_LIMIT_CLASS, class) ||
	    (name && nla_put(skb, RCMGR_A_LIMIT_NAME, name->name_len, name->name)) ||
	    (override && nla_put_flag(skb, RCMGR_A_LIMIT_OVERRIDE)) ||
	    rcmgr_nl_put_values(skb, RCMGR_A_LIMIT_VALUES, v))
		return -EMSGSIZE;
	return 0;
}

static int check_name(struct genl_info *info, u32 class)
{
	if (info->attrs[RCMGR_A_LIMIT_NAME] && !class_has_names(class)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RCMGR_A_LIMIT_NAME],
				    "limits of this class have no names");
		return -EINVAL;
	}
	return 0;
}

int rcmgr_nl_limit_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct nlattr *name = info->attrs[RCMGR_A_LIMIT_NAME];
	const struct rcmgr_limit *l = NULL;
	struct rcmgr_key k = {};
	struct sk_buff *msg;
	u32 class;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_LIMIT_CLASS))
		return -EINVAL;
	class = nla_get_u32(info->attrs[RCMGR_A_LIMIT_CLASS]);
	ret = check_name(info, class);
	if (ret)
		return ret;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0, RCMGR_CMD_LIMIT_GET);
	mutex_lock(&rn->lock);
	if (name) {
		k.name = nla_data(name);
		k.name_len = nla_len(name);
		l = rcmgr_limit_find(rn, class, k.name, k.name_len);
	}
	/* A name without limits of its own: the class default applies. */
	ret = hdr ? fill_limit(msg, class, l ?: &rn->class_limit[class],
			       name ? &k : NULL, l) : -EMSGSIZE;
	mutex_unlock(&rn->lock);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int dump_one(struct sk_buff *skb, struct netlink_callback *cb, u32 class,
		    const struct rcmgr_limit *l, const struct rcmgr_key *name)
{
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &rcmgr_family, NLM_F_MULTI, RCMGR_CMD_LIMIT_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (fill_limit(skb, class, l, name, name)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The class defaults, then the per-name limits in the order they were set.
 * The cursor counts what was sent; a batch walks the list once.
 */
int rcmgr_nl_limit_get_dumpit(struct sk_buff *skb,
			      struct netlink_callback *cb)
{
	struct rcmgr_net *rn = rcmgr_net(sock_net(skb->sk));
	unsigned long *pos = (unsigned long *)cb->ctx;
	const struct rcmgr_override *o;
	unsigned long n = RCMGR_NR_CLASSES;
	int ret = 0;

	mutex_lock(&rn->lock);
	cb->seq = atomic_read(&rn->gen);
	for (*pos = max(*pos, 1UL); *pos < RCMGR_NR_CLASSES; (*pos)++) {
		ret = dump_one(skb, cb, *pos, &rn->class_limit[*pos], NULL);
		if (ret)
			goto out;
	}
	list_for_each_entry(o, &rn->override_list, list) {
		if (n++ < *pos)
			continue;
		ret = dump_one(skb, cb, o->key.kind, &o->limit, &o->key);
		if (ret)
			goto out;
		(*pos)++;
	}
out:
	mutex_unlock(&rn->lock);
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret;
}

int rcmgr_nl_limit_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct nlattr *name = info->attrs[RCMGR_A_LIMIT_NAME];
	struct nlattr *tb[RCMGR_A_RESOURCES_FD + 1];
	bool present[RCMGR_NR_RES];
	s64 max[RCMGR_NR_RES];
	u32 class;
	int r, ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_LIMIT_CLASS) ||
	    GENL_REQ_ATTR_CHECK(info, RCMGR_A_LIMIT_VALUES))
		return -EINVAL;
	class = nla_get_u32(info->attrs[RCMGR_A_LIMIT_CLASS]);
	ret = check_name(info, class);
	if (ret)
		return ret;
	/* Validated with rcmgr_resources_policy when the request was parsed. */
	ret = nla_parse_nested(tb, RCMGR_A_RESOURCES_FD,
			       info->attrs[RCMGR_A_LIMIT_VALUES],
			       rcmgr_resources_policy, info->extack);
	if (ret)
		return ret;
	for (r = 0; r < RCMGR_NR_RES; r++) {
		present[r] = tb[rcmgr_res_attr[r]];
		max[r] = present[r] ? nla_get_u64(tb[rcmgr_res_attr[r]]) : 0;
	}
	return rcmgr_limit_set(rn, class, name ? nla_data(name) : NULL,
			       name ? nla_len(name) : 0, max, present);
}

int rcmgr_nl_limit_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct nlattr *name = info->attrs[RCMGR_A_LIMIT_NAME];
	u32 class;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_LIMIT_CLASS) ||
	    GENL_REQ_ATTR_CHECK(info, RCMGR_A_LIMIT_NAME))
		return -EINVAL;
	class = nla_get_u32(info->attrs[RCMGR_A_LIMIT_CLASS]);
	ret = check_name(info, class);
	if (ret)
		return ret;
	ret = rcmgr_limit_del(rn, class, nla_data(name), nla_len(name));
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, name, "no limits of this name");
	return ret;
}

int rcmgr_nl_limit_reset_doit(struct sk_buff *skb,
			      struct genl_info *info)
{
	rcmgr_limit_reset(rcmgr_net(genl_info_net(info)));
	return 0;
}

/* Bounds. */

/* A bound's attribute, and where it is in &struct rcmgr_bounds. */
struct bound {
	int attr;
	size_t off;
};

static const struct bound bounds[] = {
	{ RCMGR_A_CONFIG_MAX_HANDLES, offsetof(struct rcmgr_bounds, max_handles) },
	{ RCMGR_A_CONFIG_MAX_OWNER_HANDLES,
	  offsetof(struct rcmgr_bounds, max_owner_handles) },
	{ RCMGR_A_CONFIG_MAX_SCOPES, offsetof(struct rcmgr_bounds, max_scopes) },
	{ RCMGR_A_CONFIG_MAX_USER_HANDLES,
	  offsetof(struct rcmgr_bounds, max_user_handles) },
	{ RCMGR_A_CONFIG_MAX_USER_SCOPES,
	  offsetof(struct rcmgr_bounds, max_user_scopes) },
	{ RCMGR_A_CONFIG_MAX_USER_BINDS,
	  offsetof(struct rcmgr_bounds, max_user_binds) },
	{ RCMGR_A_CONFIG_MAX_TRACKED, offsetof(struct rcmgr_bounds, max_tracked) },
	{ RCMGR_A_CONFIG_MAX_ALLOWLIST,
	  offsetof(struct rcmgr_bounds, max_allowlist) },
};

static u32 *bound_of(struct rcmgr_bounds *b, const struct bound *which)
{
	return (u32 *)((u8 *)b + which->off);
}

/* What the caller's user holds: none of it if it never owned anything. */
static int put_user_counts(struct sk_buff *msg, struct rcmgr_net *rn,
			   const struct sock *sk)
{
	u32 handles = 0, scopes = 0, binds = 0;
	struct rcmgr_user *u;

	rcu_read_lock();
	u = xa_load(&rn->users, __kuid_val(sk->sk_uid));
	if (u) {
		handles = atomic_read(&u->nr_handles);
		scopes = atomic_read(&u->nr_scopes);
		binds = atomic_read(&u->nr_binds);
	}
	rcu_read_unlock();
	if (nla_put_u32(msg, RCMGR_A_CONFIG_USER_HANDLES, handles) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_USER_SCOPES, scopes) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_USER_BINDS, binds))
		return -EMSGSIZE;
	return 0;
}

/* What the class defaults were scaled from, at the last reset. */
static int put_autoscale(struct sk_buff *msg, struct rcmgr_net *rn)
{
	struct rcmgr_autoscale as;

	mutex_lock(&rn->lock);
	as = rn->autoscale;
	mutex_unlock(&rn->lock);
	if (nla_put_u64_64bit(msg, RCMGR_A_CONFIG_AUTOSCALE_RAM, as.ram,
			      RCMGR_A_CONFIG_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_CONFIG_AUTOSCALE_MEMORY, as.memory,
			      RCMGR_A_CONFIG_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_CONFIG_AUTOSCALE_FDS, as.fds,
			      RCMGR_A_CONFIG_PAD))
		return -EMSGSIZE;
	return 0;
}

int rcmgr_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct sk_buff *msg;
	unsigned int i;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				RCMGR_CMD_CONFIG_GET);
	if (!hdr)
		goto err;
	for (i = 0; i < ARRAY_SIZE(bounds); i++)
		if (nla_put_u32(msg, bounds[i].attr,
				READ_ONCE(*bound_of(&rn->bounds, &bounds[i]))))
			goto err;
	if (nla_put_u32(msg, RCMGR_A_CONFIG_HANDLES, atomic_read(&rn->nr_handles)) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_SCOPES, atomic_read(&rn->nr_scopes)) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_TRACKED, rcmgr_netlimit_tracked(rn)) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_ALLOWLIST_ENTRIES,
			rcmgr_allowlist_count(rn)) ||
	    put_user_counts(msg, rn, NETLINK_CB(skb).sk) ||
	    put_autoscale(msg, rn))
		goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int rcmgr_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	/* The host's admin; root of a user namespace is not. */
	bool host_admin = netlink_capable(skb, CAP_NET_ADMIN);
	struct nlattr **a = info->attrs;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bounds); i++) {
		struct nlattr *v = a[bounds[i].attr];
		u32 ceiling = READ_ONCE(*bound_of(&rcmgr_ceiling, &bounds[i]));

		if (v && !host_admin && nla_get_u32(v) > ceiling) {
			NL_SET_ERR_MSG_ATTR(info->extack, v,
					    "above the module's ceiling: needs the host's CAP_NET_ADMIN");
			return -EPERM;
		}
	}
	/* Lowering a bound refuses new objects; it ends none. */
	mutex_lock(&rn->lock);
	for (i = 0; i < ARRAY_SIZE(bounds); i++)
		if (a[bounds[i].attr])
			WRITE_ONCE(*bound_of(&rn->bounds, &bounds[i]),
				   nla_get_u32(a[bounds[i].attr]));
	mutex_unlock(&rn->lock);
	return 0;
}

/* Refusal counts. */

static int put_blocked(struct sk_buff *msg, u32 kind, const atomic64_t *v)
{
	struct nlattr *nest;
	s64 n[RCMGR_NR_RES];
	bool any = false;
	int r;

	for (r = 0; r < RCMGR_NR_RES; r++) {
		n[r] = atomic64_read(&v[r]);
		any |= n[r];
	}
	if (!any)
		return 0;
	nest = nla_nest_start(msg, RCMGR_A_STATS_BLOCKED);
	if (!nest ||
	    nla_put_u32(msg, RCMGR_A_STATS_BLOCKED_KIND, kind) ||
	    rcmgr_nl_put_values(msg, RCMGR_A_STATS_BLOCKED_VALUES, n))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* Aggregates of the namespace: anyone may read them. */
int rcmgr_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_stats *st = &rcmgr_net(genl_info_net(info))->stats;
	struct sk_buff *msg;
	u32 kind;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				RCMGR_CMD_STATS_GET);
	if (!hdr ||
	    nla_put_u64_64bit(msg, RCMGR_A_STATS_REFUSALS,
			      atomic64_read(&st->refusals), RCMGR_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_STATS_EVENTS,
			      atomic64_read(&st->events), RCMGR_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_STATS_EVENTS_DROPPED,
			      atomic64_read(&st->dropped), RCMGR_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_STATS_SUBNET_REFUSALS,
			      atomic64_read(&st->subnet_refusals), RCMGR_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_STATS_RATE_REFUSALS,
			      atomic64_read(&st->rate_refusals), RCMGR_A_STATS_PAD) ||
	    nla_put_u64_64bit(msg, RCMGR_A_STATS_VERIFY_ASKED,
			      atomic64_read(&st->verify_asked), RCMGR_A_STATS_PAD))
		goto err;
	for (kind = RCMGR_SCOPE_KIND_SYSTEM; kind < ARRAY_SIZE(st->blocked); kind++)
		if (put_blocked(msg, kind, st->blocked[kind]))
			goto err;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}
