// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librcmgr's batches against a fake transport fed scripted datagrams: what
 * goes in each send (ids of handles opened by an earlier send, the ack
 * asked of no message), answers mapped to their ops by
 * sequence number, a refusal in the middle, left-overs of other requests
 * skipped, and an answer lost to ENOBUFS.  Each case also checks that
 * nothing was read after the last scripted datagram (a real socket would
 * have blocked there forever).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "kselftest_harness.h"
#include "internal.h"

#define FAMILY	0x1234
#define PORTID	4242
#define SEQ_OP	0xff000000u	/* | j: patched to the last send's j-th */

struct chunk {
	int after;		/* queued once this many sends were made */
	bool dropped;		/* lost to a congested socket */
	int err;		/* recv() fails with it */
	size_t len;
	char data[4096];
};

struct fake {
	struct chunk chunk[16];
	int n, next;
	int sends, send_eintr;
	uint32_t seq[8];	/* first sequence number of each send */
	char sent[8][4096];	/* what each send carried */
	size_t sent_len[8];
	int overread;
};

static ssize_t fake_send(void *ctx, const void *buf, size_t len)
{
	struct fake *f = ctx;

	if (f->send_eintr) {
		f->send_eintr--;
		errno = EINTR;
		return -1;
	}
	/*
	 * Left-overs still queued: the socket is congested since an overrun,
	 * and the kernel drops this send's answers without a word.
	 */
	if (f->next < f->n && f->chunk[f->next].after <= f->sends) {
		int i;

		for (i = f->next; i < f->n; i++)
			if (f->chunk[i].after == f->sends + 1)
				f->chunk[i].dropped = true;
	}
	if (f->sends < 8 && len <= sizeof(f->sent[0])) {
		memcpy(f->sent[f->sends], buf, len);
		f->sent_len[f->sends] = len;
		f->seq[f->sends] = ((const struct nlmsghdr *)buf)->nlmsg_seq;
	}
	f->sends++;
	return len;
}

static ssize_t fake_recv_flags(void *ctx, void *buf, size_t len, bool wait)
{
	struct fake *f = ctx;
	struct nlmsghdr *m;
	struct chunk *c;
	int n;

	while (f->next < f->n && f->chunk[f->next].dropped)
		f->next++;
	if (f->next >= f->n || f->chunk[f->next].after > f->sends) {
		/* A real socket would block here forever. */
		if (wait)
			f->overread++;
		errno = EAGAIN;
		return -1;
	}
	c = &f->chunk[f->next++];
	if (c->err) {
		errno = c->err;
		return -1;
	}
	memcpy(buf, c->data, c->len);
	n = c->len;
	for (m = buf; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n))
		if ((m->nlmsg_seq & 0xff000000u) == SEQ_OP)
			m->nlmsg_seq = f->seq[f->sends - 1] +
				       (m->nlmsg_seq & 0xffffff);
	return c->len;
}

static ssize_t fake_recv(void *ctx, void *buf, size_t len)
{
	return fake_recv_flags(ctx, buf, len, true);
}

static ssize_t fake_recv_nowait(void *ctx, void *buf, size_t len)
{
	return fake_recv_flags(ctx, buf, len, false);
}

static const struct rcmgr_io fake_io = {
	.send = fake_send,
	.recv = fake_recv,
	.recv_nowait = fake_recv_nowait,
};

/* The answers to the next send. */
static struct chunk *next_chunk(struct fake *f)
{
	struct chunk *c = &f->chunk[f->n++];

	c->after = f->sends + 1;
	return c;
}

/* Queued now: left-overs of what was sent already. */
static struct chunk *queued_chunk(struct fake *f)
{
	struct chunk *c = &f->chunk[f->n++];

	c->after = f->sends;
	return c;
}

static struct nlmsghdr *put(struct chunk *c, uint16_t type, uint16_t flags,
			    uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)(c->data + c->len);

	nlh = mnl_nlmsg_put_header(nlh);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = PORTID;
	return nlh;
}

