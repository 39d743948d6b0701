// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Refusal events and refusal counts in librcmgr, against a fake transport:
 * a refusal-ntf parsed whole, the 1.0 rcmgr_monitor_read() that skips it
 * and writes no more than its struct, and stats-get and the autoscale
 * budgets of config-get parsed, unknown attributes and kinds skipped.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/socket.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include <sys/stat.h>

#include "kselftest_harness.h"
#include "internal.h"

#define FAMILY	0x1234
#define PORTID	4242
#define SEQ_CUR	0xffffffffu	/* patched to the request's sequence */

struct chunk {
	size_t len;
	char data[4096];
};

struct fake {
	struct chunk chunk[8];
	int n, next;
	uint32_t seq;
};

/* The 1.0 reader, as a binary built before 1.2 reaches it. */
struct rcmgr_event_v1 {
	uint64_t id;
	enum rcmgr_kind kind;
	uint32_t owner;
};
int rcmgr_monitor_read_v1(struct rcmgr_monitor *mon, struct rcmgr_event_v1 *ev);

/* The 1.2 reader and stats, before struct rcmgr_error had the subnet. */
int rcmgr_monitor_read_v1_2(struct rcmgr_monitor *mon,
			    struct rcmgr_event_v1_2 *ev);
int rcmgr_stats_get_v1_2(struct rcmgr *rm, void *st);

static ssize_t fake_send(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;

	f->seq = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	return len;
}

static ssize_t fake_recv(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;
	struct nlmsghdr *m;
	struct chunk *c;
	int n;

	if (f->next >= f->n) {
		errno = EAGAIN;
		return -1;
	}
	c = &f->chunk[f->next++];
	memcpy(buf, c->data, c->len);
	n = c->len;
	for (m = buf; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n))
		if (m->nlmsg_seq == SEQ_CUR)
			m->nlmsg_seq = f->seq;
	return c->len;
}

static const struct rcmgr_io fake_io = { .send = fake_send, .recv = fake_recv };

static struct nlmsghdr *put(struct chunk *c, uint16_t type, uint8_t cmd,
			    uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(c->data + c->len);
	struct genlmsghdr *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = seq ? PORTID : 0;
	if (type != NLMSG_ERROR) {
		g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		g->cmd = cmd;
		g->version = 1;
	}
	return nlh;
}

static void end(struct chunk *c, struct nlmsghdr *nlh)
{
	c->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static void put_ack(struct chunk *c)
{
	struct nlmsghdr *nlh = put(c, NLMSG_ERROR, 0, SEQ_CUR);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	nlh->nlmsg_flags = NLM_F_CAPPED;
	e->msg.nlmsg_len = sizeof(e->msg);
	end(c, nlh);
}

static void put_closed(struct chunk *c, uint64_t id)
{
	struct nlmsghdr *nlh = put(c, FAMILY, RCMGR_CMD_SCOPE_CLOSED_NTF, 0);

	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_CONN);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_OWNER, 77);
	end(c, nlh);
}

/* The test's pid namespace, as the kernel names it. */
static uint32_t own_pid_ns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) ? 0 : st.st_ino;
}

static void put_refusal_ns(struct chunk *c, bool whole, uint32_t pid_ns)
{
	struct nlmsghdr *nlh = put(c, FAMILY, RCMGR_CMD_REFUSAL_NTF, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_REFUSAL);

	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_ID, 9);
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_KIND, RCMGR_SCOPE_KIND_PEER);
	mnl_attr_put(nlh, RCMGR_A_REFUSAL_PEER, 8, "12D3KooW");
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_RESOURCE,
			 RCMGR_RESOURCE_TYPE_STREAMS);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_USAGE, 16);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_ATTEMPTED, 1);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_LIMIT, 16);
	mnl_attr_put_u8(nlh, RCMGR_A_REFUSAL_PRIORITY, 0);
	mnl_attr_put_strz(nlh, RCMGR_A_REFUSAL_MESSAGE, "peer 12D3KooW: streams 16/16");
	if (whole) {
		mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_DIR, RCMGR_DIRECTION_OUTBOUND);
		mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_PID, 4321);
		mnl_attr_put_strz(nlh, RCMGR_A_REFUSAL_COMM, "ipfs");
		mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_UID, 1000);
		mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_DROPPED, 12);
		if (pid_ns)
			mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_PID_NS, pid_ns);
		/* From a newer kernel: skipped. */
		mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_MAX + 7, 1);
	}
	mnl_attr_nest_end(nlh, nest);
	end(c, nlh);
}

