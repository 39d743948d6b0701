// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Endpoint policy calls against the fake transport: what each request
 * carries (endpoint-bin, never the text; a table's rules with only what
 * the table counts), what is refused before any send (a multiaddr that
 * does not parse, too many rules), and how answers are read (allowlist
 * dumps, tables, verify, the allowlisted flag of a dumped conn).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "fake.h"

/* The top-level attributes of the last request, by type. */
struct attrs {
	const struct nlattr *a[64];
	int rules;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	struct attrs *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type < 64)
		t->a[type] = a;
	if (type == RCMGR_A_NETLIMIT_RULE)
		t->rules++;
	return MNL_CB_OK;
}

static uint8_t sent_cmd(const struct fake *f, struct attrs *t)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(fake_sent(f));

	memset(t, 0, sizeof(*t));
	mnl_attr_parse(fake_sent(f), sizeof(*g), attr_cb, t);
	return g->cmd;
}

static struct nlmsghdr *put_genl(struct chunk *c, uint32_t seq,
				 uint16_t flags, uint8_t cmd)
{
	struct nlmsghdr *nlh = put(c, FAMILY, flags, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	g->version = RCMGR_FAMILY_VERSION;
	return nlh;
}

FIXTURE(np) {
	struct fake f;
	struct rcmgr *rm;
	struct attrs t;
};

FIXTURE_SETUP(np)
{
	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, rcmgr_open_io(&self->rm, &fake_io, &self->f, PORTID,
				   FAMILY));
}

FIXTURE_TEARDOWN(np)
{
	EXPECT_EQ(0, self->f.overread);
	rcmgr_close(self->rm);
}

TEST_F(np, open_connection_sends_the_endpoint_in_binary)
{
	uint8_t want[RCMGR_MULTIADDR_MAX];
	struct rcmgr_scope *conn;
	struct nlmsghdr *nlh;
	struct chunk *c;
	uint64_t cookie;
	int len;

	/* The open names the conn by a cookie: its ack alone answers. */
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, true,
					   "/ip4/10.0.0.1/tcp/4001", &conn));
	EXPECT_EQ(RCMGR_CMD_CONN_OPEN, sent_cmd(&self->f, &self->t));
	ASSERT_NE(NULL, self->t.a[RCMGR_A_SCOPE_ENDPOINT_BIN]);
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_SCOPE_ENDPOINT]);
	len = rcmgr_multiaddr_parse("/ip4/10.0.0.1/tcp/4001", want,
				    sizeof(want));
	ASSERT_EQ(len, mnl_attr_get_payload_len(self->t.a[RCMGR_A_SCOPE_ENDPOINT_BIN]));
	EXPECT_EQ(0, memcmp(want, mnl_attr_get_payload(self->t.a[RCMGR_A_SCOPE_ENDPOINT_BIN]),
			    len));
	ASSERT_NE(NULL, self->t.a[RCMGR_A_SCOPE_NEW_COOKIE]);
	cookie = mnl_attr_get_u64(self->t.a[RCMGR_A_SCOPE_NEW_COOKIE]);
	EXPECT_NE(0, cookie);
	/* Its id, asked by that cookie. */
	c = next_chunk(&self->f);
	nlh = put_genl(c, SEQ_CUR, 0, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 7);
	end(c, nlh);
	put_ack(c, SEQ_CUR, 0, NULL);
	EXPECT_EQ(7, rcmgr_scope_id(conn));
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, sent_cmd(&self->f, &self->t));
	ASSERT_NE(NULL, self->t.a[RCMGR_A_SCOPE_COOKIE]);
	EXPECT_EQ(cookie, mnl_attr_get_u64(self->t.a[RCMGR_A_SCOPE_COOKIE]));
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_SCOPE_ID]);
	/* Its done. */
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	rcmgr_scope_done(conn);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_cmd(&self->f, &self->t));
	ASSERT_NE(NULL, self->t.a[RCMGR_A_SCOPE_COOKIE]);
	EXPECT_EQ(cookie, mnl_attr_get_u64(self->t.a[RCMGR_A_SCOPE_COOKIE]));
	EXPECT_EQ(self->f.n, self->f.next);
}

