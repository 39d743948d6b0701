// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librcmgr's netlink core against a fake transport: the io vtable the
 * socket uses, fed scripted datagrams.  Each case checks the answer, that
 * the next request reads its own answer (no desync), and that nothing was
 * read after the last scripted datagram (a real socket would have blocked
 * there forever).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "kselftest_harness.h"
#include "fake.h"

/* A scope message: a dump entry or a do reply. */
static void put_scope(struct chunk *c, uint32_t seq, uint16_t flags,
		      uint64_t id, uint64_t memory)
{
	struct nlmsghdr *nlh = put(c, FAMILY, flags, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;

	g->cmd = RCMGR_CMD_SCOPE_GET;
	g->version = 1;
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_USAGE);
	mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_MEMORY, memory);
	mnl_attr_nest_end(nlh, nest);
	end(c, nlh);
}

static void put_bad_scope(struct chunk *c, uint32_t seq)
{
	struct nlmsghdr *nlh = put(c, FAMILY, NLM_F_MULTI, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = RCMGR_CMD_SCOPE_GET;
	mnl_attr_put_u16(nlh, RCMGR_A_SCOPE_KIND, 1);	/* must be a u32 */
	end(c, nlh);
}

static void put_refusal(struct chunk *c, uint32_t seq)
{
	struct nlmsghdr *nlh = put(c, FAMILY, 0, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	struct nlattr *nest;

	g->cmd = RCMGR_CMD_SCOPE_RESERVE;
	nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_REFUSAL);
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_RESOURCE,
			 RCMGR_RESOURCE_TYPE_MEMORY);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_LIMIT, 100);
	mnl_attr_put_strz(nlh, RCMGR_A_REFUSAL_MESSAGE, "system: memory 100/100");
	mnl_attr_nest_end(nlh, nest);
	end(c, nlh);
}

static void put_event(struct chunk *c, uint64_t id)
{
	struct nlmsghdr *nlh = put(c, FAMILY, 0, 0);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	nlh->nlmsg_pid = 0;
	g->cmd = RCMGR_CMD_SCOPE_CLOSED_NTF;
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_CONN);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_OWNER, 77);
	end(c, nlh);
}

/* A view's stat: one scope-get, answered by a reply and an ack. */
static void script_stat(struct fake *f, uint64_t memory, bool split)
{
	struct chunk *c = next_chunk(f);

	put_scope(c, SEQ_CUR, 0, 0, memory);
	if (split)
		c = next_chunk(f);
	put_ack(c, SEQ_CUR, 0, NULL);
}

/* A handle's id, asked by its cookie: one scope-get, a reply and an ack. */
static void script_id(struct fake *f, uint64_t id)
{
	struct chunk *c = next_chunk(f);

	put_scope(c, SEQ_CUR, 0, id, 0);
	put_ack(c, SEQ_CUR, 0, NULL);
}

static int stat_fn(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_stat(s, arg);
}

static int64_t system_memory(struct rcmgr *rm)
{
	struct rcmgr_stat st = { .memory = -1 };
	int ret = rcmgr_view_system(rm, stat_fn, &st);

	return ret ? ret : st.memory;
}

struct seen {
	int n;
	uint64_t ids[16];
	int fail_at;		/* return -ECANCELED at this one (1-based) */
	struct rcmgr *reenter;	/* call back into the manager */
	int64_t nested;
};

static int dump_fn(const struct rcmgr_scope_info *i, void *arg)
{
	struct seen *s = arg;

	s->ids[s->n++] = i->id;
	if (s->reenter)
		s->nested = system_memory(s->reenter);
	if (s->n == s->fail_at)
		return -ECANCELED;
	return 0;
}

FIXTURE(nl) {
	struct fake f;
	struct rcmgr *rm;
};

FIXTURE_SETUP(nl)
{
	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, rcmgr_open_io(&self->rm, &fake_io, &self->f, PORTID,
				   FAMILY));
}

FIXTURE_TEARDOWN(nl)
{
	rcmgr_close(self->rm);
}

TEST_F(nl, replies_split_across_reads)
{
	struct seen s = {};
	struct chunk *c;

	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 1, 0);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 2, 0);
	put_scope(next_chunk(&self->f), SEQ_CUR, NLM_F_MULTI, 3, 0);
	put_done(next_chunk(&self->f), SEQ_CUR, 0, 0, NULL);
	script_stat(&self->f, 42, true);

	ASSERT_EQ(0, rcmgr_dump(self->rm, 0, dump_fn, &s));
	EXPECT_EQ(3, s.n);
	EXPECT_EQ(1, s.ids[0]);
	EXPECT_EQ(3, s.ids[2]);
	EXPECT_EQ(42, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	/* Dump batches of up to 32 KiB fit in one read. */
	EXPECT_GE(self->f.recv_len, 32768);
}

