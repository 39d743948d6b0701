/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Allowlist tests' helpers: peer ids and binary multiaddrs from text,
 * allowlist ops, conns from an endpoint, set-peer, and every fixed scope's
 * usage at a glance.
 */
#ifndef _RCMGR_ALLOWLIST_H
#define _RCMGR_ALLOWLIST_H

#include "kselftest_harness.h"
#include "rcmgr_req.h"

#define NOBODY	65534

/* Binary multiaddrs, built by hand from text. */

static const char b58[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* A test peer's multihash (sha2-256) from a short tag: 34 bytes. */
static inline void peer_hash(const char *tag, uint8_t *h)
{
	size_t n = strlen(tag), i;

	h[0] = 0x12;
	h[1] = 32;
	for (i = 0; i < 32; i++)
		h[2 + i] = (uint8_t)tag[i % n] + (uint8_t)i;
}

/* The peer's id in base58btc text, as conn-set-peer names it. */
static inline void peer_id(const char *tag, char *out)
{
	uint8_t h[34], d[64] = {};
	int i, j, n = 0, z = 0;

	peer_hash(tag, h);
	while (z < 34 && !h[z])
		z++;
	for (i = z; i < 34; i++) {
		unsigned int carry = h[i];

		for (j = 0; j < n; j++) {
			carry += (unsigned int)d[j] << 8;
			d[j] = carry % 58;
			carry /= 58;
		}
		while (carry) {
			d[n++] = carry % 58;
			carry /= 58;
		}
	}
	for (i = 0; i < z; i++)
		*out++ = '1';
	for (j = n - 1; j >= 0; j--)
		*out++ = b58[d[j]];
	*out = '\0';
}

/*
 * "/ip4/1.2.3.4/ipcidr/24/tcp/1/p2p/TAG" to binary; /p2p takes a tag (see
 * peer_hash()); "/raw/HEX" appends bytes as they are.  Return: length.
 */
static inline int ma(uint8_t *out, const char *text)
{
	char buf[256], *save, *p, *v;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", text);
	for (p = strtok_r(buf, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		v = strtok_r(NULL, "/", &save);
		if (!strcmp(p, "ip4")) {
			out[n++] = 4;
			inet_pton(AF_INET, v, out + n);
			n += 4;
		} else if (!strcmp(p, "ip6")) {
			out[n++] = 41;
			inet_pton(AF_INET6, v, out + n);
			n += 16;
		} else if (!strcmp(p, "ipcidr")) {
			out[n++] = 43;
			out[n++] = atoi(v);
		} else if (!strcmp(p, "tcp")) {
			out[n++] = 6;
			out[n++] = atoi(v) >> 8;
			out[n++] = atoi(v) & 0xff;
		} else if (!strcmp(p, "p2p")) {
			out[n++] = 0xa5;
			out[n++] = 0x03;
			out[n++] = 34;
			peer_hash(v, out + n);
			n += 34;
		} else if (!strcmp(p, "raw")) {
			for (; v[0] && v[1]; v += 2) {
				char h[3] = { v[0], v[1], 0 };

				out[n++] = strtoul(h, NULL, 16);
			}
		}
	}
	return n;
}

/* Requests. */

static inline int al_op(struct raw_nl *r, int cmd, const char *text, struct req *q)
{
	uint8_t b[256];

	req_new(q, r, cmd);
	mnl_attr_put(q->nlh, RCMGR_A_ALLOWLIST_MULTIADDR, ma(b, text), b);
	return req_do(q, r);
}

static inline int al_add(struct raw_nl *r, const char *text)
{
	struct req q;

	return al_op(r, RCMGR_CMD_ALLOWLIST_ADD, text, &q);
}

static inline int al_del(struct raw_nl *r, const char *text)
{
	struct req q;

	return al_op(r, RCMGR_CMD_ALLOWLIST_DEL, text, &q);
}

/* Open an inbound conn with a file descriptor from an endpoint. */
static inline int64_t conn_from(struct raw_nl *r, const char *endpoint,
			 struct raw_ans *ans)
{
	uint8_t b[256];
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_CONN_OPEN);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, ma(b, endpoint), b);
	ret = req_do(&q, r);
	if (ans)
		*ans = q.ans;
	return ret ?: (int64_t)raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
}