TEST_F(np, garbage_endpoint_is_refused_before_any_send)
{
	struct rcmgr_scope *conn = NULL;
	struct rcmgr_batch *b;

	EXPECT_EQ(-EINVAL, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND,
						 false, "10.0.0.1:4001", &conn));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_NE(NULL, strstr(rcmgr_last_error(self->rm)->message,
			       "does not start with /"));
	EXPECT_EQ(-EINVAL, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND,
						    3, "/ip4/1.2.3.4/tcp/99999",
						    &conn));
	EXPECT_NE(NULL, strstr(rcmgr_last_error(self->rm)->message,
			       "/tcp/99999"));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b));
	EXPECT_EQ(-EINVAL, rcmgr_batch_open_connection(b, RCMGR_DIR_INBOUND,
						       false, "/ip4/1.2.3.4/",
						       &conn));
	EXPECT_EQ(0, rcmgr_batch_count(b));
	EXPECT_EQ(NULL, conn);
	rcmgr_batch_free(b);
	EXPECT_EQ(0, self->f.sends);
}

TEST_F(np, batch_open_sends_the_endpoint_in_binary)
{
	struct rcmgr_scope *conn;
	struct rcmgr_batch *b;

	/* A blocking io: the batch's last op asks an ack, its only answer. */
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b));
	ASSERT_EQ(0, rcmgr_batch_open_connection(b, RCMGR_DIR_OUTBOUND, false,
						 "/ip6/::1/udp/1/quic-v1",
						 &conn));
	ASSERT_EQ(0, rcmgr_batch_submit(b));
	EXPECT_EQ(RCMGR_CMD_CONN_OPEN, sent_cmd(&self->f, &self->t));
	ASSERT_NE(NULL, self->t.a[RCMGR_A_SCOPE_ENDPOINT_BIN]);
	EXPECT_EQ(17 + 4 + 2,
		  mnl_attr_get_payload_len(self->t.a[RCMGR_A_SCOPE_ENDPOINT_BIN]));
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_SCOPE_ENDPOINT]);
	ASSERT_NE(NULL, self->t.a[RCMGR_A_SCOPE_NEW_COOKIE]);
	EXPECT_NE(0, mnl_attr_get_u64(self->t.a[RCMGR_A_SCOPE_NEW_COOKIE]));
	EXPECT_EQ(self->f.n, self->f.next);
	rcmgr_batch_free(b);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	rcmgr_scope_done(conn);
}

TEST_F(np, allowlist_add_and_del)
{
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_allowlist_add(self->rm, "/ip4/10.0.0.0/ipcidr/8"));
	EXPECT_EQ(RCMGR_CMD_ALLOWLIST_ADD, sent_cmd(&self->f, &self->t));
	ASSERT_NE(NULL, self->t.a[RCMGR_A_ALLOWLIST_MULTIADDR]);
	EXPECT_EQ(7, mnl_attr_get_payload_len(self->t.a[RCMGR_A_ALLOWLIST_MULTIADDR]));

	put_ack(next_chunk(&self->f), SEQ_CUR, -EEXIST, "entry exists");
	EXPECT_EQ(-EEXIST, rcmgr_allowlist_add(self->rm, "/ip4/10.0.0.0/ipcidr/8"));
	EXPECT_STREQ("entry exists", rcmgr_last_error(self->rm)->message);

	put_ack(next_chunk(&self->f), SEQ_CUR, -ENOENT, NULL);
	EXPECT_EQ(-ENOENT, rcmgr_allowlist_del(self->rm, "/ip6/::1"));
	EXPECT_EQ(RCMGR_CMD_ALLOWLIST_DEL, sent_cmd(&self->f, &self->t));

	/* Not a multiaddr: nothing sent. */
	EXPECT_EQ(-EINVAL, rcmgr_allowlist_add(self->rm, "/ip4/10.0.0.0/ipcidr/33"));
	EXPECT_NE(NULL, strstr(rcmgr_last_error(self->rm)->message, "/ipcidr/33"));
	EXPECT_EQ(-EINVAL, rcmgr_allowlist_del(self->rm, NULL));
	EXPECT_EQ(3, self->f.sends);
}

