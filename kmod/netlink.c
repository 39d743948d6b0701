// SPDX-License-Identifier: GPL-2.0
/*
 * The rcmgr generic netlink family: policies, ops and their handlers.
 *
 * Documentation/netlink/specs/rcmgr.yaml is the contract.  The ops table is
 * written by hand in struct genl_ops form because the split ops that
 * ynl-gen-c.py emits do not exist before 6.2; keep it in step with the spec.
 */
#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <net/sock.h>

#include "rcmgr.h"

static struct genl_family rcmgr_family;

static const int res_attr[RCMGR_NR_RES] = {
	[RCMGR_RES_MEMORY]	= RCMGR_A_RESOURCES_MEMORY,
	[RCMGR_RES_STREAMS_IN]	= RCMGR_A_RESOURCES_STREAMS_INBOUND,
	[RCMGR_RES_STREAMS_OUT]	= RCMGR_A_RESOURCES_STREAMS_OUTBOUND,
	[RCMGR_RES_STREAMS]	= RCMGR_A_RESOURCES_STREAMS,
	[RCMGR_RES_CONNS_IN]	= RCMGR_A_RESOURCES_CONNS_INBOUND,
	[RCMGR_RES_CONNS_OUT]	= RCMGR_A_RESOURCES_CONNS_OUTBOUND,
	[RCMGR_RES_CONNS]	= RCMGR_A_RESOURCES_CONNS,
	[RCMGR_RES_FD]		= RCMGR_A_RESOURCES_FD,
};

/* Policies: one per op, holding only the attributes its request takes. */

static struct netlink_range_validation limit_range = { .max = S64_MAX };

static const struct nla_policy resources_policy[RCMGR_A_RESOURCES_FD + 1] = {
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
					 RCMGR_SCOPE_KIND_SPAN)
#define PEER_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 1, 128)
#define PROTOCOL_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 1, 256)
#define SERVICE_POLICY	NLA_POLICY_RANGE(NLA_BINARY, 1, 128)
#define DIR_POLICY	NLA_POLICY_RANGE(NLA_U32, RCMGR_DIRECTION_INBOUND, \
					 RCMGR_DIRECTION_OUTBOUND)

/* Ops that address any scope: a handle by id, or the others by name. */
static const struct nla_policy target_policy[RCMGR_A_SCOPE_SERVICE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_KIND]	 = KIND_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
};

static const struct nla_policy reserve_policy[RCMGR_A_SCOPE_PRIO + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_KIND]	 = KIND_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
	[RCMGR_A_SCOPE_SIZE]	 = NLA_POLICY_MIN(NLA_S64, 0),
	[RCMGR_A_SCOPE_PRIO]	 = { .type = NLA_U8 },
};

static const struct nla_policy release_policy[RCMGR_A_SCOPE_SIZE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_KIND]	 = KIND_POLICY,
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
	[RCMGR_A_SCOPE_SIZE]	 = NLA_POLICY_MIN(NLA_S64, 0),
};

static const struct nla_policy conn_open_policy[RCMGR_A_SCOPE_FD + 1] = {
	[RCMGR_A_SCOPE_DIR]	 = DIR_POLICY,
	[RCMGR_A_SCOPE_USEFD]	 = { .type = NLA_FLAG },
	[RCMGR_A_SCOPE_ENDPOINT] = { .type = NLA_NUL_STRING, .len = 255 },
	[RCMGR_A_SCOPE_FD]	 = NLA_POLICY_MIN(NLA_S32, 0),
};

static const struct nla_policy conn_bind_policy[RCMGR_A_SCOPE_FD + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_FD]	 = NLA_POLICY_MIN(NLA_S32, 0),
};

static const struct nla_policy conn_set_peer_policy[RCMGR_A_SCOPE_PEER + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
};

static const struct nla_policy stream_open_policy[RCMGR_A_SCOPE_DIR + 1] = {
	[RCMGR_A_SCOPE_PEER]	 = PEER_POLICY,
	[RCMGR_A_SCOPE_DIR]	 = DIR_POLICY,
};

static const struct nla_policy set_protocol_policy[RCMGR_A_SCOPE_PROTOCOL + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_PROTOCOL] = PROTOCOL_POLICY,
};

static const struct nla_policy set_service_policy[RCMGR_A_SCOPE_SERVICE + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
	[RCMGR_A_SCOPE_SERVICE]	 = SERVICE_POLICY,
};

static const struct nla_policy done_policy[RCMGR_A_SCOPE_ID + 1] = {
	[RCMGR_A_SCOPE_ID]	 = { .type = NLA_U64 },
};

static const struct nla_policy limit_get_policy[RCMGR_A_LIMIT_NAME + 1] = {
	[RCMGR_A_LIMIT_CLASS]	 = NLA_POLICY_RANGE(NLA_U32, RCMGR_CLASS_SYSTEM,
						    RCMGR_CLASS_STREAM),
	[RCMGR_A_LIMIT_NAME]	 = NLA_POLICY_RANGE(NLA_BINARY, 1, 256),
};

