// SPDX-License-Identifier: GPL-2.0
/*
 * The allowlist and the allowlisted scopes: go-libp2p's allowlist tests
 * (allowlist_test.go: TestAllowedSimple, TestAllowedWithPeer, TestRemoved;
 * rcmgr_test.go: TestResourceManagerWithAllowlist) with their numbers, and
 * what the kernel adds: every scope's usage after each step, nothing lost
 * when a move to the standard scopes is refused, the owner's death, the
 * admin ops and their bounds, privileges, and dumps under churn.
 *
 * Whether an address is allowlisted shows through conn-open: with the
 * system scope's connections limit at 0, a conn opens (in the allowlisted
 * scopes) only from an allowlisted address; and whether it is allowlisted
 * for a peer through set-peer, which must then move it to the full
 * standard scopes otherwise, and fails.
 */
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <sys/wait.h>

#include "rcmgr_allowlist.h"

/*
 * Dump the allowlist: its entries' texts into @texts (up to @max), the
 * count returned, or -errno; -EPROTO if an entry's binary form does not
 * match its text's.
 */
static int al_dump(struct raw_nl *r, char (*texts)[128], int max)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct req q;
	int len, n = 0;

	req_new(&q, r, RCMGR_CMD_ALLOWLIST_GET);
	q.nlh->nlmsg_flags |= NLM_F_DUMP;
	if (req_send(r, q.nlh))
		return -errno;
	for (;;) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		len = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			const struct nlattr *a;
			const char *text = NULL;
			int bin = 0;

			if (m->nlmsg_type == NLMSG_DONE)
				return n;
			if (m->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)mnl_nlmsg_get_payload(m))->error;
			mnl_attr_for_each(a, m, sizeof(struct genlmsghdr)) {
				if (mnl_attr_get_type(a) == RCMGR_A_ALLOWLIST_TEXT)
					text = mnl_attr_get_str(a);
				if (mnl_attr_get_type(a) == RCMGR_A_ALLOWLIST_MULTIADDR)
					bin = mnl_attr_get_payload_len(a);
			}
			if (!text || !bin)
				return -EPROTO;
			if (n < max)
				snprintf(texts[n], sizeof(texts[n]), "%s", text);
			n++;
		}
	}
}

