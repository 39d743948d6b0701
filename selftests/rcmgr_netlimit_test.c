// SPDX-License-Identifier: GPL-2.0
/*
 * Endpoints and the per-address tables: binary multiaddrs validated (and
 * garbage refused, naming the component), go-libp2p's connection limiter
 * (9th conn of one /32 refused, /56 and /48 for IPv6, loopback unlimited,
 * network-prefix rules alone), its rate limiter (a burst admits exactly
 * that many) and VerifySourceAddress, with their exact default numbers;
 * counters released whichever way a conn ends; a socket's remote address
 * ruling over a declared one.  Each test runs in a fresh network
 * namespace: tables at their defaults, nothing counted.
 */
#include <arpa/inet.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "rcmgr_netlimit.h"

#define NOBODY	65534

struct subnet {
	uint32_t resource;
	uint16_t family;
	uint8_t prefix_len;
	char network[64];
	uint64_t conns, rate, burst;
};

/* The refusal nest of the last reply, with its subnet: 0 or -ENODATA. */
static int refusal_subnet(const struct raw_ans *ans, struct subnet *s)
{
	const struct nlattr *a, *b, *c;

	memset(s, 0, sizeof(*s));
	if (!ans->reply_len)
		return -ENODATA;
	mnl_attr_for_each(a, (const struct nlmsghdr *)ans->reply,
			  sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != RCMGR_A_SCOPE_REFUSAL)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == RCMGR_A_REFUSAL_RESOURCE)
				s->resource = mnl_attr_get_u32(b);
			if (mnl_attr_get_type(b) != RCMGR_A_REFUSAL_SUBNET)
				continue;
			mnl_attr_for_each_nested(c, b) {
				switch (mnl_attr_get_type(c)) {
				case RCMGR_A_NETRULE_FAMILY:
					s->family = mnl_attr_get_u16(c);
					break;
				case RCMGR_A_NETRULE_PREFIX_LEN:
					s->prefix_len = mnl_attr_get_u8(c);
					break;
				case RCMGR_A_NETRULE_NETWORK:
					inet_ntop(s->family, mnl_attr_get_payload(c),
						  s->network, sizeof(s->network));
					break;
				case RCMGR_A_NETRULE_CONNS:
					s->conns = mnl_attr_get_u64(c);
					break;
				case RCMGR_A_NETRULE_RATE:
					s->rate = mnl_attr_get_u64(c);
					break;
				case RCMGR_A_NETRULE_BURST:
					s->burst = mnl_attr_get_u64(c);
					break;
				}
			}
		}
		return 0;
	}
	return -ENODATA;
}

/* Every rule's tracked count, in the table's order: how many rules. */
static int netlimit_counts(struct raw_nl *r, uint32_t table, uint64_t *count,
			   struct rule *rules)
{
	const struct nlattr *a, *c;
	struct req q;
	int n = 0, ret;

	req_new(&q, r, RCMGR_CMD_NETLIMIT_GET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE, table);
	ret = req_do(&q, r);
	if (ret)
		return ret;
	mnl_attr_for_each(a, (struct nlmsghdr *)q.ans.reply, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != RCMGR_A_NETLIMIT_RULE)
			continue;
		count[n] = 0;
		if (rules)
			memset(&rules[n], 0, sizeof(rules[n]));
		mnl_attr_for_each_nested(c, a) {
			int t = mnl_attr_get_type(c);

			if (t == RCMGR_A_NETRULE_COUNT)
				count[n] = mnl_attr_get_u64(c);
			if (!rules)
				continue;
			if (t == RCMGR_A_NETRULE_FAMILY)
				rules[n].family = mnl_attr_get_u16(c);
			if (t == RCMGR_A_NETRULE_PREFIX_LEN)
				rules[n].prefix_len = mnl_attr_get_u8(c);
			if (t == RCMGR_A_NETRULE_CONNS)
				rules[n].conns = mnl_attr_get_u64(c);
			if (t == RCMGR_A_NETRULE_RATE)
				rules[n].rate = mnl_attr_get_u64(c);
			if (t == RCMGR_A_NETRULE_BURST)
				rules[n].burst = mnl_attr_get_u64(c);
			if (t == RCMGR_A_NETRULE_NETWORK)
				rules[n].network = "set";
		}
		n++;
	}
	return n;
}

static uint64_t conn_tracked(struct raw_nl *r)
{
	uint64_t count[40], sum = 0;
	int i, n = netlimit_counts(r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, count, NULL);

	for (i = 0; i < n; i++)
		sum += count[i];
	return sum;
}

static uint64_t stat_of(struct raw_nl *r, int attr)
{
	struct req q;

	req_new(&q, r, RCMGR_CMD_STATS_GET);
	if (req_do(&q, r))
		return ~0ULL;
	return raw_reply_u64(&q.ans, attr);
}

/* The endpoint text and binary length a conn's dump shows. */
static int conn_endpoint(struct raw_nl *r, uint64_t id, char *text, size_t len,
			 int *bin_len)
{
	const struct nlattr *a;
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
	ret = req_do(&q, r);
	if (ret)
		return ret;
	text[0] = '\0';
	*bin_len = 0;
	mnl_attr_for_each(a, (struct nlmsghdr *)q.ans.reply, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_ENDPOINT)
			snprintf(text, len, "%s", mnl_attr_get_str(a));
		if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_ENDPOINT_BIN)
			*bin_len = mnl_attr_get_payload_len(a);
	}
	return 0;
}

FIXTURE(netlimit) {
	struct raw_nl r;
};

FIXTURE_SETUP(netlimit)
{
	ASSERT_EQ(0, req_tables_netns(&self->r));
}

FIXTURE_TEARDOWN(netlimit)
{
	raw_close(&self->r);
}

