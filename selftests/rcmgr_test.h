/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for rcmgr selftests: a raw generic netlink client that sends any
 * message, well-formed or not, and reports the kernel's answer in full
 * (errno, extack message, offending attribute offset, missing attribute).
 */
#ifndef _RCMGR_TEST_H
#define _RCMGR_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/rcmgr.h>

struct raw_nl {
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t seq;
};

/* The kernel's answer to one request. */
struct raw_ans {
	int error;		/* negative errno, 0 for success */
	char msg[256];		/* extack message */
	uint32_t bad_offs;	/* NLMSGERR_ATTR_OFFS, 0 if absent */
	uint32_t miss_type;	/* NLMSGERR_ATTR_MISS_TYPE, 0 if absent */
	char reply[16384];	/* last non-error message */
	int reply_len;
};

static int raw_err_attr(const struct nlattr *a, void *data)
{
	struct raw_ans *ans = data;

	switch (mnl_attr_get_type(a)) {
	case NLMSGERR_ATTR_MSG:
		snprintf(ans->msg, sizeof(ans->msg), "%s", mnl_attr_get_str(a));
		break;
	case NLMSGERR_ATTR_OFFS:
		ans->bad_offs = mnl_attr_get_u32(a);
		break;
	case NLMSGERR_ATTR_MISS_TYPE:
		ans->miss_type = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static inline struct nlmsghdr *raw_start(struct raw_nl *r, void *buf,
					 uint16_t type, uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++r->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = 1;
	return nlh;
}

/* Send @nlh, collect the answer until the ACK or error. */
static inline int raw_talk(struct raw_nl *r, struct nlmsghdr *nlh,
			   struct raw_ans *ans)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n;

	memset(ans, 0, sizeof(*ans));
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		n = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				ans->error = e->error;
				if (m->nlmsg_flags & NLM_F_ACK_TLVS)
					mnl_attr_parse(m, sizeof(*e), raw_err_attr, ans);
				return 0;
			}
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			memcpy(ans->reply, m, m->nlmsg_len);
			ans->reply_len = m->nlmsg_len;
		}
	}
}

/*
 * Send the dump request @nlh and hand each message to @cb until
 * NLMSG_DONE.  Return: 0, the kernel's error, or -errno.
 */
static inline int raw_dump(struct raw_nl *r, struct nlmsghdr *nlh,
			   void (*cb)(const struct nlmsghdr *m, void *arg),
			   void *arg)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n;

	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		n = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		for (; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)mnl_nlmsg_get_payload(m))->error;
			if (m->nlmsg_type == NLMSG_DONE)
				return 0;
			cb(m, arg);
		}
	}
}

static int raw_family_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == CTRL_ATTR_FAMILY_ID)
		*(uint16_t *)data = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

/* Open a socket with extended, capped ACKs and strict checking. */
static inline int raw_open(struct raw_nl *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;
	int one = 1;

	memset(r, 0, sizeof(*r));
	r->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!r->nl || mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	mnl_socket_setsockopt(r->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(r->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(r->nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));

	nlh = raw_start(r, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, RCMGR_FAMILY_NAME);
	if (raw_talk(r, nlh, &ans) < 0)
		return -errno;
	if (ans.error)
		return ans.error;
	mnl_attr_parse((struct nlmsghdr *)ans.reply, sizeof(struct genlmsghdr),
		       raw_family_attr, &r->family);
	return r->family ? 0 : -ENOENT;
}

static int raw_u64_attr(const struct nlattr *a, void *data)
{
	uint64_t *v = data;

	if (mnl_attr_get_type(a) == v[0] && mnl_attr_get_payload_len(a) == 8)
		v[1] = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

/* A u64 attribute of the last reply, or 0. */
static inline uint64_t raw_reply_u64(const struct raw_ans *ans, int type)
{
	uint64_t v[2] = { type, 0 };

	if (ans->reply_len)
		mnl_attr_parse((const struct nlmsghdr *)ans->reply,
			       sizeof(struct genlmsghdr), raw_u64_attr, v);
	return v[1];
}

/* A u64 (or u32) attribute of a message, or 0. */
static inline uint64_t raw_u64(const struct nlmsghdr *nlh, int type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != type)
			continue;
		if (mnl_attr_get_payload_len(a) == 8)
			return mnl_attr_get_u64(a);
		if (mnl_attr_get_payload_len(a) == 4)
			return mnl_attr_get_u32(a);
	}
	return 0;
}

/* The id of a family's multicast group, from a get-family reply. */
static inline int raw_mcast_group(const struct nlmsghdr *nlh, const char *name)
{
	const struct nlattr *a, *g, *f;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(g, a) {
			int id = -1, match = 0;

			mnl_attr_for_each_nested(f, g) {
				if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(f);
				if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_NAME)
					match = !strcmp(mnl_attr_get_str(f), name);
			}
			if (match)
				return id;
		}
	}
	return -1;
}