static void end(struct chunk *c, struct nlmsghdr *nlh)
{
	c->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

/* An open's reply: the new handle's id. */
static void put_id(struct chunk *c, uint32_t seq, uint64_t id)
{
	struct nlmsghdr *nlh = put(c, FAMILY, 0, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = RCMGR_CMD_STREAM_OPEN;
	g->version = 1;
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	end(c, nlh);
}

static struct nlmsghdr *put_ack(struct chunk *c, uint32_t seq, int err,
				 const char *text)
{
	struct nlmsghdr *nlh = put(c, NLMSG_ERROR, NLM_F_CAPPED, seq);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = err;
	e->msg.nlmsg_len = sizeof(e->msg);
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	end(c, nlh);
	return nlh;
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

/* The @j-th message of send @s, or NULL. */
static const struct nlmsghdr *sent_msg(const struct fake *f, int s, int j)
{
	const struct nlmsghdr *m = (const struct nlmsghdr *)f->sent[s];
	int len = f->sent_len[s];

	for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len))
		if (!j--)
			return m;
	return NULL;
}

static int sent_count(const struct fake *f, int s)
{
	int j = 0;

	while (sent_msg(f, s, j))
		j++;
	return j;
}

/* The handle id a sent message names, or 0. */
static uint64_t sent_id(const struct nlmsghdr *m)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, m, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_ID)
			return mnl_attr_get_u64(a);
	return 0;
}

FIXTURE(batch) {
	struct fake f;
	struct rcmgr *rm;
	struct rcmgr_batch *b;
};

FIXTURE_SETUP(batch)
{
	memset(&self->f, 0, sizeof(self->f));
	ASSERT_EQ(0, rcmgr_open_io(&self->rm, &fake_io, &self->f, PORTID,
				   FAMILY));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &self->b));
}

FIXTURE_TEARDOWN(batch)
{
	rcmgr_batch_free(self->b);
	rcmgr_close(self->rm);
}

TEST_F(batch, ops_on_new_handles_wait_for_their_ids)
{
	struct rcmgr_scope *a, *b;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "pa", RCMGR_DIR_INBOUND, &a));
	ASSERT_EQ(1, rcmgr_batch_open_stream(self->b, "pb", RCMGR_DIR_INBOUND, &b));
	ASSERT_EQ(2, rcmgr_batch_stream_set_protocol(self->b, a, "/x"));
	ASSERT_EQ(3, rcmgr_batch_reserve_memory(self->b, b, 10, 0));
	/* Send 1: both ids, in one datagram each. */
	put_id(next_chunk(&self->f), SEQ_OP | 0, 11);
	c = next_chunk(&self->f);
	put_id(c, SEQ_OP | 1, 12);
	/* Send 2: nothing queued, both done. */

	ASSERT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	ASSERT_EQ(2, sent_count(&self->f, 0));
	ASSERT_EQ(2, sent_count(&self->f, 1));
	/* No message asks for an ack: what is queued after send() is all. */
	EXPECT_FALSE(sent_msg(&self->f, 0, 0)->nlmsg_flags & NLM_F_ACK);
	EXPECT_FALSE(sent_msg(&self->f, 0, 1)->nlmsg_flags & NLM_F_ACK);
	EXPECT_FALSE(sent_msg(&self->f, 1, 0)->nlmsg_flags & NLM_F_ACK);
	EXPECT_FALSE(sent_msg(&self->f, 1, 1)->nlmsg_flags & NLM_F_ACK);
	/* The second send names the handles by the ids the first gave. */
	EXPECT_EQ(11, sent_id(sent_msg(&self->f, 1, 0)));
	EXPECT_EQ(12, sent_id(sent_msg(&self->f, 1, 1)));
	EXPECT_EQ(self->f.seq[0] + 1, sent_msg(&self->f, 0, 1)->nlmsg_seq);
	EXPECT_EQ(11, rcmgr_scope_id(a));
	EXPECT_EQ(12, rcmgr_scope_id(b));
	EXPECT_STREQ("stream-11", rcmgr_scope_name(a));
	EXPECT_STREQ("/x", rcmgr_scope_name(rcmgr_stream_protocol_scope(a)));
	EXPECT_EQ(NULL, rcmgr_stream_protocol_scope(b));
}