struct texts {
	int n;
	char t[4][128];
};

static int text_fn(const char *multiaddr, void *arg)
{
	struct texts *x = arg;

	snprintf(x->t[x->n++], sizeof(x->t[0]), "%s", multiaddr);
	return 0;
}

TEST_F(np, allowlist_list_takes_the_kernels_text_or_formats_it)
{
	struct chunk *c = next_chunk(&self->f);
	uint8_t bin[RCMGR_MULTIADDR_MAX];
	struct texts x = {};
	struct nlmsghdr *nlh;
	int len;

	nlh = put_genl(c, SEQ_CUR, NLM_F_MULTI, RCMGR_CMD_ALLOWLIST_GET);
	len = rcmgr_multiaddr_parse("/ip4/1.2.3.4", bin, sizeof(bin));
	mnl_attr_put(nlh, RCMGR_A_ALLOWLIST_MULTIADDR, len, bin);
	mnl_attr_put_strz(nlh, RCMGR_A_ALLOWLIST_TEXT, "/ip4/1.2.3.4");
	end(c, nlh);
	nlh = put_genl(c, SEQ_CUR, NLM_F_MULTI, RCMGR_CMD_ALLOWLIST_GET);
	len = rcmgr_multiaddr_parse("/ip6/2001:db8::/ipcidr/32", bin,
				    sizeof(bin));
	mnl_attr_put(nlh, RCMGR_A_ALLOWLIST_MULTIADDR, len, bin);
	end(c, nlh);
	put_done(c, SEQ_CUR, 0, 0, NULL);
	ASSERT_EQ(0, rcmgr_allowlist_list(self->rm, text_fn, &x));
	EXPECT_EQ(RCMGR_CMD_ALLOWLIST_GET, sent_cmd(&self->f, &self->t));
	EXPECT_TRUE(fake_sent(&self->f)->nlmsg_flags & NLM_F_DUMP);
	ASSERT_EQ(2, x.n);
	EXPECT_STREQ("/ip4/1.2.3.4", x.t[0]);
	EXPECT_STREQ("/ip6/2001:db8::/ipcidr/32", x.t[1]);
}

TEST_F(np, allowlist_list_refuses_a_malformed_entry)
{
	struct chunk *c = next_chunk(&self->f);
	static const uint8_t bad[] = { 0x04, 0x01 };
	struct texts x = {};
	struct nlmsghdr *nlh;

	nlh = put_genl(c, SEQ_CUR, NLM_F_MULTI, RCMGR_CMD_ALLOWLIST_GET);
	mnl_attr_put(nlh, RCMGR_A_ALLOWLIST_MULTIADDR, sizeof(bad), bad);
	end(c, nlh);
	put_done(c, SEQ_CUR, 0, 0, NULL);
	EXPECT_EQ(-EBADMSG, rcmgr_allowlist_list(self->rm, text_fn, &x));
	EXPECT_EQ(0, x.n);
}

static const struct rcmgr_netrule conn_rules[] = {
	{ .family = AF_INET, .prefix_len = 8, .network = true,
	  .addr = { 127 }, .conns = RCMGR_LIMIT_UNLIMITED },
	{ .family = AF_INET, .prefix_len = 32, .conns = 8 },
	{ .family = AF_INET6, .prefix_len = 56, .conns = 8, .rate = 5 },
};