static const struct nla_policy limit_set_policy[RCMGR_A_LIMIT_VALUES + 1] = {
	[RCMGR_A_LIMIT_CLASS]	 = NLA_POLICY_RANGE(NLA_U32, RCMGR_CLASS_SYSTEM,
						    RCMGR_CLASS_STREAM),
	[RCMGR_A_LIMIT_NAME]	 = NLA_POLICY_RANGE(NLA_BINARY, 1, 256),
	[RCMGR_A_LIMIT_VALUES]	 = NLA_POLICY_NESTED(resources_policy),
};

static const struct nla_policy config_set_policy[RCMGR_A_CONFIG_MAX_SCOPES + 1] = {
	[RCMGR_A_CONFIG_MAX_HANDLES]	   = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_OWNER_HANDLES] = NLA_POLICY_MIN(NLA_U32, 1),
	[RCMGR_A_CONFIG_MAX_SCOPES]	   = NLA_POLICY_MIN(NLA_U32, 1),
};

/* Message building. */

static int put_values(struct sk_buff *skb, int type, const s64 *v)
{
	struct nlattr *nest;
	int r;

	nest = nla_nest_start(skb, type);
	if (!nest)
		return -EMSGSIZE;
	for (r = 0; r < RCMGR_NR_RES; r++) {
		if (nla_put_u64_64bit(skb, res_attr[r], v[r],
				      RCMGR_A_RESOURCES_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int put_counters(struct sk_buff *skb, const struct rcmgr_scope *s)
{
	s64 usage[RCMGR_NR_RES], limit[RCMGR_NR_RES];
	s64 peak[RCMGR_NR_RES], blocked[RCMGR_NR_RES];
	int r;

	for (r = 0; r < RCMGR_NR_RES; r++) {
		usage[r] = atomic64_read(&s->res[r].usage);
		peak[r] = atomic64_read(&s->res[r].peak);
		blocked[r] = atomic64_read(&s->res[r].failcnt);
		limit[r] = rcmgr_scope_max(s, r);
	}
	if (put_values(skb, RCMGR_A_SCOPE_USAGE, usage) ||
	    put_values(skb, RCMGR_A_SCOPE_LIMIT, limit) ||
	    put_values(skb, RCMGR_A_SCOPE_PEAK, peak) ||
	    put_values(skb, RCMGR_A_SCOPE_BLOCKED, blocked))
		return -EMSGSIZE;
	return 0;
}

/*
 * The names a scope shows: its own for named scopes, those of the scopes
 * a conn or stream is attached to.  Called under the RCU read lock, which
 * keeps a scope the conn or stream drops meanwhile alive.
 */
static void scope_names(const struct rcmgr_scope *s, const struct rcmgr_key **peer,
			const struct rcmgr_key **proto, const struct rcmgr_key **svc)
{
	const struct rcmgr_scope *p;

	*peer = NULL;
	*proto = NULL;
	*svc = NULL;
	switch (s->key.kind) {
	case RCMGR_SCOPE_KIND_SERVICE:
	case RCMGR_SCOPE_KIND_SERVICE_PEER:
		*svc = &s->key;
		*peer = s->key.peer ? &s->key : NULL;
		break;
	case RCMGR_SCOPE_KIND_PROTOCOL:
	case RCMGR_SCOPE_KIND_PROTOCOL_PEER:
		*proto = &s->key;
		*peer = s->key.peer ? &s->key : NULL;
		break;
	case RCMGR_SCOPE_KIND_PEER:
		*peer = &s->key;
		break;
	case RCMGR_SCOPE_KIND_CONN:
	case RCMGR_SCOPE_KIND_STREAM:
		p = READ_ONCE(s->peer);
		*peer = p ? &p->key : NULL;
		p = READ_ONCE(s->protocol);
		*proto = p ? &p->key : NULL;
		p = READ_ONCE(s->service);
		*svc = p ? &p->key : NULL;
		break;
	}
}

static int put_names(struct sk_buff *skb, const struct rcmgr_scope *s,
		     int peer_attr, int proto_attr, int svc_attr)
{
	const struct rcmgr_key *peer, *proto, *svc;

	scope_names(s, &peer, &proto, &svc);
	if (peer && nla_put(skb, peer_attr, peer->peer_len, peer->peer))
		return -EMSGSIZE;
	if (proto && nla_put(skb, proto_attr, proto->name_len, proto->name))
		return -EMSGSIZE;
	if (svc && nla_put(skb, svc_attr, svc->name_len, svc->name))
		return -EMSGSIZE;
	return 0;
}

static bool is_zombie(const struct rcmgr_scope *s)
{
	for (s = s->parent; s; s = s->parent)
		if (rcmgr_scope_done(s))
			return true;
	return false;
}

/* Fill one scope message; the RCU read lock is held. */
static int fill_scope(struct sk_buff *skb, const struct rcmgr_scope *s)
{
	if (nla_put_u64_64bit(skb, RCMGR_A_SCOPE_ID, s->id, RCMGR_A_SCOPE_PAD) ||
	    nla_put_u32(skb, RCMGR_A_SCOPE_KIND, s->key.kind) ||
	    put_names(skb, s, RCMGR_A_SCOPE_PEER, RCMGR_A_SCOPE_PROTOCOL,
		      RCMGR_A_SCOPE_SERVICE))
		return -EMSGSIZE;
	if (s->key.kind == RCMGR_SCOPE_KIND_CONN ||
	    s->key.kind == RCMGR_SCOPE_KIND_STREAM) {
		if (nla_put_u32(skb, RCMGR_A_SCOPE_DIR, s->dir) ||
		    (s->usefd && nla_put_flag(skb, RCMGR_A_SCOPE_USEFD)) ||
		    (s->endpoint &&
		     nla_put_string(skb, RCMGR_A_SCOPE_ENDPOINT, s->endpoint)) ||
		    rcmgr_put_bind(skb, s))
			return -EMSGSIZE;
	}
	if (s->parent &&
	    (nla_put_u64_64bit(skb, RCMGR_A_SCOPE_PARENT, s->parent->id,
			       RCMGR_A_SCOPE_PAD) ||
	     (is_zombie(s) && nla_put_flag(skb, RCMGR_A_SCOPE_ZOMBIE))))
		return -EMSGSIZE;
	if (s->owner && nla_put_u32(skb, RCMGR_A_SCOPE_OWNER, s->owner->portid))
		return -EMSGSIZE;
	return put_counters(skb, s);
}

/* Requests. */

struct req {
	struct rcmgr_net *rn;
	struct sock *sk;
	u32 portid;
};

static void req_init(struct req *r, struct sk_buff *skb, struct genl_info *info)
{
	r->rn = rcmgr_net(genl_info_net(info));
	r->sk = NETLINK_CB(skb).sk;
	r->portid = info->snd_portid;
}

static void key_from(struct rcmgr_key *k, u32 kind, const struct nlattr *name,
		     const struct nlattr *peer)
{
	memset(k, 0, sizeof(*k));
	k->kind = kind;
	if (name) {
		k->name = nla_data(name);
		k->name_len = nla_len(name);
	}
	if (peer) {
		k->peer = nla_data(peer);
		k->peer_len = nla_len(peer);
	}
}

/* Refuse the names a scope does not have, rather than ignore them. */
static int check_names(struct genl_info *info, int allowed)
{
	static const int names[] = {
		RCMGR_A_SCOPE_PEER, RCMGR_A_SCOPE_PROTOCOL, RCMGR_A_SCOPE_SERVICE,
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (names[i] == allowed || !info->attrs[names[i]])
			continue;
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[names[i]],
				    "this scope has no such name");
		return -EINVAL;
	}
	return 0;
}

static const int kind_name_attr[] = {
	[RCMGR_SCOPE_KIND_SERVICE]  = RCMGR_A_SCOPE_SERVICE,
	[RCMGR_SCOPE_KIND_PROTOCOL] = RCMGR_A_SCOPE_PROTOCOL,
	[RCMGR_SCOPE_KIND_PEER]	    = RCMGR_A_SCOPE_PEER,
};

/* The scope a request names by kind: system, transient, or a named one. */
static struct rcmgr_scope *named_target(struct req *r, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct rcmgr_key k;
	int ret;
	u32 kind;

	kind = nla_get_u32(a[RCMGR_A_SCOPE_KIND]);
	ret = check_names(info, kind < ARRAY_SIZE(kind_name_attr) ?
			  kind_name_attr[kind] : 0);
	if (ret)
		return ERR_PTR(ret);
	switch (kind) {
	case RCMGR_SCOPE_KIND_SYSTEM:
		return &r->rn->system;
	case RCMGR_SCOPE_KIND_TRANSIENT:
		return &r->rn->transient;
	case RCMGR_SCOPE_KIND_SERVICE:
		if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_SERVICE))
			return ERR_PTR(-EINVAL);
		key_from(&k, kind, a[RCMGR_A_SCOPE_SERVICE], NULL);
		break;
	case RCMGR_SCOPE_KIND_PROTOCOL:
		if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PROTOCOL))
			return ERR_PTR(-EINVAL);
		key_from(&k, kind, a[RCMGR_A_SCOPE_PROTOCOL], NULL);
		break;
	case RCMGR_SCOPE_KIND_PEER:
		if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PEER))
			return ERR_PTR(-EINVAL);
		key_from(&k, kind, NULL, a[RCMGR_A_SCOPE_PEER]);
		break;
	default:
		NL_SET_ERR_MSG_ATTR(info->extack, a[RCMGR_A_SCOPE_KIND],
				    "this kind of scope is reached by id only");
		return ERR_PTR(-EINVAL);
	}
	return rcmgr_named_get(r->rn, &k, info->extack);
}