TEST_F(batch, refusal_in_the_middle_and_left_overs_skipped)
{
	const struct rcmgr_error *e;
	struct rcmgr_scope *s;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	put_id(next_chunk(&self->f), SEQ_OP | 0, 5);
	put_ack(next_chunk(&self->f), SEQ_OP | 0, 0, NULL);
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));

	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 10, 0));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(self->b, s, 20, 0));
	c = next_chunk(&self->f);
	/* The previous send's, and another port's: not ours. */
	put_ack(c, self->f.seq[0], 0, NULL);
	put_ack(c, SEQ_OP | 1, -EPERM, NULL)->nlmsg_pid = PORTID + 1;
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, "memory limit exceeded");
	put_ack(c, SEQ_OP | 2, 0, NULL);

	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 2));
	e = rcmgr_batch_error(self->b, 1);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(RCMGR_RESOURCE_MEMORY, e->resource);
	EXPECT_EQ(100, e->limit);
	/* The refusal's own words, not the extack's shorter ones. */
	EXPECT_STREQ("system: memory 100/100", e->message);
	EXPECT_EQ(100, rcmgr_last_error(self->rm)->limit);
	rcmgr_scope_done(s);	/* the fake answers nothing: not read */
}

TEST_F(batch, enobufs_loses_only_what_was_not_answered)
{
	struct rcmgr_scope *s, *t, *u;
	uint32_t first;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_open_stream(self->b, "q", RCMGR_DIR_INBOUND, &t));
	ASSERT_EQ(2, rcmgr_batch_open_stream(self->b, "r", RCMGR_DIR_INBOUND, &u));
	put_id(next_chunk(&self->f), SEQ_OP | 0, 7);
	next_chunk(&self->f)->err = ENOBUFS;
	/* Still queued after the overrun: kept, not waited for. */
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, "memory limit exceeded");

	EXPECT_EQ(2, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	/* Its id came: the kernel keeps it. */
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(7, rcmgr_scope_id(s));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 1)->limit);
	/* The last may or may not have happened: said so. */
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 2));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 2));
	EXPECT_NE(NULL, strstr(rcmgr_batch_error(self->b, 2)->message, "lost"));
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(t, 1, 0));

	/* The next request skips the batch's left-overs and reads its own. */
	first = self->f.seq[0];
	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	c = next_chunk(&self->f);
	put_id(c, first + 1, 8);
	put_ack(c, first + 2, 0, NULL);
	put_ack(c, SEQ_OP | 0, 0, NULL);
	EXPECT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	rcmgr_scope_done(t);
	rcmgr_scope_done(u);
}

/*
 * After an overrun the socket drops every new message, silently, until
 * its queue is empty: what is queued goes before the next send.
 */
TEST_F(batch, left_overs_drained_before_the_next_send)
{
	struct rcmgr_scope *s;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	put_id(next_chunk(&self->f), SEQ_OP | 0, 5);
	put_ack(next_chunk(&self->f), SEQ_OP | 0, 0, NULL);
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));

	/* A single call loses its answer. */
	next_chunk(&self->f)->err = ENOBUFS;
	EXPECT_EQ(-ENOBUFS, rcmgr_scope_reserve_memory(s, 1, 0));
	c = queued_chunk(&self->f);
	put_ack(c, 12345, 0, NULL);
	put_ack(queued_chunk(&self->f), 12346, 0, NULL);
	/* The next send finds the queue empty, and gets its answer. */
	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	put_ack(next_chunk(&self->f), SEQ_OP | 0, -EDQUOT, NULL);
	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	/* And a single call after a single call's overrun, the same. */
	next_chunk(&self->f)->err = ENOBUFS;
	EXPECT_EQ(-ENOBUFS, rcmgr_scope_reserve_memory(s, 1, 0));
	put_ack(queued_chunk(&self->f), 12347, 0, NULL);
	/* Its sequence number: the one after the overrun call's. */
	put_ack(next_chunk(&self->f), self->f.seq[3] + 1, -EDQUOT, NULL);
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 1, 0));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

