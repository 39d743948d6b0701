// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink: scope messages, the scope a request names, and scope-get.
 */
#include <linux/netlink.h>
#include <net/sock.h>

#include "rcmgr.h"
#include "netlink.h"

/* One attribute per resource, in &enum rcmgr_res order. */
const int rcmgr_res_attr[RCMGR_NR_RES] = {
	[RCMGR_RES_MEMORY]	= RCMGR_A_RESOURCES_MEMORY,
	[RCMGR_RES_STREAMS_IN]	= RCMGR_A_RESOURCES_STREAMS_INBOUND,
	[RCMGR_RES_STREAMS_OUT]	= RCMGR_A_RESOURCES_STREAMS_OUTBOUND,
	[RCMGR_RES_STREAMS]	= RCMGR_A_RESOURCES_STREAMS,
	[RCMGR_RES_CONNS_IN]	= RCMGR_A_RESOURCES_CONNS_INBOUND,
	[RCMGR_RES_CONNS_OUT]	= RCMGR_A_RESOURCES_CONNS_OUTBOUND,
	[RCMGR_RES_CONNS]	= RCMGR_A_RESOURCES_CONNS,
	[RCMGR_RES_FD]		= RCMGR_A_RESOURCES_FD,
};

/**
 * rcmgr_nl_put_values() - put one value per resource, as a nest
 * @skb: the message
 * @type: the nest's attribute type
 * @v: the values, per &enum rcmgr_res
 *
 * Return: 0 or -EMSGSIZE.
 */
int rcmgr_nl_put_values(struct sk_buff *skb, int type, const s64 *v)
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

static int put_counters(struct sk_buff *skb, const struct rcmgr_scope *s)
{
	s64 usage[RCMGR_NR_RES], limit[RCMGR_NR_RES];
	s64 peak[RCMGR_NR_RES], blocked[RCMGR_NR_RES];
	int r;

	rcmgr_scope_stats(s, usage, peak, blocked);
	for (r = 0; r < RCMGR_NR_RES; r++)
		limit[r] = rcmgr_scope_max(s, r);
	if (rcmgr_nl_put_values(skb, RCMGR_A_SCOPE_USAGE, usage) ||
	    rcmgr_nl_put_values(skb, RCMGR_A_SCOPE_LIMIT, limit) ||
	    rcmgr_nl_put_values(skb, RCMGR_A_SCOPE_PEAK, peak) ||
	    rcmgr_nl_put_values(skb, RCMGR_A_SCOPE_BLOCKED, blocked))
		return -EMSGSIZE;
	return 0;
}

/**
 * rcmgr_nl_put_names() - put a scope's names as attributes
 * @skb: the message
 * @s: the scope
 * @peer_attr: attribute type for the peer
 * @proto_attr: attribute type for the protocol
 * @svc_attr: attribute type for the service
 *
 * Context: RCU read lock held.
 * Return: 0 or -EMSGSIZE.
 */
int rcmgr_nl_put_names(struct sk_buff *skb, const struct rcmgr_scope *s,
		       int peer_attr, int proto_attr, int svc_attr)
{
	const struct rcmgr_key *peer, *proto, *svc;

	rcmgr_scope_names(s, &peer, &proto, &svc);
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
	while (s->kind == RCMGR_SCOPE_KIND_SPAN) {
		s = s->parent;
		if (rcmgr_scope_done(s))
			return true;
	}
	return false;
}

/* A conn's endpoint, text and binary. */
static int put_endpoint(struct sk_buff *skb, const struct rcmgr_scope *s)
{
	const struct rcmgr_endpoint *ep = rcu_dereference(s->ep);

	if (!ep)
		return 0;
	if (nla_put_string(skb, RCMGR_A_SCOPE_ENDPOINT, ep->text) ||
	    (ep->bin_len &&
	     nla_put(skb, RCMGR_A_SCOPE_ENDPOINT_BIN, ep->bin_len, ep->bin)))
		return -EMSGSIZE;
	return 0;
}

/* Fill one scope message; the RCU read lock is held. */
static int fill_scope(struct sk_buff *skb, const struct rcmgr_scope *s)
{
	if (nla_put_u64_64bit(skb, RCMGR_A_SCOPE_ID, s->id, RCMGR_A_SCOPE_PAD) ||
	    nla_put_u32(skb, RCMGR_A_SCOPE_KIND, s->kind) ||
	    rcmgr_nl_put_names(skb, s, RCMGR_A_SCOPE_PEER, RCMGR_A_SCOPE_PROTOCOL,
			       RCMGR_A_SCOPE_SERVICE))
		return -EMSGSIZE;
	if (s->kind == RCMGR_SCOPE_KIND_CONN ||
	    s->kind == RCMGR_SCOPE_KIND_STREAM) {
		if (nla_put_u32(skb, RCMGR_A_SCOPE_DIR, s->dir) ||
		    (s->usefd && nla_put_flag(skb, RCMGR_A_SCOPE_USEFD)) ||
		    (test_bit(RCMGR_SCOPE_ALLOWLISTED, &s->flags) &&
		     nla_put_flag(skb, RCMGR_A_SCOPE_ALLOWLISTED)))
			return -EMSGSIZE;
	}
	if (s->kind == RCMGR_SCOPE_KIND_CONN &&
	    (put_endpoint(skb, s) || rcmgr_put_bind(skb, s)))
		return -EMSGSIZE;
	if (s->kind == RCMGR_SCOPE_KIND_SPAN &&
	    (nla_put_u64_64bit(skb, RCMGR_A_SCOPE_PARENT, s->parent->id,
			       RCMGR_A_SCOPE_PAD) ||
	     (is_zombie(s) && nla_put_flag(skb, RCMGR_A_SCOPE_ZOMBIE))))
		return -EMSGSIZE;
	if (rcmgr_scope_is_handle(s) &&
	    nla_put_u32(skb, RCMGR_A_SCOPE_OWNER, s->portid))
		return -EMSGSIZE;
	return put_counters(skb, s);
}