static struct rcmgr_scope *handle_target(struct req *r, struct genl_info *info)
{
	struct nlattr *id = info->attrs[RCMGR_A_SCOPE_ID];
	struct rcmgr_owner *o;
	struct rcmgr_scope *s;

	o = rcmgr_owner_find(r->rn, r->sk, r->portid);
	s = rcmgr_handle_get(r->rn, o, nla_get_u64(id));
	if (!s) {
		NL_SET_ERR_MSG_ATTR(info->extack, id, "unknown handle");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

/* The scope a request is about: a handle by id, or a scope by kind. */
static struct rcmgr_scope *target(struct req *r, struct genl_info *info)
{
	struct nlattr **a = info->attrs;

	if (a[RCMGR_A_SCOPE_ID] && a[RCMGR_A_SCOPE_KIND]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[RCMGR_A_SCOPE_KIND],
				    "give either an id or a kind, not both");
		return ERR_PTR(-EINVAL);
	}
	if (a[RCMGR_A_SCOPE_ID]) {
		int ret = check_names(info, 0);

		return ret ? ERR_PTR(ret) : handle_target(r, info);
	}
	if (a[RCMGR_A_SCOPE_KIND])
		return named_target(r, info);
	NL_SET_ERR_MSG(info->extack, "missing scope: give an id or a kind");
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, RCMGR_A_SCOPE_ID);
	return ERR_PTR(-EINVAL);
}