TEST_F(batch, send_interrupted_is_retried)
{
	struct rcmgr_scope *s;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	self->f.send_eintr = 2;
	put_id(next_chunk(&self->f), SEQ_OP | 0, 9);
	put_ack(next_chunk(&self->f), SEQ_OP | 0, 0, NULL);
	EXPECT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(9, rcmgr_scope_id(s));
	EXPECT_EQ(0, self->f.overread);
}

TEST_F(batch, open_acked_without_its_id_fails)
{
	struct rcmgr_scope *s;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	put_ack(next_chunk(&self->f), SEQ_OP | 0, 0, NULL);
	EXPECT_EQ(2, rcmgr_batch_submit(self->b));
	EXPECT_EQ(-EBADMSG, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	rcmgr_scope_done(s);
}

/*
 * Nothing asks for an ack: an op with nothing queued for it succeeded, and
 * a refusal's details whose error the kernel dropped unsaid are a refusal.
 */
TEST_F(batch, quiet_ops_and_a_refusal_without_its_error)
{
	struct rcmgr_scope *s;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	put_id(next_chunk(&self->f), SEQ_OP | 0, 8);
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(8, rcmgr_scope_id(s));

	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 10, 0));
	ASSERT_EQ(1, rcmgr_batch_release_memory(self->b, s, 10));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	put_refusal(next_chunk(&self->f), SEQ_OP | 2);
	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 2));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 2));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 2)->limit);
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	rcmgr_scope_done(s);
}

/*
 * Opens of one send answered every way a quiet send can be: an id, no
 * answer at all (the reply dropped), a refusal split over two datagrams,
 * and a refusal's details whose error was dropped.  Only the handle whose
 * id came is named by the next send; the ops on the others are cancelled.
 */
TEST_F(batch, opens_lost_refused_and_split_refusals)
{
	struct rcmgr_scope *s[4];
	struct chunk *c;
	int i;

	for (i = 0; i < 4; i++)
		ASSERT_EQ(i, rcmgr_batch_open_stream(self->b, "p",
						     RCMGR_DIR_INBOUND, &s[i]));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(4 + i, rcmgr_batch_reserve_memory(self->b, s[i], 1, 0));
	/* Send 1. */
	put_id(next_chunk(&self->f), SEQ_OP | 0, 21);
	put_refusal(next_chunk(&self->f), SEQ_OP | 2);
	c = next_chunk(&self->f);
	put_ack(c, SEQ_OP | 2, -EDQUOT, "memory limit exceeded");
	put_refusal(c, SEQ_OP | 3);
	/* Send 2: the reserve on s[0] only, refused over two datagrams. */
	c = next_chunk(&self->f);
	c->after = 2;
	put_refusal(c, SEQ_OP | 0);
	c = next_chunk(&self->f);
	c->after = 2;
	put_ack(c, SEQ_OP | 0, -EDQUOT, NULL);

	EXPECT_EQ(7, rcmgr_batch_submit(self->b));
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	ASSERT_EQ(1, sent_count(&self->f, 1));
	EXPECT_EQ(21, sent_id(sent_msg(&self->f, 1, 0)));

	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(21, rcmgr_scope_id(s[0]));
	EXPECT_EQ(-EBADMSG, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 2));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 2));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 2)->limit);
	EXPECT_STREQ("system: memory 100/100",
		     rcmgr_batch_error(self->b, 2)->message);
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 3));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 3));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 3)->limit);
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 4));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 4));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 4)->limit);
	for (i = 5; i < 8; i++)
		EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, i));
	for (i = 1; i < 4; i++)
		EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(s[i], 1, 0));
	for (i = 0; i < 4; i++)
		rcmgr_scope_done(s[i]);
	EXPECT_EQ(0, self->f.overread);
}