TEST_F(nl, interrupted_last_batch_retried)
{
	struct seen s = {};
	struct chunk *c;

	/* First try: the last batch is flagged, its DONE in the same read. */
	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 1, 0);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 2, 0);
	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI | NLM_F_DUMP_INTR, 4, 0);
	put_done(c, SEQ_CUR, NLM_F_DUMP_INTR, 0, NULL);
	/* Second try: consistent. */
	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 1, 0);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 4, 0);
	put_done(c, SEQ_CUR, 0, 0, NULL);
	script_stat(&self->f, 7, false);

	ASSERT_EQ(0, rcmgr_dump(self->rm, 0, dump_fn, &s));
	/* Only the consistent answer, each scope once. */
	EXPECT_EQ(2, s.n);
	EXPECT_EQ(1, s.ids[0]);
	EXPECT_EQ(4, s.ids[1]);
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(7, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, interrupted_every_time_is_eintr)
{
	struct seen s = {};
	struct chunk *c;
	int i;

	for (i = 0; i < RCMGR_DUMP_TRIES; i++) {
		c = next_chunk(&self->f);
		put_scope(c, SEQ_CUR, NLM_F_MULTI | NLM_F_DUMP_INTR, 1, 0);
		put_done(c, SEQ_CUR, NLM_F_DUMP_INTR, 0, NULL);
	}
	script_stat(&self->f, 9, false);

	errno = 0;
	EXPECT_EQ(-EINTR, rcmgr_dump(self->rm, 0, dump_fn, &s));
	EXPECT_EQ(EINTR, errno);
	EXPECT_EQ(EINTR, rcmgr_last_error(self->rm)->error);
	EXPECT_EQ(0, s.n);
	EXPECT_EQ(RCMGR_DUMP_TRIES, self->f.sends);
	EXPECT_EQ(9, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, callback_error_mid_dump)
{
	struct seen s = { .fail_at = 2 };
	struct chunk *c;

	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 1, 0);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 2, 0);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 3, 0);
	put_done(next_chunk(&self->f), SEQ_CUR, 0, 0, NULL);
	script_stat(&self->f, 11, false);

	EXPECT_EQ(-ECANCELED, rcmgr_dump(self->rm, 0, dump_fn, &s));
	EXPECT_EQ(2, s.n);
	/* The DONE was read: the next answer is the next request's. */
	EXPECT_EQ(11, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, parse_error_mid_dump)
{
	struct seen s = {};
	struct chunk *c;

	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 1, 0);
	put_bad_scope(c, SEQ_CUR);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 3, 0);
	put_done(c, SEQ_CUR, 0, 0, NULL);
	script_stat(&self->f, 12, false);

	EXPECT_EQ(-EINVAL, rcmgr_dump(self->rm, 0, dump_fn, &s));
	EXPECT_EQ(1, s.n);
	EXPECT_EQ(12, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, callback_calls_back_into_the_manager)
{
	struct seen s = { .reenter = self->rm };
	struct chunk *c;

	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 1, 0);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 2, 0);
	put_done(c, SEQ_CUR, 0, 0, NULL);
	/* The nested requests run after the dump was read whole. */
	script_stat(&self->f, 5, false);
	script_stat(&self->f, 6, true);

	ASSERT_EQ(0, rcmgr_dump(self->rm, 0, dump_fn, &s));
	EXPECT_EQ(2, s.n);
	EXPECT_EQ(6, s.nested);
	EXPECT_EQ(3, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, eintr_retries_without_losing_the_reply)
{
	chunk_err(&self->f, EINTR);
	put_scope(next_chunk(&self->f), SEQ_CUR, 0, 0, 13);
	chunk_err(&self->f, EINTR);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	self->f.send_eintr = 2;

	EXPECT_EQ(13, system_memory(self->rm));
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, enobufs_then_the_next_request_resyncs)
{
	struct chunk *c;

	chunk_err(&self->f, ENOBUFS);
	/* The lost request's answer arrives late: skipped by its seq. */
	c = next_chunk(&self->f);
	put_scope(c, SEQ_OLD, 0, 0, 99);
	put_ack(c, SEQ_OLD, 0, NULL);
	script_stat(&self->f, 14, false);

	EXPECT_EQ(-ENOBUFS, system_memory(self->rm));
	EXPECT_EQ(14, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, ack_without_the_reply)
{
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	script_stat(&self->f, 18, false);

	EXPECT_EQ(-EBADMSG, system_memory(self->rm));
	EXPECT_EQ(18, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(nl, done_with_an_error)
{
	struct seen s = {};
	struct chunk *c;

	c = next_chunk(&self->f);
	put_scope(c, SEQ_CUR, NLM_F_MULTI, 1, 0);
	put_done(c, SEQ_CUR, 0, -ENOMEM, "out of memory mid-dump");
	script_stat(&self->f, 15, false);

	EXPECT_EQ(-ENOMEM, rcmgr_dump(self->rm, 0, dump_fn, &s));
	/* A truncated dump is an error, and nothing of it is delivered. */
	EXPECT_EQ(0, s.n);
	EXPECT_EQ(ENOMEM, rcmgr_last_error(self->rm)->error);
	EXPECT_STREQ("out of memory mid-dump",
		     rcmgr_last_error(self->rm)->message);
	EXPECT_EQ(15, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

static int reserve_fn(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_reserve_memory(s, 1000, RCMGR_PRIO_ALWAYS);
}

TEST_F(nl, refusal_kept_across_success_and_done)
{
	const struct rcmgr_error *e = rcmgr_last_error(self->rm);
	struct rcmgr_scope *stream;
	struct chunk *c;

	/* A stream to clean up with: its open acked, its id asked. */
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	script_id(&self->f, 31);
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_CUR);
	put_ack(c, SEQ_CUR, -EDQUOT, "memory limit exceeded");
	script_stat(&self->f, 16, false);
	/* Done on a stream the kernel already ended. */
	put_ack(next_chunk(&self->f), SEQ_CUR, -ESTALE, "scope closed");

	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND,
				       &stream));
	EXPECT_EQ(31, rcmgr_scope_id(stream));
	EXPECT_EQ(-EDQUOT, rcmgr_view_system(self->rm, reserve_fn, NULL));
	EXPECT_EQ(16, system_memory(self->rm));
	errno = EDQUOT;
	rcmgr_scope_done(stream);
	EXPECT_EQ(EDQUOT, errno);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(RCMGR_RESOURCE_MEMORY, e->resource);
	EXPECT_EQ(100, e->limit);
	EXPECT_STREQ("system: memory 100/100", e->message);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

/*
 * Over an io that cannot read without blocking, an open asks an ack and
 * ends at it: it names its handle by a new cookie, and the kernel sends no
 * reply.  A refusal still comes as its details, then the error.  The id
 * is asked (scope-get by cookie) the first time it is wanted, once.
 */
TEST_F(nl, open_over_a_blocking_io_ends_at_its_ack)
{
	const struct rcmgr_error *e = rcmgr_last_error(self->rm);
	struct rcmgr_scope *s, *t = NULL;
	uint64_t cookie, next;
	struct chunk *c;

	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND, &s));
	EXPECT_EQ(RCMGR_CMD_STREAM_OPEN, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_NE(0, fake_sent(&self->f)->nlmsg_flags & NLM_F_ACK);
	cookie = sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_NE(0, cookie);
	EXPECT_EQ(0, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(self->f.n, self->f.next);

	/* Its reply and ack in reads of their own. */
	put_scope(next_chunk(&self->f), SEQ_CUR, 0, 7, 0);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	EXPECT_EQ(7, rcmgr_scope_id(s));
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cookie, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(0, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_ID));
	EXPECT_EQ(7, rcmgr_scope_id(s));
	EXPECT_STREQ("stream-7", rcmgr_scope_name(s));
	EXPECT_EQ(2, self->f.sends);

	c = next_chunk(&self->f);
	put_refusal(c, SEQ_CUR);
	put_ack(c, SEQ_CUR, -EDQUOT, "memory limit exceeded");
	EXPECT_EQ(-EDQUOT, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND,
					     &t));
	EXPECT_EQ(NULL, t);
	next = sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_LT(cookie, next);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(100, e->limit);
	EXPECT_STREQ("system: memory 100/100", e->message);
	/* Refused: nothing to end. */
	EXPECT_EQ(3, self->f.sends);

	/* Other requests still end at their ack. */
	script_stat(&self->f, 19, false);
	EXPECT_EQ(19, system_memory(self->rm));
	EXPECT_NE(0, fake_sent(&self->f)->nlmsg_flags & NLM_F_ACK);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	rcmgr_scope_done(s);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cookie, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

/*
 * Every request about a handle names it by its cookie, never by its id: a
 * span begun on a conn names its parent by the conn's cookie and itself by
 * a new one.
 */
TEST_F(nl, handles_named_by_their_cookies)
{
	struct rcmgr_scope *conn, *span;
	struct rcmgr_stat st;
	uint64_t cc, cs;
	int i;

	for (i = 0; i < 4; i++)
		put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	script_stat(&self->f, 3, false);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);

	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, false,
					   NULL, &conn));
	EXPECT_EQ(RCMGR_CMD_CONN_OPEN, sent_genl_cmd(fake_sent(&self->f)));
	cc = sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_NE(0, cc);

	ASSERT_EQ(0, rcmgr_conn_set_peer(conn, "peer"));
	EXPECT_EQ(RCMGR_CMD_CONN_SET_PEER, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cc, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(0, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_ID));

	ASSERT_EQ(0, rcmgr_scope_begin_span(conn, &span));
	EXPECT_EQ(RCMGR_CMD_SPAN_BEGIN, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cc, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	cs = sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_LT(cc, cs);
	EXPECT_EQ(0, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_ID));

	ASSERT_EQ(0, rcmgr_scope_reserve_memory(span, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(RCMGR_CMD_SCOPE_RESERVE, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cs, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(0, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_ID));

	ASSERT_EQ(0, rcmgr_scope_stat(conn, &st));
	EXPECT_EQ(3, st.memory);
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cc, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(0, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_KIND));

	rcmgr_scope_done(span);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cs, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	rcmgr_scope_done(conn);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(cc, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(0, sent_u64(fake_sent(&self->f), RCMGR_A_SCOPE_ID));
	EXPECT_EQ(7, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

/*
 * The id's question failing (the kernel ended the handle): no id, a name
 * without one, and the caller's last error and errno untouched, since the
 * getters cannot fail.  The next call asks again.
 */
/*
 * Threads that ask a handle's id at once all learn it, but only the first
 * writes the name: another one's caller may be reading it (snprintf()
 * clears the buffer before it writes).  A late learner is played here by
 * hand, with another id, so a second write would show.
 */
TEST_F(nl, name_written_once)
{
	struct rcmgr_scope *s;
	const char *name;

	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND, &s));
	script_id(&self->f, 44);
	name = rcmgr_scope_name(s);
	EXPECT_STREQ("stream-44", name);
	rcmgr_handle_set_id(s, 45);
	EXPECT_STREQ("stream-44", name);
	EXPECT_EQ(44, rcmgr_scope_id(s));
	EXPECT_EQ(2, self->f.sends);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	rcmgr_scope_done(s);
}

TEST_F(nl, id_question_failing_hides_nothing)
{
	const struct rcmgr_error *e = rcmgr_last_error(self->rm);
	struct rcmgr_scope *s;
	struct chunk *c;

	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND, &s));
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_CUR);
	put_ack(c, SEQ_CUR, -EDQUOT, "memory limit exceeded");
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 1000, 0));

	put_ack(next_chunk(&self->f), SEQ_CUR, -ENOENT, "unknown handle");
	errno = EDQUOT;
	EXPECT_EQ(0, rcmgr_scope_id(s));
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, sent_genl_cmd(fake_sent(&self->f)));
	EXPECT_EQ(EDQUOT, errno);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(100, e->limit);
	put_ack(next_chunk(&self->f), SEQ_CUR, -ENOENT, "unknown handle");
	EXPECT_STREQ("stream", rcmgr_scope_name(s));
	EXPECT_EQ(4, self->f.sends);
	EXPECT_STREQ("system: memory 100/100", e->message);
	/* Asked again, answered. */
	script_id(&self->f, 44);
	EXPECT_EQ(44, rcmgr_scope_id(s));
	EXPECT_STREQ("stream-44", rcmgr_scope_name(s));
	EXPECT_EQ(5, self->f.sends);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	rcmgr_scope_done(s);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