/* Valid endpoints, and the text the kernel derives. */
TEST_F(netlimit, endpoint_text)
{
	static const struct {
		const char *ip;
		int proto;
		uint16_t port;
		int extra;	/* 1: /quic-v1, 2: /p2p */
		const char *text;
	} ok[] = {
		{ "1.2.3.4", MA_TCP, 4001, 0, "/ip4/1.2.3.4/tcp/4001" },
		{ "2001:db8::1", MA_UDP, 443, 1, "/ip6/2001:db8::1/udp/443/quic-v1" },
		{ "10.0.0.1", MA_TCP, 1, 2, "/ip4/10.0.0.1/tcp/1/p2p/" MA_P2P_TEXT },
		{ "::ffff:1.2.3.4", 0, 0, 0, "/ip6/::ffff:1.2.3.4" },
		{ "fe80::1:0:0:1", MA_TCP, 65535, 0, "/ip6/fe80::1:0:0:1/tcp/65535" },
	};
	char text[512];
	unsigned int i;
	int bin_len;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		struct maddr m = {};
		int64_t id;

		ma_ip(&m, ok[i].ip);
		if (ok[i].proto)
			ma_port(&m, ok[i].proto, ok[i].port);
		if (ok[i].extra == 1)
			ma_varint(&m, MA_QUIC_V1);
		if (ok[i].extra == 2)
			ma_p2p(&m);
		id = open_ep(&self->r, &m, -1, NULL);
		ASSERT_LT(0, id) TH_LOG("%s", ok[i].text);
		ASSERT_EQ(0, conn_endpoint(&self->r, id, text, sizeof(text), &bin_len));
		EXPECT_STREQ(ok[i].text, text);
		EXPECT_EQ(m.n, bin_len);
		EXPECT_EQ(0, req_done(&self->r, id));
	}
}