struct rule_attrs {
	const struct nlattr *a[RCMGR_A_NETRULE_MAX + 1];
};

static int rule_cb(const struct nlattr *a, void *data)
{
	struct rule_attrs *r = data;

	if (mnl_attr_get_type(a) <= RCMGR_A_NETRULE_MAX)
		r->a[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

/* The @i-th rule nest of the last request. */
static void sent_rule(const struct fake *f, int i, struct rule_attrs *r)
{
	const struct nlattr *a;

	memset(r, 0, sizeof(*r));
	mnl_attr_for_each(a, fake_sent(f), sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == RCMGR_A_NETLIMIT_RULE && !i--) {
			mnl_attr_parse_nested(a, rule_cb, r);
			return;
		}
	}
}

TEST_F(np, netlimit_set_sends_what_the_table_counts)
{
	struct rcmgr_netrule rate = { .family = AF_UNSPEC, .rate = 100000,
				      .burst = 200, .conns = 3 };
	struct rcmgr_netrule many[65] = {};
	struct rule_attrs r;

	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_netlimit_set(self->rm, RCMGR_NETLIMIT_CONN,
					conn_rules, 3));
	EXPECT_EQ(RCMGR_CMD_NETLIMIT_SET, sent_cmd(&self->f, &self->t));
	EXPECT_EQ(RCMGR_NETLIMIT_TABLE_CONN_LIMIT,
		  mnl_attr_get_u32(self->t.a[RCMGR_A_NETLIMIT_TABLE]));
	EXPECT_EQ(3, self->t.rules);
	sent_rule(&self->f, 0, &r);
	EXPECT_EQ(AF_INET, mnl_attr_get_u16(r.a[RCMGR_A_NETRULE_FAMILY]));
	EXPECT_EQ(8, mnl_attr_get_u8(r.a[RCMGR_A_NETRULE_PREFIX_LEN]));
	ASSERT_NE(NULL, r.a[RCMGR_A_NETRULE_NETWORK]);
	EXPECT_EQ(4, mnl_attr_get_payload_len(r.a[RCMGR_A_NETRULE_NETWORK]));
	EXPECT_EQ(INT64_MAX, mnl_attr_get_u64(r.a[RCMGR_A_NETRULE_CONNS]));
	sent_rule(&self->f, 2, &r);
	EXPECT_EQ(NULL, r.a[RCMGR_A_NETRULE_NETWORK]);
	EXPECT_EQ(8, mnl_attr_get_u64(r.a[RCMGR_A_NETRULE_CONNS]));
	EXPECT_EQ(NULL, r.a[RCMGR_A_NETRULE_RATE]);

	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_netlimit_set(self->rm, RCMGR_NETLIMIT_RATE, &rate, 1));
	sent_rule(&self->f, 0, &r);
	EXPECT_EQ(AF_UNSPEC, mnl_attr_get_u16(r.a[RCMGR_A_NETRULE_FAMILY]));
	EXPECT_EQ(100000, mnl_attr_get_u64(r.a[RCMGR_A_NETRULE_RATE]));
	EXPECT_EQ(200, mnl_attr_get_u64(r.a[RCMGR_A_NETRULE_BURST]));
	EXPECT_EQ(NULL, r.a[RCMGR_A_NETRULE_CONNS]);

	/* Refused before any send. */
	EXPECT_EQ(-EINVAL, rcmgr_netlimit_set(self->rm, RCMGR_NETLIMIT_VERIFY,
					      &rate, 1));
	EXPECT_EQ(-E2BIG, rcmgr_netlimit_set(self->rm, RCMGR_NETLIMIT_CONN,
					     many, 65));
	rate.burst = -1;
	EXPECT_EQ(-EINVAL, rcmgr_netlimit_set(self->rm, RCMGR_NETLIMIT_RATE,
					      &rate, 1));
	EXPECT_EQ(2, self->f.sends);
}

struct rules {
	int n;
	struct rcmgr_netrule r[4];
};