/*
 * More ops than one send carries: each send's answers go to its own ops
 * (sequence numbers run on), and a send nothing answered is all success.
 */
TEST_F(batch, ops_over_several_sends_keep_their_answers)
{
	unsigned int max = self->rm->nl.batch_ops, n = 2 * max + 3, i;
	struct rcmgr_scope *s;
	struct chunk *c;

	ASSERT_GE(RCMGR_BATCH_OPS_MAX, max);
	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	put_id(next_chunk(&self->f), SEQ_OP | 0, 5);
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));
	rcmgr_batch_reset(self->b);

	for (i = 0; i < n; i++)
		ASSERT_EQ(i, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	/* Send 2 (ops 0..max-1): op 3 refused. */
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_OP | 3);
	put_ack(c, SEQ_OP | 3, -EDQUOT, NULL);
	/* Send 3: nothing to say.  Send 4 (ops 2max..): its op 1 fails. */
	c = next_chunk(&self->f);
	c->after += 2;
	put_ack(c, SEQ_OP | 1, -ENOENT, "no such handle");

	EXPECT_EQ(2, rcmgr_batch_submit(self->b));
	EXPECT_EQ(4, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	for (i = 0; i < n; i++) {
		int want = i == 3 ? -EDQUOT : i == 2 * max + 1 ? -ENOENT : 0;

		EXPECT_EQ(want, rcmgr_batch_result(self->b, i)) {
			TH_LOG("op %u of %u (%u a send)", i, n, max);
		}
	}
	EXPECT_EQ(self->f.seq[1] + max, self->f.seq[2]);
	EXPECT_EQ(self->f.seq[2] + max, self->f.seq[3]);
	rcmgr_scope_done(s);
}

/*
 * An overrun in the first send of a split batch: the open whose id was
 * queued before it is open and named by the next send; the one whose
 * answer is lost fails with ENOBUFS, and the ops on it are cancelled.
 */
TEST_F(batch, enobufs_in_a_split_batch)
{
	struct rcmgr_scope *a, *b;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "pa", RCMGR_DIR_INBOUND, &a));
	ASSERT_EQ(1, rcmgr_batch_open_stream(self->b, "pb", RCMGR_DIR_INBOUND, &b));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(self->b, a, 1, 0));
	ASSERT_EQ(3, rcmgr_batch_reserve_memory(self->b, b, 1, 0));
	next_chunk(&self->f)->err = ENOBUFS;
	put_id(next_chunk(&self->f), SEQ_OP | 1, 12);

	EXPECT_EQ(2, rcmgr_batch_submit(self->b));
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(12, rcmgr_scope_id(b));
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, 2));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 3));
	ASSERT_EQ(1, sent_count(&self->f, 1));
	EXPECT_EQ(12, sent_id(sent_msg(&self->f, 1, 0)));
	rcmgr_scope_done(a);
	rcmgr_scope_done(b);
}

/*
 * A refusal's details without their error prove the kernel dropped an
 * answer of this send (a full queue, NETLINK_NO_ENOBUFS on the socket):
 * it drops every later answer of the send as well, until the queue is
 * read, so the ops after it cannot be told successes.
 */
TEST_F(batch, ops_after_a_dropped_error_are_not_successes)
{
	struct rcmgr_scope *s;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	put_id(next_chunk(&self->f), SEQ_OP | 0, 8);
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));

	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 10, 0));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	ASSERT_EQ(3, rcmgr_batch_release_memory(self->b, s, 10));
	put_refusal(next_chunk(&self->f), SEQ_OP | 1);
	EXPECT_EQ(3, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	/* Its answer, refusal or nothing, may have been dropped too. */
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 2));
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 3));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 3));
	EXPECT_NE(NULL, strstr(rcmgr_batch_error(self->b, 3)->message, "lost"));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	rcmgr_scope_done(s);
}