/* Garbage: EINVAL, the message naming the component, the attribute. */
TEST_F(netlimit, endpoint_garbage)
{
	static const struct {
		const char *name;
		uint8_t b[48];
		int n;
		const char *msg;
	} bad[] = {
		{ "ip4 truncated", { 4, 1, 2, 3 }, 4, "/ip4: truncated" },
		{ "ip6 truncated", { 41, 1, 2, 3, 4, 5, 6, 7, 8 }, 9, "/ip6: truncated" },
		{ "tcp port truncated", { 4, 1, 2, 3, 4, 6, 0x0f }, 7, "/tcp: truncated port" },
		{ "udp port truncated", { 4, 1, 2, 3, 4, 0x91, 0x02, 1 }, 8, "/udp: truncated port" },
		{ "unknown code", { 4, 1, 2, 3, 4, 0x7f }, 6, "unknown" },
		{ "code not minimal", { 0x84, 0x00, 1, 2, 3, 4 }, 6, "minimal" },
		{ "code truncated", { 4, 1, 2, 3, 4, 0x91 }, 6, "truncated protocol code" },
		{ "trailing zero byte", { 4, 1, 2, 3, 4, 6, 0, 1, 0 }, 9, "unknown" },
		{ "no address first", { 6, 0, 1 }, 3, "must begin" },
		{ "tcp twice", { 4, 1, 2, 3, 4, 6, 0, 1, 6, 0, 2 }, 11, "/tcp: not allowed here" },
		{ "ipcidr in endpoint", { 4, 1, 2, 3, 4, 43, 24 }, 7, "/ipcidr: not allowed here" },
		{ "quic after tcp", { 4, 1, 2, 3, 4, 6, 0, 1, 0xcc, 0x03 }, 10,
		  "/quic: not allowed here" },
		{ "p2p empty identity", { 4, 1, 2, 3, 4, 0xa5, 0x03, 2, 0, 0 }, 10,
		  "/p2p: bad peer id" },
		{ "p2p bad multihash", { 4, 1, 2, 3, 4, 0xa5, 0x03, 3, 0x12, 0x20, 1 }, 11,
		  "/p2p: bad peer id" },
		{ "p2p length truncated", { 4, 1, 2, 3, 4, 0xa5, 0x03, 34, 0x12, 0x20 }, 10,
		  "/p2p: truncated" },
		{ "p2p length not minimal", { 4, 1, 2, 3, 4, 0xa5, 0x03, 0x80, 0x00 }, 9,
		  "/p2p: bad peer id" },
		{ "ip4 twice", { 4, 1, 2, 3, 4, 4, 1, 2, 3, 4 }, 10, "/ip4: not allowed here" },
		{ "sni bad name", { 4, 1, 2, 3, 4, 6, 0, 1, 0xc0, 0x03, 0xc1, 0x03, 2, ' ', '!' },
		  15, "/sni: bad name" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct raw_ans ans;
		struct maddr m = {};

		ma_raw(&m, bad[i].b, bad[i].n);
		EXPECT_EQ(-EINVAL, open_ep(&self->r, &m, -1, &ans)) TH_LOG("%s", bad[i].name);
		EXPECT_NE(NULL, strstr(ans.msg, bad[i].msg))
			TH_LOG("%s: \"%s\"", bad[i].name, ans.msg);
		EXPECT_NE(0, ans.bad_offs) TH_LOG("%s", bad[i].name);
	}
	/* /p2p not last. */
	do {
		struct raw_ans ans;
		struct maddr m = {};

		ma_port(ma_p2p(ma_ip(&m, "1.2.3.4")), MA_TCP, 1);
		EXPECT_EQ(-EINVAL, open_ep(&self->r, &m, -1, &ans));
		EXPECT_NE(NULL, strstr(ans.msg, "/tcp: not allowed here")) TH_LOG("%s", ans.msg);
		m.n = 0;
		ma_varint(ma_p2p(ma_ip(&m, "1.2.3.4")), MA_QUIC_V1);
		EXPECT_EQ(-EINVAL, open_ep(&self->r, &m, -1, &ans));
	} while (0);
	/* Too short for the policy (min-len 2), and nothing was counted. */
	do {
		struct maddr m = { .b = { 4 }, .n = 1 };

		EXPECT_EQ(-ERANGE, open_ep(&self->r, &m, -1, NULL));
	} while (0);
	EXPECT_EQ(0, conn_tracked(&self->r));
}

/* go-libp2p's TestItLimits/IPv4 at its default: 8 per /32. */
TEST_F(netlimit, conn_limit_ipv4)
{
	int64_t id[9], other;
	struct raw_ans ans;
	struct subnet s;
	int i;

	for (i = 0; i < 8; i++) {
		id[i] = open_from(&self->r, "10.0.0.1", 1000 + i, NULL);
		ASSERT_LT(0, id[i]) TH_LOG("conn %d", i);
	}
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.1", 2000, &ans));
	EXPECT_EQ(0, strncmp(ans.msg, "conn-limit: ", 12)) TH_LOG("%s", ans.msg);
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(RCMGR_RESOURCE_TYPE_SUBNET_CONNS, s.resource);
	EXPECT_EQ(AF_INET, s.family);
	EXPECT_EQ(32, s.prefix_len);
	EXPECT_STREQ("10.0.0.1", s.network);
	EXPECT_EQ(8, s.conns);
	EXPECT_EQ(1, stat_of(&self->r, RCMGR_A_STATS_SUBNET_REFUSALS));
	/* Another /32 is counted apart. */
	other = open_from(&self->r, "10.0.0.2", 1, NULL);
	EXPECT_LT(0, other);
	EXPECT_EQ(2, conn_tracked(&self->r));
	/* One done: one more gets in, and exactly one. */
	EXPECT_EQ(0, req_done(&self->r, id[0]));
	id[0] = open_from(&self->r, "10.0.0.1", 3000, NULL);
	EXPECT_LT(0, id[0]);
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.1", 3001, NULL));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, req_done(&self->r, id[i]));
	EXPECT_EQ(0, req_done(&self->r, other));
	EXPECT_EQ(0, conn_tracked(&self->r));
	/* IPv4-mapped IPv6 is that IPv4 address, as go-libp2p sees it. */
	for (i = 0; i < 8; i++)
		ASSERT_LT(0, open_from(&self->r, "::ffff:10.0.0.3", i + 1, NULL));
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.3", 9, &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(AF_INET, s.family);
}

/* TestItLimits/IPv6 with multiple limits: /56 of 8, /48 of 64. */
TEST_F(netlimit, conn_limit_ipv6)
{
	struct raw_ans ans;
	char a[64];
	struct subnet s;
	int i;

	for (i = 0; i < 8; i++) {
		snprintf(a, sizeof(a), "ff:2:3:4::%x", i);
		ASSERT_LT(0, open_from(&self->r, a, 1, NULL)) TH_LOG("%s", a);
	}
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "ff:2:3:4::9", 1, &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(AF_INET6, s.family);
	EXPECT_EQ(56, s.prefix_len);
	EXPECT_STREQ("ff:2:3::", s.network);
	EXPECT_EQ(8, s.conns);
	/* Another /56 and /48. */
	EXPECT_LT(0, open_from(&self->r, "ffef:2:3::1", 1, NULL));
	/* go-libp2p's: 64 /56s of one /48 (ffef:2::/48), the 65th refused. */
	for (i = 0; i < 64; i++) {
		snprintf(a, sizeof(a), "ffef:2:0:%x::1", i << 8 | 4);
		ASSERT_LT(0, open_from(&self->r, a, 1, NULL)) TH_LOG("%s", a);
	}
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "ffef:2:0:4004::1", 1, &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(48, s.prefix_len);
	EXPECT_STREQ("ffef:2::", s.network);
	EXPECT_EQ(64, s.conns);
	/* All or nothing: the refused conn left no /56 counter behind. */
	EXPECT_EQ(2 + 2 + 64 + 1, conn_tracked(&self->r));
}

/* Loopback is unlimited in both tables; text endpoints limit nothing. */
TEST_F(netlimit, loopback_and_labels_unlimited)
{
	struct req q;
	int i;

	for (i = 0; i < 40; i++) {
		ASSERT_LT(0, open_from(&self->r, "127.0.0.1", i + 1, NULL));
		ASSERT_LT(0, open_from(&self->r, "::1", i + 1, NULL));
		ASSERT_LT(0, open_from(&self->r, "127.9.9.9", i + 1, NULL));
	}
	for (i = 0; i < 40; i++) {
		req_new(&q, &self->r, RCMGR_CMD_CONN_OPEN);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
		mnl_attr_put_strz(q.nlh, RCMGR_A_SCOPE_ENDPOINT, "/ip4/10.0.0.1/tcp/1");
		ASSERT_EQ(0, req_do(&q, &self->r));
	}
	EXPECT_EQ(0, conn_tracked(&self->r));
	EXPECT_EQ(0, req_config(&self->r, RCMGR_A_CONFIG_TRACKED));
}

/* Network-prefix rules: the most specific alone; replaced live. */
TEST_F(netlimit, network_prefix_rules)
{
	const struct rule rules[] = {
		{ AF_INET, 16, "1.2.0.0", 3 },
		{ AF_INET, 32, "1.2.3.4", 1 },
		{ AF_INET, 0, NULL, 1 },
		{ AF_INET, 8, "127.0.0.0", UNLIMITED },
	};
	struct rule got[8];
	uint64_t count[8];
	struct raw_ans ans;
	struct subnet s;
	int64_t a, b;

	/* No rate-limit rules: no buckets, what is tracked are counters. */
	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				  NULL, 0, NULL));
	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
				  rules, 4, NULL));
	/* Sorted: prefixes most specific first, then per-subnet rules. */
	ASSERT_EQ(4, netlimit_counts(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
				     count, got));
	EXPECT_EQ(32, got[0].prefix_len);
	EXPECT_EQ(16, got[1].prefix_len);
	EXPECT_EQ(8, got[2].prefix_len);
	EXPECT_EQ(0, got[3].prefix_len);
	EXPECT_EQ(NULL, got[3].network);
	/* TestItLimits "IPv4 with localhost": one conn for all of IPv4. */
	a = open_from(&self->r, "9.9.9.9", 1, NULL);
	EXPECT_LT(0, a);
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "4.3.2.1", 1, &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(0, s.prefix_len);
	EXPECT_LT(0, open_from(&self->r, "127.0.0.1", 1, NULL));
	/* 1.2.3.4 is limited by its /32 alone, not by /16 nor /0. */
	b = open_from(&self->r, "1.2.3.4", 1, NULL);
	EXPECT_LT(0, b);
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "1.2.3.4", 2, &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(32, s.prefix_len);
	EXPECT_EQ(1, s.conns);
	EXPECT_LT(0, open_from(&self->r, "1.2.9.9", 1, NULL));
	EXPECT_LT(0, open_from(&self->r, "1.2.9.9", 2, NULL));
	EXPECT_LT(0, open_from(&self->r, "1.2.7.7", 1, NULL));
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "1.2.8.8", 1, &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(16, s.prefix_len);
	EXPECT_STREQ("1.2.0.0", s.network);
	ASSERT_EQ(4, netlimit_counts(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
				     count, NULL));
	EXPECT_EQ(1, count[0]);
	EXPECT_EQ(1, count[1]);
	EXPECT_EQ(0, count[2]);
	EXPECT_EQ(1, count[3]);

	/* Back to the defaults: live conns keep their counters... */
	do {
		struct req q;

		req_new(&q, &self->r, RCMGR_CMD_NETLIMIT_RESET);
		mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE,
				 RCMGR_NETLIMIT_TABLE_CONN_LIMIT);
		ASSERT_EQ(0, req_do(&q, &self->r));
	} while (0);
	EXPECT_EQ(3, req_config(&self->r, RCMGR_A_CONFIG_TRACKED));
	/* ...new ones see the new rules: 8 per /32 again... */
	EXPECT_LT(0, open_from(&self->r, "4.3.2.1", 1, NULL));
	EXPECT_LT(0, open_from(&self->r, "1.2.3.4", 3, NULL));
	EXPECT_EQ(2, conn_tracked(&self->r));
	/* ...and the old release exactly what they were counted in. */
	EXPECT_EQ(0, req_done(&self->r, a));
	EXPECT_EQ(0, req_done(&self->r, b));
	EXPECT_EQ(1 + 2, req_config(&self->r, RCMGR_A_CONFIG_TRACKED));
}