static void put_refusal(struct chunk *c, bool whole)
{
	put_refusal_ns(c, whole, own_pid_ns());
}

FIXTURE(mon) {
	struct fake f;
	struct rcmgr_monitor *mon;
};

FIXTURE_SETUP(mon)
{
	struct nlattr *groups, *g;
	struct nlmsghdr *nlh;
	struct chunk *c;

	memset(&self->f, 0, sizeof(self->f));
	c = &self->f.chunk[self->f.n++];
	nlh = put(c, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, SEQ_CUR);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	g = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, RCMGR_MCGRP_EVENTS);
	mnl_attr_nest_end(nlh, g);
	mnl_attr_nest_end(nlh, groups);
	end(c, nlh);
	put_ack(c);
	ASSERT_EQ(0, rcmgr_monitor_open_io(&self->mon, &fake_io, &self->f,
					   PORTID));
}

FIXTURE_TEARDOWN(mon)
{
	rcmgr_monitor_close(self->mon);
}

TEST_F(mon, refusal_parsed_whole)
{
	struct chunk *c = &self->f.chunk[self->f.n++];
	struct rcmgr_event ev;

	put_refusal(c, true);
	put_closed(c, 5);
	put_refusal(c, false);

	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(RCMGR_EVENT_REFUSAL, ev.type);
	EXPECT_EQ(9, ev.id);
	EXPECT_EQ(RCMGR_KIND_PEER, ev.kind);
	EXPECT_EQ(0, ev.owner);
	EXPECT_EQ(EDQUOT, ev.refusal.error);
	EXPECT_STREQ("12D3KooW", ev.refusal.peer);
	EXPECT_EQ(RCMGR_RESOURCE_STREAMS, ev.refusal.resource);
	EXPECT_EQ(RCMGR_DIR_OUTBOUND, ev.refusal.direction);
	EXPECT_EQ(16, ev.refusal.usage);
	EXPECT_EQ(1, ev.refusal.attempted);
	EXPECT_EQ(16, ev.refusal.limit);
	EXPECT_STREQ("peer 12D3KooW: streams 16/16", ev.refusal.message);
	EXPECT_EQ(4321, ev.pid);
	ASSERT_NE(0, own_pid_ns());
	EXPECT_EQ(own_pid_ns(), ev.pid_ns);
	EXPECT_EQ(1, ev.pid_local);
	EXPECT_EQ(1000, ev.uid);
	EXPECT_STREQ("ipfs", ev.comm);
	EXPECT_EQ(12, ev.dropped);

	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(RCMGR_EVENT_SCOPE_CLOSED, ev.type);
	EXPECT_EQ(5, ev.id);
	EXPECT_EQ(77, ev.owner);
	EXPECT_EQ(0, ev.pid);

	/* From an older kernel: no process, no direction of a total. */
	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(RCMGR_EVENT_REFUSAL, ev.type);
	EXPECT_EQ(RCMGR_DIR_UNKNOWN, ev.refusal.direction);
	EXPECT_EQ(0, ev.pid);
	EXPECT_EQ(0, ev.pid_local);
	EXPECT_STREQ("", ev.comm);
	EXPECT_EQ(-EAGAIN, rcmgr_monitor_read(self->mon, &ev));
}

