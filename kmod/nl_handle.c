// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink: conns, streams, spans and memory; refusals.
 */
#include <linux/ctype.h>
#include <linux/netlink.h>
#include <net/sock.h>

#include "rcmgr.h"
#include "netlink.h"

/* Refusals: words in the extack, the details in a message before it. */

static void name_words(char *buf, size_t len, const u8 *name, u16 n)
{
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

static bool kind_is_handle(u32 kind)
{
	return kind == RCMGR_SCOPE_KIND_CONN || kind == RCMGR_SCOPE_KIND_STREAM ||
	       kind == RCMGR_SCOPE_KIND_SPAN;
}

static bool kind_has_service(u32 kind)
{
	return kind == RCMGR_SCOPE_KIND_SERVICE ||
	       kind == RCMGR_SCOPE_KIND_SERVICE_PEER;
}

static void scope_words(char *buf, size_t len, const struct rcmgr_refusal *why)
{
	char a[24] = "", b[24] = "";

	if (kind_is_handle(why->kind)) {
		scnprintf(buf, len, "%s %llu", rcmgr_kind_name(why->kind), why->id);
		return;
	}
	if (why->name_len)
		name_words(a, sizeof(a), why->name, why->name_len);
	if (why->peer_len)
		name_words(b, sizeof(b), why->peer, why->peer_len);
	scnprintf(buf, len, "%s%s%s%s%s", rcmgr_kind_name(why->kind),
		  a[0] ? " " : "", a, b[0] ? (a[0] ? "/" : " ") : "", b);
}

/* The refused prefix, as in "10.0.0.1/32". */
static void prefix_words(char *buf, size_t len, const struct rcmgr_netrefusal *n)
{
	if (n->family == AF_INET)
		scnprintf(buf, len, "%pI4/%u", n->addr, n->prefix_len);
	else if (n->family == AF_INET6)
		scnprintf(buf, len, "%pI6c/%u", n->addr, n->prefix_len);
	else
		scnprintf(buf, len, "anywhere");
}

static void net_words(char *buf, size_t len, const struct rcmgr_refusal *why)
{
	const struct rcmgr_netrefusal *n = &why->net;
	char prefix[64];

	prefix_words(prefix, sizeof(prefix), n);
	if (n->table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT)
		scnprintf(buf, len, "conn-limit: %lld connections from %s",
			  n->conns, prefix);
	else
		scnprintf(buf, len,
			  "rate-limit: no token left for %s (rate %llu.%03llu/s, burst %llu)",
			  prefix, n->rate / 1000, n->rate % 1000, n->burst);
}

static void refusal_words(char *buf, size_t len, const struct rcmgr_refusal *why)
{
	char scope[72];

	if (why->net.table) {
		net_words(buf, len, why);
		return;
	}

	scope_words(scope, sizeof(scope), why);
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
	if (why->net.table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT) {
		NL_SET_ERR_MSG(extack, "conn-limit: connections per subnet limit exceeded");
		return;
	}
	if (why->net.table) {
		NL_SET_ERR_MSG(extack, "rate-limit: connection rate limit exceeded");
		return;
	}
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

/**
 * rcmgr_nl_put_netrefusal() - the rule of a per-address table that refused
 * @skb: the message, in a refusal nest
 * @why: the refusal, by a per-address table
 *
 * Return: 0 or -EMSGSIZE.
 */
int rcmgr_nl_put_netrefusal(struct sk_buff *skb, const struct rcmgr_refusal *why)
{
	const struct rcmgr_netrefusal *n = &why->net;
	bool conns = n->table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT;
	struct nlattr *nest;

	if (nla_put_u32(skb, RCMGR_A_REFUSAL_RESOURCE,
			conns ? RCMGR_RESOURCE_TYPE_SUBNET_CONNS :
				RCMGR_RESOURCE_TYPE_CONN_RATE))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, RCMGR_A_REFUSAL_SUBNET);
	if (!nest ||
	    nla_put_u16(skb, RCMGR_A_NETRULE_FAMILY, n->family) ||
	    nla_put_u8(skb, RCMGR_A_NETRULE_PREFIX_LEN, n->prefix_len) ||
	    (n->family && nla_put(skb, RCMGR_A_NETRULE_NETWORK,
				  n->family == AF_INET ? 4 : 16, n->addr)) ||
	    (conns && nla_put_u64_64bit(skb, RCMGR_A_NETRULE_CONNS, n->conns,
					RCMGR_A_NETRULE_PAD)) ||
	    (!conns && (nla_put_u64_64bit(skb, RCMGR_A_NETRULE_RATE, n->rate,
					  RCMGR_A_NETRULE_PAD) ||
			nla_put_u64_64bit(skb, RCMGR_A_NETRULE_BURST, n->burst,
					  RCMGR_A_NETRULE_PAD))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_refusal(struct sk_buff *skb, const struct rcmgr_refusal *why,
		       const char *words)
{
	struct nlattr *nest;

	nest = nla_nest_start(skb, RCMGR_A_SCOPE_REFUSAL);
	if (!nest)
		return -EMSGSIZE;
	if (why->net.table) {
		if (rcmgr_nl_put_netrefusal(skb, why) ||
		    nla_put_string(skb, RCMGR_A_REFUSAL_MESSAGE, words)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
		nla_nest_end(skb, nest);
		return 0;
	}
	if ((why->peer_len &&
	     nla_put(skb, RCMGR_A_REFUSAL_PEER, why->peer_len, why->peer)) ||
	    (why->name_len &&
	     nla_put(skb, kind_has_service(why->kind) ? RCMGR_A_REFUSAL_SERVICE :
			  RCMGR_A_REFUSAL_PROTOCOL, why->name_len, why->name)) ||
	    nla_put_u64_64bit(skb, RCMGR_A_REFUSAL_ID, why->id, RCMGR_A_REFUSAL_PAD) ||
	    nla_put_u32(skb, RCMGR_A_REFUSAL_KIND, why->kind) ||
	    nla_put_u32(skb, RCMGR_A_REFUSAL_RESOURCE, rcmgr_res_attr[why->res]) ||
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

/**
 * rcmgr_nl_refuse() - answer a request a limit refused
 * @info: the request
 * @why: which limit of which scope
 *
 * Names the scope and the limit in the extack, and sends the details in a
 * message with the request's command just before the error.
 *
 * Return: -EDQUOT.
 */
int rcmgr_nl_refuse(struct genl_info *info, const struct rcmgr_refusal *why)
{
	struct sk_buff *msg;
	char words[160];
	void *hdr;

	refusal_words(words, sizeof(words), why);
	refusal_extack(info->extack, why, words);
	rcmgr_refusal_event(info, why, words);

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
 * A new handle is named to its owner: by the cookie the request gave it,
 * with no reply, or else by its id in the reply.  One that cannot be
 * named is dropped, so nothing stays charged that nobody can release.
 */
static int reply_handle(struct genl_info *info, struct rcmgr_scope *s)
{
	struct nlattr *cookie = info->attrs[RCMGR_A_SCOPE_NEW_COOKIE];
	int ret;

	if (cookie) {
		ret = rcmgr_handle_name(s, nla_get_u64(cookie));
		if (ret == -EEXIST)
			NL_SET_ERR_MSG_ATTR(info->extack, cookie,
					    "new-cookie names a live handle of this socket");
		else if (ret)
			NL_SET_BAD_ATTR(info->extack, cookie);
	} else {
		ret = reply_id(info, s->id);
	}
	if (ret)
		rcmgr_handle_drop(s);
	rcmgr_scope_put(s);
	return ret;
}

/**
 * rcmgr_nl_endpoint_parse() - validate an endpoint-bin attribute
 * @info: the request
 * @ma: filled in
 *
 * Return: 0, or -EINVAL with the component and the attribute named.
 */
int rcmgr_nl_endpoint_parse(struct genl_info *info, struct rcmgr_maddr *ma)
{
	struct nlattr *bin = info->attrs[RCMGR_A_SCOPE_ENDPOINT_BIN];
	int ret;

	ret = rcmgr_maddr_parse(nla_data(bin), nla_len(bin),
				RCMGR_MADDR_ENDPOINT, ma, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, bin);
	return ret;
}

/*
 * A conn's endpoint: endpoint-bin, checked against the socket (fd) if it
 * is connected, or the socket's address; else endpoint's text, a label.
 */
static struct rcmgr_endpoint *conn_endpoint(struct rcmgr_nl_req *r,
					    struct genl_info *info)
{
	struct nlattr *bin = info->attrs[RCMGR_A_SCOPE_ENDPOINT_BIN];
	struct nlattr *text = info->attrs[RCMGR_A_SCOPE_ENDPOINT];
	struct nlattr *fd = info->attrs[RCMGR_A_SCOPE_FD];
	u8 sbin[RCMGR_ENDPOINT_MAX];
	struct rcmgr_endpoint *ep;
	struct rcmgr_maddr ma, sma;
	bool connected = false;
	int ret, len;

	if (fd)
		connected = rcmgr_sock_remote(r->rn, nla_get_s32(fd), &sma);
	if (bin) {
		ret = rcmgr_nl_endpoint_parse(info, &ma);
		if (ret)
			return ERR_PTR(ret);
		if (connected && !rcmgr_endpoint_matches(&ma, &sma)) {
			NL_SET_ERR_MSG_ATTR(info->extack, bin,
					    "endpoint-bin contradicts the socket's remote address");
			return ERR_PTR(-EINVAL);
		}
		ep = rcmgr_endpoint_new(nla_data(bin), nla_len(bin), &ma, NULL);
	} else if (connected) {
		len = rcmgr_maddr_encode(sma.family, sma.addr.b, sma.ipproto,
					 sma.port, sbin);
		ep = rcmgr_endpoint_new(sbin, len, &sma, NULL);
	} else if (text) {
		return rcmgr_endpoint_new(NULL, 0, NULL, nla_data(text)) ?:
		       ERR_PTR(-ENOMEM);
	} else {
		return NULL;
	}
	if (!ep)
		return ERR_PTR(-ENOMEM);
	/* A socket's word is everyone's; a user's counts for that user. */
	ep->domain = connected ? RCMGR_NET_VERIFIED : __kuid_val(r->sk->sk_uid);
	/* A label given with an address is what dumps show, as before. */
	if (text)
		ep = rcmgr_endpoint_relabel(ep, nla_data(text)) ?:
		     ERR_PTR(-ENOMEM);
	return ep;
}

int rcmgr_nl_conn_open_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct rcmgr_refusal why = {};
	struct rcmgr_endpoint *ep;
	struct rcmgr_scope *s;
	struct rcmgr_nl_req r;

	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_DIR))
		return -EINVAL;
	rcmgr_nl_req_init(&r, skb, info);
	ep = conn_endpoint(&r, info);
	if (IS_ERR(ep))
		return PTR_ERR(ep);
	s = rcmgr_conn_open(r.rn, r.sk, r.portid,
			    nla_get_u32(a[RCMGR_A_SCOPE_DIR]),
			    nla_get_flag(a[RCMGR_A_SCOPE_USEFD]) ||
			    a[RCMGR_A_SCOPE_FD],
			    ep, &why, info->extack);
	if (s == ERR_PTR(-EDQUOT) && why.refused)
		return rcmgr_nl_refuse(info, &why);
	if (IS_ERR(s))
		return PTR_ERR(s);
	/* Open and bind (an accepted socket) succeed or fail together. */
	if (a[RCMGR_A_SCOPE_FD]) {
		ret = rcmgr_conn_bind(s, nla_get_s32(a[RCMGR_A_SCOPE_FD]),
				      &why, info->extack);
		if (ret) {
			NL_SET_BAD_ATTR(info->extack, a[RCMGR_A_SCOPE_FD]);
			rcmgr_handle_drop(s);
			rcmgr_scope_put(s);
			if (ret == -EDQUOT && why.refused)
				return rcmgr_nl_refuse(info, &why);
			return ret;
		}
	}
	return reply_handle(info, s);
}

int rcmgr_nl_conn_bind_fd_doit(struct sk_buff *skb,
			       struct genl_info *info)
{
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct rcmgr_nl_req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_FD))
		return -EINVAL;
	rcmgr_nl_req_init(&r, skb, info);
	s = rcmgr_nl_handle_of_kind(&r, info, RCMGR_SCOPE_KIND_CONN);
	if (IS_ERR(s))
		return PTR_ERR(s);
	ret = rcmgr_conn_bind(s, nla_get_s32(info->attrs[RCMGR_A_SCOPE_FD]),
			      &why, info->extack);
	if (ret)
		NL_SET_BAD_ATTR(info->extack, info->attrs[RCMGR_A_SCOPE_FD]);
	rcmgr_scope_put(s);
	if (ret == -EDQUOT && why.refused)
		ret = rcmgr_nl_refuse(info, &why);
	return ret;
}

/*
 * conn-set-peer, stream-set-protocol, stream-set-service: a handle of one
 * kind moves onto the named scope a request attribute gives.
 */
static int move_doit(struct sk_buff *skb, struct genl_info *info,
		     u32 handle_kind, int attr, u32 kind,
		     int (*move)(struct rcmgr_scope *, const struct rcmgr_key *,
				 struct rcmgr_refusal *,
				 struct netlink_ext_ack *))
{
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct rcmgr_key k;
	struct rcmgr_nl_req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, attr))
		return -EINVAL;
	rcmgr_nl_req_init(&r, skb, info);
	s = rcmgr_nl_handle_of_kind(&r, info, handle_kind);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (kind == RCMGR_SCOPE_KIND_PEER)
		rcmgr_nl_key_from(&k, kind, NULL, info->attrs[attr]);
	else
		rcmgr_nl_key_from(&k, kind, info->attrs[attr], NULL);
	ret = move(s, &k, &why, info->extack);
	if (ret == -EDQUOT && why.refused)
		ret = rcmgr_nl_refuse(info, &why);
	rcmgr_scope_put(s);
	return ret;
}

int rcmgr_nl_conn_set_peer_doit(struct sk_buff *skb,
				struct genl_info *info)
{
	return move_doit(skb, info, RCMGR_SCOPE_KIND_CONN, RCMGR_A_SCOPE_PEER,
			 RCMGR_SCOPE_KIND_PEER, rcmgr_conn_set_peer);
}

int rcmgr_nl_stream_open_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_refusal why = {};
	struct rcmgr_scope *s;
	struct rcmgr_key k;
	struct rcmgr_nl_req r;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PEER) ||
	    GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_DIR))
		return -EINVAL;
	rcmgr_nl_req_init(&r, skb, info);
	rcmgr_nl_key_from(&k, RCMGR_SCOPE_KIND_PEER, NULL, info->attrs[RCMGR_A_SCOPE_PEER]);
	s = rcmgr_stream_open(r.rn, r.sk, r.portid, &k,
			      nla_get_u32(info->attrs[RCMGR_A_SCOPE_DIR]),
			      &why, info->extack);
	if (s == ERR_PTR(-EDQUOT) && why.refused)
		return rcmgr_nl_refuse(info, &why);
	if (IS_ERR(s))
		return PTR_ERR(s);
	return reply_handle(info, s);
}