/*
 * A request with nothing to reply but its result goes without NLM_F_ACK:
 * the kernel carried it out by the time send() returned, so an empty queue
 * (a non-blocking read) is success, and a queued error is its failure.
 */
static ssize_t fake_recv_quiet(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;

	if (f->next >= f->n) {
		errno = EAGAIN;
		return -1;
	}
	return fake_recv(ctx, buf, len);
}

/* How much of the script was read when the last request went out. */
static int next_at_send;

static ssize_t fake_send_noting(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;

	next_at_send = f->next;
	return fake_send(ctx, buf, len);
}

static const struct rcmgr_io quiet_io = {
	.send = fake_send_noting, .recv = fake_recv,
	.recv_nowait = fake_recv_quiet,
};

TEST(quiet_requests)
{
	struct rcmgr_scope *s, *t;
	const struct rcmgr_error *e;
	struct fake f = {};
	struct rcmgr *rm;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_open_io(&rm, &quiet_io, &f, PORTID, FAMILY));
	e = rcmgr_last_error(rm);
	/* An open is one: nothing queued, opened. */
	ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &s));
	EXPECT_EQ(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);

	/* Nothing queued: done. */
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);
	EXPECT_EQ(0, f.next);

	/* A refusal: its details, then its error, in one datagram or two. */
	c = next_chunk(&f);
	put_refusal(c, SEQ_CUR);
	put_ack(c, SEQ_CUR, -EDQUOT, "memory limit exceeded");
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(100, e->limit);
	put_refusal(next_chunk(&f), SEQ_CUR);
	put_ack(next_chunk(&f), SEQ_CUR, -EDQUOT, "memory limit exceeded");
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_STREQ("system: memory 100/100", e->message);

	/* An older request's left-over is skipped; an empty queue is success. */
	put_ack(next_chunk(&f), SEQ_OLD, -EPERM, NULL);
	EXPECT_EQ(0, rcmgr_scope_release_memory(s, 10));

	/* A socket error (an error the kernel could not queue) is the result. */
	chunk_err(&f, ENOBUFS);
	EXPECT_EQ(-ENOBUFS, rcmgr_scope_release_memory(s, 10));

	/*
	 * An open after the overrun: the left-overs drained first, then
	 * nothing queued for it, opened, never waited for.
	 */
	put_ack(next_chunk(&f), SEQ_OLD, -EPERM, NULL);
	ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &t));
	EXPECT_EQ(f.n, next_at_send);
	EXPECT_EQ(RCMGR_CMD_STREAM_OPEN, sent_genl_cmd(fake_sent(&f)));
	EXPECT_EQ(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);
	EXPECT_NE(0, sent_u64(fake_sent(&f), RCMGR_A_SCOPE_NEW_COOKIE));
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(t, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(sent_u64(fake_sent_prev(&f), RCMGR_A_SCOPE_NEW_COOKIE),
		  sent_u64(fake_sent(&f), RCMGR_A_SCOPE_COOKIE));

	EXPECT_EQ(f.n, f.next);
	EXPECT_EQ(0, f.overread);
	rcmgr_close(rm);
}