/* Requests. */

/**
 * rcmgr_nl_req_init() - what a request needs to know about its sender
 * @r: filled in
 * @skb: the request
 * @info: its parsed form
 */
void rcmgr_nl_req_init(struct rcmgr_nl_req *r, struct sk_buff *skb,
		       struct genl_info *info)
{
	r->rn = rcmgr_net(genl_info_net(info));
	r->sk = NETLINK_CB(skb).sk;
	r->portid = info->snd_portid;
}

/**
 * rcmgr_nl_key_from() - a key from request attributes
 * @k: filled in; points into the attributes
 * @kind: the scope kind
 * @name: the service or protocol attribute, or NULL
 * @peer: the peer attribute, or NULL
 */
void rcmgr_nl_key_from(struct rcmgr_key *k, u32 kind, const struct nlattr *name,
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
static struct rcmgr_scope *named_target(struct rcmgr_nl_req *r,
					struct genl_info *info,
					enum rcmgr_nl_target mode)
{
	struct rcmgr_scope *s;
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
	case RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM:
		return &r->rn->allowlisted_system;
	case RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT:
		return &r->rn->allowlisted_transient;
	case RCMGR_SCOPE_KIND_SERVICE:
		if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_SERVICE))
			return ERR_PTR(-EINVAL);
		rcmgr_nl_key_from(&k, kind, a[RCMGR_A_SCOPE_SERVICE], NULL);
		break;
	case RCMGR_SCOPE_KIND_PROTOCOL:
		if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PROTOCOL))
			return ERR_PTR(-EINVAL);
		rcmgr_nl_key_from(&k, kind, a[RCMGR_A_SCOPE_PROTOCOL], NULL);
		break;
	case RCMGR_SCOPE_KIND_PEER:
		if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PEER))
			return ERR_PTR(-EINVAL);
		rcmgr_nl_key_from(&k, kind, NULL, a[RCMGR_A_SCOPE_PEER]);
		break;
	default:
		NL_SET_ERR_MSG_ATTR(info->extack, a[RCMGR_A_SCOPE_KIND],
				    "this kind of scope is reached by id only");
		return ERR_PTR(-EINVAL);
	}
	if (mode == RCMGR_NL_FIND) {
		s = rcmgr_named_find(r->rn, &k);
		return s ?: ERR_PTR(-ENOENT);
	}
	return rcmgr_named_get(r->rn, &k, info->extack);
}

/**
 * rcmgr_nl_handle_target() - the sender's handle a request names
 * @r: the request's sender
 * @info: the request, with an id or a cookie attribute
 *
 * Return: the handle, referenced, or an ERR_PTR with the extack set:
 * -ENOENT (unknown, or another socket's), -EINVAL (neither or both).
 */
struct rcmgr_scope *rcmgr_nl_handle_target(struct rcmgr_nl_req *r, struct genl_info *info)
{
	struct nlattr *cookie = info->attrs[RCMGR_A_SCOPE_COOKIE];
	struct nlattr *id = info->attrs[RCMGR_A_SCOPE_ID];
	struct rcmgr_owner *o;
	struct rcmgr_scope *s;