static struct rcmgr_scope *handle_of_kind(struct req *r, struct genl_info *info,
					  u32 kind)
{
	struct rcmgr_scope *s;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_ID))
		return ERR_PTR(-EINVAL);
	s = handle_target(r, info);
	if (IS_ERR(s) || s->key.kind == kind)
		return s;
	if (kind == RCMGR_SCOPE_KIND_CONN)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RCMGR_A_SCOPE_ID],
				    "handle is not a connection");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RCMGR_A_SCOPE_ID],
				    "handle is not a stream");
	rcmgr_scope_put(s);
	return ERR_PTR(-EINVAL);
}

/* Refusals: words in the extack, the details in a message before it. */

static void name_words(char *buf, size_t len, const struct rcmgr_key *k,
		       bool peer)
{
	const u8 *name = peer ? k->peer : k->name;
	u16 n = peer ? k->peer_len : k->name_len;
	size_t i, max = min_t(size_t, n, 16);

	for (i = 0; i < max && i + 4 < len; i++)
		buf[i] = isprint(name[i]) ? name[i] : '?';
	/* Long names are cut, as in "12D3KooW...": the reply has them whole. */
	if (n > max && i + 4 < len) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
}

static void scope_words(char *buf, size_t len, const struct rcmgr_scope *s)
{
	const struct rcmgr_key *peer, *proto, *svc;
	char a[24] = "", b[24] = "";

	if (rcmgr_scope_is_handle(s)) {
		scnprintf(buf, len, "%s %llu", rcmgr_kind_name(s->key.kind), s->id);
		return;
	}
	rcu_read_lock();
	scope_names(s, &peer, &proto, &svc);
	if (proto || svc)
		name_words(a, sizeof(a), proto ?: svc, false);
	if (peer)
		name_words(b, sizeof(b), peer, true);
	rcu_read_unlock();
	scnprintf(buf, len, "%s%s%s%s%s", rcmgr_kind_name(s->key.kind),
		  a[0] ? " " : "", a, b[0] ? (a[0] ? "/" : " ") : "", b);
}

static void refusal_words(char *buf, size_t len, const struct rcmgr_refusal *why)
{
	char scope[72];

	scope_words(scope, sizeof(scope), why->scope);
	if (why->res == RCMGR_RES_MEMORY)
		scnprintf(buf, len, "%s: memory %lld+%lld/%lld at priority %u",
			  scope, why->usage, why->attempted, why->limit, why->prio);
	else
		scnprintf(buf, len, "%s: %s %lld/%lld", scope,
			  rcmgr_res_name(why->res), why->usage, why->limit);
}