/* The quiet io, counting its non-blocking reads. */
static int nowait_reads;

static ssize_t fake_recv_counted(void *ctx, void *buf, size_t len)
{
	nowait_reads++;
	return fake_recv_quiet(ctx, buf, len);
}

static const struct rcmgr_io counted_io = {
	.send = fake_send, .recv = fake_recv, .recv_nowait = fake_recv_counted,
};

/* The quiet io with a peek, as the socket's: counted, like its reads. */
static int peeks;

static ssize_t fake_queued(void *ctx)
{
	struct fake *f = ctx;
	struct chunk *c;

	peeks++;
	if (f->next >= f->n)
		return 0;
	c = &f->chunk[f->next];
	/* The socket's error: taken by the peek, as by a read. */
	if (c->err) {
		f->next++;
		errno = c->err;
		return -1;
	}
	return 1;
}

static const struct rcmgr_io peek_io = {
	.send = fake_send_noting, .recv = fake_recv,
	.recv_nowait = fake_recv_counted, .queued = fake_queued,
};

/*
 * A quiet request asks first whether anything is queued, without reading:
 * no is success, read no further; yes is read as without the peek; the
 * peek's own failure (the socket's error) is the result.
 */
TEST(quiet_requests_peek_first)
{
	const struct rcmgr_error *e;
	struct rcmgr_scope *s, *t;
	struct fake f = {};
	struct rcmgr *rm;
	struct chunk *c;
	int p, r;

	ASSERT_EQ(0, rcmgr_open_io(&rm, &peek_io, &f, PORTID, FAMILY));
	e = rcmgr_last_error(rm);
	p = peeks;
	r = nowait_reads;
	ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &s));
	EXPECT_EQ(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);
	EXPECT_EQ(p + 1, peeks);
	EXPECT_EQ(r, nowait_reads);
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(p + 2, peeks);
	EXPECT_EQ(r, nowait_reads);

	/* Something queued: the refusal is read whole. */
	c = next_chunk(&f);
	put_refusal(c, SEQ_CUR);
	put_ack(c, SEQ_CUR, -EDQUOT, "memory limit exceeded");
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(100, e->limit);
	EXPECT_EQ(f.n, f.next);
	EXPECT_LT(r, nowait_reads);

	/* An older request's left-over: read, skipped, success. */
	put_ack(next_chunk(&f), SEQ_OLD, -EPERM, NULL);
	EXPECT_EQ(0, rcmgr_scope_release_memory(s, 10));
	EXPECT_EQ(f.n, f.next);

	/* A signal during the peek: asked again. */
	chunk_err(&f, EINTR);
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(f.n, f.next);

	/*
	 * The socket's error is the result, and what is queued is drained
	 * before the next request goes out: until its queue was empty once,
	 * an overrun socket drops every new answer without a word, so a
	 * failure read after the send would be lost and read as success.
	 */
	chunk_err(&f, ENOBUFS);
	EXPECT_EQ(-ENOBUFS, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(ENOBUFS, e->error);
	put_ack(next_chunk(&f), SEQ_OLD, -EPERM, NULL);
	r = nowait_reads;
	ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &t));
	EXPECT_EQ(f.n, next_at_send);
	EXPECT_LT(r, nowait_reads);
	EXPECT_EQ(f.n, f.next);

	EXPECT_EQ(0, f.overread);
	rcmgr_close(rm);
}