/* Join the family's group @name: 0, -EIO, -ENOENT, or setsockopt's -errno. */
static inline int raw_join(struct raw_nl *r, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;
	int grp;

	nlh = raw_start(r, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, RCMGR_FAMILY_NAME);
	if (raw_talk(r, nlh, &ans) || ans.error)
		return -EIO;
	grp = raw_mcast_group((struct nlmsghdr *)ans.reply, name);
	if (grp < 0)
		return -ENOENT;
	if (mnl_socket_setsockopt(r->nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)))
		return -errno;
	return 0;
}

static inline int raw_join_events(struct raw_nl *r)
{
	return raw_join(r, RCMGR_MCGRP_EVENTS);
}

static inline void raw_close(struct raw_nl *r)
{
	if (r->nl)
		mnl_socket_close(r->nl);
}

/* Every u32 attribute of the last reply into @v[type]; 0 when absent. */
static inline void raw_reply_u32s(const struct raw_ans *ans, uint32_t *v, int max)
{
	const struct nlattr *a;

	memset(v, 0, (max + 1) * sizeof(*v));
	if (!ans->reply_len)
		return;
	mnl_attr_for_each(a, (const struct nlmsghdr *)ans->reply,
			  sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) <= max && mnl_attr_get_payload_len(a) == 4)
			v[mnl_attr_get_type(a)] = mnl_attr_get_u32(a);
}

/*
 * A resources nest (@type: usage, limit...) of the last reply into
 * @v[RCMGR_A_RESOURCES_*]; -1 when absent.
 */
static inline void raw_reply_resources(const struct raw_ans *ans, int type,
				       int64_t *v)
{
	const struct nlattr *a, *b;
	int i;

	for (i = 0; i <= RCMGR_A_RESOURCES_FD; i++)
		v[i] = -1;
	if (!ans->reply_len)
		return;
	mnl_attr_for_each(a, (const struct nlmsghdr *)ans->reply,
			  sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != type)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) <= RCMGR_A_RESOURCES_FD &&
			    mnl_attr_get_payload_len(b) == 8)
				v[mnl_attr_get_type(b)] = mnl_attr_get_u64(b);
	}
}

#define RCMGR_PARAM_DIR	"/sys/module/rcmgr/parameters/"

/* Write the module parameter @name: 0 or -errno. */
static inline int param_write(const char *name, const char *val)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), RCMGR_PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Read the module parameter @name, without its newline: 0 or -errno. */
static inline int param_read(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), RCMGR_PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n > 0 && buf[n - 1] == '\n' ? n - 1 : n] = '\0';
	return 0;
}

/*
 * Binary multiaddrs built by hand (multiformats: varint code, then the
 * value), so the tests do not depend on the library's parser.
 */
struct maddr {
	uint8_t b[512];
	int n;
};

#define MA_IP4		4
#define MA_TCP		6
#define MA_IP6		41
#define MA_IPCIDR	43
#define MA_UDP		273
#define MA_P2P		421
#define MA_QUIC_V1	461

static inline struct maddr *ma_varint(struct maddr *m, uint64_t v)
{
	do {
		m->b[m->n++] = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
	} while (v);
	return m;
}

static inline struct maddr *ma_raw(struct maddr *m, const void *p, int len)
{
	memcpy(m->b + m->n, p, len);
	m->n += len;
	return m;
}

/* /ip4/@a or /ip6/@a, by the text's form. */
static inline struct maddr *ma_ip(struct maddr *m, const char *a)
{
	uint8_t addr[16];

	if (inet_pton(AF_INET, a, addr) == 1)
		return ma_raw(ma_varint(m, MA_IP4), addr, 4);
	inet_pton(AF_INET6, a, addr);
	return ma_raw(ma_varint(m, MA_IP6), addr, 16);
}

/* /tcp/@port or /udp/@port. */
static inline struct maddr *ma_port(struct maddr *m, int code, uint16_t port)
{
	uint8_t p[2] = { port >> 8, port & 0xff };

	return ma_raw(ma_varint(m, code), p, 2);
}

/* /p2p/ with a sha2-256 multihash whose digest is 0, 1, ... 31. */
static inline struct maddr *ma_p2p(struct maddr *m)
{
	uint8_t mh[34] = { 0x12, 0x20 };
	int i;

	for (i = 0; i < 32; i++)
		mh[2 + i] = i;
	ma_varint(ma_varint(m, MA_P2P), sizeof(mh));
	return ma_raw(m, mh, sizeof(mh));
}

/* Its text, as the kernel must render it. */
#define MA_P2P_TEXT	"QmNLfbof5rLekrACjeuLk9JmGZD2HDBHCU4z16iYKmx5SE"

/* Namespaces the module holds state for, or -1 if it says nothing. */
static inline int nr_namespaces(void)
{
	char buf[32] = "";
	int fd = open("/sys/module/rcmgr/parameters/namespaces", O_RDONLY);

	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) < 0)
		buf[0] = '\0';
	close(fd);
	return atoi(buf);
}

#endif /* _RCMGR_TEST_H */
