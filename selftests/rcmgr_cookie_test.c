// SPDX-License-Identifier: GPL-2.0
/*
 * Handles named by their owner's cookie: an open with new-cookie has no
 * reply, later requests name the handle by cookie, cookies are the socket's
 * own (another socket finds nothing by them and may use the same values),
 * a live cookie cannot be given twice, and a handle its owner drops by id
 * while it is being named is not left named.
 */
#include <errno.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "kselftest_harness.h"
#include "rcmgr_req.h"

#define PEER	"cookie-peer"

FIXTURE(cookie) {
	struct raw_nl a, b;
};

FIXTURE_SETUP(cookie)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, raw_open(&self->a)) TH_LOG("is rcmgr.ko loaded?");
	ASSERT_EQ(0, raw_open(&self->b));
}

FIXTURE_TEARDOWN(cookie)
{
	raw_close(&self->a);
	raw_close(&self->b);
}

/* Open a stream named @cookie: 0 or -errno, the answer in @q. */
static int open_stream(struct req *q, struct raw_nl *r, uint64_t cookie)
{
	req_new(q, r, RCMGR_CMD_STREAM_OPEN);
	mnl_attr_put(q->nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER);
	mnl_attr_put_u32(q->nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	mnl_attr_put_u64(q->nlh, RCMGR_A_SCOPE_NEW_COOKIE, cookie);
	return req_do(q, r);
}

/* A request on the handle named @cookie. */
static struct nlmsghdr *on_cookie(struct req *q, struct raw_nl *r, int cmd,
				  uint64_t cookie)
{
	req_new(q, r, cmd);
	mnl_attr_put_u64(q->nlh, RCMGR_A_SCOPE_COOKIE, cookie);
	return q->nlh;
}

static int mem(struct raw_nl *r, uint64_t cookie, int64_t size)
{
	struct req q;

	on_cookie(&q, r, req_mem_cmd(size), cookie);
	return req_mem_do(&q, r, size);
}

static int done(struct raw_nl *r, uint64_t cookie)
{
	struct req q;

	on_cookie(&q, r, RCMGR_CMD_SCOPE_DONE, cookie);
	return req_do(&q, r);
}

/* The id scope-get gives for @cookie, or -errno. */
static int64_t id_of(struct raw_nl *r, uint64_t cookie)
{
	struct req q;
	int ret;

	on_cookie(&q, r, RCMGR_CMD_SCOPE_GET, cookie);
	ret = req_do(&q, r);
	return ret ?: (int64_t)raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
}

static int64_t system_use(struct raw_nl *r, int res)
{
	return req_usage(r, RCMGR_SCOPE_KIND_SYSTEM, NULL, res);
}

/* Nothing is queued on the socket. */
static bool queue_empty(struct raw_nl *r)
{
	char buf[256];

	return recv(mnl_socket_get_fd(r->nl), buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
	       errno == EAGAIN;
}

TEST_F(cookie, open_has_no_reply)
{
	struct req q;
	int64_t id, span;

	/* With an ack asked: the ack alone, no id. */
	ASSERT_EQ(0, open_stream(&q, &self->a, 1));
	EXPECT_EQ(0, q.ans.reply_len);
	/* Without: nothing at all. */
	req_new(&q, &self->a, RCMGR_CMD_STREAM_OPEN);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_NEW_COOKIE, 2);
	q.nlh->nlmsg_flags &= ~NLM_F_ACK;
	ASSERT_EQ(0, req_send(&self->a, q.nlh));
	EXPECT_TRUE(queue_empty(&self->a));
	EXPECT_EQ(1, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS_INBOUND));
	EXPECT_EQ(1, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS_OUTBOUND));

	/* The id is scope-get's; the handle answers to both names. */
	id = id_of(&self->a, 1);
	ASSERT_GT(id, 0);
	EXPECT_NE(id, id_of(&self->a, 2));
	EXPECT_EQ(0, mem(&self->a, 1, 100));
	EXPECT_EQ(100, system_use(&self->a, RCMGR_A_RESOURCES_MEMORY));
	EXPECT_EQ(0, req_mem(&self->a, id, -40));
	EXPECT_EQ(60, system_use(&self->a, RCMGR_A_RESOURCES_MEMORY));

	/* A span on a handle named by cookie, itself named by cookie. */
	on_cookie(&q, &self->a, RCMGR_CMD_SPAN_BEGIN, 1);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_NEW_COOKIE, 3);
	ASSERT_EQ(0, req_do(&q, &self->a));
	EXPECT_EQ(0, q.ans.reply_len);
	span = id_of(&self->a, 3);
	EXPECT_GT(span, id);
	EXPECT_EQ(0, mem(&self->a, 3, 7));
	EXPECT_EQ(67, system_use(&self->a, RCMGR_A_RESOURCES_MEMORY));

	/* Done: gone by both names, everything released. */
	EXPECT_EQ(0, done(&self->a, 1));
	EXPECT_EQ(-ENOENT, done(&self->a, 1));
	EXPECT_EQ(-ENOENT, id_of(&self->a, 1));
	EXPECT_EQ(-ENOENT, req_done(&self->a, id));
	EXPECT_EQ(0, system_use(&self->a, RCMGR_A_RESOURCES_MEMORY));
	EXPECT_EQ(0, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS_INBOUND));
	/* The span outlives its parent as a zombie, until its own done. */
	EXPECT_EQ(span, id_of(&self->a, 3));
	EXPECT_EQ(0, done(&self->a, 3));
	EXPECT_EQ(0, done(&self->a, 2));
	EXPECT_EQ(0, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS));
}