/*
 * Done has no result to give: sent quiet and not read after.  Its failure,
 * if any, is skipped by the next request; after RCMGR_NL_UNTOLD_MAX
 * unread dones in a row the next is read after, so unread failures never
 * fill the queue.
 */
TEST(done_is_not_waited_for)
{
	struct rcmgr_scope *s[RCMGR_NL_UNTOLD_MAX + 8];
	struct fake f = {};
	struct rcmgr *rm;
	unsigned int i;
	int reads;

	ASSERT_EQ(0, rcmgr_open_io(&rm, &counted_io, &f, PORTID, FAMILY));
	for (i = 0; i < ARRAY_SIZE(s); i++)
		ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &s[i]));
	reads = nowait_reads;
	rcmgr_scope_done(s[0]);
	EXPECT_EQ(reads, nowait_reads);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_genl_cmd(fake_sent(&f)));
	EXPECT_EQ(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);

	/* Its failure, queued: the next request reads past it, succeeds. */
	put_ack(next_chunk(&f), SEQ_OLD, -ENOENT, "no such handle");
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(s[1], 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(f.n, f.next);
	EXPECT_EQ(0, rcmgr_scope_release_memory(s[1], 10));

	/* A refusal: the thread's last error, which dones keep. */
	put_refusal(next_chunk(&f), SEQ_CUR);
	put_ack(next_chunk(&f), SEQ_CUR, -EDQUOT, "memory limit exceeded");
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s[1], 10, RCMGR_PRIO_ALWAYS));

	/*
	 * Dones in a row: one read after RCMGR_NL_UNTOLD_MAX unread, here
	 * finding that done's failure, which nobody is told.
	 */
	put_ack(next_chunk(&f), SEQ_CUR, -ENOENT, "no such handle");
	reads = nowait_reads;
	errno = EDQUOT;
	for (i = 1; i < ARRAY_SIZE(s); i++)
		rcmgr_scope_done(s[i]);
	EXPECT_EQ(reads + 1, nowait_reads);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_genl_cmd(fake_sent(&f)));
	EXPECT_EQ(f.n, f.next);
	EXPECT_EQ(EDQUOT, errno);
	EXPECT_EQ(EDQUOT, rcmgr_last_error(rm)->error);
	EXPECT_STREQ("system: memory 100/100", rcmgr_last_error(rm)->message);
	rcmgr_close(rm);
}