/* Counters go with the conns, whichever way they end. */
TEST_F(netlimit, released_at_close_and_kill)
{
	int sv[2], i, status;
	pid_t pid;
	char c;

	/* Owner teardown: the netlink socket closed. */
	do {
		struct raw_nl r2;

		ASSERT_EQ(0, raw_open(&r2));
		for (i = 0; i < 8; i++)
			ASSERT_LT(0, open_from(&r2, "10.0.0.1", i + 1, NULL));
		EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.1", 99, NULL));
		raw_close(&r2);
	} while (0);
	/* Released at the socket's release: nothing asynchronous left. */
	EXPECT_EQ(0, conn_tracked(&self->r));
	/* SIGKILL of the owning process. */
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct raw_nl r2;

		if (raw_open(&r2))
			_exit(1);
		for (i = 0; i < 8; i++)
			if (open_from(&r2, "10.0.0.2", i + 1, NULL) <= 0)
				_exit(2);
		write(sv[1], "x", 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(sv[0], &c, 1));
	EXPECT_EQ(1, conn_tracked(&self->r));
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.2", 99, NULL));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* The exit released the netlink socket, URELEASE its conns. */
	EXPECT_EQ(0, conn_tracked(&self->r));
	EXPECT_LT(0, open_from(&self->r, "10.0.0.2", 99, NULL));
	close(sv[0]);
	close(sv[1]);
}

/* A burst admits exactly that many; the rest is refused as conn-rate. */
TEST_F(netlimit, rate_limit_burst)
{
	const struct rule rules[] = {
		/* Rate 0: never refills, whatever the time the test takes. */
		{ AF_INET, 32, NULL, 0, 0, 3 },
		{ AF_INET, 8, "127.0.0.0", 0, UNLIMITED, 0 },
		{ 0, 0, NULL, 0, 0, 5 },
	};
	struct raw_ans ans;
	struct subnet s;
	int64_t id;
	int i;

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				  rules, 3, NULL));
	/* A done conn still used its token: rate is not concurrency. */
	for (i = 0; i < 3; i++) {
		id = open_from(&self->r, "10.0.0.1", i + 1, NULL);
		ASSERT_LT(0, id);
		ASSERT_EQ(0, req_done(&self->r, id));
	}
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.1", 9, &ans));
	EXPECT_EQ(0, strncmp(ans.msg, "rate-limit: ", 12)) TH_LOG("%s", ans.msg);
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(RCMGR_RESOURCE_TYPE_CONN_RATE, s.resource);
	EXPECT_EQ(32, s.prefix_len);
	EXPECT_STREQ("10.0.0.1", s.network);
	EXPECT_EQ(3, s.burst);
	EXPECT_EQ(0, s.rate);
	/* The global bucket (5) had 3 taken: 2 more from elsewhere. */
	EXPECT_LT(0, open_from(&self->r, "10.0.0.2", 1, NULL));
	EXPECT_LT(0, open_from(&self->r, "10.0.0.3", 1, NULL));
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.4", 1, &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &s));
	EXPECT_EQ(0, s.family);
	EXPECT_EQ(5, s.burst);
	/* Loopback is inside a network-prefix rule: no subnet, no global. */
	for (i = 0; i < 20; i++)
		EXPECT_LT(0, open_from(&self->r, "127.0.0.1", i + 1, NULL));
	EXPECT_EQ(2, stat_of(&self->r, RCMGR_A_STATS_RATE_REFUSALS));
}

/* go-libp2p's defaults: /32 burst 16; a huge rate refills at once. */
TEST_F(netlimit, rate_limit_defaults_and_refill)
{
	const struct rule fast[] = {
		{ AF_INET, 32, NULL, 0, 1000000000, 1 },
	};
	struct rule got[8];
	uint64_t count[8];
	int64_t id;
	int i;

	ASSERT_EQ(6, netlimit_counts(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				     count, got));
	EXPECT_EQ(200, got[2].rate);
	EXPECT_EQ(16, got[2].burst);
	EXPECT_EQ(56, got[3].prefix_len);
	EXPECT_EQ(16, got[3].burst);
	EXPECT_EQ(48, got[4].prefix_len);
	EXPECT_EQ(500, got[4].rate);
	EXPECT_EQ(80, got[4].burst);
	/* 16 in a row from one /32 (in far less than 5 s), not 17. */
	for (i = 0; i < 16; i++) {
		id = open_from(&self->r, "10.0.0.1", i + 1, NULL);
		ASSERT_LT(0, id) TH_LOG("conn %d", i);
		ASSERT_EQ(0, req_done(&self->r, id));
	}
	EXPECT_EQ(-EDQUOT, open_from(&self->r, "10.0.0.1", 99, NULL));
	/*
	 * A million per second, burst 1: a token back as soon as the clock
	 * moves.  It may tick as coarsely as jiffies (10 ms at HZ=100): 20 ms
	 * apart, each ask finds the bucket full again.
	 */
	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				  fast, 1, NULL));
	for (i = 0; i < 5; i++) {
		usleep(20000);
		id = open_from(&self->r, "10.0.0.1", i + 1, NULL);
		ASSERT_LT(0, id) TH_LOG("conn %d", i);
		ASSERT_EQ(0, req_done(&self->r, id));
	}
}