TEST_F(cookie, live_cookie_refused)
{
	struct req q;
	int64_t id;

	ASSERT_EQ(0, open_stream(&q, &self->a, 5));
	id = id_of(&self->a, 5);
	ASSERT_EQ(-EEXIST, open_stream(&q, &self->a, 5));
	EXPECT_STREQ("new-cookie names a live handle of this socket", q.ans.msg);
	EXPECT_NE(0, q.ans.bad_offs);
	/* The second open charged nothing, and the first handle is intact. */
	EXPECT_EQ(1, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(id, id_of(&self->a, 5));
	/* Once done, the cookie may name a new handle. */
	EXPECT_EQ(0, done(&self->a, 5));
	ASSERT_EQ(0, open_stream(&q, &self->a, 5));
	EXPECT_GT(id_of(&self->a, 5), id);
	EXPECT_EQ(1, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(0, done(&self->a, 5));
}

TEST_F(cookie, cookies_are_the_sockets_own)
{
	static const int cmds[] = {
		RCMGR_CMD_SCOPE_GET, RCMGR_CMD_SCOPE_RESERVE, RCMGR_CMD_SCOPE_RELEASE,
		RCMGR_CMD_SCOPE_DONE, RCMGR_CMD_SPAN_BEGIN, RCMGR_CMD_STREAM_SET_PROTOCOL,
	};
	unsigned int i;
	struct req q;

	ASSERT_EQ(0, open_stream(&q, &self->a, 7));
	ASSERT_EQ(0, mem(&self->a, 7, 10));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		on_cookie(&q, &self->b, cmds[i], 7);
		if (cmds[i] == RCMGR_CMD_SCOPE_RESERVE || cmds[i] == RCMGR_CMD_SCOPE_RELEASE)
			mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_SIZE, 10);
		if (cmds[i] == RCMGR_CMD_SCOPE_RESERVE)
			mnl_attr_put_u8(q.nlh, RCMGR_A_SCOPE_PRIO, 255);
		if (cmds[i] == RCMGR_CMD_STREAM_SET_PROTOCOL)
			mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PROTOCOL, 2, "/p");
		EXPECT_EQ(-ENOENT, req_do(&q, &self->b)) TH_LOG("cmd %d", cmds[i]);
		EXPECT_STREQ("unknown handle", q.ans.msg);
	}
	/* The same value names b's own handle, a different one. */
	ASSERT_EQ(0, open_stream(&q, &self->b, 7));
	EXPECT_NE(id_of(&self->a, 7), id_of(&self->b, 7));
	EXPECT_EQ(2, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(10, system_use(&self->a, RCMGR_A_RESOURCES_MEMORY));
	/* a's close ends a's handle, not b's. */
	raw_close(&self->a);
	EXPECT_EQ(1, system_use(&self->b, RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(0, system_use(&self->b, RCMGR_A_RESOURCES_MEMORY));
	EXPECT_GT(id_of(&self->b, 7), 0);
	ASSERT_EQ(0, raw_open(&self->a));
	EXPECT_EQ(-ENOENT, id_of(&self->a, 7));
}

/*
 * A socket's end forgets its handles' ids in batches, stepping from slot
 * to slot where its ids follow each other: with another socket's ids
 * between them, and across xarray leaves (64 ids each), only its own go.
 * (An id left behind would trip the check at namespace exit.)
 */
TEST_F(cookie, close_forgets_only_its_own_ids)
{
	int64_t base = req_config(&self->b, RCMGR_A_CONFIG_HANDLES);
	int64_t conn_a, conn_b, theirs[100];
	int i, n = 0;

	/* Spans: handles no unit limit refuses. */
	conn_a = req_conn(&self->a, -1);
	ASSERT_GT(conn_a, 0);
	conn_b = req_conn(&self->b, -1);
	ASSERT_GT(conn_b, 0);
	for (i = 0; i < 300; i++) {
		ASSERT_GT(req_span(&self->a, conn_a), 0);
		if (i % 7 == 0 || (i > 100 && i < 140)) {
			theirs[n] = req_span(&self->b, conn_b);
			ASSERT_GT(theirs[n++], 0);
		}
	}
	raw_close(&self->a);
	EXPECT_EQ(base + 1 + n, req_config(&self->b, RCMGR_A_CONFIG_HANDLES));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, req_mem(&self->b, theirs[i], 1))
			TH_LOG("id %lld", (long long)theirs[i]);
	EXPECT_EQ(n, system_use(&self->b, RCMGR_A_RESOURCES_MEMORY));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, req_done(&self->b, theirs[i]));
	ASSERT_EQ(0, req_done(&self->b, conn_b));
	EXPECT_EQ(base, req_config(&self->b, RCMGR_A_CONFIG_HANDLES));
	ASSERT_EQ(0, raw_open(&self->a));
}

