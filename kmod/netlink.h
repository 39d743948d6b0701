/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcmgr: what the netlink files (netlink.c: policies, ops and the family;
 * nl_scope.c, nl_handle.c, nl_limit.c: the handlers; refuse.c: refusal
 * events) share.
 */
#ifndef _RCMGR_NETLINK_H
#define _RCMGR_NETLINK_H

#include <net/genetlink.h>

#include "rcmgr.h"

/* The family's multicast groups. */
enum {
	RCMGR_GRP_EVENTS,
	RCMGR_GRP_REFUSALS,
};

extern struct genl_family rcmgr_family;
extern const int rcmgr_res_attr[RCMGR_NR_RES];
extern const struct nla_policy rcmgr_resources_policy[RCMGR_A_RESOURCES_FD + 1];

/**
 * struct rcmgr_nl_req - what a handler knows about the request's sender
 * @rn: the namespace state of the sender's socket
 * @sk: the sender's netlink socket, the owner of what it opens
 * @portid: its port id
 */
struct rcmgr_nl_req {
	struct rcmgr_net *rn;
	struct sock *sk;
	u32 portid;
};

/* nl_scope.c */

int rcmgr_nl_put_values(struct sk_buff *skb, int type, const s64 *v);
int rcmgr_nl_put_names(struct sk_buff *skb, const struct rcmgr_scope *s,
		       int peer_attr, int proto_attr, int svc_attr);
void rcmgr_nl_req_init(struct rcmgr_nl_req *r, struct sk_buff *skb,
		       struct genl_info *info);
void rcmgr_nl_key_from(struct rcmgr_key *k, u32 kind,
		       const struct nlattr *name, const struct nlattr *peer);
struct rcmgr_scope *rcmgr_nl_handle_target(struct rcmgr_nl_req *r,
					   struct genl_info *info);
/* What rcmgr_nl_target() does with a named scope that does not exist. */
enum rcmgr_nl_target {
	RCMGR_NL_FIND,
	RCMGR_NL_GET,
};

struct rcmgr_scope *rcmgr_nl_target(struct rcmgr_nl_req *r,
				    struct genl_info *info,
				    enum rcmgr_nl_target mode);
struct rcmgr_scope *rcmgr_nl_handle_of_kind(struct rcmgr_nl_req *r,
					    struct genl_info *info, u32 kind);

/* nl_handle.c */

int rcmgr_nl_refuse(struct genl_info *info, const struct rcmgr_refusal *why);
int rcmgr_nl_put_netrefusal(struct sk_buff *skb, const struct rcmgr_refusal *why);
int rcmgr_nl_endpoint_parse(struct genl_info *info, struct rcmgr_maddr *ma);

/* refuse.c */

void rcmgr_refusal_event(struct genl_info *info,
			 const struct rcmgr_refusal *why, const char *words);
void rcmgr_refusal_listeners_gone(struct net *net);

/* Handlers, by file. */

int rcmgr_nl_scope_get_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_scope_get_start(struct netlink_callback *cb);
int rcmgr_nl_scope_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rcmgr_nl_conn_open_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_conn_bind_fd_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_conn_set_peer_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_stream_open_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_stream_set_protocol_doit(struct sk_buff *skb,
				      struct genl_info *info);
int rcmgr_nl_stream_set_service_doit(struct sk_buff *skb,
				     struct genl_info *info);
int rcmgr_nl_span_begin_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_scope_reserve_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_scope_release_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_scope_done_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_limit_get_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_limit_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int rcmgr_nl_limit_set_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_limit_del_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_limit_reset_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_config_set_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_allowlist_add_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_allowlist_del_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_allowlist_get_start(struct netlink_callback *cb);
int rcmgr_nl_allowlist_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb);
int rcmgr_nl_netlimit_get_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_netlimit_set_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_netlimit_reset_doit(struct sk_buff *skb, struct genl_info *info);
int rcmgr_nl_verify_source_address_doit(struct sk_buff *skb,
					struct genl_info *info);

#endif /* _RCMGR_NETLINK_H */