/*
 * A quiet request refused, whose error the kernel dropped without a word
 * (a queue another process filled but for room for the details, on a
 * socket someone set NETLINK_NO_ENOBUFS on): the details alone say that
 * it failed.
 */
TEST(quiet_refusal_without_its_error)
{
	const struct rcmgr_error *e;
	struct rcmgr_scope *s;
	struct fake f = {};
	struct rcmgr *rm;

	ASSERT_EQ(0, rcmgr_open_io(&rm, &quiet_io, &f, PORTID, FAMILY));
	e = rcmgr_last_error(rm);
	ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &s));

	put_refusal(next_chunk(&f), SEQ_CUR);
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(100, e->limit);
	EXPECT_STREQ("system: memory 100/100", e->message);

	/* The next request reads its own (empty) answer. */
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(f.n, f.next);
	EXPECT_EQ(0, f.overread);
	rcmgr_close(rm);
}

/*
 * An open read without blocking: nothing queued is success (after a signal
 * and an older request's left-over); refused, details and error in two
 * datagrams; refused with the error dropped; and its answer lost to an
 * overrun or to a datagram too long: the handle it may have made is ended
 * by its cookie (a quiet done), and the open's failure is still the last
 * error.  The id of the
 * handle opened is asked of the kernel, by its cookie, once.
 */