/* TestAllowedSimple, and the entry forms: what is an entry and what not. */
TEST_F(al, entries)
{
	char t[8][128];
	struct req q;

	/* go-libp2p ignores /tcp in an entry; an entry here has none. */
	EXPECT_EQ(-EINVAL, al_op(&self->r, RCMGR_CMD_ALLOWLIST_ADD,
				 "/ip4/1.2.3.4/tcp/1234", &q));
	EXPECT_NE(0, q.ans.msg[0]);
	/* The offset names the multiaddr attribute, after genlmsghdr. */
	EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN, q.ans.bad_offs);
	/* A bare /p2p: "missing ip address" in go-libp2p. */
	EXPECT_EQ(-EINVAL, al_op(&self->r, RCMGR_CMD_ALLOWLIST_ADD,
				 "/p2p/A", &q));
	EXPECT_TRUE(strstr(q.ans.msg, "ip4") != NULL) TH_LOG("%s", q.ans.msg);
	EXPECT_EQ(-EINVAL, al_op(&self->r, RCMGR_CMD_ALLOWLIST_ADD,
				 "/ip4/1.2.3.4/ipcidr/33", &q));
	EXPECT_TRUE(strstr(q.ans.msg, "ipcidr") != NULL) TH_LOG("%s", q.ans.msg);
	EXPECT_EQ(-EINVAL, al_op(&self->r, RCMGR_CMD_ALLOWLIST_ADD,
				 "/raw/ffff", &q));
	EXPECT_NE(0, q.ans.msg[0]);
	EXPECT_EQ(-EINVAL, al_op(&self->r, RCMGR_CMD_ALLOWLIST_ADD,
				 "/ip4/1.2.3.4/raw/2b", &q));
	EXPECT_TRUE(strstr(q.ans.msg, "ipcidr") != NULL) TH_LOG("%s", q.ans.msg);
	/* Shorter than the policy's minimum. */
	EXPECT_EQ(-ERANGE, al_op(&self->r, RCMGR_CMD_ALLOWLIST_ADD,
				 "/raw/04", &q));
	/* Missing attribute. */
	req_new(&q, &self->r, RCMGR_CMD_ALLOWLIST_ADD);
	EXPECT_EQ(-EINVAL, req_do(&q, &self->r));
	EXPECT_EQ(RCMGR_A_ALLOWLIST_MULTIADDR, q.ans.miss_type);
	EXPECT_EQ(0, al_dump(&self->r, t, 8));

	/* ExampleWithAllowlistedMultiaddrs. */
	ASSERT_EQ(0, al_add(&self->r, "/ip4/1.2.3.4"));
	ASSERT_EQ(0, al_add(&self->r, "/ip4/2.2.3.4/p2p/somepeer"));
	/* Host bits are dropped: the entry is the network. */
	ASSERT_EQ(0, al_add(&self->r, "/ip4/1.2.3.77/ipcidr/24"));
	ASSERT_EQ(0, al_add(&self->r, "/ip6/2001:db8::1/ipcidr/32"));
	ASSERT_EQ(4, al_dump(&self->r, t, 8));
	EXPECT_STREQ("/ip4/1.2.3.4", t[0]);
	EXPECT_EQ(0, strncmp(t[1], "/ip4/2.2.3.4/p2p/Qm", 19)) TH_LOG("%s", t[1]);
	EXPECT_STREQ("/ip4/1.2.3.0/ipcidr/24", t[2]);
	EXPECT_STREQ("/ip6/2001:db8::/ipcidr/32", t[3]);
	/* Equal networks are equal entries, however written. */
	EXPECT_EQ(-EEXIST, al_add(&self->r, "/ip4/1.2.3.0/ipcidr/24"));
	EXPECT_EQ(-EEXIST, al_add(&self->r, "/ip4/1.2.3.4/ipcidr/32"));
	/* A peer makes another entry. */
	EXPECT_EQ(0, al_add(&self->r, "/ip4/1.2.3.4/p2p/somepeer"));
	EXPECT_EQ(5, req_config(&self->r, RCMGR_A_CONFIG_ALLOWLIST_ENTRIES));

	/* TestAllowedSimple: Allowed(/ip4/1.2.3.4/tcp/1234). */
	ASSERT_EQ(0, block_standard(&self->r));
	EXPECT_LT(0, conn_from(&self->r, "/ip4/1.2.3.4/tcp/1234", NULL));
	EXPECT_LT(0, conn_from(&self->r, "/ip4/1.2.3.200/tcp/1", NULL));
	EXPECT_LT(0, conn_from(&self->r, "/ip6/2001:db8:ffff::9/tcp/1", NULL));
	EXPECT_EQ(-EDQUOT, conn_from(&self->r, "/ip4/1.2.4.1/tcp/1", NULL));
	EXPECT_EQ(-EDQUOT, conn_from(&self->r, "/ip6/2001:db9::1/tcp/1", NULL));
	EXPECT_CONNS(&self->r, 0, 0, 3, 3);
}

/*
 * Allowed() and AllowedPeerAndMultiaddr() for an endpoint and peer A, with
 * @entries (NULL-terminated): the first through conn-open with the standard
 * scopes closed, the second through set-peer, which then has to move the
 * conn to them.  Each in a namespace of its own.
 */
static void probe(struct __test_metadata *_metadata, const char *const *entries,
		  const char *endpoint, bool allowed, bool allowed_peer)
{
	struct raw_nl r;
	int64_t c;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&r));
	ASSERT_EQ(0, block_standard(&r));
	for (; *entries; entries++) {
		int ret = al_add(&r, *entries);

		/* go-libp2p keeps duplicates; here the second is EEXIST. */
		ASSERT_TRUE(ret == 0 || ret == -EEXIST) TH_LOG("%s", *entries);
	}
	c = conn_from(&r, endpoint, NULL);
	EXPECT_EQ(allowed, c > 0) TH_LOG("%s allowed", endpoint);
	if (c > 0) {
		EXPECT_EQ(1, allowlisted(&r, c));
		EXPECT_EQ(allowed_peer ? 0 : -EDQUOT, set_peer(&r, c, "A", NULL))
			TH_LOG("%s allowed for peer A", endpoint);
		/* Either way it is still allowlisted (a refusal moves nothing). */
		EXPECT_EQ(1, allowlisted(&r, c));
		EXPECT_EQ(allowed_peer, use(&r, PEER, "A", CONNS));
		EXPECT_EQ(1, use(&r, ASYS, NULL, CONNS));
		EXPECT_EQ(!allowed_peer, use(&r, ATRA, NULL, CONNS));
		EXPECT_EQ(0, req_done(&r, c));
	}
	EXPECT_EMPTY(&r);
	raw_close(&r);
}

