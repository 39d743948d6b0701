/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-address table tests' helpers: conns from an endpoint, rules set,
 * verify-source-address.
 */
#ifndef _RCMGR_NETLIMIT_H
#define _RCMGR_NETLIMIT_H

#include "rcmgr_req.h"

#define UNLIMITED	INT64_MAX

/* Open an inbound conn with @m as endpoint-bin (and @fd): id or -errno. */
static inline int64_t open_ep(struct raw_nl *r, const struct maddr *m, int fd,
		       struct raw_ans *ans)
{
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_CONN_OPEN);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	if (m)
		mnl_attr_put(q.nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, m->n, m->b);
	if (fd >= 0)
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_FD, fd);
	ret = req_do(&q, r);
	if (ans)
		*ans = q.ans;
	return ret ?: (int64_t)raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
}

/* A conn from @addr (text), port @port over TCP. */
static inline int64_t open_from(struct raw_nl *r, const char *addr, uint16_t port,
			 struct raw_ans *ans)
{
	struct maddr m = {};

	ma_port(ma_ip(&m, addr), MA_TCP, port);
	return open_ep(r, &m, -1, ans);
}

struct rule {
	uint16_t family;
	uint8_t prefix_len;
	const char *network;
	uint64_t conns, rate, burst;
};

static inline int netlimit_set(struct raw_nl *r, uint32_t table,
			const struct rule *rules, int n, struct raw_ans *ans)
{
	struct nlattr *nest;
	uint8_t net[16];
	struct req q;
	int i, ret;

	req_new(&q, r, RCMGR_CMD_NETLIMIT_SET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE, table);
	for (i = 0; i < n; i++) {
		nest = mnl_attr_nest_start(q.nlh, RCMGR_A_NETLIMIT_RULE);
		mnl_attr_put_u16(q.nlh, RCMGR_A_NETRULE_FAMILY, rules[i].family);
		mnl_attr_put_u8(q.nlh, RCMGR_A_NETRULE_PREFIX_LEN, rules[i].prefix_len);
		if (rules[i].network) {
			inet_pton(rules[i].family, rules[i].network, net);
			mnl_attr_put(q.nlh, RCMGR_A_NETRULE_NETWORK,
				     rules[i].family == AF_INET ? 4 : 16, net);
		}
		if (table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT) {
			mnl_attr_put_u64(q.nlh, RCMGR_A_NETRULE_CONNS, rules[i].conns);
		} else {
			mnl_attr_put_u64(q.nlh, RCMGR_A_NETRULE_RATE, rules[i].rate);
			mnl_attr_put_u64(q.nlh, RCMGR_A_NETRULE_BURST, rules[i].burst);
		}
		mnl_attr_nest_end(q.nlh, nest);
	}
	ret = req_do(&q, r);
	if (ans)
		*ans = q.ans;
	return ret;
}

static inline int raw_has_attr(const struct raw_ans *ans, int type)
{
	const struct nlattr *a;

	if (!ans->reply_len)
		return 0;
	mnl_attr_for_each(a, (const struct nlmsghdr *)ans->reply,
			  sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == type)
			return 1;
	return 0;
}

/* verify-source-address: 1 (verify), 0, or -errno. */
static inline int verify(struct raw_nl *r, const char *addr, struct raw_ans *ans)
{
	struct maddr m = {};
	struct req q;
	int ret;

	ma_port(ma_ip(&m, addr), MA_UDP, 4001);
	req_new(&q, r, RCMGR_CMD_VERIFY_SOURCE_ADDRESS);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, m.n, m.b);
	ret = req_do(&q, r);
	if (ans)
		*ans = q.ans;
	if (ret)
		return ret;
	return raw_has_attr(&q.ans, RCMGR_A_SCOPE_VERIFY);
}

#endif /* _RCMGR_NETLIMIT_H */