#ifndef RCMGR_HAVE_ERR_MSG_FMT
/* Without formatted extack messages (before 6.2): the limit, in words. */
static void refusal_extack(struct netlink_ext_ack *extack,
			   const struct rcmgr_refusal *why, const char *words)
{
	switch (why->res) {
	case RCMGR_RES_MEMORY:
		NL_SET_ERR_MSG(extack, "memory limit exceeded");
		break;
	case RCMGR_RES_STREAMS_IN:
		NL_SET_ERR_MSG(extack, "inbound streams limit exceeded");
		break;
	case RCMGR_RES_STREAMS_OUT:
		NL_SET_ERR_MSG(extack, "outbound streams limit exceeded");
		break;
	case RCMGR_RES_STREAMS:
		NL_SET_ERR_MSG(extack, "streams limit exceeded");
		break;
	case RCMGR_RES_CONNS_IN:
		NL_SET_ERR_MSG(extack, "inbound connections limit exceeded");
		break;
	case RCMGR_RES_CONNS_OUT:
		NL_SET_ERR_MSG(extack, "outbound connections limit exceeded");
		break;
	case RCMGR_RES_CONNS:
		NL_SET_ERR_MSG(extack, "connections limit exceeded");
		break;
	default:
		NL_SET_ERR_MSG(extack, "file descriptors limit exceeded");
		break;
	}
}
#else
static void refusal_extack(struct netlink_ext_ack *extack,
			   const struct rcmgr_refusal *why, const char *words)
{
	NL_SET_ERR_MSG_FMT(extack, "%s", words);
}
#endif

static int put_refusal(struct sk_buff *skb, const struct rcmgr_refusal *why,
		       const char *words)
{
	const struct rcmgr_scope *s = why->scope;
	struct nlattr *nest;
	int ret;

	nest = nla_nest_start(skb, RCMGR_A_SCOPE_REFUSAL);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	ret = put_names(skb, s, RCMGR_A_REFUSAL_PEER, RCMGR_A_REFUSAL_PROTOCOL,
			RCMGR_A_REFUSAL_SERVICE);
	rcu_read_unlock();
	if (ret ||
	    nla_put_u64_64bit(skb, RCMGR_A_REFUSAL_ID, s->id, RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u32(skb, RCMGR_A_REFUSAL_KIND, s->key.kind) ||
	    nla_put_u32(skb, RCMGR_A_REFUSAL_RESOURCE, res_attr[why->res]) ||
	    nla_put_u64_64bit(skb, RCMGR_A_REFUSAL_USAGE, why->usage,
			      RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u64_64bit(skb, RCMGR_A_REFUSAL_ATTEMPTED, why->attempted,
			      RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u64_64bit(skb, RCMGR_A_REFUSAL_LIMIT, why->limit,
			      RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u8(skb, RCMGR_A_REFUSAL_PRIORITY, why->prio) ||
	    nla_put_string(skb, RCMGR_A_REFUSAL_MESSAGE, words)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * A limit refused the request: name the scope and the limit in the extack,
 * and send the details in a message with the request's command just
 * before the error.  Return: -EDQUOT.
 */
static int refuse(struct genl_info *info, const struct rcmgr_refusal *why)
{
	struct sk_buff *msg;
	char words[160];
	void *hdr;

	refusal_words(words, sizeof(words), why);
	refusal_extack(info->extack, why, words);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -EDQUOT;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				info->genlhdr->cmd);
	if (!hdr || put_refusal(msg, why, words)) {
		nlmsg_free(msg);
		return -EDQUOT;
	}
	genlmsg_end(msg, hdr);
	genlmsg_reply(msg, info);
	return -EDQUOT;
}

/* Reply with a new handle's id. */
static int reply_id(struct genl_info *info, u64 id)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size_64bit(sizeof(u64)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				info->genlhdr->cmd);
	if (!hdr ||
	    nla_put_u64_64bit(msg, RCMGR_A_SCOPE_ID, id, RCMGR_A_SCOPE_PAD)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * A new handle whose id cannot reach its owner is dropped, so nothing
 * stays charged that nobody can release.
 */
static int reply_handle(struct genl_info *info, struct rcmgr_scope *s)
{
	int ret = reply_id(info, s->id);

	if (ret)
		rcmgr_handle_drop(s);
	rcmgr_scope_put(s);
	return ret;
}

/* Handlers. */

static int rcmgr_nl_scope_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_scope *s;
	struct sk_buff *msg;
	struct req r;
	void *hdr;
	int ret;

	req_init(&r, skb, info);
	/* Nobody sees a dead socket's units. */
	rcmgr_reap(r.rn);
	s = target(&r, info);
	if (IS_ERR(s))
		return PTR_ERR(s);

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				RCMGR_CMD_SCOPE_GET);
	rcu_read_lock();
	ret = hdr ? fill_scope(msg, s) : -EMSGSIZE;
	rcu_read_unlock();
	if (ret) {
		nlmsg_free(msg);
		goto out_put;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
out_put:
	rcmgr_scope_put(s);
	return ret;
}

/* The dump cursor, kept in cb->ctx between batches. */
struct dump_ctx {
	u64 next_id;
	u32 kind;
	bool admin;
};

static int rcmgr_nl_scope_get_start(struct netlink_callback *cb)
{
	struct dump_ctx *ctx = (struct dump_ctx *)cb->ctx;
	struct nlattr **a = rcmgr_dump_attrs(cb);

	BUILD_BUG_ON(sizeof(*ctx) > sizeof_field(struct netlink_callback, ctx));
	if (a[RCMGR_A_SCOPE_ID] || a[RCMGR_A_SCOPE_PEER] ||
	    a[RCMGR_A_SCOPE_PROTOCOL] || a[RCMGR_A_SCOPE_SERVICE]) {
		NL_SET_ERR_MSG(cb->extack, "a dump filters by kind only");
		return -EINVAL;
	}
	ctx->next_id = 0;
	ctx->kind = a[RCMGR_A_SCOPE_KIND] ? nla_get_u32(a[RCMGR_A_SCOPE_KIND]) : 0;
	/* Nobody sees a dead socket's units. */
	rcmgr_reap(rcmgr_net(sock_net(cb->skb->sk)));
	/* Other sockets' handles only for the namespace's admin. */
	ctx->admin = netlink_net_capable(cb->skb, CAP_NET_ADMIN);
	return 0;
}

static int rcmgr_nl_scope_get_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct rcmgr_net *rn = rcmgr_net(sock_net(skb->sk));
	struct dump_ctx *ctx = (struct dump_ctx *)cb->ctx;
	struct sock *sk = NETLINK_CB(cb->skb).sk;
	struct rcmgr_scope *s;
	unsigned long id;
	int ret = 0;
	void *hdr;

	cb->seq = atomic_read(&rn->gen);
	rcu_read_lock();
	xa_for_each_start(&rn->scopes, id, s, ctx->next_id) {
		if (ctx->kind && s->key.kind != ctx->kind)
			continue;
		if (s->owner && s->owner->sk != sk && !ctx->admin)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &rcmgr_family, NLM_F_MULTI,
				  RCMGR_CMD_SCOPE_GET);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		ret = fill_scope(skb, s);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->next_id = (u64)id + 1;
	}
	rcu_read_unlock();
	/* Full: more next time (6.1 aborts a dump on -EMSGSIZE). */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret;
}

static int rcmgr_nl_conn_open_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct req r;

	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_DIR))
		return -EINVAL;
	req_init(&r, skb, info);
	s = rcmgr_conn_open(r.rn, r.sk, r.portid,
			    nla_get_u32(a[RCMGR_A_SCOPE_DIR]),
			    nla_get_flag(a[RCMGR_A_SCOPE_USEFD]) ||
			    a[RCMGR_A_SCOPE_FD],
			    a[RCMGR_A_SCOPE_ENDPOINT] ?
			    nla_data(a[RCMGR_A_SCOPE_ENDPOINT]) : NULL,
			    &why, info->extack);
	if (s == ERR_PTR(-EDQUOT) && why.scope)
		return refuse(info, &why);
	if (IS_ERR(s))
		return PTR_ERR(s);
	/* Open and bind (an accepted socket) succeed or fail together. */
	if (a[RCMGR_A_SCOPE_FD]) {
		ret = rcmgr_conn_bind(s, nla_get_s32(a[RCMGR_A_SCOPE_FD]),
				      info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, a[RCMGR_A_SCOPE_FD]);
			rcmgr_handle_drop(s);
			rcmgr_scope_put(s);
			return ret;
		}
	}
	return reply_handle(info, s);
}