/* A pid counted in another pid namespace is not the reader's. */
TEST_F(mon, refusal_pid_foreign)
{
	struct chunk *c = &self->f.chunk[self->f.n++];
	struct rcmgr_event ev;

	put_refusal_ns(c, true, own_pid_ns() + 1);
	put_refusal_ns(c, true, 0);
	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(4321, ev.pid);
	EXPECT_EQ(own_pid_ns() + 1, ev.pid_ns);
	EXPECT_EQ(0, ev.pid_local);
	/* No pid-ns (an older kernel): not known to be ours. */
	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(4321, ev.pid);
	EXPECT_EQ(0, ev.pid_local);
}

/* A binary built against 1.0 sees scope-closed events only, in 16 bytes. */
TEST_F(mon, old_reader_skips_refusals)
{
	struct chunk *c = &self->f.chunk[self->f.n++];
	struct {
		struct rcmgr_event_v1 ev;
		unsigned char guard[64];
	} v;
	unsigned int i;

	put_refusal(c, true);
	put_closed(c, 5);
	put_refusal(c, true);
	memset(&v, 0xa5, sizeof(v));
	ASSERT_EQ(0, rcmgr_monitor_read_v1(self->mon, &v.ev));
	EXPECT_EQ(5, v.ev.id);
	EXPECT_EQ(RCMGR_KIND_CONN, v.ev.kind);
	EXPECT_EQ(77, v.ev.owner);
	for (i = 0; i < sizeof(v.guard); i++)
		ASSERT_EQ(0xa5, v.guard[i]);
	EXPECT_EQ(-EAGAIN, rcmgr_monitor_read_v1(self->mon, &v.ev));
}

/* A conn-limit refusal: no scope, the rule in a subnet nest. */
static void put_subnet_refusal(struct chunk *c)
{
	struct nlmsghdr *nlh = put(c, FAMILY, RCMGR_CMD_REFUSAL_NTF, 0);
	struct nlattr *nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_REFUSAL);
	static const uint8_t net[4] = { 10, 0, 0, 1 };
	struct nlattr *sub;

	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_RESOURCE,
			 RCMGR_RESOURCE_TYPE_SUBNET_CONNS);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_USAGE, 8);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_ATTEMPTED, 1);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_LIMIT, 8);
	mnl_attr_put_strz(nlh, RCMGR_A_REFUSAL_MESSAGE, "conn-limit 10.0.0.1/32: 8/8 conns");
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_PID, 4321);
	mnl_attr_put_strz(nlh, RCMGR_A_REFUSAL_COMM, "ipfs");
	sub = mnl_attr_nest_start(nlh, RCMGR_A_REFUSAL_SUBNET);
	mnl_attr_put_u16(nlh, RCMGR_A_NETRULE_FAMILY, AF_INET);
	mnl_attr_put_u8(nlh, RCMGR_A_NETRULE_PREFIX_LEN, 32);
	mnl_attr_put(nlh, RCMGR_A_NETRULE_NETWORK, 4, net);
	mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_CONNS, 8);
	mnl_attr_nest_end(nlh, sub);
	mnl_attr_nest_end(nlh, nest);
	end(c, nlh);
}

TEST_F(mon, subnet_refusal_parsed)
{
	struct chunk *c = &self->f.chunk[self->f.n++];
	struct rcmgr_event ev;

	put_subnet_refusal(c);
	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(RCMGR_EVENT_REFUSAL, ev.type);
	EXPECT_EQ(RCMGR_RESOURCE_SUBNET_CONNS, ev.refusal.resource);
	EXPECT_EQ(0, ev.refusal.kind);
	EXPECT_EQ(8, ev.refusal.usage);
	EXPECT_EQ(8, ev.refusal.limit);
	EXPECT_EQ(AF_INET, ev.refusal.subnet.family);
	EXPECT_EQ(32, ev.refusal.subnet.prefix_len);
	EXPECT_TRUE(ev.refusal.subnet.network);
	EXPECT_EQ(10, ev.refusal.subnet.addr[0]);
	EXPECT_EQ(1, ev.refusal.subnet.addr[3]);
	EXPECT_EQ(8, ev.refusal.subnet.conns);
	EXPECT_EQ(4321, ev.pid);
}