static int rule_fn(const struct rcmgr_netrule *r, void *arg)
{
	struct rules *x = arg;

	x->r[x->n++] = *r;
	return 0;
}

TEST_F(np, netlimit_get_reads_the_rules)
{
	struct chunk *c = next_chunk(&self->f);
	static const uint8_t net6[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	struct rules x = {};
	struct nlmsghdr *nlh;
	struct nlattr *n;

	nlh = put_genl(c, SEQ_CUR, 0, RCMGR_CMD_NETLIMIT_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_NETLIMIT_TABLE,
			 RCMGR_NETLIMIT_TABLE_RATE_LIMIT);
	n = mnl_attr_nest_start(nlh, RCMGR_A_NETLIMIT_RULE);
	mnl_attr_put_u16(nlh, RCMGR_A_NETRULE_FAMILY, AF_INET6);
	mnl_attr_put_u8(nlh, RCMGR_A_NETRULE_PREFIX_LEN, 32);
	mnl_attr_put(nlh, RCMGR_A_NETRULE_NETWORK, 16, net6);
	mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_RATE, UINT64_MAX);
	mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_BURST, 0);
	mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_COUNT, 3);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, RCMGR_A_NETLIMIT_RULE);
	mnl_attr_put_u16(nlh, RCMGR_A_NETRULE_FAMILY, AF_UNSPEC);
	mnl_attr_put_u8(nlh, RCMGR_A_NETRULE_PREFIX_LEN, 0);
	mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_RATE, 500);
	mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_BURST, 16);
	mnl_attr_put_u64(nlh, 99, 1);	/* a newer kernel's: skipped */
	mnl_attr_nest_end(nlh, n);
	end(c, nlh);
	put_ack(c, SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_netlimit_get(self->rm, RCMGR_NETLIMIT_RATE, rule_fn,
					&x));
	EXPECT_EQ(RCMGR_CMD_NETLIMIT_GET, sent_cmd(&self->f, &self->t));
	EXPECT_EQ(RCMGR_NETLIMIT_TABLE_RATE_LIMIT,
		  mnl_attr_get_u32(self->t.a[RCMGR_A_NETLIMIT_TABLE]));
	ASSERT_EQ(2, x.n);
	EXPECT_EQ(AF_INET6, x.r[0].family);
	EXPECT_EQ(32, x.r[0].prefix_len);
	EXPECT_TRUE(x.r[0].network);
	EXPECT_EQ(0, memcmp(net6, x.r[0].addr, 16));
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, x.r[0].rate);
	EXPECT_EQ(3, x.r[0].count);
	EXPECT_EQ(AF_UNSPEC, x.r[1].family);
	EXPECT_FALSE(x.r[1].network);
	EXPECT_EQ(500, x.r[1].rate);
	EXPECT_EQ(16, x.r[1].burst);

	EXPECT_EQ(-EINVAL, rcmgr_netlimit_get(self->rm, 0, rule_fn, &x));
	EXPECT_EQ(-EINVAL, rcmgr_netlimit_get(self->rm, 4, rule_fn, &x));
}

TEST_F(np, netlimit_reset_one_table_or_both)
{
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_netlimit_reset(self->rm, RCMGR_NETLIMIT_RATE));
	EXPECT_EQ(RCMGR_CMD_NETLIMIT_RESET, sent_cmd(&self->f, &self->t));
	ASSERT_NE(NULL, self->t.a[RCMGR_A_NETLIMIT_TABLE]);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_netlimit_reset(self->rm, 0));
	sent_cmd(&self->f, &self->t);
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_NETLIMIT_TABLE]);
	EXPECT_EQ(-EINVAL, rcmgr_netlimit_reset(self->rm, RCMGR_NETLIMIT_VERIFY));
}