TEST(quiet_opens)
{
	uint64_t cookie, last;
	const struct rcmgr_error *e;
	struct rcmgr_scope *s, *t;
	struct fake f = {};
	struct rcmgr *rm;

	ASSERT_EQ(0, rcmgr_open_io(&rm, &quiet_io, &f, PORTID, FAMILY));
	e = rcmgr_last_error(rm);

	chunk_err(&f, EINTR);
	put_ack(next_chunk(&f), SEQ_OLD, -EPERM, NULL);
	ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &s));
	EXPECT_EQ(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);
	cookie = sent_u64(fake_sent(&f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_NE(0, cookie);
	EXPECT_EQ(f.n, f.next);
	EXPECT_EQ(1, f.sends);

	/* Its id: a scope-get by cookie, with a reply, so read to its ack. */
	put_scope(next_chunk(&f), SEQ_CUR, 0, 9, 0);
	put_ack(next_chunk(&f), SEQ_CUR, 0, NULL);
	EXPECT_EQ(9, rcmgr_scope_id(s));
	EXPECT_EQ(2, f.sends);
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, sent_genl_cmd(fake_sent(&f)));
	EXPECT_NE(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);
	EXPECT_EQ(cookie, sent_u64(fake_sent(&f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(9, rcmgr_scope_id(s));
	EXPECT_STREQ("stream-9", rcmgr_scope_name(s));
	EXPECT_EQ(2, f.sends);
	EXPECT_EQ(f.n, f.next);

	last = cookie;
	put_refusal(next_chunk(&f), SEQ_CUR);
	put_ack(next_chunk(&f), SEQ_CUR, -EDQUOT, "memory limit exceeded");
	EXPECT_EQ(-EDQUOT, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &t));
	EXPECT_EQ(100, e->limit);
	EXPECT_STREQ("system: memory 100/100", e->message);
	EXPECT_LT(last, sent_u64(fake_sent(&f), RCMGR_A_SCOPE_NEW_COOKIE));
	last = sent_u64(fake_sent(&f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_EQ(f.n, f.next);

	put_refusal(next_chunk(&f), SEQ_CUR);
	EXPECT_EQ(-EDQUOT, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &t));
	EXPECT_EQ(EDQUOT, errno);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(100, e->limit);
	EXPECT_LT(last, sent_u64(fake_sent(&f), RCMGR_A_SCOPE_NEW_COOKIE));
	last = sent_u64(fake_sent(&f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_EQ(f.n, f.next);
	/* Refused: the kernel made nothing, nothing to end. */
	EXPECT_EQ(4, f.sends);

	chunk_err(&f, ENOBUFS);
	EXPECT_EQ(-ENOBUFS, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &t));
	EXPECT_EQ(ENOBUFS, errno);
	EXPECT_EQ(ENOBUFS, e->error);
	EXPECT_EQ(6, f.sends);
	EXPECT_EQ(RCMGR_CMD_STREAM_OPEN, sent_genl_cmd(fake_sent_prev(&f)));
	cookie = sent_u64(fake_sent_prev(&f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_LT(last, cookie);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_genl_cmd(fake_sent(&f)));
	EXPECT_EQ(0, fake_sent(&f)->nlmsg_flags & NLM_F_ACK);
	EXPECT_EQ(cookie, sent_u64(fake_sent(&f), RCMGR_A_SCOPE_COOKIE));
	EXPECT_EQ(0, sent_u64(fake_sent(&f), RCMGR_A_SCOPE_ID));

	/* A datagram too long for the buffer: the open's answer lost too. */
	last = cookie;
	put_ack(next_chunk(&f), SEQ_CUR, 0, NULL);
	f.chunk[f.n - 1].trunc = RCMGR_NL_BUFSIZE + 1;
	EXPECT_EQ(-EMSGSIZE, rcmgr_open_stream(rm, "p", RCMGR_DIR_INBOUND, &t));
	EXPECT_EQ(EMSGSIZE, e->error);
	EXPECT_EQ(8, f.sends);
	cookie = sent_u64(fake_sent_prev(&f), RCMGR_A_SCOPE_NEW_COOKIE);
	EXPECT_LT(last, cookie);
	EXPECT_EQ(RCMGR_CMD_SCOPE_DONE, sent_genl_cmd(fake_sent(&f)));
	EXPECT_EQ(cookie, sent_u64(fake_sent(&f), RCMGR_A_SCOPE_COOKIE));

	EXPECT_EQ(f.n, f.next);
	EXPECT_EQ(0, f.overread);
	rcmgr_scope_done(s);
	EXPECT_EQ(9, f.sends);
	rcmgr_close(rm);
}

TEST_F(nl, fork_child_gets_echild)
{
	struct rcmgr_scope *stream;
	int status;
	pid_t pid;

	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	script_stat(&self->f, 17, false);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND,
				       &stream));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int ok = system_memory(self->rm) == -ECHILD &&
			 rcmgr_scope_reserve_memory(stream, 1, 0) == -ECHILD &&
			 errno == ECHILD && self->f.sends == 1;

		rcmgr_scope_done(stream);	/* frees, sends nothing */
		ok &= self->f.sends == 1;
		rcmgr_close(self->rm);
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The parent's manager is untouched. */
	EXPECT_EQ(17, system_memory(self->rm));
	EXPECT_EQ(0, self->f.overread);
}

FIXTURE(mon) {
	struct fake f;
	struct rcmgr_monitor *mon;
};

FIXTURE_SETUP(mon)
{
	struct chunk *c;
	struct nlmsghdr *nlh;

	memset(&self->f, 0, sizeof(self->f));
	/* The family lookup's reply, then its ack in a read of its own. */
	c = next_chunk(&self->f);
	nlh = rcmgr_msg_start(c->data, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 1, 0,
			      SEQ_CUR);
	nlh->nlmsg_pid = PORTID;
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, FAMILY);
	{
		struct nlattr *groups, *g;

		groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
		g = mnl_attr_nest_start(nlh, 1);
		mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
		mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME,
				  RCMGR_MCGRP_EVENTS);
		mnl_attr_nest_end(nlh, g);
		mnl_attr_nest_end(nlh, groups);
	}
	end(c, nlh);
	put_ack(next_chunk(&self->f), SEQ_CUR, 0, NULL);
	ASSERT_EQ(0, rcmgr_monitor_open_io(&self->mon, &fake_io, &self->f,
					   PORTID));
	/* The ack was read: nothing left for poll() to wake on. */
	ASSERT_EQ(self->f.n, self->f.next);
	ASSERT_EQ(0, self->f.overread);
}

FIXTURE_TEARDOWN(mon)
{
	rcmgr_monitor_close(self->mon);
}

TEST_F(mon, enobufs_counted_and_survived)
{
	struct rcmgr_event ev;
	struct chunk *c;

	put_event(next_chunk(&self->f), 1);
	chunk_err(&self->f, ENOBUFS);
	c = next_chunk(&self->f);
	put_event(c, 2);
	put_event(c, 3);
	chunk_err(&self->f, EINTR);
	put_event(next_chunk(&self->f), 4);
	chunk_err(&self->f, EAGAIN);	/* an O_NONBLOCK fd, drained */

	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(1, ev.id);
	EXPECT_EQ(RCMGR_KIND_CONN, ev.kind);
	EXPECT_EQ(77, ev.owner);
	EXPECT_EQ(0, rcmgr_monitor_lost(self->mon));
	EXPECT_EQ(-ENOBUFS, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(1, rcmgr_monitor_lost(self->mon));
	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(2, ev.id);
	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(3, ev.id);
	ASSERT_EQ(0, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(4, ev.id);
	EXPECT_EQ(-EAGAIN, rcmgr_monitor_read(self->mon, &ev));
	EXPECT_EQ(1, rcmgr_monitor_lost(self->mon));
	EXPECT_EQ(0, self->f.overread);
}

/* A quiet request of nothing: no answer, not even an ack. */
static struct nlmsghdr *put_noop(void *buf, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = NLMSG_NOOP;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq;
	return nlh;
}

/*
 * The socket io's own peek, on a real generic netlink socket talking to
 * nlctrl (no module needed): what quiet requests and batches rely on.
 * Nothing queued is 0, not an error; a quiet request's failure is queued
 * by the time send() returns, and the peek leaves it to be read; another
 * process's datagram is seen but never read as the kernel's; the socket's
 * error is reported once, consumed, the answers queued before it kept.
 */
TEST(socket_peek)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], many[4096];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct rcmgr_reply rep;
	struct rcmgr_nl nl;
	struct nlmsghdr *nlh;
	size_t len = 0;
	int other, size = 4096, i;
	ssize_t n;

	if (rcmgr_nl_open(&nl))
		SKIP(return, "no generic netlink socket here");
	ASSERT_EQ(&rcmgr_socket_io, nl.io);
	ASSERT_NE(NULL, nl.io->queued);
	EXPECT_EQ(0, nl.io->queued(nl.ctx));

	rcmgr_reply_init(&rep);
	rep.quiet = true;
	nlh = rcmgr_msg_getfamily(buf, 0, "rcmgr-nosuch");
	EXPECT_EQ(-ENOENT, rcmgr_nl_request(&nl, nlh, &rep));
	rcmgr_reply_free(&rep);
	EXPECT_EQ(0, nl.io->queued(nl.ctx));

	rep.quiet = true;
	EXPECT_EQ(0, rcmgr_nl_request(&nl, put_noop(buf, 0), &rep));
	rcmgr_reply_free(&rep);
	EXPECT_EQ(0, nl.io->queued(nl.ctx));

	other = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, bind(other, (struct sockaddr *)&sa, sizeof(sa)));
	sa.nl_pid = nl.portid;
	nlh = put_noop(buf, 1);
	ASSERT_EQ(nlh->nlmsg_len, sendto(other, nlh, nlh->nlmsg_len, 0,
					 (struct sockaddr *)&sa, sizeof(sa)));
	EXPECT_LT(0, nl.io->queued(nl.ctx));
	errno = 0;
	EXPECT_EQ(-1, nl.io->recv_nowait(nl.ctx, nl.buf, RCMGR_NL_BUFSIZE));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, nl.io->queued(nl.ctx));
	close(other);

	/* Failing requests in one send, more answers than a small queue holds. */
	ASSERT_EQ(0, setsockopt(nl.fd, SOL_SOCKET, SO_RCVBUF, &size,
				sizeof(size)));
	for (i = 0; i < 64; i++) {
		nlh = rcmgr_msg_getfamily(many + len, 100 + i,
					  "rcmgr-nosuch");
		nlh->nlmsg_flags &= ~NLM_F_ACK;
		len += NLMSG_ALIGN(nlh->nlmsg_len);
		ASSERT_GT(sizeof(many) - 64, len);
	}
	ASSERT_EQ(len, nl.io->send(nl.ctx, many, len));
	errno = 0;
	EXPECT_EQ(-1, nl.io->queued(nl.ctx));
	EXPECT_EQ(ENOBUFS, errno);
	EXPECT_LT(0, nl.io->queued(nl.ctx));
	n = nl.io->recv_nowait(nl.ctx, nl.buf, RCMGR_NL_BUFSIZE);
	ASSERT_LT(0, n);
	EXPECT_EQ(NLMSG_ERROR, ((struct nlmsghdr *)nl.buf)->nlmsg_type);
	EXPECT_EQ(100, ((struct nlmsghdr *)nl.buf)->nlmsg_seq);
	nl.drain = true;
	rcmgr_nl_drain(&nl);
	EXPECT_EQ(0, nl.io->queued(nl.ctx));
	rcmgr_nl_close(&nl);
}