int rcmgr_nl_stream_set_protocol_doit(struct sk_buff *skb,
				      struct genl_info *info)
{
	return move_doit(skb, info, RCMGR_SCOPE_KIND_STREAM,
			 RCMGR_A_SCOPE_PROTOCOL, RCMGR_SCOPE_KIND_PROTOCOL,
			 rcmgr_stream_set_protocol);
}

int rcmgr_nl_stream_set_service_doit(struct sk_buff *skb,
				     struct genl_info *info)
{
	return move_doit(skb, info, RCMGR_SCOPE_KIND_STREAM,
			 RCMGR_A_SCOPE_SERVICE, RCMGR_SCOPE_KIND_SERVICE,
			 rcmgr_stream_set_service);
}

int rcmgr_nl_span_begin_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_scope *parent, *s;
	struct rcmgr_nl_req r;

	rcmgr_nl_req_init(&r, skb, info);
	parent = rcmgr_nl_target(&r, info, RCMGR_NL_GET);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	s = rcmgr_span_begin(parent, r.sk, r.portid, info->extack);
	rcmgr_scope_put(parent);
	if (IS_ERR(s))
		return PTR_ERR(s);
	return reply_handle(info, s);
}

int rcmgr_nl_scope_reserve_doit(struct sk_buff *skb,
				struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct rcmgr_refusal why = {};
	struct rcmgr_owner *o;
	struct rcmgr_scope *s;
	struct rcmgr_nl_req r;
	s64 size;
	u8 prio;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_SIZE) ||
	    GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_PRIO))
		return -EINVAL;
	size = nla_get_s64(a[RCMGR_A_SCOPE_SIZE]);
	prio = nla_get_u8(a[RCMGR_A_SCOPE_PRIO]);
	rcmgr_nl_req_init(&r, skb, info);
	s = rcmgr_nl_target(&r, info, RCMGR_NL_GET);
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (rcmgr_scope_is_handle(s)) {
		ret = rcmgr_reserve_memory(s, size, prio, &why);
	} else {
		/* A reservation on a shared scope belongs to the socket. */
		o = rcmgr_owner_get(r.rn, r.sk, r.portid);
		ret = IS_ERR(o) ? PTR_ERR(o) :
		      rcmgr_shared_reserve(o, s, size, prio, &why, info->extack);
	}
	if (ret == -EDQUOT && why.refused)
		ret = rcmgr_nl_refuse(info, &why);
	else if (ret == -ESTALE)
		NL_SET_ERR_MSG(info->extack, "scope closed");
	rcmgr_scope_put(s);
	return ret;
}