TEST_F(cookie, malformed)
{
	struct req q;
	int64_t id;

	ASSERT_EQ(0, open_stream(&q, &self->a, 9));
	id = id_of(&self->a, 9);

	/* Both names at once. */
	on_cookie(&q, &self->a, RCMGR_CMD_SCOPE_DONE, 9);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
	EXPECT_EQ(-EINVAL, req_do(&q, &self->a));
	EXPECT_STREQ("give either an id or a cookie, not both", q.ans.msg);
	/* A cookie and a kind. */
	on_cookie(&q, &self->a, RCMGR_CMD_SCOPE_RESERVE, 9);
	req_scope(q.nlh, RCMGR_SCOPE_KIND_SYSTEM, NULL);
	EXPECT_EQ(-EINVAL, req_mem_do(&q, &self->a, 1));
	EXPECT_STREQ("give either a handle (id, cookie) or a kind, not both",
		     q.ans.msg);
	/* Neither. */
	req_new(&q, &self->a, RCMGR_CMD_SCOPE_DONE);
	EXPECT_EQ(-EINVAL, req_do(&q, &self->a));
	EXPECT_STREQ("missing handle: give an id or a cookie", q.ans.msg);
	EXPECT_EQ(RCMGR_A_SCOPE_ID, q.ans.miss_type);
	/* 0 names nothing, by cookie or new-cookie: out of the policy's range. */
	EXPECT_EQ(-ERANGE, done(&self->a, 0));
	EXPECT_EQ(-ERANGE, open_stream(&q, &self->a, 0));
	/* new-cookie opens; a get takes none. */
	on_cookie(&q, &self->a, RCMGR_CMD_SCOPE_GET, 9);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_NEW_COOKIE, 10);
	EXPECT_EQ(-EINVAL, req_do(&q, &self->a));
	/* A stream is not a conn. */
	on_cookie(&q, &self->a, RCMGR_CMD_CONN_SET_PEER, 9);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PEER, 2, "P9");
	EXPECT_EQ(-EINVAL, req_do(&q, &self->a));
	EXPECT_STREQ("handle is not a connection", q.ans.msg);
	EXPECT_NE(0, q.ans.bad_offs);
	/* None of it touched the stream. */
	EXPECT_EQ(id, id_of(&self->a, 9));
	EXPECT_EQ(1, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(0, system_use(&self->a, RCMGR_A_RESOURCES_MEMORY));
}

/* Any u64 but 0 is a cookie: the key is compared whole, not truncated. */
TEST_F(cookie, extreme_cookies)
{
	static const uint64_t c[] = {
		UINT64_MAX, 1ull << 63, (1ull << 32) + 1, 1,
	};
	int64_t id[4];
	unsigned int i, j;
	struct req q;

	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, open_stream(&q, &self->a, c[i]));
		id[i] = id_of(&self->a, c[i]);
		ASSERT_GT(id[i], 0);
		for (j = 0; j < i; j++)
			EXPECT_NE(id[j], id[i]);
	}
	/* Low halves alike: still other names. */
	EXPECT_EQ(-ENOENT, id_of(&self->a, 1ull << 32));
	EXPECT_EQ(-ENOENT, id_of(&self->a, UINT64_MAX - 1));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, done(&self->a, c[i]));
	EXPECT_EQ(0, system_use(&self->a, RCMGR_A_RESOURCES_STREAMS));
}

/* A dump filters by kind only: a cookie is refused, as an id is. */
TEST_F(cookie, dump_refuses_cookie)
{
	struct req q;

	ASSERT_EQ(0, open_stream(&q, &self->a, 11));
	on_cookie(&q, &self->a, RCMGR_CMD_SCOPE_GET, 11);
	q.nlh->nlmsg_flags |= NLM_F_DUMP;
	EXPECT_EQ(-EINVAL, req_do(&q, &self->a));
	EXPECT_EQ(0, done(&self->a, 11));
}