/* A binary built against 1.2 gets the event in 1.2's layout, no more. */
TEST_F(mon, v1_2_reader_gets_its_layout)
{
	struct chunk *c = &self->f.chunk[self->f.n++];
	struct {
		struct rcmgr_event_v1_2 ev;
		unsigned char guard[64];
	} v;
	unsigned int i;

	put_refusal(c, true);
	put_subnet_refusal(c);
	memset(&v, 0xa5, sizeof(v));
	ASSERT_EQ(0, rcmgr_monitor_read_v1_2(self->mon, &v.ev));
	EXPECT_EQ(RCMGR_EVENT_REFUSAL, v.ev.type);
	EXPECT_EQ(RCMGR_KIND_PEER, v.ev.refusal.kind);
	EXPECT_STREQ("12D3KooW", v.ev.refusal.peer);
	EXPECT_EQ(16, v.ev.refusal.limit);
	EXPECT_EQ(4321, v.ev.pid);
	EXPECT_EQ(1000, v.ev.uid);
	EXPECT_STREQ("ipfs", v.ev.comm);
	EXPECT_EQ(12, v.ev.dropped);
	EXPECT_EQ(1, v.ev.pid_local);
	ASSERT_EQ(0, rcmgr_monitor_read_v1_2(self->mon, &v.ev));
	EXPECT_EQ(RCMGR_RESOURCE_SUBNET_CONNS, v.ev.refusal.resource);
	EXPECT_EQ(8, v.ev.refusal.usage);
	for (i = 0; i < sizeof(v.guard); i++)
		ASSERT_EQ(0xa5, v.guard[i]);
}

FIXTURE(stats) {
	struct fake f;
	struct rcmgr *rm;
};

FIXTURE_SETUP(stats)
{
	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, rcmgr_open_io(&self->rm, &fake_io, &self->f, PORTID,
				   FAMILY));
}

FIXTURE_TEARDOWN(stats)
{
	rcmgr_close(self->rm);
}

static void put_blocked(struct nlmsghdr *nlh, uint32_t kind, uint16_t res,
			uint64_t n)
{
	struct nlattr *b = mnl_attr_nest_start(nlh, RCMGR_A_STATS_BLOCKED);
	struct nlattr *v;

	mnl_attr_put_u32(nlh, RCMGR_A_STATS_BLOCKED_KIND, kind);
	v = mnl_attr_nest_start(nlh, RCMGR_A_STATS_BLOCKED_VALUES);
	mnl_attr_put_u64(nlh, res, n);
	mnl_attr_nest_end(nlh, v);
	mnl_attr_nest_end(nlh, b);
}

TEST_F(stats, parsed)
{
	struct chunk *c = &self->f.chunk[self->f.n++];
	struct nlmsghdr *nlh = put(c, FAMILY, RCMGR_CMD_STATS_GET, SEQ_CUR);
	struct rcmgr_stats st;

	mnl_attr_put_u64(nlh, RCMGR_A_STATS_REFUSALS, 30);
	mnl_attr_put_u64(nlh, RCMGR_A_STATS_EVENTS, 10);
	mnl_attr_put_u64(nlh, RCMGR_A_STATS_EVENTS_DROPPED, 20);
	put_blocked(nlh, RCMGR_SCOPE_KIND_TRANSIENT,
		    RCMGR_A_RESOURCES_CONNS_INBOUND, 25);
	put_blocked(nlh, RCMGR_SCOPE_KIND_PEER, RCMGR_A_RESOURCES_MEMORY, 5);
	put_blocked(nlh, RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT,
		    RCMGR_A_RESOURCES_CONNS, 4);
	/* A kind from a newer kernel: skipped. */
	put_blocked(nlh, RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT + 1,
		    RCMGR_A_RESOURCES_FD, 99);
	end(c, nlh);
	put_ack(c);

	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(30, st.refusals);
	EXPECT_EQ(10, st.events);
	EXPECT_EQ(20, st.events_dropped);
	EXPECT_EQ(25, st.blocked[RCMGR_KIND_TRANSIENT].conns_inbound);
	EXPECT_EQ(0, st.blocked[RCMGR_KIND_TRANSIENT].conns);
	EXPECT_EQ(5, st.blocked[RCMGR_KIND_PEER].memory);
	EXPECT_EQ(4, st.allowlisted_blocked[1].conns);
	EXPECT_EQ(0, st.allowlisted_blocked[0].conns);
	EXPECT_EQ(0, st.subnet_refusals);
	EXPECT_EQ(self->f.n, self->f.next);
}