#define A	"/ip4/1.2.3.4/tcp/1234"
#define B	"/ip4/2.2.3.4/tcp/1234"
#define E(...)	((const char *const []){ __VA_ARGS__, NULL })

/* TestAllowedWithPeer, row by row. */
TEST_F_TIMEOUT(al, allowed_with_peer, 180)
{
	probe(_metadata, E("/ip4/1.2.3.1"), A, false, false);
	probe(_metadata, E("/ip4/1.2.3.4/p2p/B"), A, true, false);
	probe(_metadata, E("/ip4/1.2.3.0/ipcidr/24"), A, true, true);
	probe(_metadata, E("/ip4/1.2.3.0/ipcidr/24/p2p/A"), A, true, true);
	probe(_metadata, E("/ip4/1.2.3.0/ipcidr/24/p2p/B"), A, true, false);
	probe(_metadata, E("/ip4/0.0.0.0/ipcidr/0"), A, true, true);
	probe(_metadata, E("/ip4/1.2.3.4/p2p/A", "/ip4/2.2.3.4/p2p/A"), A,
	      true, true);
	probe(_metadata, E("/ip4/1.2.3.4/p2p/A", "/ip4/2.2.3.4/p2p/A"), B,
	      true, true);
	probe(_metadata, E("/ip4/1.2.3.4/p2p/A", "/ip4/1.2.3.4/p2p/A"), A,
	      true, true);
	/* Not in go-libp2p's table: other families, peers mixed. */
	probe(_metadata, E("/ip4/1.2.3.4/p2p/B", "/ip4/1.2.0.0/ipcidr/16"), A,
	      true, true);
	probe(_metadata, E("/ip6/::/ipcidr/0"), A, false, false);
	/* An IPv4-mapped address is the IPv4 one, as in Go. */
	probe(_metadata, E("/ip4/1.2.3.0/ipcidr/24/p2p/A"),
	      "/ip6/::ffff:1.2.3.4/tcp/1", true, true);
	probe(_metadata, E("/ip4/1.2.3.0/ipcidr/24"),
	      "/ip6/::ffff:1.2.4.4/tcp/1", false, false);
	probe(_metadata, E("/ip6/2001:db8::/ipcidr/48/p2p/A"),
	      "/ip6/2001:db8::5/tcp/1", true, true);
	probe(_metadata, E("/ip6/2001:db8::/ipcidr/48/p2p/A"),
	      "/ip6/2001:db8:1::5/tcp/1", false, false);
}

/* TestRemoved: add, allowed; remove, not allowed any more. */
TEST_F(al, removed)
{
	static const char *const entries[] = {
		"/ip4/1.2.3.4", "/ip4/1.2.3.4/p2p/A",
		"/ip4/0.0.0.0/ipcidr/0", "/ip4/0.0.0.0/ipcidr/0/p2p/A",
	};
	int64_t c;

	ASSERT_EQ(0, block_standard(&self->r));
	for (unsigned int i = 0; i < 4; i++) {
		ASSERT_EQ(0, al_add(&self->r, entries[i]));
		c = conn_from(&self->r, "/ip4/1.2.3.4", NULL);
		ASSERT_LT(0, c);
		EXPECT_EQ(0, set_peer(&self->r, c, "A", NULL));
		EXPECT_EQ(0, req_done(&self->r, c));
		ASSERT_EQ(0, al_del(&self->r, entries[i]));
		EXPECT_EQ(-ENOENT, al_del(&self->r, entries[i]));
		EXPECT_EQ(-EDQUOT, conn_from(&self->r, "/ip4/1.2.3.4", NULL));
	}
	EXPECT_EMPTY(&self->r);
}

/*
 * TestResourceManagerWithAllowlist: system and transient allow no conn;
 * allowlisted system 2 (inbound 2, outbound 1), allowlisted transient 1.
 */
