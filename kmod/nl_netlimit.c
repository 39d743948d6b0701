// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink: the per-address tables (netlimit-get, -set, -reset) and
 * verify-source-address.
 */
#include <linux/sort.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "rcmgr.h"
#include "netlink.h"

/* Rates up to a million per second; bursts up to a million. */
#define RATE_MAX	1000000000ULL
#define BURST_MAX	1000000ULL

/* A rule's field at fault: the message names it, the offset the rule. */
static void rule_err(struct genl_info *info, const struct nlattr *attr,
		     unsigned int i, const char *msg)
{
#ifdef RCMGR_HAVE_ERR_MSG_FMT
	NL_SET_ERR_MSG_FMT(info->extack, "rule %u: %s", i, msg);
#else
	/* NL_SET_ERR_MSG() wants a literal; @msg is a static string too. */
	info->extack->_msg = msg;
#endif
	NL_SET_BAD_ATTR(info->extack, attr);
}

static int put_rule(struct sk_buff *msg, u32 table,
		    const struct rcmgr_netrule *r, u64 count)
{
	struct nlattr *nest = nla_nest_start(msg, RCMGR_A_NETLIMIT_RULE);

	if (!nest ||
	    nla_put_u16(msg, RCMGR_A_NETRULE_FAMILY, r->family) ||
	    nla_put_u8(msg, RCMGR_A_NETRULE_PREFIX_LEN, r->prefix_len) ||
	    (r->network && nla_put(msg, RCMGR_A_NETRULE_NETWORK,
				   r->family == AF_INET ? 4 : 16, r->addr)) ||
	    (table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT &&
	     nla_put_u64_64bit(msg, RCMGR_A_NETRULE_CONNS, r->conns,
			       RCMGR_A_NETRULE_PAD)) ||
	    (table != RCMGR_NETLIMIT_TABLE_CONN_LIMIT &&
	     (nla_put_u64_64bit(msg, RCMGR_A_NETRULE_RATE, r->rate,
				RCMGR_A_NETRULE_PAD) ||
	      nla_put_u64_64bit(msg, RCMGR_A_NETRULE_BURST, r->burst,
				RCMGR_A_NETRULE_PAD))) ||
	    nla_put_u64_64bit(msg, RCMGR_A_NETRULE_COUNT, count,
			      RCMGR_A_NETRULE_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

#define RULES_MAX	(2 * RCMGR_NETRULES_MAX + 1)

/* Anyone: the rules are no secret, the counts are aggregates. */
int rcmgr_nl_netlimit_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct rcmgr_netrule *r;
	struct sk_buff *msg;
	unsigned int n, i;
	u64 *count;
	void *hdr;
	u32 table;
	int ret = -ENOMEM;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_NETLIMIT_TABLE))
		return -EINVAL;
	table = nla_get_u32(info->attrs[RCMGR_A_NETLIMIT_TABLE]);
	r = kcalloc(RULES_MAX, sizeof(*r), GFP_KERNEL);
	count = kcalloc(RULES_MAX, sizeof(*count), GFP_KERNEL);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!r || !count || !msg)
		goto out;
	n = rcmgr_netlimit_get(rn, table, r, count);
	ret = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				RCMGR_CMD_NETLIMIT_GET);
	if (!hdr || nla_put_u32(msg, RCMGR_A_NETLIMIT_TABLE, table))
		goto out;
	for (i = 0; i < n; i++)
		if (put_rule(msg, table, &r[i], count[i]))
			goto out;
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	msg = NULL;
out:
	nlmsg_free(msg);
	kfree(count);
	kfree(r);
	return ret;
}