	if (id && cookie) {
		NL_SET_ERR_MSG_ATTR(info->extack, cookie,
				    "give either an id or a cookie, not both");
		return ERR_PTR(-EINVAL);
	}
	if (!id && !cookie) {
		NL_SET_ERR_MSG(info->extack, "missing handle: give an id or a cookie");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, RCMGR_A_SCOPE_ID);
		return ERR_PTR(-EINVAL);
	}
	o = rcmgr_owner_find(r->rn, r->sk, r->portid);
	if (cookie)
		s = rcmgr_handle_by_cookie(o, nla_get_u64(cookie));
	else
		s = rcmgr_handle_get(r->rn, o, nla_get_u64(id));
	if (!s) {
		NL_SET_ERR_MSG_ATTR(info->extack, id ?: cookie, "unknown handle");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

/**
 * rcmgr_nl_target() - the scope a request is about
 * @r: the request's sender
 * @info: the request: a handle by id, or a scope by kind and names
 * @mode: for a named scope that does not exist: %RCMGR_NL_FIND fails with
 *	-ENOENT (no extack), %RCMGR_NL_GET makes it.
 *
 * Return: the scope, referenced, or an ERR_PTR with the extack set.
 */
struct rcmgr_scope *rcmgr_nl_target(struct rcmgr_nl_req *r, struct genl_info *info,
				    enum rcmgr_nl_target mode)
{
	struct nlattr **a = info->attrs;

	if ((a[RCMGR_A_SCOPE_ID] || a[RCMGR_A_SCOPE_COOKIE]) &&
	    a[RCMGR_A_SCOPE_KIND]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a[RCMGR_A_SCOPE_KIND],
				    "give either a handle (id, cookie) or a kind, not both");
		return ERR_PTR(-EINVAL);
	}
	if (a[RCMGR_A_SCOPE_ID] || a[RCMGR_A_SCOPE_COOKIE]) {
		int ret = check_names(info, 0);

		return ret ? ERR_PTR(ret) : rcmgr_nl_handle_target(r, info);
	}
	if (a[RCMGR_A_SCOPE_KIND])
		return named_target(r, info, mode);
	NL_SET_ERR_MSG(info->extack, "missing scope: give an id or a kind");
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, RCMGR_A_SCOPE_ID);
	return ERR_PTR(-EINVAL);
}

/**
 * rcmgr_nl_handle_of_kind() - the sender's handle of one kind, by id
 * @r: the request's sender
 * @info: the request
 * @kind: %RCMGR_SCOPE_KIND_CONN or %RCMGR_SCOPE_KIND_STREAM
 *
 * Return: the handle, referenced, or an ERR_PTR with the extack set.
 */
struct rcmgr_scope *rcmgr_nl_handle_of_kind(struct rcmgr_nl_req *r, struct genl_info *info,
					    u32 kind)
{
	struct nlattr *name = info->attrs[RCMGR_A_SCOPE_ID] ?:
			      info->attrs[RCMGR_A_SCOPE_COOKIE];
	struct rcmgr_scope *s;

	s = rcmgr_nl_handle_target(r, info);
	if (IS_ERR(s) || s->kind == kind)
		return s;
	if (kind == RCMGR_SCOPE_KIND_CONN)
		NL_SET_ERR_MSG_ATTR(info->extack, name, "handle is not a connection");
	else
		NL_SET_ERR_MSG_ATTR(info->extack, name, "handle is not a stream");
	rcmgr_scope_put(s);
	return ERR_PTR(-EINVAL);
}

/* Handlers. */

static bool peer_kind(u32 kind)
{
	return kind == RCMGR_SCOPE_KIND_PEER ||
	       kind == RCMGR_SCOPE_KIND_PROTOCOL_PEER ||
	       kind == RCMGR_SCOPE_KIND_SERVICE_PEER;
}

/* A request for a scope named by a peer. */
static bool peer_named(struct genl_info *info)
{
	struct nlattr *kind = info->attrs[RCMGR_A_SCOPE_KIND];

	return kind && peer_kind(nla_get_u32(kind));
}

int rcmgr_nl_scope_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_scope *s;
	struct sk_buff *msg;
	struct rcmgr_nl_req r;
	void *hdr;
	int ret;

	rcmgr_nl_req_init(&r, skb, info);
	/* The peers other daemons talk to are theirs, as in dumps. */
	if (peer_named(info) && !netlink_net_capable(skb, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[RCMGR_A_SCOPE_KIND],
				    "peer scopes are the namespace admin's to read");
		return -EPERM;
	}
	/* Nobody sees a dead socket's units. */
	rcmgr_reap(r.rn);
	s = rcmgr_nl_target(&r, info, RCMGR_NL_GET);
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

/*
 * What a dump shows someone who is not the namespace's admin: the shared
 * scopes without a peer name, and the handles of the dumping socket.  The
 * peers other daemons talk to, and their handles, are theirs.
 */
static bool dump_visible(const struct rcmgr_scope *s, const struct sock *sk)
{
	if (peer_kind(s->kind))
		return false;
	/* The owner is freed after a grace period: RCU is held. */
	if (rcmgr_scope_is_handle(s))
		return READ_ONCE(s->owner)->sk == sk;
	return true;
}

int rcmgr_nl_scope_get_start(struct netlink_callback *cb)
{
	struct dump_ctx *ctx = (struct dump_ctx *)cb->ctx;
	struct nlattr **a = rcmgr_dump_attrs(cb);

	BUILD_BUG_ON(sizeof(*ctx) > sizeof_field(struct netlink_callback, ctx));
	if (a[RCMGR_A_SCOPE_ID] || a[RCMGR_A_SCOPE_COOKIE] ||
	    a[RCMGR_A_SCOPE_PEER] || a[RCMGR_A_SCOPE_PROTOCOL] ||
	    a[RCMGR_A_SCOPE_SERVICE]) {
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

int rcmgr_nl_scope_get_dumpit(struct sk_buff *skb,
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
		if (ctx->kind && s->kind != ctx->kind)
			continue;
		/* Gone but for its memory (named.c). */
		if (test_bit(RCMGR_SCOPE_IDLE, &s->flags))
			continue;
		if (!ctx->admin && !dump_visible(s, sk))
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