static void script_verify(struct fake *f, bool verify)
{
	struct chunk *c = next_chunk(f);
	struct nlmsghdr *nlh;

	nlh = put_genl(c, SEQ_CUR, 0, RCMGR_CMD_VERIFY_SOURCE_ADDRESS);
	if (verify)
		mnl_attr_put(nlh, RCMGR_A_SCOPE_VERIFY, 0, NULL);
	end(c, nlh);
	put_ack(c, SEQ_CUR, 0, NULL);
}

TEST_F(np, verify_source_address)
{
	bool v = true;

	script_verify(&self->f, false);
	ASSERT_EQ(0, rcmgr_verify_source_address(self->rm,
						 "/ip4/1.2.3.4/udp/1/quic-v1", &v));
	EXPECT_FALSE(v);
	EXPECT_EQ(RCMGR_CMD_VERIFY_SOURCE_ADDRESS, sent_cmd(&self->f, &self->t));
	EXPECT_NE(NULL, self->t.a[RCMGR_A_SCOPE_ENDPOINT_BIN]);
	script_verify(&self->f, true);
	ASSERT_EQ(0, rcmgr_verify_source_address(self->rm, "/ip6/::1", &v));
	EXPECT_TRUE(v);
	/* The kernel cannot read it (no address): verify, as Go does. */
	put_ack(next_chunk(&self->f), SEQ_CUR, -EINVAL, "no IP address");
	v = false;
	ASSERT_EQ(0, rcmgr_verify_source_address(self->rm, "/p2p-circuit", &v));
	EXPECT_TRUE(v);
	/* Nor can the library: no send, and the last error is kept. */
	put_ack(next_chunk(&self->f), SEQ_CUR, -EPERM, "kept");
	EXPECT_EQ(-EPERM, rcmgr_netlimit_reset(self->rm, 0));
	v = false;
	ASSERT_EQ(0, rcmgr_verify_source_address(self->rm, "garbage", &v));
	EXPECT_TRUE(v);
	EXPECT_STREQ("kept", rcmgr_last_error(self->rm)->message);
	EXPECT_EQ(4, self->f.sends);
	/* Other failures are failures. */
	put_ack(next_chunk(&self->f), SEQ_CUR, -EOPNOTSUPP, NULL);
	EXPECT_EQ(-EOPNOTSUPP, rcmgr_verify_source_address(self->rm,
							   "/ip4/1.2.3.4", &v));
}

static int flag_fn(const struct rcmgr_scope_info *i, void *arg)
{
	*(int *)arg = i->allowlisted ? 1 : 2;
	return 0;
}

TEST_F(np, dump_shows_an_allowlisted_conn)
{
	struct chunk *c = next_chunk(&self->f);
	struct nlmsghdr *nlh;
	int flag = 0;

	nlh = put_genl(c, SEQ_CUR, NLM_F_MULTI, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 5);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_CONN);
	mnl_attr_put(nlh, RCMGR_A_SCOPE_ALLOWLISTED, 0, NULL);
	end(c, nlh);
	put_done(c, SEQ_CUR, 0, 0, NULL);
	ASSERT_EQ(0, rcmgr_dump(self->rm, RCMGR_KIND_CONN, flag_fn, &flag));
	EXPECT_EQ(1, flag);
}

/* The LIBRCMGR_1 get and set, as a binary built before 1.3 reaches them. */
int rcmgr_config_get_v1(struct rcmgr *rm, void *cfg);
int rcmgr_config_set_v1(struct rcmgr *rm, const void *cfg);

static void script_config(struct fake *f)
{
	struct chunk *c = next_chunk(f);
	struct nlmsghdr *nlh;

	nlh = put_genl(c, SEQ_CUR, 0, RCMGR_CMD_CONFIG_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_HANDLES, 100);
	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_USER_BINDS, 6);
	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_TRACKED, 4096);
	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_TRACKED, 12);
	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_ALLOWLIST, 1024);
	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_ALLOWLIST_ENTRIES, 2);
	end(c, nlh);
	put_ack(c, SEQ_CUR, 0, NULL);
}