static void script_stats(struct fake *f)
{
	struct chunk *c = &f->chunk[f->n++];
	struct nlmsghdr *nlh = put(c, FAMILY, RCMGR_CMD_STATS_GET, SEQ_CUR);

	mnl_attr_put_u64(nlh, RCMGR_A_STATS_REFUSALS, 30);
	mnl_attr_put_u64(nlh, RCMGR_A_STATS_SUBNET_REFUSALS, 9);
	mnl_attr_put_u64(nlh, RCMGR_A_STATS_RATE_REFUSALS, 7);
	mnl_attr_put_u64(nlh, RCMGR_A_STATS_VERIFY_ASKED, 3);
	end(c, nlh);
	put_ack(c);
}

TEST_F(stats, endpoint_policy_counts)
{
	struct rcmgr_stats st;

	script_stats(&self->f);
	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(30, st.refusals);
	EXPECT_EQ(9, st.subnet_refusals);
	EXPECT_EQ(7, st.rate_refusals);
	EXPECT_EQ(3, st.verify_asked);
}

/* A binary built against 1.2 passes the smaller struct. */
TEST_F(stats, v1_2_caller_gets_its_size)
{
	size_t old = offsetof(struct rcmgr_stats, subnet_refusals);
	unsigned char buf[sizeof(struct rcmgr_stats) + 64];
	struct rcmgr_stats st;
	size_t i;

	script_stats(&self->f);
	memset(buf, 0xa5, sizeof(buf));
	ASSERT_EQ(0, rcmgr_stats_get_v1_2(self->rm, buf));
	memcpy(&st, buf, old);
	EXPECT_EQ(30, st.refusals);
	for (i = old; i < sizeof(buf); i++)
		ASSERT_EQ(0xa5, buf[i]);
}

TEST_F(stats, autoscale_parsed)
{
	struct chunk *c = &self->f.chunk[self->f.n++];
	struct nlmsghdr *nlh = put(c, FAMILY, RCMGR_CMD_CONFIG_GET, SEQ_CUR);
	struct rcmgr_autoscale as;

	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_HANDLES, 5);
	mnl_attr_put_u64(nlh, RCMGR_A_CONFIG_AUTOSCALE_RAM, 2ull << 30);
	mnl_attr_put_u64(nlh, RCMGR_A_CONFIG_AUTOSCALE_MEMORY, 256ull << 20);
	mnl_attr_put_u64(nlh, RCMGR_A_CONFIG_AUTOSCALE_FDS, 131072);
	end(c, nlh);
	put_ack(c);

	ASSERT_EQ(0, rcmgr_autoscale_get(self->rm, &as));
	EXPECT_EQ(2ull << 30, as.ram);
	EXPECT_EQ(256ull << 20, as.memory);
	EXPECT_EQ(131072, as.fds);
}

TEST(null_manager)
{
	struct rcmgr_autoscale as;
	struct rcmgr_stats st;
	struct rcmgr *rm;

	ASSERT_EQ(0, rcmgr_open_null(&rm));
	memset(&st, 0xff, sizeof(st));
	EXPECT_EQ(0, rcmgr_stats_get(rm, &st));
	EXPECT_EQ(0, st.refusals);
	EXPECT_EQ(0, st.blocked[RCMGR_KIND_PEER].fd);
	EXPECT_EQ(-EOPNOTSUPP, rcmgr_autoscale_get(rm, &as));
	rcmgr_close(rm);
}

TEST_HARNESS_MAIN