/*
 * @n conns in a row from @base, its last 16 bits stepping by @step (go's
 * subnetAddrs()), each done at once: how many were admitted, or -1 if one
 * was admitted after a refusal (a bucket never refills at rate 0).
 */
static int admitted(struct raw_nl *r, int family, const char *base, int step,
		    int n)
{
	unsigned char a[16];
	char text[INET6_ADDRSTRLEN];
	int i, k = 0, last, alen = family == AF_INET ? 4 : 16;
	unsigned int lo;
	int64_t id;

	if (inet_pton(family, base, a) != 1)
		return -2;
	lo = a[alen - 2] << 8 | a[alen - 1];
	for (i = 0; i < n; i++) {
		last = lo + i * step;
		a[alen - 2] = last >> 8;
		a[alen - 1] = last;
		inet_ntop(family, a, text, sizeof(text));
		id = open_from(r, text, 1, NULL);
		if (id > 0) {
			if (k != i || req_done(r, id))
				return -1;
			k++;
		} else if (id != -EDQUOT) {
			return -3;
		}
	}
	return k;
}

/*
 * x/rate's TestLimiterNetworkPrefix and ...Width (T26): every network
 * prefix containing an address takes a token; inside one, no global.
 * Rate 0 stands for the tests' tiny rates: nothing refills meanwhile.
 */
TEST_F(netlimit, rate_limit_prefixes)
{
	const struct rule prefix[] = {
		{ AF_INET, 24, "127.0.0.0", 0, UNLIMITED, 0 },
		{ 0, 0, NULL, 0, 0, 10 },
	};
	const struct rule width[] = {
		{ AF_INET, 24, "1.1.1.0", 0, 0, 10 },
		{ AF_INET, 16, "1.1.0.0", 0, 0, 20 },
	};

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				  prefix, 2, NULL));
	EXPECT_EQ(110, admitted(&self->r, AF_INET, "127.0.0.1", 0, 110));
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "1.1.1.1", 0, 12));
	EXPECT_EQ(100, admitted(&self->r, AF_INET, "127.0.0.1", 0, 100));

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				  width, 2, NULL));
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "1.1.1.1", 0, 40));
	/* Only 10 came out of the /16: 10 are left for the rest of it. */
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "1.1.0.1", 0, 20));
}

/* x/rate's TestSubnetLimiter Simple and Complex (T27), exact counts. */
TEST_F(netlimit, rate_limit_subnets)
{
	const struct rule v4[] = {
		{ AF_INET, 24, NULL, 0, 0, 10 },
		{ AF_INET, 16, NULL, 0, 0, 19 },
		{ AF_INET6, 64, NULL, 0, 0, 10 },
		{ AF_INET6, 48, NULL, 0, 0, 17 },
	};

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				  v4, 4, NULL));
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "192.168.1.0", 1, 29));
	EXPECT_EQ(9, admitted(&self->r, AF_INET, "192.168.2.0", 1, 28));
	EXPECT_EQ(10, admitted(&self->r, AF_INET6, "2001:0:0:1::", 1, 27));
	EXPECT_EQ(7, admitted(&self->r, AF_INET6, "2001:0:0:2::", 1, 24));
}

/*
 * ... and Complex, in a namespace of its own: rules replaced live keep
 * the buckets of their prefixes, drained or not.
 */
TEST_F(netlimit, rate_limit_subnets_nested)
{
	const struct rule complex[] = {
		{ AF_INET, 32, NULL, 0, 0, 10 },
		{ AF_INET, 24, NULL, 0, 0, 20 },
		{ AF_INET, 16, NULL, 0, 0, 30 },
		{ AF_INET, 8, NULL, 0, 0, 40 },
	};

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				  complex, 4, NULL));
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "192.168.1.1", 0, 20));
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "192.168.1.2", 1, 30));
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "192.168.2.1", 1, 40));
	EXPECT_EQ(10, admitted(&self->r, AF_INET, "192.0.1.1", 1, 50));
}

/* TestResourceManagerRateLimiting's VerifySourceAddress, API B defaults. */
TEST_F(netlimit, verify_source)
{
	struct rule got[8];
	uint64_t count[8];
	int i;

	ASSERT_EQ(5, netlimit_counts(&self->r, RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE,
				     count, got));
	EXPECT_EQ(100, got[2].rate);
	EXPECT_EQ(4, got[2].burst);	/* /32: 8 / 2 */
	EXPECT_EQ(32, got[4].burst);	/* /48: 64 / 2 */
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, verify(&self->r, "1.2.3.4", NULL)) TH_LOG("ask %d", i);
	EXPECT_EQ(1, verify(&self->r, "1.2.3.4", NULL));
	/* Another /32, its own bucket. */
	EXPECT_EQ(0, verify(&self->r, "1.2.3.5", NULL));
	/* One /56 for both. */
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(0, verify(&self->r, "2001:db8::1", NULL));
		EXPECT_EQ(0, verify(&self->r, "2001:db8::2", NULL));
	}
	EXPECT_EQ(1, verify(&self->r, "2001:db8::3", NULL));
	for (i = 0; i < 50; i++)
		EXPECT_EQ(0, verify(&self->r, "127.0.0.1", NULL));
	EXPECT_EQ(2, stat_of(&self->r, RCMGR_A_STATS_VERIFY_ASKED));
	/* verify-source follows conn-limit, and is not set itself. */
	do {
		const struct rule one[] = { { AF_INET, 32, NULL, 2 } };
		struct raw_ans ans;

		EXPECT_EQ(-EINVAL, netlimit_set(&self->r,
						RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE,
						one, 1, &ans));
		ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
					  one, 1, NULL));
		ASSERT_EQ(1, netlimit_counts(&self->r,
					     RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE,
					     count, got));
		EXPECT_EQ(1, got[0].burst);
	} while (0);
}