TEST_F(np, config_bounds_of_the_tables)
{
	size_t old = offsetof(struct rcmgr_config, max_tracked);
	unsigned char buf[sizeof(struct rcmgr_config) + 32];
	struct rcmgr_config cfg;
	size_t i;

	script_config(&self->f);
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(100, cfg.max_handles);
	EXPECT_EQ(4096, cfg.max_tracked);
	EXPECT_EQ(12, cfg.tracked);
	EXPECT_EQ(1024, cfg.max_allowlist);
	EXPECT_EQ(2, cfg.allowlist_entries);

	/* set sends them back; a 0 (no such bound read) is left alone. */
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_config_set(self->rm, &cfg));
	sent_cmd(&self->f, &self->t);
	EXPECT_EQ(4096, mnl_attr_get_u32(self->t.a[RCMGR_A_CONFIG_MAX_TRACKED]));
	EXPECT_EQ(1024, mnl_attr_get_u32(self->t.a[RCMGR_A_CONFIG_MAX_ALLOWLIST]));
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_CONFIG_TRACKED]);
	cfg.max_tracked = 0;
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_config_set(self->rm, &cfg));
	sent_cmd(&self->f, &self->t);
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_CONFIG_MAX_TRACKED]);
	EXPECT_NE(NULL, self->t.a[RCMGR_A_CONFIG_MAX_ALLOWLIST]);
	/* Only what is in @which. */
	cfg.max_tracked = 64;
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_config_update(self->rm, &cfg,
					 RCMGR_CONFIG_MAX_TRACKED));
	sent_cmd(&self->f, &self->t);
	EXPECT_EQ(64, mnl_attr_get_u32(self->t.a[RCMGR_A_CONFIG_MAX_TRACKED]));
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_CONFIG_MAX_HANDLES]);
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_CONFIG_MAX_ALLOWLIST]);

	/* A binary built before 1.3: its struct, its bounds, no more. */
	script_config(&self->f);
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, rcmgr_config_get_v1(self->rm, buf));
	memcpy(&cfg, buf, old);
	EXPECT_EQ(100, cfg.max_handles);
	EXPECT_EQ(6, cfg.user_binds);
	for (i = old; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_config_set_v1(self->rm, buf));
	sent_cmd(&self->f, &self->t);
	EXPECT_NE(NULL, self->t.a[RCMGR_A_CONFIG_MAX_HANDLES]);
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_CONFIG_MAX_TRACKED]);
	EXPECT_EQ(NULL, self->t.a[RCMGR_A_CONFIG_MAX_ALLOWLIST]);
}

TEST(null_manager)
{
	struct rcmgr_scope *c;
	struct rcmgr *rm;
	bool v = true;

	ASSERT_EQ(0, rcmgr_open_null(&rm));
	/* Endpoints are checked there too: a daemon's bug shows either way. */
	EXPECT_EQ(-EINVAL, rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, false,
						 "/ip4/1.2.3.4/tcp", &c));
	ASSERT_EQ(0, rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, false,
					   "/ip4/1.2.3.4/tcp/1", &c));
	rcmgr_scope_done(c);
	EXPECT_EQ(0, rcmgr_verify_source_address(rm, "/ip4/1.2.3.4", &v));
	EXPECT_FALSE(v);
	EXPECT_EQ(0, rcmgr_verify_source_address(rm, "/ip4/1.2.3.4/", &v));
	EXPECT_TRUE(v);
	EXPECT_EQ(-EOPNOTSUPP, rcmgr_allowlist_add(rm, "/ip4/1.2.3.4"));
	EXPECT_EQ(-EINVAL, rcmgr_allowlist_add(rm, "/ip4/1.2.3.4/tcp"));
	EXPECT_EQ(-EOPNOTSUPP, rcmgr_netlimit_reset(rm, 0));
	rcmgr_close(rm);
}

TEST_HARNESS_MAIN