static int parse_rule(struct genl_info *info, struct nlattr *nest,
		      unsigned int i, u32 table, struct rcmgr_netrule *r)
{
	struct nlattr *a[RCMGR_A_NETRULE_MAX + 1];
	bool conns = table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT;
	unsigned int alen;
	u8 net[16];
	int ret;

	ret = nla_parse_nested(a, RCMGR_A_NETRULE_MAX, nest, NULL,
			       info->extack);
	if (ret)
		return ret;
	memset(r, 0, sizeof(*r));
	if (!a[RCMGR_A_NETRULE_FAMILY] || !a[RCMGR_A_NETRULE_PREFIX_LEN]) {
		rule_err(info, nest, i, "family and prefix-len are required");
		return -EINVAL;
	}
	r->family = nla_get_u16(a[RCMGR_A_NETRULE_FAMILY]);
	r->prefix_len = nla_get_u8(a[RCMGR_A_NETRULE_PREFIX_LEN]);
	if (r->family != AF_INET && r->family != AF_INET6 &&
	    (r->family || conns)) {
		rule_err(info, a[RCMGR_A_NETRULE_FAMILY], i,
			 "family is not AF_INET or AF_INET6 (or AF_UNSPEC for rate-limit's global bucket)");
		return -EINVAL;
	}
	if (r->prefix_len > (r->family == AF_INET ? 32 :
			     r->family == AF_INET6 ? 128 : 0)) {
		rule_err(info, a[RCMGR_A_NETRULE_PREFIX_LEN], i,
			 "prefix-len too long for the family");
		return -EINVAL;
	}
	if (a[RCMGR_A_NETRULE_NETWORK]) {
		alen = nla_len(a[RCMGR_A_NETRULE_NETWORK]);
		if (!r->family || alen != (r->family == AF_INET ? 4 : 16)) {
			rule_err(info, a[RCMGR_A_NETRULE_NETWORK], i,
				 "network is not 4 (AF_INET) or 16 (AF_INET6) bytes");
			return -EINVAL;
		}
		nla_memcpy(r->addr, a[RCMGR_A_NETRULE_NETWORK], alen);
		/* Host bits: the prefix masks them off in a copy. */
		memset(net, 0, 16);
		memcpy(net, r->addr, (r->prefix_len + 7) / 8);
		if (r->prefix_len % 8)
			net[r->prefix_len / 8] &= (u8)(0xff00 >> (r->prefix_len % 8));
		if (memcmp(net, r->addr, 16)) {
			rule_err(info, a[RCMGR_A_NETRULE_NETWORK], i,
				 "network has host bits set");
			return -EINVAL;
		}
		r->network = true;
	}
	if (conns) {
		if (!a[RCMGR_A_NETRULE_CONNS] || a[RCMGR_A_NETRULE_RATE] ||
		    a[RCMGR_A_NETRULE_BURST]) {
			rule_err(info, nest, i,
				 "a conn-limit rule has conns, and no rate or burst");
			return -EINVAL;
		}
		r->conns = nla_get_u64(a[RCMGR_A_NETRULE_CONNS]);
		return 0;
	}
	if (!a[RCMGR_A_NETRULE_RATE] || !a[RCMGR_A_NETRULE_BURST] ||
	    a[RCMGR_A_NETRULE_CONNS]) {
		rule_err(info, nest, i,
			 "a rate-limit rule has rate and burst, and no conns");
		return -EINVAL;
	}
	r->rate = nla_get_u64(a[RCMGR_A_NETRULE_RATE]);
	r->burst = nla_get_u64(a[RCMGR_A_NETRULE_BURST]);
	if (r->rate > RATE_MAX && r->rate != RCMGR_UNLIMITED) {
		rule_err(info, a[RCMGR_A_NETRULE_RATE], i,
			 "rate above 1000000000 (a million per second), and not unlimited");
		return -EINVAL;
	}
	if (r->burst > BURST_MAX) {
		rule_err(info, a[RCMGR_A_NETRULE_BURST], i,
			 "burst above 1000000");
		return -EINVAL;
	}
	return 0;
}