/* Bad rules: EINVAL (or E2BIG) naming the field; nothing changes. */
TEST_F(netlimit, netlimit_set_refused)
{
	static const struct {
		const char *name;
		struct rule r;
		const char *msg;
	} bad[] = {
		{ "host bits", { AF_INET, 24, "10.0.0.1", 1 }, "host bits" },
		{ "v4 prefix too long", { AF_INET, 33, NULL, 1 }, "too long" },
		{ "v6 host bits", { AF_INET6, 48, "2001:db8::1", 1 }, "host bits" },
		{ "bad family", { AF_UNIX, 8, NULL, 1 }, "family" },
	};
	struct rule many[17];
	struct raw_ans ans;
	uint64_t count[40];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
						&bad[i].r, 1, &ans)) TH_LOG("%s", bad[i].name);
		EXPECT_NE(NULL, strstr(ans.msg, bad[i].msg))
			TH_LOG("%s: \"%s\"", bad[i].name, ans.msg);
		EXPECT_NE(0, ans.bad_offs);
	}
	for (i = 0; i < 17; i++)
		many[i] = (struct rule){ AF_INET, i + 1, NULL, 1 };
	EXPECT_EQ(-E2BIG, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
				       many, 17, NULL));
	many[1] = many[0];
	EXPECT_EQ(-EINVAL, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
					many, 2, NULL));
	/* A rate-limit rule wants rate and burst. */
	do {
		struct req q;
		struct nlattr *nest;

		req_new(&q, &self->r, RCMGR_CMD_NETLIMIT_SET);
		mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE,
				 RCMGR_NETLIMIT_TABLE_RATE_LIMIT);
		nest = mnl_attr_nest_start(q.nlh, RCMGR_A_NETLIMIT_RULE);
		mnl_attr_put_u16(q.nlh, RCMGR_A_NETRULE_FAMILY, AF_INET);
		mnl_attr_put_u8(q.nlh, RCMGR_A_NETRULE_PREFIX_LEN, 32);
		mnl_attr_put_u64(q.nlh, RCMGR_A_NETRULE_CONNS, 3);
		mnl_attr_nest_end(q.nlh, nest);
		EXPECT_EQ(-EINVAL, req_do(&q, &self->r));
	} while (0);
	/* Still the defaults. */
	EXPECT_EQ(5, netlimit_counts(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
				     count, NULL));
	EXPECT_EQ(6, netlimit_counts(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
				     count, NULL));
}

/* Anyone may read the tables and ask verify; only the admin sets them. */
TEST_F(netlimit, privileges)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		const struct rule one[] = { { AF_INET, 32, NULL, 2 } };
		struct raw_nl r2;
		uint64_t count[8];
		struct req q;

		if (setuid(NOBODY) || raw_open(&r2))
			_exit(1);
		if (netlimit_counts(&r2, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, count, NULL) != 5)
			_exit(2);
		if (verify(&r2, "1.2.3.4", NULL) != 0)
			_exit(3);
		if (netlimit_set(&r2, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, one, 1, NULL) != -EPERM)
			_exit(4);
		req_new(&q, &r2, RCMGR_CMD_NETLIMIT_RESET);
		if (req_do(&q, &r2) != -EPERM)
			_exit(5);
		if (req_config_set(&r2, RCMGR_A_CONFIG_MAX_TRACKED, 100) != -EPERM)
			_exit(6);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* max-tracked: buckets beyond it evict the oldest; conns never refused. */
TEST_F(netlimit, max_tracked)
{
	char a[32];
	int i;

	ASSERT_EQ(0, req_config_set(&self->r, RCMGR_A_CONFIG_MAX_TRACKED, 16));
	EXPECT_EQ(16, req_config(&self->r, RCMGR_A_CONFIG_MAX_TRACKED));
	EXPECT_EQ(-ERANGE, req_config_set(&self->r, RCMGR_A_CONFIG_MAX_TRACKED, 15));
	/* 40 addresses: 40 counters (live conns), buckets capped. */
	for (i = 0; i < 40; i++) {
		snprintf(a, sizeof(a), "10.1.0.%d", i + 1);
		ASSERT_LT(0, open_from(&self->r, a, 1, NULL)) TH_LOG("%s", a);
	}
	EXPECT_EQ(40, conn_tracked(&self->r));
	EXPECT_GE(40 + 16, req_config(&self->r, RCMGR_A_CONFIG_TRACKED));
	EXPECT_LE(40, req_config(&self->r, RCMGR_A_CONFIG_TRACKED));
}