static int rcmgr_nl_conn_bind_fd_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	struct rcmgr_scope *s;
	struct req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_FD))
		return -EINVAL;
	req_init(&r, skb, info);
	s = handle_of_kind(&r, info, RCMGR_SCOPE_KIND_CONN);
	if (IS_ERR(s))
		return PTR_ERR(s);
	ret = rcmgr_conn_bind(s, nla_get_s32(info->attrs[RCMGR_A_SCOPE_FD]),
			      info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[RCMGR_A_SCOPE_FD]);
	rcmgr_scope_put(s);
	return ret;
}

static int rcmgr_nl_conn_set_peer_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct rcmgr_key k;
	struct req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PEER))
		return -EINVAL;
	req_init(&r, skb, info);
	s = handle_of_kind(&r, info, RCMGR_SCOPE_KIND_CONN);
	if (IS_ERR(s))
		return PTR_ERR(s);
	key_from(&k, RCMGR_SCOPE_KIND_PEER, NULL, info->attrs[RCMGR_A_SCOPE_PEER]);
	ret = rcmgr_conn_set_peer(s, &k, &why, info->extack);
	if (ret == -EDQUOT && why.scope)
		ret = refuse(info, &why);
	rcmgr_scope_put(s);
	return ret;
}

static int rcmgr_nl_stream_open_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct rcmgr_key k;
	struct req r;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PEER) ||
	    GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_DIR))
		return -EINVAL;
	req_init(&r, skb, info);
	key_from(&k, RCMGR_SCOPE_KIND_PEER, NULL, info->attrs[RCMGR_A_SCOPE_PEER]);
	s = rcmgr_stream_open(r.rn, r.sk, r.portid, &k,
			      nla_get_u32(info->attrs[RCMGR_A_SCOPE_DIR]),
			      &why, info->extack);
	if (s == ERR_PTR(-EDQUOT) && why.scope)
		return refuse(info, &why);
	if (IS_ERR(s))
		return PTR_ERR(s);
	return reply_handle(info, s);
}