/* Network-prefix rules, then per subnet, then global; most specific first. */
static int rule_cmp(const void *pa, const void *pb)
{
	const struct rcmgr_netrule *a = pa, *b = pb;
	int ka = a->network ? 0 : a->family ? 1 : 2;
	int kb = b->network ? 0 : b->family ? 1 : 2;

	if (ka != kb)
		return ka - kb;
	/* Per-subnet rules: IPv4's first, as go-libp2p lists them. */
	if (ka == 1 && a->family != b->family)
		return a->family - b->family;
	return b->prefix_len - a->prefix_len;
}

static bool rule_same(const struct rcmgr_netrule *a,
		      const struct rcmgr_netrule *b)
{
	return a->family == b->family && a->prefix_len == b->prefix_len &&
	       a->network == b->network && !memcmp(a->addr, b->addr, 16);
}

int rcmgr_nl_netlimit_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	unsigned int n = 0, i, v4 = 0, v6 = 0;
	struct rcmgr_netrule *r;
	struct nlattr *nest;
	u32 table;
	int rem, ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_NETLIMIT_TABLE))
		return -EINVAL;
	table = nla_get_u32(info->attrs[RCMGR_A_NETLIMIT_TABLE]);
	if (table == RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RCMGR_A_NETLIMIT_TABLE],
				    "verify-source follows conn-limit: set that");
		return -EINVAL;
	}
	r = kcalloc(RULES_MAX, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	nlmsg_for_each_attr(nest, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(nest) != RCMGR_A_NETLIMIT_RULE)
			continue;
		if (n == RULES_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "at most 16 rules per family (and a global one)");
			ret = -E2BIG;
			goto out;
		}
		ret = parse_rule(info, nest, n, table, &r[n]);
		if (ret)
			goto out;
		for (i = 0; i < n; i++) {
			if (rule_same(&r[i], &r[n])) {
				rule_err(info, nest, n, "the same prefix as an earlier rule");
				ret = -EINVAL;
				goto out;
			}
		}
		v4 += r[n].family == AF_INET;
		v6 += r[n].family == AF_INET6;
		if (v4 > RCMGR_NETRULES_MAX || v6 > RCMGR_NETRULES_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, nest,
					    "at most 16 rules per family");
			ret = -E2BIG;
			goto out;
		}
		n++;
	}
	/* Stable enough: no two rules compare equal but the same, refused. */
	sort(r, n, sizeof(*r), rule_cmp, NULL);
	ret = rcmgr_netlimit_set(rn, table, r, n);
out:
	kfree(r);
	return ret;
}

int rcmgr_nl_netlimit_reset_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct nlattr *t = info->attrs[RCMGR_A_NETLIMIT_TABLE];
	int ret;

	if (t && nla_get_u32(t) == RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE) {
		NL_SET_ERR_MSG_ATTR(info->extack, t,
				    "verify-source follows conn-limit: reset that");
		return -EINVAL;
	}
	if (t)
		return rcmgr_netlimit_reset(rn, nla_get_u32(t));
	ret = rcmgr_netlimit_reset(rn, RCMGR_NETLIMIT_TABLE_CONN_LIMIT);
	if (!ret)
		ret = rcmgr_netlimit_reset(rn, RCMGR_NETLIMIT_TABLE_RATE_LIMIT);
	return ret;
}

int rcmgr_nl_verify_source_address_doit(struct sk_buff *skb,
					struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct rcmgr_maddr ma;
	struct sk_buff *msg;
	bool verify;
	void *hdr;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_ENDPOINT_BIN))
		return -EINVAL;
	ret = rcmgr_nl_endpoint_parse(info, &ma);
	if (ret)
		return ret;
	verify = rcmgr_netlimit_verify(rn, &ma, NETLINK_CB(skb).sk->sk_uid);
	if (verify)
		atomic64_inc(&rn->stats.verify_asked);
	msg = genlmsg_new(nla_total_size(0), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				RCMGR_CMD_VERIFY_SOURCE_ADDRESS);
	if (!hdr || (verify && nla_put_flag(msg, RCMGR_A_SCOPE_VERIFY))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}