/* A socket's remote address rules over a declared one. */
TEST_F(netlimit, socket_address_rules)
{
	const struct rule per32[] = { { AF_INET, 32, NULL, 2 } };
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int l, c[4], s[4], i;
	struct raw_ans ans;
	struct maddr m;
	int64_t id;
	struct subnet sub;
	char text[256];
	int bin_len;

	/* No loopback exception: 127.0.0.2 and .3 are two /32s. */
	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
				  per32, 1, NULL));
	l = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(0x7f000001);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(l, 8));
	ASSERT_EQ(0, getsockname(l, (struct sockaddr *)&sin, &len));
	for (i = 0; i < 4; i++) {
		struct sockaddr_in src = { .sin_family = AF_INET };

		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		src.sin_addr.s_addr = htonl(i < 3 ? 0x7f000002 : 0x7f000003);
		ASSERT_EQ(0, bind(c[i], (struct sockaddr *)&src, sizeof(src)));
		ASSERT_EQ(0, connect(c[i], (struct sockaddr *)&sin, sizeof(sin)));
		s[i] = accept(l, NULL, NULL);
		ASSERT_LE(0, s[i]);
	}
	/* Declared 10.0.0.1, the socket says 127.0.0.2: refused. */
	memset(&m, 0, sizeof(m));
	ma_port(ma_ip(&m, "10.0.0.1"), MA_TCP, 1);
	EXPECT_EQ(-EINVAL, open_ep(&self->r, &m, s[0], &ans));
	EXPECT_NE(0, ans.bad_offs);
	EXPECT_NE(NULL, strstr(ans.msg, "endpoint-bin")) TH_LOG("%s", ans.msg);
	/* The right address, the wrong port: refused too. */
	memset(&m, 0, sizeof(m));
	ma_port(ma_ip(&m, "127.0.0.2"), MA_TCP, 1);
	EXPECT_EQ(-EINVAL, open_ep(&self->r, &m, s[0], NULL));
	/* No endpoint: the socket's, counted; the third of .2 refused. */
	id = open_ep(&self->r, NULL, s[0], NULL);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, conn_endpoint(&self->r, id, text, sizeof(text), &bin_len));
	EXPECT_EQ(0, strncmp(text, "/ip4/127.0.0.2/tcp/", 19)) TH_LOG("%s", text);
	EXPECT_EQ(1 + 4 + 1 + 2, bin_len);
	EXPECT_LT(0, open_ep(&self->r, NULL, s[1], NULL));
	EXPECT_EQ(-EDQUOT, open_ep(&self->r, NULL, s[2], &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &sub));
	EXPECT_STREQ("127.0.0.2", sub.network);
	EXPECT_EQ(2, sub.conns);
	EXPECT_LT(0, open_ep(&self->r, NULL, s[3], NULL));
	/* conn-bind-fd: a conn without an address takes the socket's. */
	do {
		struct req q;
		int64_t late;

		req_new(&q, &self->r, RCMGR_CMD_CONN_OPEN);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
		mnl_attr_put(q.nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
		ASSERT_EQ(0, req_do(&q, &self->r));
		late = raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
		/* 127.0.0.2 has its 2: the bind fails, the conn stays. */
		req_new(&q, &self->r, RCMGR_CMD_CONN_BIND_FD);
		mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, late);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_FD, s[2]);
		EXPECT_EQ(-EDQUOT, req_do(&q, &self->r));
		EXPECT_EQ(0, refusal_subnet(&q.ans, &sub));
		EXPECT_EQ(0, conn_endpoint(&self->r, late, text, sizeof(text), &bin_len));
		EXPECT_EQ(0, bin_len);
		/* A client socket: its remote is the listener, 127.0.0.1. */
		req_new(&q, &self->r, RCMGR_CMD_CONN_BIND_FD);
		mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, late);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_FD, c[0]);
		EXPECT_EQ(0, req_do(&q, &self->r));
		EXPECT_EQ(0, conn_endpoint(&self->r, late, text, sizeof(text), &bin_len));
		EXPECT_EQ(0, strncmp(text, "/ip4/127.0.0.1/tcp/", 19)) TH_LOG("%s", text);
	} while (0);
	/* A conn with endpoint-bin binds only its own socket. */
	memset(&m, 0, sizeof(m));
	ma_ip(&m, "127.0.0.9");
	do {
		struct req q;

		req_new(&q, &self->r, RCMGR_CMD_CONN_OPEN);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
		mnl_attr_put(q.nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
		mnl_attr_put(q.nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, m.n, m.b);
		ASSERT_EQ(0, req_do(&q, &self->r));
		id = raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
		req_new(&q, &self->r, RCMGR_CMD_CONN_BIND_FD);
		mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_FD, c[1]);
		EXPECT_EQ(-EINVAL, req_do(&q, &self->r));
		EXPECT_NE(NULL, strstr(q.ans.msg, "endpoint-bin")) TH_LOG("%s", q.ans.msg);
	} while (0);
	/* Closing the sockets ends their conns, and their counts. */
	for (i = 0; i < 4; i++) {
		close(s[i]);
		close(c[i]);
	}
	close(l);
	EXPECT_EQ(0, req_done(&self->r, id));
	/* A reap runs before stats; the counters go with the conns. */
	stat_of(&self->r, RCMGR_A_STATS_REFUSALS);
	do {
		struct req q;

		req_new(&q, &self->r, RCMGR_CMD_SCOPE_GET);
		req_scope(q.nlh, RCMGR_SCOPE_KIND_SYSTEM, NULL);
		req_do(&q, &self->r);
	} while (0);
	EXPECT_EQ(0, conn_tracked(&self->r));
}