static inline int set_peer(struct raw_nl *r, int64_t conn, const char *tag,
		    struct raw_ans *ans)
{
	char id[64];
	struct req q;
	int ret;

	peer_id(tag, id);
	req_new(&q, r, RCMGR_CMD_CONN_SET_PEER);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, conn);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PEER, strlen(id), id);
	ret = req_do(&q, r);
	if (ans)
		*ans = q.ans;
	return ret;
}

/* Whether a conn of ours is in the allowlisted scopes; -errno on error. */
static inline int allowlisted(struct raw_nl *r, int64_t conn)
{
	const struct nlattr *a;
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, conn);
	ret = req_do(&q, r);
	if (ret)
		return ret;
	mnl_attr_for_each(a, (struct nlmsghdr *)q.ans.reply,
			  sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_ALLOWLISTED)
			return 1;
	return 0;
}

/* A u32 of a refusal (the reply before the error), 0 if absent. */
static inline uint32_t refusal_u32(const struct raw_ans *ans, int type)
{
	const struct nlattr *a, *b;

	if (!ans->reply_len)
		return 0;
	mnl_attr_for_each(a, (const struct nlmsghdr *)ans->reply,
			  sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != RCMGR_A_SCOPE_REFUSAL)
			continue;
		mnl_attr_for_each_nested(b, a)
			if (mnl_attr_get_type(b) == type &&
			    mnl_attr_get_payload_len(b) == 4)
				return mnl_attr_get_u32(b);
	}
	return 0;
}

/* The kind of scope a refusal names. */
static inline uint32_t refusal_kind(const struct raw_ans *ans)
{
	return refusal_u32(ans, RCMGR_A_REFUSAL_KIND);
}

/* Usage of a fixed scope, or of a peer scope (by tag). */
static inline int64_t use(struct raw_nl *r, uint32_t kind, const char *tag, int res)
{
	char id[64];

	if (!tag)
		return req_usage(r, kind, NULL, res);
	peer_id(tag, id);
	return req_usage(r, kind, id, res);
}

#define SYS	RCMGR_SCOPE_KIND_SYSTEM
#define TRA	RCMGR_SCOPE_KIND_TRANSIENT
#define ASYS	RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM
#define ATRA	RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT
#define PEER	RCMGR_SCOPE_KIND_PEER
#define CONNS	RCMGR_A_RESOURCES_CONNS
#define CONNS_IN RCMGR_A_RESOURCES_CONNS_INBOUND
#define FD	RCMGR_A_RESOURCES_FD
#define MEM	RCMGR_A_RESOURCES_MEMORY

/* The conns of system, transient, allowlisted system and transient. */
#define EXPECT_CONNS(r, sys, tra, asys, atra) do {			\
	EXPECT_EQ(sys, use(r, SYS, NULL, CONNS));			\
	EXPECT_EQ(tra, use(r, TRA, NULL, CONNS));			\
	EXPECT_EQ(asys, use(r, ASYS, NULL, CONNS));			\
	EXPECT_EQ(atra, use(r, ATRA, NULL, CONNS));			\
} while (0)

/* Every fixed scope holds nothing. */
static inline void expect_empty(struct __test_metadata *_metadata, struct raw_nl *r)
{
	static const int res[] = { MEM, CONNS, CONNS_IN, FD };
	static const uint32_t kinds[] = { SYS, TRA, ASYS, ATRA };
	int64_t v;

	for (unsigned int k = 0; k < 4; k++) {
		for (unsigned int x = 0; x < 4; x++) {
			v = use(r, kinds[k], NULL, res[x]);
			if (v)
				TH_LOG("kind %u res %d", kinds[k], res[x]);
			EXPECT_EQ(0, v);
		}
	}
}

#define EXPECT_EMPTY(r)	expect_empty(_metadata, r)

/* No connection gets through the standard scopes: system allows none. */
static inline int block_standard(struct raw_nl *r)
{
	return req_limit(r, RCMGR_CLASS_SYSTEM, NULL, CONNS, 0);
}

/* Each test in a network namespace of its own. */
FIXTURE(al) {
	struct raw_nl r;
};

FIXTURE_SETUP(al)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&self->r));
}

FIXTURE_TEARDOWN(al)
{
	raw_close(&self->r);
}

#endif /* _RCMGR_ALLOWLIST_H */