/*
 * A socket's cookie table grows and shrinks in a worker of its own: a
 * socket closed while it runs must not leave it walking freed handles.
 */
TEST_F_TIMEOUT(cookie, close_while_the_table_resizes, 300)
{
	static const uint32_t class[] = {
		RCMGR_CLASS_SYSTEM, RCMGR_CLASS_TRANSIENT, RCMGR_CLASS_PEER,
	};
	static const int res[] = {
		RCMGR_A_RESOURCES_STREAMS_INBOUND, RCMGR_A_RESOURCES_STREAMS,
	};
	unsigned int k, i;
	struct raw_nl r;
	struct req q;
	uint64_t c;
	int round;

	for (k = 0; k < sizeof(class) / sizeof(class[0]); k++)
		for (i = 0; i < sizeof(res) / sizeof(res[0]); i++)
			ASSERT_EQ(0, req_limit(&self->b, class[k], NULL, res[i], 1 << 20));
	for (round = 0; round < 8; round++) {
		ASSERT_EQ(0, raw_open(&r));
		for (c = 1; c <= 100; c++)
			ASSERT_EQ(0, open_stream(&q, &r, c));
		/* Shrinks, then the close, with the worker maybe running. */
		for (c = 1; c <= 80; c++)
			ASSERT_EQ(0, done(&r, c));
		EXPECT_EQ(20, system_use(&self->b, RCMGR_A_RESOURCES_STREAMS));
		raw_close(&r);
		EXPECT_EQ(0, system_use(&self->b, RCMGR_A_RESOURCES_STREAMS));
		/* And grown, closed at once. */
		ASSERT_EQ(0, raw_open(&r));
		for (c = 1; c <= 49 + round * 16; c++)
			ASSERT_EQ(0, open_stream(&q, &r, c));
		raw_close(&r);
		EXPECT_EQ(0, system_use(&self->b, RCMGR_A_RESOURCES_STREAMS));
	}
}

#define RACE_OPENS	1000

struct sweeper {
	struct raw_nl *r;
	atomic_bool stop;
	unsigned long sent;
};

/*
 * Ends every id of the namespace, over and over, on the opener's own
 * socket, without reading: ids are sequential, so handles are found by
 * id between their publication and their naming.
 */
static void *sweep(void *arg)
{
	struct sweeper *w = arg;
	struct req q;
	uint64_t id;

	while (!atomic_load(&w->stop)) {
		for (id = 1; id < 3 * RACE_OPENS && !atomic_load(&w->stop); id++) {
			req_new(&q, w->r, RCMGR_CMD_SCOPE_DONE);
			q.nlh->nlmsg_flags &= ~NLM_F_ACK;
			mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
			if (!req_send(w->r, q.nlh))
				w->sent++;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(cookie, dropped_while_named, 400)
{
	struct sweeper w = { .r = &self->a };
	int64_t alive = 0, got;
	pthread_t t;
	uint64_t c;
	struct req q;
	int on = 1;

	/* The sweeper's errors would fill the queue: drop them unsaid. */
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(self->a.nl), SOL_NETLINK,
				NETLINK_NO_ENOBUFS, &on, sizeof(on)));
	ASSERT_EQ(0, pthread_create(&t, NULL, sweep, &w));
	for (c = 1; c <= RACE_OPENS; c++) {
		req_new(&q, &self->a, RCMGR_CMD_STREAM_OPEN);
		q.nlh->nlmsg_flags &= ~NLM_F_ACK;
		mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
		mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_NEW_COOKIE, c);
		ASSERT_EQ(0, req_send(&self->a, q.nlh));
	}
	atomic_store(&w.stop, true);
	pthread_join(t, NULL);
	EXPECT_GT(w.sent, 0);

	/* Every answer was queued before its send returned: drop them. */
	while (!queue_empty(&self->a))
		;
	/*
	 * Whatever the interleaving, each cookie names a live handle or
	 * nothing, and the live ones are exactly what is charged.
	 */
	for (c = 1; c <= RACE_OPENS; c++) {
		got = id_of(&self->a, c);
		if (got > 0)
			alive++;
		else
			ASSERT_EQ(-ENOENT, got) TH_LOG("cookie %llu", (unsigned long long)c);
	}
	EXPECT_EQ(alive, system_use(&self->b, RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(alive, system_use(&self->b, RCMGR_A_RESOURCES_STREAMS_INBOUND));
	TH_LOG("%lld of %d streams outlived the sweep", (long long)alive, RACE_OPENS);
	raw_close(&self->a);
	ASSERT_EQ(0, raw_open(&self->a));
	EXPECT_EQ(0, system_use(&self->b, RCMGR_A_RESOURCES_STREAMS));
}

TEST_HARNESS_MAIN