int rcmgr_nl_scope_release_doit(struct sk_buff *skb,
				struct genl_info *info)
{
	struct nlattr *size = info->attrs[RCMGR_A_SCOPE_SIZE];
	struct rcmgr_scope *s;
	struct rcmgr_nl_req r;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_SCOPE_SIZE))
		return -EINVAL;
	rcmgr_nl_req_init(&r, skb, info);
	/* Not made for the request: a scope that is not there holds nothing. */
	s = rcmgr_nl_target(&r, info, RCMGR_NL_FIND);
	if (s == ERR_PTR(-ENOENT) && !info->attrs[RCMGR_A_SCOPE_ID] &&
	    !info->attrs[RCMGR_A_SCOPE_COOKIE]) {
		ret = rcmgr_shared_release(NULL, 0, nla_get_s64(size),
					   info->extack);
		goto out;
	}
	if (IS_ERR(s))
		return PTR_ERR(s);
	if (rcmgr_scope_is_handle(s))
		ret = rcmgr_release_memory(s, nla_get_s64(size), info->extack);
	else
		ret = rcmgr_shared_release(rcmgr_owner_find(r.rn, r.sk, r.portid),
					   s->id, nla_get_s64(size), info->extack);
	rcmgr_scope_put(s);
out:
	if (ret)
		NL_SET_BAD_ATTR(info->extack, size);
	return ret;
}

int rcmgr_nl_scope_done_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_scope *s;
	struct rcmgr_nl_req r;

	rcmgr_nl_req_init(&r, skb, info);
	s = rcmgr_nl_handle_target(&r, info);
	if (IS_ERR(s))
		return PTR_ERR(s);
	rcmgr_handle_drop(s);
	rcmgr_scope_put(s);
	return 0;
}