TEST_F(al, resource_manager)
{
	struct raw_nl *r = &self->r;
	struct raw_ans ans;
	int64_t c2, c3, c4;

	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL, CONNS, 0));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_TRANSIENT, NULL, CONNS, 0));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_SYSTEM, NULL, CONNS, 2));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_SYSTEM, NULL, CONNS_IN, 2));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_SYSTEM, NULL,
			       RCMGR_A_RESOURCES_CONNS_OUTBOUND, 1));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_TRANSIENT, NULL, CONNS, 1));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_TRANSIENT, NULL, CONNS_IN, 1));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_OUTBOUND, 1));
	ASSERT_EQ(0, al_add(r, "/ip4/1.2.3.4"));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.1/p2p/A"));

	/* 1. Not allowlisted: the transient scope's refusal. */
	EXPECT_EQ(-EDQUOT, conn_from(r, "/ip4/1.2.3.5", &ans));
	EXPECT_EQ(TRA, refusal_kind(&ans));
	EXPECT_CONNS(r, 0, 0, 0, 0);

	/* 2. Allowlisted for any peer. */
	c2 = conn_from(r, "/ip4/1.2.3.4", NULL);
	ASSERT_LT(0, c2);
	EXPECT_EQ(1, allowlisted(r, c2));
	EXPECT_CONNS(r, 0, 0, 1, 1);
	EXPECT_EQ(1, use(r, ASYS, NULL, FD));
	EXPECT_EQ(1, use(r, ATRA, NULL, FD));
	EXPECT_EQ(0, set_peer(r, c2, "random", NULL));
	EXPECT_CONNS(r, 0, 0, 1, 0);
	EXPECT_EQ(1, use(r, PEER, "random", CONNS));

	/* 3. Allowlisted for peer A only: another peer cannot move to the
	 *    full standard scopes.  go-libp2p leaves the conn in no scope;
	 *    here it stays where it was, and system is named.
	 */
	c3 = conn_from(r, "/ip4/4.3.2.1", NULL);
	ASSERT_LT(0, c3);
	EXPECT_CONNS(r, 0, 0, 2, 1);
	EXPECT_EQ(-EDQUOT, set_peer(r, c3, "random", &ans));
	EXPECT_EQ(SYS, refusal_kind(&ans));
	EXPECT_EQ(1, allowlisted(r, c3));
	EXPECT_CONNS(r, 0, 0, 2, 1);
	EXPECT_EQ(1, use(r, PEER, "random", CONNS));
	/* Full: allowlisted transient holds 1 of 1; its refusal is told. */
	EXPECT_EQ(-EDQUOT, conn_from(r, "/ip4/4.3.2.1", &ans));
	EXPECT_EQ(ATRA, refusal_kind(&ans));
	EXPECT_EQ(0, req_done(r, c3));
	EXPECT_CONNS(r, 0, 0, 1, 0);

	/* 4. Allowlisted for peer A, and it is peer A. */
	c4 = conn_from(r, "/ip4/4.3.2.1", NULL);
	ASSERT_LT(0, c4);
	EXPECT_EQ(0, set_peer(r, c4, "A", NULL));
	EXPECT_EQ(1, allowlisted(r, c4));

	/* go-libp2p's end state: allowlisted system in 2, fd 2. */
	EXPECT_CONNS(r, 0, 0, 2, 0);
	EXPECT_EQ(2, use(r, ASYS, NULL, CONNS_IN));
	EXPECT_EQ(2, use(r, ASYS, NULL, FD));
	EXPECT_EQ(0, use(r, ATRA, NULL, FD));
	EXPECT_EQ(1, use(r, PEER, "A", CONNS));

	EXPECT_EQ(0, req_done(r, c2));
	EXPECT_EQ(0, req_done(r, c4));
	EXPECT_EMPTY(r);
	EXPECT_EQ(0, use(r, PEER, "A", CONNS));
	EXPECT_EQ(0, use(r, PEER, "random", CONNS));
}

/*
 * A conn allowlisted for another peer moves to the standard scopes with all
 * it holds (its memory and its spans'), when they have room.
 */