/* A signal during the reads loses nothing: the answers are still queued. */
TEST_F(batch, reads_interrupted_are_retried)
{
	struct rcmgr_scope *s;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	ASSERT_EQ(2, rcmgr_batch_release_memory(self->b, s, 1));
	next_chunk(&self->f)->err = EINTR;
	put_id(next_chunk(&self->f), SEQ_OP | 0, 9);
	next_chunk(&self->f)->err = EINTR;
	c = next_chunk(&self->f);
	c->after = 2;
	put_refusal(c, SEQ_OP | 0);
	c = next_chunk(&self->f);
	c->after = 2;
	c->err = EINTR;
	c = next_chunk(&self->f);
	c->after = 2;
	put_ack(c, SEQ_OP | 0, -EDQUOT, NULL);
	c = next_chunk(&self->f);
	c->after = 2;
	c->err = EINTR;

	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(9, rcmgr_scope_id(s));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 1)->limit);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 2));
	rcmgr_scope_done(s);
}

static const struct rcmgr_io blocking_io = {
	.send = fake_send,
	.recv = fake_recv,
};

/*
 * An io that cannot read without blocking: the last op of each send asks
 * an ack, which ends the reads; a refusal in the middle and an open's id
 * go to their ops, and nothing is read after the ack.
 */
TEST(batch_over_a_blocking_io)
{
	struct rcmgr_scope *s;
	struct rcmgr_batch *b;
	struct rcmgr *rm;
	struct fake f;
	struct chunk *c;

	memset(&f, 0, sizeof(f));
	ASSERT_EQ(0, rcmgr_open_io(&rm, &blocking_io, &f, PORTID, FAMILY));
	ASSERT_EQ(0, rcmgr_batch_new(rm, &b));
	ASSERT_EQ(0, rcmgr_batch_open_stream(b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(b, s, 10, 0));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(b, s, 1000, 0));
	ASSERT_EQ(3, rcmgr_batch_release_memory(b, s, 10));
	c = next_chunk(&f);
	put_id(c, SEQ_OP | 0, 8);
	put_ack(c, SEQ_OP | 0, 0, NULL);
	c = next_chunk(&f);
	c->after = 2;
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, NULL);
	c = next_chunk(&f);
	c->after = 2;
	put_ack(c, SEQ_OP | 2, 0, NULL);

	EXPECT_EQ(1, rcmgr_batch_submit(b));
	EXPECT_EQ(2, f.sends);
	EXPECT_EQ(0, f.overread);
	EXPECT_EQ(f.n, f.next);
	EXPECT_TRUE(sent_msg(&f, 0, 0)->nlmsg_flags & NLM_F_ACK);
	EXPECT_FALSE(sent_msg(&f, 1, 0)->nlmsg_flags & NLM_F_ACK);
	EXPECT_FALSE(sent_msg(&f, 1, 1)->nlmsg_flags & NLM_F_ACK);
	EXPECT_TRUE(sent_msg(&f, 1, 2)->nlmsg_flags & NLM_F_ACK);
	EXPECT_EQ(8, rcmgr_scope_id(s));
	EXPECT_EQ(0, rcmgr_batch_result(b, 0));
	EXPECT_EQ(0, rcmgr_batch_result(b, 1));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(b, 2));
	EXPECT_EQ(100, rcmgr_batch_error(b, 2)->limit);
	EXPECT_EQ(0, rcmgr_batch_result(b, 3));
	rcmgr_batch_free(b);
	put_ack(next_chunk(&f), SEQ_OP | 0, 0, NULL);
	rcmgr_scope_done(s);
	EXPECT_EQ(f.n, f.next);
	rcmgr_close(rm);
}

TEST_HARNESS_MAIN