static int rcmgr_nl_stream_set_protocol_doit(struct sk_buff *skb,
					     struct genl_info *info)
{
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct rcmgr_key k;
	struct req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PROTOCOL))
		return -EINVAL;
	req_init(&r, skb, info);
	s = handle_of_kind(&r, info, RCMGR_SCOPE_KIND_STREAM);
	if (IS_ERR(s))
		return PTR_ERR(s);
	key_from(&k, RCMGR_SCOPE_KIND_PROTOCOL,
		 info->attrs[RCMGR_A_SCOPE_PROTOCOL], NULL);
	ret = rcmgr_stream_set_protocol(s, &k, &why, info->extack);
	if (ret == -EDQUOT && why.scope)
		ret = refuse(info, &why);
	rcmgr_scope_put(s);
	return ret;
}

static int rcmgr_nl_stream_set_service_doit(struct sk_buff *skb,
					    struct genl_info *info)
{
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct rcmgr_key k;
	struct req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_SERVICE))
		return -EINVAL;
	req_init(&r, skb, info);
	s = handle_of_kind(&r, info, RCMGR_SCOPE_KIND_STREAM);
	if (IS_ERR(s))
		return PTR_ERR(s);
	key_from(&k, RCMGR_SCOPE_KIND_SERVICE,
		 info->attrs[RCMGR_A_SCOPE_SERVICE], NULL);
	ret = rcmgr_stream_set_service(s, &k, &why, info->extack);
	if (ret == -EDQUOT && why.scope)
		ret = refuse(info, &why);
	rcmgr_scope_put(s);
	return ret;
}

static int rcmgr_nl_span_begin_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_scope *parent, *s;
	struct req r;

	req_init(&r, skb, info);
	parent = target(&r, info);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	s = rcmgr_span_begin(parent, r.sk, r.portid, info->extack);
	rcmgr_scope_put(parent);
	if (IS_ERR(s))
		return PTR_ERR(s);
	return reply_handle(info, s);
}

static int rcmgr_nl_scope_reserve_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_SIZE) ||
	    GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PRIO))
		return -EINVAL;
	req_init(&r, skb, info);
	s = target(&r, info);
	if (IS_ERR(s))
		return PTR_ERR(s);
	ret = rcmgr_reserve_memory(s, nla_get_s64(a[RCMGR_A_SCOPE_SIZE]),
				   nla_get_u8(a[RCMGR_A_SCOPE_PRIO]), &why);
	if (ret == -EDQUOT && why.scope)
		ret = refuse(info, &why);
	else if (ret == -ESTALE)
		NL_SET_ERR_MSG(info->extack, "scope closed");
	rcmgr_scope_put(s);
	return ret;
}

static int rcmgr_nl_scope_release_doit(struct sk_buff *skb,
				       struct genl_info *info)
{
	struct rcmgr_scope *s;
	struct req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_SIZE))
		return -EINVAL;
	req_init(&r, skb, info);
	s = target(&r, info);
	if (IS_ERR(s))
		return PTR_ERR(s);
	ret = rcmgr_release_memory(s, nla_get_s64(info->attrs[RCMGR_A_SCOPE_SIZE]));
	if (ret)
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RCMGR_A_SCOPE_SIZE],
				    "more than the scope holds");
	rcmgr_scope_put(s);
	return ret;
}

static int rcmgr_nl_scope_done_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_scope *s;
	struct req r;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_ID))
		return -EINVAL;
	req_init(&r, skb, info);
	s = handle_target(&r, info);
	if (IS_ERR(s))
		return PTR_ERR(s);
	rcmgr_handle_drop(s);
	rcmgr_scope_put(s);
	return 0;
}

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
	    put_values(skb, RCMGR_A_LIMIT_VALUES, v))
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

static int rcmgr_nl_limit_get_doit(struct sk_buff *skb, struct genl_info *info)
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

/* The per-name limits, in the order they were set; few, set by admins. */
static const struct rcmgr_override *nth_override(struct rcmgr_net *rn,
						 unsigned long n)
{
	const struct rcmgr_override *o;

	lockdep_assert_held(&rn->lock);
	list_for_each_entry(o, &rn->override_list, list)
		if (!n--)
			return o;
	return NULL;
}

static int rcmgr_nl_limit_get_dumpit(struct sk_buff *skb,
				     struct netlink_callback *cb)
{
	struct rcmgr_net *rn = rcmgr_net(sock_net(skb->sk));
	unsigned long *pos = (unsigned long *)cb->ctx;
	const struct rcmgr_override *o = NULL;
	int ret = 0;
	void *hdr;