TEST_F(al, to_standard)
{
	struct raw_nl *r = &self->r;
	int64_t c, sp;

	ASSERT_EQ(0, block_standard(r));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.1/p2p/A"));
	c = conn_from(r, "/ip4/4.3.2.1/tcp/4001", NULL);
	ASSERT_LT(0, c);
	ASSERT_EQ(0, req_mem(r, c, 1000));
	sp = req_span(r, c);
	ASSERT_LT(0, sp);
	ASSERT_EQ(0, req_mem(r, sp, 500));
	EXPECT_EQ(1500, use(r, ATRA, NULL, MEM));
	EXPECT_EQ(1500, use(r, ASYS, NULL, MEM));
	EXPECT_EQ(0, use(r, SYS, NULL, MEM));

	/* Memory alone does not make room for the conn: still refused. */
	EXPECT_EQ(-EDQUOT, set_peer(r, c, "B", NULL));
	EXPECT_EQ(1500, use(r, ATRA, NULL, MEM));

	/* Room in system: the conn moves, then goes to the peer. */
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL, CONNS, 10));
	ASSERT_EQ(0, set_peer(r, c, "B", NULL));
	EXPECT_EQ(0, allowlisted(r, c));
	EXPECT_CONNS(r, 1, 0, 0, 0);
	EXPECT_EQ(1500, use(r, SYS, NULL, MEM));
	EXPECT_EQ(0, use(r, TRA, NULL, MEM));
	EXPECT_EQ(0, use(r, ATRA, NULL, MEM));
	EXPECT_EQ(0, use(r, ASYS, NULL, MEM));
	EXPECT_EQ(1, use(r, SYS, NULL, FD));
	EXPECT_EQ(0, use(r, ASYS, NULL, FD));
	EXPECT_EQ(1500, use(r, PEER, "B", MEM));
	EXPECT_EQ(1, use(r, PEER, "B", CONNS));

	/* From now on it charges the standard scopes. */
	EXPECT_EQ(0, req_mem(r, sp, 100));
	EXPECT_EQ(1600, use(r, SYS, NULL, MEM));
	EXPECT_EQ(0, req_done(r, sp));
	EXPECT_EQ(1000, use(r, SYS, NULL, MEM));
	EXPECT_EQ(1000, use(r, PEER, "B", MEM));
	EXPECT_EQ(0, req_done(r, c));
	EXPECT_EMPTY(r);
	EXPECT_EQ(0, use(r, PEER, "B", MEM));
}

/*
 * The peer refuses after the move to the standard scopes: the conn stays
 * in transient (as go-libp2p), no longer allowlisted.
 */
TEST_F(al, to_standard_peer_refuses)
{
	struct raw_nl *r = &self->r;
	char id[64];
	int64_t c;

	ASSERT_EQ(0, block_standard(r));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.1/p2p/A"));
	peer_id("B", id);
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_PEER, id, CONNS, 0));
	c = conn_from(r, "/ip4/4.3.2.1", NULL);
	ASSERT_LT(0, c);
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL, CONNS, 10));
	EXPECT_EQ(-EDQUOT, set_peer(r, c, "B", NULL));
	EXPECT_EQ(0, allowlisted(r, c));
	EXPECT_CONNS(r, 1, 1, 0, 0);
	/* And may try again with a peer that has room. */
	EXPECT_EQ(0, set_peer(r, c, "C", NULL));
	EXPECT_CONNS(r, 1, 0, 0, 0);
	EXPECT_EQ(0, req_done(r, c));
	EXPECT_EMPTY(r);
}

/* Memory on an allowlisted conn with its peer: [peer, allowlisted-system]. */
TEST_F(al, with_peer_charges)
{
	struct raw_nl *r = &self->r;
	int64_t c, sp;

	ASSERT_EQ(0, block_standard(r));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.0/ipcidr/24/p2p/A"));
	c = conn_from(r, "/ip4/4.3.2.1", NULL);
	ASSERT_LT(0, c);
	ASSERT_EQ(0, req_mem(r, c, 300));
	ASSERT_EQ(0, set_peer(r, c, "A", NULL));
	EXPECT_EQ(-EALREADY, set_peer(r, c, "A", NULL));
	EXPECT_EQ(300, use(r, PEER, "A", MEM));
	EXPECT_EQ(300, use(r, ASYS, NULL, MEM));
	EXPECT_EQ(0, use(r, ATRA, NULL, MEM));
	sp = req_span(r, c);
	ASSERT_LT(0, sp);
	ASSERT_EQ(0, req_mem(r, sp, 700));
	EXPECT_EQ(1000, use(r, PEER, "A", MEM));
	EXPECT_EQ(1000, use(r, ASYS, NULL, MEM));
	EXPECT_EQ(0, use(r, SYS, NULL, MEM));
	EXPECT_EQ(0, use(r, TRA, NULL, MEM));
	/* The allowlisted system's memory limit applies. */
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_SYSTEM, NULL, MEM, 1100));
	EXPECT_EQ(-EDQUOT, req_mem(r, sp, 101));
	EXPECT_EQ(0, req_mem(r, sp, 100));
	EXPECT_EQ(0, req_mem(r, c, -300));
	EXPECT_EQ(800, use(r, ASYS, NULL, MEM));
	/* Done on the conn first: the span is a zombie, releases nothing. */
	EXPECT_EQ(0, req_done(r, c));
	EXPECT_EQ(0, req_done(r, sp));
	EXPECT_EMPTY(r);
	EXPECT_EQ(0, use(r, PEER, "A", MEM));
	EXPECT_EQ(0, use(r, PEER, "A", CONNS));
}