TEST(null_manager)
{
	struct rcmgr_scope *conn, *stream, *span;
	struct rcmgr_limit l;
	struct rcmgr_stat st;
	struct seen s = {};
	struct rcmgr *rm;

	ASSERT_EQ(0, rcmgr_open_null(&rm));
	EXPECT_TRUE(rcmgr_is_null(rm));
	ASSERT_EQ(0, rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, true, NULL,
					   &conn));
	EXPECT_EQ(0, rcmgr_conn_set_peer(conn, "peer"));
	EXPECT_STREQ("peer", rcmgr_scope_name(rcmgr_conn_peer_scope(conn)));
	ASSERT_EQ(0, rcmgr_open_stream(rm, "peer", RCMGR_DIR_OUTBOUND, &stream));
	EXPECT_EQ(0, rcmgr_stream_set_protocol(stream, "/p/1"));
	EXPECT_EQ(0, rcmgr_stream_set_service(stream, "svc"));
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(stream, 1 << 30,
						RCMGR_PRIO_LOW));
	ASSERT_EQ(0, rcmgr_scope_begin_span(stream, &span));
	EXPECT_EQ(0, rcmgr_scope_id(span));
	EXPECT_EQ(0, rcmgr_scope_stat(stream, &st));
	EXPECT_EQ(0, st.memory);
	EXPECT_EQ(0, st.num_streams_outbound);
	EXPECT_EQ(0, rcmgr_scope_limit(stream, &l));
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, l.memory);
	EXPECT_EQ(0, rcmgr_view_system(rm, stat_fn, &st));
	EXPECT_EQ(0, rcmgr_limit_get(rm, RCMGR_LIMIT_PEER, "x", &l));
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, l.fd);
	EXPECT_EQ(-EOPNOTSUPP, rcmgr_limit_set(rm, RCMGR_LIMIT_PEER, NULL, &l));
	EXPECT_EQ(EOPNOTSUPP, errno);
	EXPECT_EQ(0, rcmgr_dump(rm, 0, dump_fn, &s));
	EXPECT_EQ(0, s.n);
	rcmgr_scope_done(span);
	rcmgr_scope_done(stream);
	/* conn left open: rcmgr_close() frees it. */
	rcmgr_close(rm);
}

TEST_HARNESS_MAIN