	mutex_lock(&rn->lock);
	cb->seq = atomic_read(&rn->gen);
	for (;; (*pos)++) {
		bool override = *pos >= RCMGR_NR_CLASSES;
		u32 class = *pos;

		if (!override && !class)
			continue;
		if (override) {
			o = nth_override(rn, *pos - RCMGR_NR_CLASSES);
			if (!o)
				break;
			class = o->key.kind;
		}
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &rcmgr_family, NLM_F_MULTI,
				  RCMGR_CMD_LIMIT_GET);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		ret = override ? fill_limit(skb, class, &o->limit, &o->key, true) :
				 fill_limit(skb, class, &rn->class_limit[class],
					    NULL, false);
		if (ret) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&rn->lock);
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret;
}

static int rcmgr_nl_limit_set_doit(struct sk_buff *skb, struct genl_info *info)
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
	/* Validated with resources_policy when the request was parsed. */
	ret = nla_parse_nested(tb, RCMGR_A_RESOURCES_FD,
			       info->attrs[RCMGR_A_LIMIT_VALUES],
			       resources_policy, info->extack);
	if (ret)
		return ret;
	for (r = 0; r < RCMGR_NR_RES; r++) {
		present[r] = tb[res_attr[r]];
		max[r] = present[r] ? nla_get_u64(tb[res_attr[r]]) : 0;
	}
	return rcmgr_limit_set(rn, class, name ? nla_data(name) : NULL,
			       name ? nla_len(name) : 0, max, present);
}

static int rcmgr_nl_limit_reset_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	rcmgr_limit_reset(rcmgr_net(genl_info_net(info)));
	return 0;
}

/* Bounds. */

static int rcmgr_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &rcmgr_family, 0,
				RCMGR_CMD_CONFIG_GET);
	if (!hdr ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_MAX_HANDLES, READ_ONCE(rn->max_handles)) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_MAX_OWNER_HANDLES,
			READ_ONCE(rn->max_owner_handles)) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_MAX_SCOPES, READ_ONCE(rn->max_scopes)) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_HANDLES, atomic_read(&rn->nr_handles)) ||
	    nla_put_u32(msg, RCMGR_A_CONFIG_SCOPES, atomic_read(&rn->nr_scopes))) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static int rcmgr_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	struct nlattr **a = info->attrs;

	/* Lowering a bound refuses new handles; it closes none. */
	mutex_lock(&rn->lock);
	if (a[RCMGR_A_CONFIG_MAX_HANDLES])
		WRITE_ONCE(rn->max_handles, nla_get_u32(a[RCMGR_A_CONFIG_MAX_HANDLES]));
	if (a[RCMGR_A_CONFIG_MAX_OWNER_HANDLES])
		WRITE_ONCE(rn->max_owner_handles,
			   nla_get_u32(a[RCMGR_A_CONFIG_MAX_OWNER_HANDLES]));
	if (a[RCMGR_A_CONFIG_MAX_SCOPES])
		WRITE_ONCE(rn->max_scopes, nla_get_u32(a[RCMGR_A_CONFIG_MAX_SCOPES]));
	mutex_unlock(&rn->lock);
	return 0;
}

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
		.policy = target_policy,
		.maxattr = ARRAY_SIZE(target_policy) - 1,
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
};

enum {
	RCMGR_GRP_EVENTS,
};

static const struct genl_multicast_group rcmgr_mcgrps[] = {
	[RCMGR_GRP_EVENTS] = {
		.name = RCMGR_MCGRP_EVENTS,
		/* Events name other sockets' handles. */
		.flags = RCMGR_MCAST_CAP_NET_ADMIN,
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
	.mcgrps = rcmgr_mcgrps,
	.n_mcgrps = ARRAY_SIZE(rcmgr_mcgrps),
	.module = THIS_MODULE,
};

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

	if (!genl_has_listeners(&rcmgr_family, net, RCMGR_GRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &rcmgr_family, 0,
			  RCMGR_CMD_SCOPE_CLOSED_NTF);
	if (!hdr ||
	    nla_put_u64_64bit(msg, RCMGR_A_SCOPE_ID, s->id, RCMGR_A_SCOPE_PAD) ||
	    nla_put_u32(msg, RCMGR_A_SCOPE_KIND, s->key.kind) ||
	    nla_put_u32(msg, RCMGR_A_SCOPE_OWNER, s->owner->portid)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&rcmgr_family, net, msg, 0, RCMGR_GRP_EVENTS,
				GFP_KERNEL);
}

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

static int rcmgr_netlink_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct netlink_notify *n = ptr;

	/* Called for every netlink socket of the system: filter cheaply. */
	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC)
		return NOTIFY_DONE;
	rcmgr_owner_release(rcmgr_net(n->net), n->portid);
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