/* The allowlist is read only once the standard scopes refused. */
TEST_F(al, standard_first)
{
	struct raw_nl *r = &self->r;
	int64_t c;

	ASSERT_EQ(0, al_add(r, "/ip4/1.2.3.4"));
	c = conn_from(r, "/ip4/1.2.3.4", NULL);
	ASSERT_LT(0, c);
	EXPECT_EQ(0, allowlisted(r, c));
	EXPECT_CONNS(r, 1, 1, 0, 0);
	/* Set-peer of a conn that is not allowlisted looks at nothing. */
	ASSERT_EQ(0, block_standard(r));
	EXPECT_EQ(0, set_peer(r, c, "B", NULL));
	EXPECT_CONNS(r, 1, 0, 0, 0);
	EXPECT_EQ(0, req_done(r, c));
	/* A conn without an endpoint is never allowlisted. */
	EXPECT_EQ(-EDQUOT, req_conn(r, -1));
	EXPECT_EMPTY(r);
}

/*
 * TestAllowlistAndConnLimiterPlayNice: an entry without a peer limits its
 * network in the conn-limit table to the allowlisted-system class's conns
 * (8 here), in place of the per-subnet rules; one with a peer does not.
 */
TEST_F(al, conn_limit_network)
{
	struct raw_nl *r = &self->r;
	int64_t ids[8], other[9];
	struct raw_ans ans;
	char ep[64];
	int i;

	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_SYSTEM, NULL, CONNS, 8));
	ASSERT_EQ(0, al_add(r, "/ip4/1.2.3.0/ipcidr/24"));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.0/ipcidr/24/p2p/A"));
	for (i = 0; i < 8; i++) {
		snprintf(ep, sizeof(ep), "/ip4/1.2.3.%d/tcp/1", i + 1);
		ids[i] = conn_from(r, ep, NULL);
		ASSERT_LT(0, ids[i]);
	}
	EXPECT_EQ(-EDQUOT, conn_from(r, "/ip4/1.2.3.200/tcp/1", &ans));
	EXPECT_EQ(RCMGR_RESOURCE_TYPE_SUBNET_CONNS,
		  refusal_u32(&ans, RCMGR_A_REFUSAL_RESOURCE));
	/*
	 * In the peer's network, the per-subnet rules alone (a /32 each):
	 * 9 at once from 9 addresses.
	 */
	for (i = 0; i < 9; i++) {
		snprintf(ep, sizeof(ep), "/ip4/4.3.2.%d/tcp/1", i + 1);
		other[i] = conn_from(r, ep, NULL);
		ASSERT_LT(0, other[i]);
	}
	for (i = 0; i < 9; i++)
		EXPECT_EQ(0, req_done(r, other[i]));
	/* A conn done makes room. */
	EXPECT_EQ(0, req_done(r, ids[0]));
	ids[0] = conn_from(r, "/ip4/1.2.3.200/tcp/1", NULL);
	EXPECT_LT(0, ids[0]);
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, req_done(r, ids[i]));
	EXPECT_EMPTY(r);
}

/* The owner's death releases the allowlisted scopes, once. */
TEST_F(al, owner_killed)
{
	struct raw_nl *r = &self->r;
	int p[2], st;
	pid_t pid;
	char c;

	ASSERT_EQ(0, block_standard(r));
	ASSERT_EQ(0, al_add(r, "/ip4/1.2.3.4"));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.1/p2p/A"));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct raw_nl cr;
		int64_t a, b;

		close(p[0]);
		if (raw_open(&cr))
			_exit(1);
		a = conn_from(&cr, "/ip4/1.2.3.4", NULL);
		b = conn_from(&cr, "/ip4/4.3.2.1", NULL);
		if (a <= 0 || b <= 0 || set_peer(&cr, a, "A", NULL) ||
		    req_mem(&cr, a, 4096) || req_mem(&cr, b, 8192) ||
		    req_span(&cr, b) <= 0)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	close(p[0]);
	EXPECT_CONNS(r, 0, 0, 2, 1);
	EXPECT_EQ(4096 + 8192, use(r, ASYS, NULL, MEM));
	EXPECT_EQ(8192, use(r, ATRA, NULL, MEM));
	EXPECT_EQ(4096, use(r, PEER, "A", MEM));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	EXPECT_EMPTY(r);
	EXPECT_EQ(0, use(r, PEER, "A", MEM));
	EXPECT_EQ(0, req_config(r, RCMGR_A_CONFIG_HANDLES));
}

