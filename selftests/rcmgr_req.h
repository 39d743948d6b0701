/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One request, one answer: short helpers over rcmgr_test.h's raw client for
 * the safety, race and privilege tests.  Each returns what the kernel said:
 * a new id or a value (>= 0), or its negative errno.  They never retry and
 * never hide an error.
 */
#ifndef _RCMGR_REQ_H
#define _RCMGR_REQ_H

#include <sched.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "rcmgr_net.h"
#include "rcmgr_test.h"

/* A request being built; send it with req_do(). */
struct req {
	char buf[8192];
	struct nlmsghdr *nlh;
	struct raw_ans ans;
};

static inline struct nlmsghdr *req_new(struct req *q, struct raw_nl *r, int cmd)
{
	q->nlh = raw_start(r, q->buf, r->family, cmd);
	return q->nlh;
}

/* Send, collect the answer: 0 or -errno (transport or kernel). */
static inline int req_do(struct req *q, struct raw_nl *r)
{
	if (raw_talk(r, q->nlh, &q->ans) < 0)
		return -errno;
	return q->ans.error;
}

static inline void req_scope(struct nlmsghdr *nlh, uint32_t kind, const char *peer)
{
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, kind);
	if (peer)
		mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, strlen(peer), peer);
}

/* Open a conn (inbound); fd >= 0 binds that socket at open. */
static inline int64_t req_conn(struct raw_nl *r, int fd)
{
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_CONN_OPEN);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
	if (fd >= 0)
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_FD, fd);
	ret = req_do(&q, r);
	return ret ?: (int64_t)raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
}

static inline int64_t req_stream(struct raw_nl *r, const char *peer)
{
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_STREAM_OPEN);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PEER, strlen(peer), peer);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
	ret = req_do(&q, r);
	return ret ?: (int64_t)raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
}

static inline int64_t req_span(struct raw_nl *r, uint64_t parent)
{
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_SPAN_BEGIN);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, parent);
	ret = req_do(&q, r);
	return ret ?: (int64_t)raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
}

/* Finish a reserve (size >= 0) or release (size < 0: -size), send it. */
static inline int req_mem_do(struct req *q, struct raw_nl *r, int64_t size)
{
	mnl_attr_put_u64(q->nlh, RCMGR_A_SCOPE_SIZE, size >= 0 ? size : -size);
	if (size >= 0)
		mnl_attr_put_u8(q->nlh, RCMGR_A_SCOPE_PRIO, 255);
	return req_do(q, r);
}

static inline int req_mem_cmd(int64_t size)
{
	return size >= 0 ? RCMGR_CMD_SCOPE_RESERVE : RCMGR_CMD_SCOPE_RELEASE;
}

/* Reserve (size >= 0) or release (size < 0: -size) on a handle. */
static inline int req_mem(struct raw_nl *r, uint64_t id, int64_t size)
{
	struct req q;

	req_new(&q, r, req_mem_cmd(size));
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
	return req_mem_do(&q, r, size);
}

/* The same on a shared scope, by kind (and peer). */
static inline int req_kind_mem(struct raw_nl *r, uint32_t kind, const char *peer,
			       int64_t size)
{
	struct req q;

	req_new(&q, r, req_mem_cmd(size));
	req_scope(q.nlh, kind, peer);
	return req_mem_do(&q, r, size);
}

static inline int req_done(struct raw_nl *r, uint64_t id)
{
	struct req q;

	req_new(&q, r, RCMGR_CMD_SCOPE_DONE);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
	return req_do(&q, r);
}

/* A scope's usage of one resource (RCMGR_A_RESOURCES_*). */
static inline int64_t req_usage(struct raw_nl *r, uint32_t kind, const char *peer,
				int res)
{
	const struct nlattr *a;
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	req_scope(q.nlh, kind, peer);
	ret = req_do(&q, r);
	if (ret)
		return ret;
	mnl_attr_for_each(a, (struct nlmsghdr *)q.ans.reply, sizeof(struct genlmsghdr)) {
		const struct nlattr *v;

		if (mnl_attr_get_type(a) != RCMGR_A_SCOPE_USAGE)
			continue;
		mnl_attr_for_each_nested(v, a)
			if (mnl_attr_get_type(v) == res)
				return mnl_attr_get_u64(v);
	}
	return -ENODATA;
}

/* One u32 of config-get (RCMGR_A_CONFIG_*). */
static inline int64_t req_config(struct raw_nl *r, int attr)
{
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_CONFIG_GET);
	ret = req_do(&q, r);
	if (ret)
		return ret;
	return q.ans.reply_len ? (int64_t)raw_u64((struct nlmsghdr *)q.ans.reply, attr) :
				 -ENODATA;
}

static inline int req_config_set(struct raw_nl *r, int attr, uint32_t v)
{
	struct req q;

	req_new(&q, r, RCMGR_CMD_CONFIG_SET);
	mnl_attr_put_u32(q.nlh, attr, v);
	return req_do(&q, r);
}

/* Set one limit of a class (and name). */
static inline int req_limit(struct raw_nl *r, uint32_t class, const char *name,
			    int res, uint64_t v)
{
	struct nlattr *nest;
	struct req q;

	req_new(&q, r, RCMGR_CMD_LIMIT_SET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_LIMIT_CLASS, class);
	if (name)
		mnl_attr_put(q.nlh, RCMGR_A_LIMIT_NAME, strlen(name), name);
	nest = mnl_attr_nest_start(q.nlh, RCMGR_A_LIMIT_VALUES);
	mnl_attr_put_u64(q.nlh, res, v);
	mnl_attr_nest_end(q.nlh, nest);
	return req_do(&q, r);
}

static inline int req_limit_reset(struct raw_nl *r)
{
	struct req q;

	req_new(&q, r, RCMGR_CMD_LIMIT_RESET);
	return req_do(&q, r);
}

/*
 * A new network namespace with lo up and a raw socket in @r, where only
 * the per-address tables limit conns: system and transient allow 2^20.
 * 0 or -errno.
 */
static inline int req_tables_netns(struct raw_nl *r)
{
	static const uint32_t class[] = { RCMGR_CLASS_SYSTEM, RCMGR_CLASS_TRANSIENT };
	static const int res[] = {
		RCMGR_A_RESOURCES_CONNS_INBOUND, RCMGR_A_RESOURCES_CONNS_OUTBOUND,
		RCMGR_A_RESOURCES_CONNS, RCMGR_A_RESOURCES_FD,
	};
	unsigned int c, i;
	int ret;

	if (unshare(CLONE_NEWNET))
		return -errno;
	if (net_lo_up())
		return -errno;
	ret = raw_open(r);
	for (c = 0; !ret && c < sizeof(class) / sizeof(class[0]); c++)
		for (i = 0; !ret && i < sizeof(res) / sizeof(res[0]); i++)
			ret = req_limit(r, class[c], NULL, res[i], 1 << 20);
	return ret;
}

/* Send a request and do not wait for anything (threads sharing a socket). */
static inline int req_send(struct raw_nl *r, struct nlmsghdr *nlh)
{
	return mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

/*
 * Become @uid (and its gid) with no capability left; 0 or -errno.  Stay
 * dumpable, so the process may still write its own /proc files (uid_map).
 */
static inline int req_become(uid_t uid)
{
	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid) || prctl(PR_SET_DUMPABLE, 1))
		return -errno;
	return 0;
}

#endif /* _RCMGR_REQ_H */