/* Run iproute2's ip (busybox's cannot make veth pairs): its exit status. */
static int ip(const char *fmt, ...)
{
	const char *bin = access("/usr/bin/ip.iproute2", X_OK) ? "ip" : "ip.iproute2";
	char cmd[256];
	int n, st;
	va_list ap;

	n = snprintf(cmd, sizeof(cmd), "%s ", bin);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	strncat(cmd, " 2>/dev/null", sizeof(cmd) - strlen(cmd) - 1);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * Real TCP over a veth pair between two namespaces: the client's side has
 * three source addresses; the server's accepts and opens each conn with
 * its socket.  The ninth from one /32 is refused, another /32 still gets
 * in, and an endpoint-bin contradicting the socket is refused.
 */
TEST(veth_real_sockets)
{
	struct sockaddr_in srv = { .sin_family = AF_INET, .sin_port = htons(4001) };
	int nsa, nsb, l, c[11], s[11], i, sync[2], late_c[2], late_s[2];
	uint64_t count[8];
	struct raw_ans ans;
	int64_t id;
	struct raw_nl rb;
	struct subnet sub;
	struct maddr m;
	pid_t holder;
	char x;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	nsa = open("/proc/self/ns/net", O_RDONLY);
	ASSERT_LE(0, nsa);
	ASSERT_EQ(0, pipe(sync));
	holder = fork();
	ASSERT_LE(0, holder);
	if (!holder) {
		if (unshare(CLONE_NEWNET))
			_exit(1);
		write(sync[1], "x", 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(1, read(sync[0], &x, 1));
	if (ip("link add va type veth peer name vb netns %d", holder)) {
		kill(holder, SIGKILL);
		waitpid(holder, NULL, 0);
		SKIP(return, "cannot make a veth pair");
	}
	{
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/net", holder);
		nsb = open(path, O_RDONLY);
		ASSERT_LE(0, nsb);
	}
	kill(holder, SIGKILL);
	waitpid(holder, NULL, 0);
	ASSERT_EQ(0, ip("link set lo up"));
	ASSERT_EQ(0, ip("addr add 10.99.0.1/24 dev va"));
	ASSERT_EQ(0, ip("addr add 10.99.0.11/24 dev va"));
	ASSERT_EQ(0, ip("addr add 10.99.0.12/24 dev va"));
	ASSERT_EQ(0, ip("link set va up"));

	/* The server's side: namespace B, its own rcmgr state. */
	ASSERT_EQ(0, setns(nsb, CLONE_NEWNET));
	ASSERT_EQ(0, ip("link set lo up"));
	ASSERT_EQ(0, ip("addr add 10.99.0.2/24 dev vb"));
	ASSERT_EQ(0, ip("link set vb up"));
	ASSERT_EQ(0, raw_open(&rb));
	l = socket(AF_INET, SOCK_STREAM, 0);
	srv.sin_addr.s_addr = inet_addr("10.99.0.2");
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&srv, sizeof(srv)));
	ASSERT_EQ(0, listen(l, 64));

	/* The client's: nine from 10.99.0.1, one from .11, one from .12. */
	ASSERT_EQ(0, setns(nsa, CLONE_NEWNET));
	for (i = 0; i < 11; i++) {
		struct sockaddr_in src = { .sin_family = AF_INET };

		src.sin_addr.s_addr = inet_addr(i < 9 ? "10.99.0.1" :
						i == 9 ? "10.99.0.11" : "10.99.0.12");
		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_EQ(0, bind(c[i], (struct sockaddr *)&src, sizeof(src)));
		ASSERT_EQ(0, connect(c[i], (struct sockaddr *)&srv, sizeof(srv)))
			TH_LOG("connect %d: %s", i, strerror(errno));
		s[i] = accept(l, NULL, NULL);
		ASSERT_LE(0, s[i]);
	}
	ASSERT_EQ(0, setns(nsb, CLONE_NEWNET));

	/* go-libp2p's default: 8 per /32; the ninth refused, exactly. */
	for (i = 0; i < 8; i++)
		ASSERT_LT(0, open_ep(&rb, NULL, s[i], NULL)) TH_LOG("conn %d", i);
	EXPECT_EQ(-EDQUOT, open_ep(&rb, NULL, s[8], &ans));
	ASSERT_EQ(0, refusal_subnet(&ans, &sub));
	EXPECT_EQ(RCMGR_RESOURCE_TYPE_SUBNET_CONNS, sub.resource);
	EXPECT_STREQ("10.99.0.1", sub.network);
	EXPECT_EQ(32, sub.prefix_len);
	EXPECT_EQ(8, sub.conns);
	/* Another /32 still gets in. */
	EXPECT_LT(0, open_ep(&rb, NULL, s[9], NULL));
	/* Declared 10.99.0.11, the socket is from 10.99.0.12: refused. */
	memset(&m, 0, sizeof(m));
	ma_ip(&m, "10.99.0.11");
	EXPECT_EQ(-EINVAL, open_ep(&rb, &m, s[10], &ans));
	EXPECT_NE(0, ans.bad_offs);
	/* Declared right: admitted, and shown as the kernel renders it. */
	memset(&m, 0, sizeof(m));
	ma_ip(&m, "10.99.0.12");
	EXPECT_LT(0, open_ep(&rb, &m, s[10], NULL));
	EXPECT_EQ(3, conn_tracked(&rb));

	/*
	 * The server closes one of .1's: its conn ends (reaped when a limit
	 * would refuse), and the ninth fits.
	 */
	ASSERT_EQ(0, setns(nsa, CLONE_NEWNET));
	close(c[0]);
	ASSERT_EQ(0, setns(nsb, CLONE_NEWNET));
	close(s[0]);
	EXPECT_LT(0, open_ep(&rb, NULL, s[8], NULL));

	/*
	 * Transient full: 10.99.0.11 is refused, allowlisted 10.99.0.12 still
	 * gets in, through the allowlisted scopes, and is counted.
	 */
	ASSERT_EQ(0, req_limit(&rb, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS, 0));
	memset(&m, 0, sizeof(m));
	ma_ip(&m, "10.99.0.12");
	do {
		struct req q;

		req_new(&q, &rb, RCMGR_CMD_ALLOWLIST_ADD);
		mnl_attr_put(q.nlh, RCMGR_A_ALLOWLIST_MULTIADDR, m.n, m.b);
		ASSERT_EQ(0, req_do(&q, &rb));
	} while (0);
	ASSERT_EQ(0, setns(nsa, CLONE_NEWNET));
	for (i = 0; i < 2; i++) {
		struct sockaddr_in src = { .sin_family = AF_INET };

		src.sin_addr.s_addr = inet_addr(i ? "10.99.0.12" : "10.99.0.11");
		late_c[i] = socket(AF_INET, SOCK_STREAM, 0);
		ASSERT_EQ(0, bind(late_c[i], (struct sockaddr *)&src, sizeof(src)));
		ASSERT_EQ(0, connect(late_c[i], (struct sockaddr *)&srv, sizeof(srv)));
		late_s[i] = accept(l, NULL, NULL);
		ASSERT_LE(0, late_s[i]);
	}
	ASSERT_EQ(0, setns(nsb, CLONE_NEWNET));
	EXPECT_EQ(-EDQUOT, open_ep(&rb, NULL, late_s[0], &ans));
	id = open_ep(&rb, NULL, late_s[1], NULL);
	ASSERT_LT(0, id);
	do {
		struct req q;

		req_new(&q, &rb, RCMGR_CMD_SCOPE_GET);
		mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
		ASSERT_EQ(0, req_do(&q, &rb));
		EXPECT_EQ(1, raw_has_attr(&q.ans, RCMGR_A_SCOPE_ALLOWLISTED));
	} while (0);
	/* Counters of the /32 rule: .1, .11 and .12's first. */
	ASSERT_EQ(5, netlimit_counts(&rb, RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
				     count, NULL));
	EXPECT_EQ(3, count[2]);

	for (i = 0; i < 2; i++) {
		close(late_s[i]);
		close(late_c[i]);
	}
	for (i = 0; i < 11; i++) {
		if (i)
			close(s[i]);
		if (i)
			close(c[i]);
	}
	close(l);
	raw_close(&rb);
	close(nsa);
	close(nsb);
}

TEST_HARNESS_MAIN