/* The admin ops: order, EEXIST, ENOENT, ENOSPC at max-allowlist. */
TEST_F(al, ops)
{
	struct raw_nl *r = &self->r;
	char t[8][128];
	struct req q;
	int64_t c;

	EXPECT_EQ(1024, req_config(r, RCMGR_A_CONFIG_MAX_ALLOWLIST));
	EXPECT_EQ(0, req_config(r, RCMGR_A_CONFIG_ALLOWLIST_ENTRIES));
	EXPECT_EQ(-ENOENT, al_del(r, "/ip4/1.1.1.1"));
	ASSERT_EQ(0, req_config_set(r, RCMGR_A_CONFIG_MAX_ALLOWLIST, 3));
	EXPECT_EQ(-ERANGE, req_config_set(r, RCMGR_A_CONFIG_MAX_ALLOWLIST, 0));
	ASSERT_EQ(0, al_add(r, "/ip4/1.1.1.1"));
	ASSERT_EQ(0, al_add(r, "/ip4/2.2.2.2"));
	ASSERT_EQ(0, al_add(r, "/ip4/3.3.3.3"));
	EXPECT_EQ(-EEXIST, al_add(r, "/ip4/2.2.2.2"));
	EXPECT_EQ(-ENOSPC, al_op(r, RCMGR_CMD_ALLOWLIST_ADD, "/ip4/4.4.4.4", &q));
	EXPECT_TRUE(strstr(q.ans.msg, "max-allowlist") != NULL) TH_LOG("%s", q.ans.msg);
	EXPECT_EQ(3, req_config(r, RCMGR_A_CONFIG_ALLOWLIST_ENTRIES));
	/* Removing keeps the others' order; adding appends. */
	ASSERT_EQ(0, al_del(r, "/ip4/2.2.2.2"));
	EXPECT_EQ(-ENOENT, al_del(r, "/ip4/2.2.2.2"));
	ASSERT_EQ(0, al_add(r, "/ip4/4.4.4.4"));
	ASSERT_EQ(3, al_dump(r, t, 8));
	EXPECT_STREQ("/ip4/1.1.1.1", t[0]);
	EXPECT_STREQ("/ip4/3.3.3.3", t[1]);
	EXPECT_STREQ("/ip4/4.4.4.4", t[2]);
	/* A lower bound keeps what is there, and refuses more. */
	ASSERT_EQ(0, req_config_set(r, RCMGR_A_CONFIG_MAX_ALLOWLIST, 1));
	EXPECT_EQ(-ENOSPC, al_add(r, "/ip4/5.5.5.5"));
	EXPECT_EQ(3, al_dump(r, t, 8));
	/* Removing a conn's entry leaves the conn where it is. */
	ASSERT_EQ(0, block_standard(r));
	c = conn_from(r, "/ip4/1.1.1.1", NULL);
	ASSERT_LT(0, c);
	ASSERT_EQ(0, al_del(r, "/ip4/1.1.1.1"));
	EXPECT_CONNS(r, 0, 0, 1, 1);
	/* At set-peer, it is no longer allowlisted for any peer. */
	EXPECT_EQ(-EDQUOT, set_peer(r, c, "A", NULL));
	EXPECT_EQ(0, req_done(r, c));
	EXPECT_EMPTY(r);
}

/* Nobody, and root of a user namespace over the namespace: EPERM. */
TEST_F(al, privilege)
{
	struct raw_nl *r = &self->r;
	char t[4][128];
	pid_t pid;
	int st;

	ASSERT_EQ(0, al_add(r, "/ip4/1.1.1.1"));
	for (int userns = 0; userns < 2; userns++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			char map[32];
			struct raw_nl cr, own;
			int fd;

			if (req_become(NOBODY) || raw_open(&cr))
				_exit(10);
			if (userns) {
				/* Root of a new user namespace, with a netns. */
				if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
					_exit(11);
				fd = open("/proc/self/setgroups", O_WRONLY);
				if (fd < 0 || write(fd, "deny", 4) != 4)
					_exit(12);
				close(fd);
				snprintf(map, sizeof(map), "0 %d 1", NOBODY);
				fd = open("/proc/self/uid_map", O_WRONLY);
				if (fd < 0 || write(fd, map, strlen(map)) < 0)
					_exit(13);
				close(fd);
				fd = open("/proc/self/gid_map", O_WRONLY);
				if (fd < 0 || write(fd, map, strlen(map)) < 0)
					_exit(14);
				close(fd);
				if (setresuid(0, 0, 0) || setresgid(0, 0, 0))
					_exit(15);
			}
			/* The test's namespace, through a socket opened there. */
			if (al_add(&cr, "/ip4/2.2.2.2") != -EPERM ||
			    al_del(&cr, "/ip4/1.1.1.1") != -EPERM ||
			    al_dump(&cr, t, 4) != -EPERM ||
			    req_config_set(&cr, RCMGR_A_CONFIG_MAX_ALLOWLIST, 5) != -EPERM)
				_exit(20);
			if (!userns)
				_exit(0);
			/* Its own namespace is its to manage. */
			if (raw_open(&own) || al_add(&own, "/ip4/2.2.2.2") ||
			    al_dump(&own, t, 4) != 1 ||
			    strcmp(t[0], "/ip4/2.2.2.2"))
				_exit(21);
			/* Not above the host's ceiling. */
			if (req_config_set(&own, RCMGR_A_CONFIG_MAX_ALLOWLIST, 1025) != -EPERM)
				_exit(22);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		EXPECT_TRUE(WIFEXITED(st));
		EXPECT_EQ(0, WEXITSTATUS(st)) TH_LOG("userns %d", userns);
	}
	ASSERT_EQ(1, al_dump(r, t, 4));
	EXPECT_STREQ("/ip4/1.1.1.1", t[0]);
	EXPECT_EQ(1024, req_config(r, RCMGR_A_CONFIG_MAX_ALLOWLIST));
}

struct churn {
	volatile bool stop;
	volatile int rounds;
	int err;
};

/* Add and remove entries as fast as possible, on a socket of its own. */
static void *churn_fn(void *arg)
{
	struct churn *ch = arg;
	struct raw_nl r;
	char e[64];

	if (raw_open(&r)) {
		ch->err = -1;
		return NULL;
	}
	while (!ch->stop) {
		for (int i = 0; i < 40; i++) {
			snprintf(e, sizeof(e), "/ip4/10.1.%d.%d", ch->rounds & 0xff, i);
			if (al_add(&r, e))
				ch->err = 1;
		}
		for (int i = 0; i < 40; i++) {
			snprintf(e, sizeof(e), "/ip4/10.1.%d.%d", ch->rounds & 0xff, i);
			if (al_del(&r, e))
				ch->err = 2;
		}
		ch->rounds++;
	}
	raw_close(&r);
	return NULL;
}

/*
 * A dump ends, and shows each entry at most once, in order, while others
 * come and go; the entries there all along are all in it.
 */
TEST_F(al, dump_under_churn)
{
	static char t[600][128];
	struct churn ch = {};
	pthread_t th;
	char e[64];
	int n, i, j, stable;

	for (i = 1; i <= 100; i++) {
		snprintf(e, sizeof(e), "/ip6/2001:db8::%x", i);
		ASSERT_EQ(0, al_add(&self->r, e));
	}
	ASSERT_EQ(0, pthread_create(&th, NULL, churn_fn, &ch));
	/* At least 30 dumps, and until the churn did 2 rounds meanwhile. */
	for (int round = 0; round < 30 || ch.rounds < 2; round++) {
		n = al_dump(&self->r, t, 600);
		ASSERT_LE(100, n);
		ASSERT_GE(600, n);
		stable = 0;
		for (i = 0; i < n; i++) {
			if (!strncmp(t[i], "/ip6/", 5)) {
				snprintf(e, sizeof(e), "/ip6/2001:db8::%x",
					 stable + 1);
				EXPECT_STREQ(e, t[i]);
				stable++;
			}
			for (j = 0; j < i; j++)
				ASSERT_STRNE(t[i], t[j]);
		}
		EXPECT_EQ(100, stable);
	}
	ch.stop = true;
	pthread_join(th, NULL);
	EXPECT_EQ(0, ch.err);
	EXPECT_EQ(100, al_dump(&self->r, t, 600));
}

TEST_HARNESS_MAIN
