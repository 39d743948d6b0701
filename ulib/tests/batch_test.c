// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librcmgr's batches against a fake transport fed scripted datagrams: what
 * goes in each send (opens naming their handles by new cookies, ops on
 * those handles in the same send by the same cookies, the ack asked of no
 * message), answers mapped to their ops by sequence number (an open that
 * succeeded answers nothing), a refusal in the middle, left-overs of other
 * requests skipped, ops on a refused open cancelled, and answers lost to
 * ENOBUFS (an open that may have happened ended by its cookie).  Each case
 * also checks that nothing was read after the last scripted datagram (a
 * real socket would have blocked there forever).
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
	int peeks, nowait_reads;
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
	((struct fake *)ctx)->nowait_reads++;
	return fake_recv_flags(ctx, buf, len, false);
}

/* The socket's peek: what a read would find, or its error, taken. */
static ssize_t fake_queued(void *ctx)
{
	struct fake *f = ctx;
	struct chunk *c;

	f->peeks++;
	while (f->next < f->n && f->chunk[f->next].dropped)
		f->next++;
	if (f->next >= f->n || f->chunk[f->next].after > f->sends)
		return 0;
	c = &f->chunk[f->next];
	if (c->err) {
		f->next++;
		errno = c->err;
		return -1;
	}
	return 1;
}

static const struct rcmgr_io fake_io = {
	.send = fake_send,
	.recv = fake_recv,
	.recv_nowait = fake_recv_nowait,
	.queued = fake_queued,
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

/* A scope-get's reply: the handle's id. */
static void put_id(struct chunk *c, uint32_t seq, uint64_t id)
{
	struct nlmsghdr *nlh = put(c, FAMILY, 0, seq);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = RCMGR_CMD_SCOPE_GET;
	g->version = 1;
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_STREAM);
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

/* A u64 attribute of a sent message (an id, a cookie), or 0. */
static uint64_t sent_u64(const struct nlmsghdr *m, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, m, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == type)
			return mnl_attr_get_u64(a);
	return 0;
}

static uint8_t sent_cmd(const struct nlmsghdr *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(m);

	return g->cmd;
}

/* The cookie the @j-th message of send @s gives the handle it opens. */
static uint64_t sent_new_cookie(const struct fake *f, int s, int j)
{
	return sent_u64(sent_msg(f, s, j), RCMGR_A_SCOPE_NEW_COOKIE);
}

/* The cookie of the handle the @j-th message of send @s acts on. */
static uint64_t sent_cookie(const struct fake *f, int s, int j)
{
	return sent_u64(sent_msg(f, s, j), RCMGR_A_SCOPE_COOKIE);
}

/*
 * The next send is rcmgr_scope_id()'s scope-get, by the handle's cookie:
 * answered by the handle's id and an ack.
 */
static void script_id(struct fake *f, uint64_t id)
{
	struct chunk *c = next_chunk(f);

	put_id(c, SEQ_OP | 0, id);
	put_ack(c, SEQ_OP | 0, 0, NULL);
}

/* Send @s is one quiet scope-done of the handle named @cookie. */
static bool sent_done(const struct fake *f, int s, uint64_t cookie)
{
	const struct nlmsghdr *m = sent_msg(f, s, 0);

	return m && sent_count(f, s) == 1 &&
	       sent_cmd(m) == RCMGR_CMD_SCOPE_DONE &&
	       !(m->nlmsg_flags & NLM_F_ACK) &&
	       sent_u64(m, RCMGR_A_SCOPE_COOKIE) == cookie &&
	       !sent_u64(m, RCMGR_A_SCOPE_ID);
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

/*
 * Opens name their handles by new cookies, so the ops on those handles go
 * in the same send, by the same cookies, and an open that succeeded
 * answers nothing.  The ids are asked of the kernel (scope-get by cookie)
 * the first time they are wanted, once each.
 */
TEST_F(batch, ops_on_new_handles_go_in_the_same_send)
{
	struct rcmgr_scope *a, *b;
	uint64_t ca, cb;
	int j;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "pa", RCMGR_DIR_INBOUND, &a));
	ASSERT_EQ(1, rcmgr_batch_open_stream(self->b, "pb", RCMGR_DIR_INBOUND, &b));
	ASSERT_EQ(2, rcmgr_batch_stream_set_protocol(self->b, a, "/x"));
	ASSERT_EQ(3, rcmgr_batch_reserve_memory(self->b, b, 10, 0));
	/* Nothing queued: every op succeeded. */

	ASSERT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	ASSERT_EQ(4, sent_count(&self->f, 0));
	for (j = 0; j < 4; j++) {
		const struct nlmsghdr *m = sent_msg(&self->f, 0, j);

		/* No ack asked: what is queued after send() is all. */
		EXPECT_FALSE(m->nlmsg_flags & NLM_F_ACK);
		EXPECT_EQ(self->f.seq[0] + j, m->nlmsg_seq);
		/* Handles are named by cookie, never by id. */
		EXPECT_EQ(0, sent_u64(m, RCMGR_A_SCOPE_ID));
		EXPECT_EQ(0, rcmgr_batch_result(self->b, j));
	}
	EXPECT_EQ(RCMGR_CMD_STREAM_OPEN, sent_cmd(sent_msg(&self->f, 0, 0)));
	EXPECT_EQ(RCMGR_CMD_STREAM_OPEN, sent_cmd(sent_msg(&self->f, 0, 1)));
	EXPECT_EQ(RCMGR_CMD_STREAM_SET_PROTOCOL,
		  sent_cmd(sent_msg(&self->f, 0, 2)));
	EXPECT_EQ(RCMGR_CMD_SCOPE_RESERVE, sent_cmd(sent_msg(&self->f, 0, 3)));
	/* Each open a cookie of its own, the manager's counter: never 0. */
	ca = sent_new_cookie(&self->f, 0, 0);
	cb = sent_new_cookie(&self->f, 0, 1);
	EXPECT_NE(0, ca);
	EXPECT_LT(ca, cb);
	EXPECT_EQ(0, sent_cookie(&self->f, 0, 0));
	EXPECT_EQ(0, sent_cookie(&self->f, 0, 1));
	/* The later ops name the handles by them. */
	EXPECT_EQ(ca, sent_cookie(&self->f, 0, 2));
	EXPECT_EQ(0, sent_new_cookie(&self->f, 0, 2));
	EXPECT_EQ(cb, sent_cookie(&self->f, 0, 3));
	EXPECT_STREQ("/x", rcmgr_scope_name(rcmgr_stream_protocol_scope(a)));
	EXPECT_EQ(NULL, rcmgr_stream_protocol_scope(b));

	/* The id: one scope-get by cookie, then remembered. */
	script_id(&self->f, 11);
	EXPECT_EQ(11, rcmgr_scope_id(a));
	ASSERT_EQ(2, self->f.sends);
	ASSERT_EQ(1, sent_count(&self->f, 1));
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, sent_cmd(sent_msg(&self->f, 1, 0)));
	EXPECT_EQ(ca, sent_cookie(&self->f, 1, 0));
	EXPECT_EQ(0, sent_u64(sent_msg(&self->f, 1, 0), RCMGR_A_SCOPE_ID));
	EXPECT_EQ(11, rcmgr_scope_id(a));
	EXPECT_STREQ("stream-11", rcmgr_scope_name(a));
	EXPECT_EQ(2, self->f.sends);
	/* The name wants the id as well. */
	script_id(&self->f, 12);
	EXPECT_STREQ("stream-12", rcmgr_scope_name(b));
	EXPECT_EQ(3, self->f.sends);
	EXPECT_EQ(cb, sent_cookie(&self->f, 2, 0));
	EXPECT_EQ(12, rcmgr_scope_id(b));
	EXPECT_EQ(3, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

TEST_F(batch, refusal_in_the_middle_and_left_overs_skipped)
{
	const struct rcmgr_error *e;
	struct rcmgr_scope *s;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));

	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 10, 0));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(self->b, s, 20, 0));
	c = next_chunk(&self->f);
	/* The previous send's, and another port's: not ours. */
	put_ack(c, self->f.seq[0], -EPERM, NULL);
	put_ack(c, SEQ_OP | 1, -EPERM, NULL)->nlmsg_pid = PORTID + 1;
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, "memory limit exceeded");
	put_ack(c, SEQ_OP | 2, 0, NULL);

	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(2, self->f.sends);
	/* The handle by the cookie its open gave it. */
	EXPECT_NE(0, sent_new_cookie(&self->f, 0, 0));
	EXPECT_EQ(sent_new_cookie(&self->f, 0, 0), sent_cookie(&self->f, 1, 0));
	EXPECT_EQ(0, sent_u64(sent_msg(&self->f, 1, 0), RCMGR_A_SCOPE_ID));
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

/*
 * An overrun: what was queued of the send's answers, before it or still
 * after it, goes to its ops; the others may or may not have happened, said
 * so, and each open among them is ended by its cookie (a quiet done), so
 * nothing stays charged under a name nobody knows.  A refused open needs
 * no done.
 */
TEST_F(batch, enobufs_loses_only_what_was_not_answered)
{
	struct rcmgr_scope *s, *t, *u, *v;
	uint32_t first;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	ASSERT_EQ(2, rcmgr_batch_open_stream(self->b, "q", RCMGR_DIR_INBOUND, &t));
	ASSERT_EQ(3, rcmgr_batch_open_stream(self->b, "r", RCMGR_DIR_INBOUND, &u));
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, "memory limit exceeded");
	next_chunk(&self->f)->err = ENOBUFS;
	/* Still queued after the overrun: kept, not waited for. */
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_OP | 2);
	put_ack(c, SEQ_OP | 2, -EDQUOT, "memory limit exceeded");

	EXPECT_EQ(4, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 1)->limit);
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 2));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 2)->limit);
	/* The opens nothing was read for may or may not have happened. */
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 0));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 0));
	EXPECT_NE(NULL, strstr(rcmgr_batch_error(self->b, 0)->message, "lost"));
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 3));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 3));
	EXPECT_NE(NULL, strstr(rcmgr_batch_error(self->b, 3)->message, "lost"));
	/* So they are ended by their cookies, one quiet done each. */
	ASSERT_EQ(3, self->f.sends);
	EXPECT_TRUE(sent_done(&self->f, 1, sent_new_cookie(&self->f, 0, 0)));
	EXPECT_TRUE(sent_done(&self->f, 2, sent_new_cookie(&self->f, 0, 3)));
	/* Their results still say why the batch failed. */
	EXPECT_EQ(ENOBUFS, rcmgr_last_error(self->rm)->error);
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(s, 1, 0));
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(t, 1, 0));
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(u, 1, 0));
	EXPECT_EQ(0, rcmgr_scope_id(u));
	EXPECT_EQ(3, self->f.sends);

	/* The next request skips the batch's left-overs and reads its own. */
	first = self->f.seq[0];
	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &v));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, v, 1000, 0));
	c = next_chunk(&self->f);
	put_ack(c, first + 3, -EPERM, NULL);
	put_refusal(c, first + 0);
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, NULL);
	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	/* Done with the handles whose opens failed: nothing to send. */
	rcmgr_scope_done(s);
	rcmgr_scope_done(t);
	rcmgr_scope_done(u);
	EXPECT_EQ(4, self->f.sends);
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
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	self->f.send_eintr = 2;
	put_ack(next_chunk(&self->f), SEQ_OP | 1, -EDQUOT, NULL);
	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	/* The one send that went: the open and the op on its handle. */
	EXPECT_EQ(2, sent_count(&self->f, 0));
	self->f.send_eintr = 1;
	script_id(&self->f, 9);
	EXPECT_EQ(9, rcmgr_scope_id(s));
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

/*
 * An op on a handle whose open, earlier in the same send, was refused:
 * the kernel found nothing by the cookie (ENOENT) and did nothing, which
 * the op's result says as ECANCELED.  Any other answer is its own.
 */
TEST_F(batch, ops_on_a_refused_open_are_cancelled)
{
	const struct rcmgr_error *e;
	struct rcmgr_scope *s;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	ASSERT_EQ(2, rcmgr_batch_stream_set_protocol(self->b, s, "/x"));
	ASSERT_EQ(3, rcmgr_batch_release_memory(self->b, s, 1));
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_OP | 0);
	put_ack(c, SEQ_OP | 0, -EDQUOT, "memory limit exceeded");
	put_ack(c, SEQ_OP | 1, -ENOENT, "unknown handle");
	put_ack(c, SEQ_OP | 2, -ENOENT, "unknown handle");
	put_ack(c, SEQ_OP | 3, -EINVAL, "bad size");

	EXPECT_EQ(4, rcmgr_batch_submit(self->b));
	EXPECT_EQ(1, self->f.sends);
	ASSERT_EQ(4, sent_count(&self->f, 0));
	EXPECT_EQ(sent_new_cookie(&self->f, 0, 0), sent_cookie(&self->f, 0, 1));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 0));
	e = rcmgr_batch_error(self->b, 0);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(100, e->limit);
	EXPECT_STREQ("system: memory 100/100", e->message);
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, 1));
	e = rcmgr_batch_error(self->b, 1);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(ECANCELED, e->error);
	EXPECT_STREQ("its handle was not opened", e->message);
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, 2));
	EXPECT_EQ(NULL, rcmgr_stream_protocol_scope(s));
	EXPECT_EQ(-EINVAL, rcmgr_batch_result(self->b, 3));
	EXPECT_STREQ("bad size", rcmgr_batch_error(self->b, 3)->message);
	/* The batch's error is its first failure's: the refusal. */
	EXPECT_EQ(EDQUOT, rcmgr_last_error(self->rm)->error);
	EXPECT_EQ(100, rcmgr_last_error(self->rm)->limit);
	/* A refused open ends nothing, has no id to ask for. */
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(s, 1, 0));
	EXPECT_EQ(0, rcmgr_scope_id(s));
	rcmgr_scope_done(s);
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
}

/*
 * Nothing asks for an ack: an op with nothing queued for it (an open as
 * well) succeeded, and a refusal's details whose error the kernel dropped
 * unsaid are a refusal.
 */
TEST_F(batch, quiet_ops_and_a_refusal_without_its_error)
{
	struct rcmgr_scope *s;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_FALSE(sent_msg(&self->f, 0, 0)->nlmsg_flags & NLM_F_ACK);
	EXPECT_EQ(0, self->f.overread);

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
 * Opens of one send answered every way a quiet send can be: nothing (it
 * succeeded), a refusal split over two datagrams, a refusal whole, and a
 * refusal's details whose error was dropped (last: the kernel drops every
 * later answer of the send too).  The ops on the opened handle, in the
 * same send, get their own answers (a refusal split over two datagrams);
 * those on the refused ones are cancelled.  No done is sent for a refused
 * open: the kernel made nothing.
 */
TEST_F(batch, opens_refused_every_way_and_ops_on_them)
{
	struct rcmgr_scope *s[4];
	struct chunk *c;
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(i, rcmgr_batch_open_stream(self->b, "p",
						     RCMGR_DIR_INBOUND, &s[i]));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(3 + i, rcmgr_batch_reserve_memory(self->b, s[i], 1, 0));
	ASSERT_EQ(6, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND,
					     &s[3]));
	put_refusal(next_chunk(&self->f), SEQ_OP | 1);
	c = next_chunk(&self->f);
	put_ack(c, SEQ_OP | 1, -EDQUOT, "memory limit exceeded");
	put_refusal(c, SEQ_OP | 2);
	put_ack(c, SEQ_OP | 2, -EDQUOT, NULL);
	put_refusal(c, SEQ_OP | 3);
	c = next_chunk(&self->f);
	put_ack(c, SEQ_OP | 3, -EDQUOT, NULL);
	put_ack(c, SEQ_OP | 4, -ENOENT, "unknown handle");
	put_ack(c, SEQ_OP | 5, -ENOENT, "unknown handle");
	put_refusal(c, SEQ_OP | 6);

	EXPECT_EQ(6, rcmgr_batch_submit(self->b));
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	ASSERT_EQ(7, sent_count(&self->f, 0));
	for (i = 0; i < 3; i++)
		EXPECT_EQ(sent_new_cookie(&self->f, 0, i),
			  sent_cookie(&self->f, 0, 3 + i));

	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(NULL, rcmgr_batch_error(self->b, 0));
	for (i = 1; i < 4; i++) {
		int op = i < 3 ? i : 6;

		EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, op));
		ASSERT_NE(NULL, rcmgr_batch_error(self->b, op));
		EXPECT_EQ(100, rcmgr_batch_error(self->b, op)->limit);
		EXPECT_STREQ("system: memory 100/100",
			     rcmgr_batch_error(self->b, op)->message);
		EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(s[i], 1, 0));
		EXPECT_EQ(0, rcmgr_scope_id(s[i]));
	}
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 3));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 3));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 3)->limit);
	for (i = 4; i < 6; i++) {
		EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, i));
		EXPECT_STREQ("its handle was not opened",
			     rcmgr_batch_error(self->b, i)->message);
	}
	/* Nothing was lost: no open needed ending. */
	EXPECT_EQ(1, self->f.sends);
	for (i = 1; i < 4; i++)
		rcmgr_scope_done(s[i]);
	EXPECT_EQ(1, self->f.sends);
	rcmgr_scope_done(s[0]);
	EXPECT_EQ(2, self->f.sends);
	EXPECT_TRUE(sent_done(&self->f, 1, sent_new_cookie(&self->f, 0, 0)));
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
 * An overrun in the first send of a split batch: the open nothing was read
 * for fails with ENOBUFS and is ended by its cookie before the next send;
 * the refused one's error, still queued, is kept.  The next send carries
 * only the op on a handle that was opened before: the ops on the two
 * failed opens are cancelled without going out.
 */
TEST_F(batch, enobufs_in_a_split_batch)
{
	struct rcmgr_scope *a, *b, *s;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));
	rcmgr_batch_reset(self->b);

	self->rm->nl.batch_ops = 2;
	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "pa", RCMGR_DIR_INBOUND, &a));
	ASSERT_EQ(1, rcmgr_batch_open_stream(self->b, "pb", RCMGR_DIR_INBOUND, &b));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(self->b, a, 1, 0));
	ASSERT_EQ(3, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	ASSERT_EQ(4, rcmgr_batch_reserve_memory(self->b, b, 1, 0));
	next_chunk(&self->f)->err = ENOBUFS;
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, NULL);
	/* Send 3, after the done: the reserve on s, refused. */
	c = next_chunk(&self->f);
	c->after = 4;
	put_ack(c, SEQ_OP | 0, -EDQUOT, NULL);

	EXPECT_EQ(5, rcmgr_batch_submit(self->b));
	ASSERT_EQ(4, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(2, sent_count(&self->f, 1));
	EXPECT_TRUE(sent_done(&self->f, 2, sent_new_cookie(&self->f, 1, 0)));
	ASSERT_EQ(1, sent_count(&self->f, 3));
	EXPECT_EQ(sent_new_cookie(&self->f, 0, 0), sent_cookie(&self->f, 3, 0));
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, 2));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 3));
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(self->b, 4));
	EXPECT_STREQ("its handle was not opened",
		     rcmgr_batch_error(self->b, 4)->message);
	rcmgr_scope_done(a);
	rcmgr_scope_done(b);
	EXPECT_EQ(4, self->f.sends);
	rcmgr_scope_done(s);
	EXPECT_TRUE(sent_done(&self->f, 4, sent_new_cookie(&self->f, 0, 0)));
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
	put_refusal(next_chunk(&self->f), SEQ_OP | 1);
	next_chunk(&self->f)->err = EINTR;
	put_ack(next_chunk(&self->f), SEQ_OP | 1, -EDQUOT, NULL);
	next_chunk(&self->f)->err = EINTR;

	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(1, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 1)->limit);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 2));

	/* The id's question, read after a signal too. */
	next_chunk(&self->f)->err = EINTR;
	c = next_chunk(&self->f);
	put_id(c, SEQ_OP | 0, 9);
	put_ack(c, SEQ_OP | 0, 0, NULL);
	EXPECT_EQ(9, rcmgr_scope_id(s));
	EXPECT_EQ(2, self->f.sends);
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	rcmgr_scope_done(s);
}

/*
 * A send whose ops all succeeded leaves nothing queued: one peek says so
 * and nothing is read; anything queued is read as before; the peek's own
 * failure (the socket's error) fails what it did not answer.
 */
TEST_F(batch, peek_first)
{
	struct rcmgr_scope *s, *t;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	EXPECT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(1, self->f.peeks);
	EXPECT_EQ(0, self->f.nowait_reads);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 1));

	/* A refusal queued: read whole, after the peek. */
	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	put_refusal(next_chunk(&self->f), SEQ_OP | 0);
	put_ack(next_chunk(&self->f), SEQ_OP | 0, -EDQUOT, NULL);
	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(2, self->f.peeks);
	EXPECT_LT(0, self->f.nowait_reads);
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 0)->limit);
	EXPECT_EQ(self->f.n, self->f.next);

	/*
	 * The socket's error at the peek: the answers are lost, so every op
	 * failed as far as anyone can tell, and the open that may have
	 * happened is ended by its cookie.
	 */
	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "q", RCMGR_DIR_INBOUND, &t));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	next_chunk(&self->f)->err = ENOBUFS;
	EXPECT_EQ(2, rcmgr_batch_submit(self->b));
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(0, self->f.overread);
	rcmgr_scope_done(t);
	rcmgr_scope_done(s);
}

/*
 * The socket's error at the peek, with an answer of the send still queued
 * behind it: the peek took the error, not the answer, so what is queued is
 * still read (salvage()) and goes to its op; the others' answers are lost,
 * and the open among them is ended by its cookie.
 */
TEST_F(batch, peek_error_keeps_what_is_queued)
{
	struct rcmgr_scope *s, *t;
	struct chunk *c;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_batch_submit(self->b));
	ASSERT_EQ(1, self->f.sends);

	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "q", RCMGR_DIR_INBOUND, &t));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	next_chunk(&self->f)->err = ENOBUFS;
	c = next_chunk(&self->f);
	put_refusal(c, SEQ_OP | 1);
	put_ack(c, SEQ_OP | 1, -EDQUOT, NULL);
	EXPECT_EQ(2, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(self->b, 1));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 1));
	EXPECT_EQ(100, rcmgr_batch_error(self->b, 1)->limit);
	EXPECT_EQ(-ENOBUFS, rcmgr_batch_result(self->b, 0));
	ASSERT_NE(NULL, rcmgr_batch_error(self->b, 0));
	EXPECT_NE(NULL, strstr(rcmgr_batch_error(self->b, 0)->message, "lost"));
	/* The open that may have happened: one quiet done by its cookie. */
	ASSERT_EQ(3, self->f.sends);
	EXPECT_TRUE(sent_done(&self->f, 2, sent_new_cookie(&self->f, 1, 0)));
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(t, 1, 0));

	/* The next send starts clean: nothing stale is read as its answer. */
	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	EXPECT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	rcmgr_scope_done(t);
	rcmgr_scope_done(s);
}

/*
 * A signal at the peek loses nothing: it is asked again, and an empty
 * queue is still every op's success; one peek per send of a split batch.
 */
TEST_F(batch, peek_interrupted_is_retried)
{
	struct rcmgr_scope *s;
	int i;

	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(self->b, s, 1000, 0));
	next_chunk(&self->f)->err = EINTR;
	EXPECT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_EQ(2, self->f.peeks);
	EXPECT_EQ(0, self->f.nowait_reads);
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 0));
	EXPECT_EQ(0, rcmgr_batch_result(self->b, 1));
	EXPECT_EQ(self->f.n, self->f.next);

	/* Three sends, the second's op refused: each send peeked once. */
	rcmgr_batch_reset(self->b);
	self->rm->nl.batch_ops = 2;
	for (i = 0; i < 6; i++)
		ASSERT_EQ(i, rcmgr_batch_reserve_memory(self->b, s, 1, 0));
	self->f.peeks = 0;
	self->f.nowait_reads = 0;
	/* The second send's answers: queued once two sends were made. */
	self->f.chunk[self->f.n].after = self->f.sends + 2;
	put_ack(&self->f.chunk[self->f.n++], SEQ_OP | 1, -EDQUOT, NULL);
	EXPECT_EQ(1, rcmgr_batch_submit(self->b));
	EXPECT_EQ(3, self->f.peeks);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(i == 3 ? -EDQUOT : 0, rcmgr_batch_result(self->b, i));
	EXPECT_EQ(0, self->f.overread);
	EXPECT_EQ(self->f.n, self->f.next);
	rcmgr_scope_done(s);
}

/*
 * A named scope's name is the library's copy, stored with its object: the
 * caller's buffer may change or go; an empty name is "", a 512-byte one
 * whole; a view replaced, or its handle done, frees it with its object.
 */
TEST_F(batch, view_names_are_copied_whole)
{
	struct rcmgr_scope *s, *c;
	char name[513], buf[16];

	memset(name, 'n', 512);
	name[512] = '\0';
	strcpy(buf, "peer-a");
	ASSERT_EQ(0, rcmgr_batch_open_stream(self->b, buf, RCMGR_DIR_INBOUND, &s));
	strcpy(buf, "/proto");
	ASSERT_EQ(1, rcmgr_batch_stream_set_protocol(self->b, s, buf));
	ASSERT_EQ(2, rcmgr_batch_stream_set_service(self->b, s, name));
	ASSERT_EQ(3, rcmgr_batch_open_connection(self->b, RCMGR_DIR_OUTBOUND,
						 false, NULL, &c));
	ASSERT_EQ(4, rcmgr_batch_conn_set_peer(self->b, c, ""));
	/* The caller's buffers change before the send: the copies do not. */
	strcpy(buf, "overwritten");
	memset(name, 'x', 512);
	EXPECT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_STREQ("peer-a", rcmgr_scope_name(rcmgr_stream_peer_scope(s)));
	EXPECT_STREQ("/proto", rcmgr_scope_name(rcmgr_stream_protocol_scope(s)));
	EXPECT_EQ(512, strlen(rcmgr_scope_name(rcmgr_stream_service_scope(s))));
	EXPECT_EQ(0, strspn(rcmgr_scope_name(rcmgr_stream_service_scope(s)),
			    "x"));
	ASSERT_NE(NULL, rcmgr_conn_peer_scope(c));
	EXPECT_STREQ("", rcmgr_scope_name(rcmgr_conn_peer_scope(c)));

	/* Replaced, outside a batch and in one: the new name, whole. */
	strcpy(buf, "/p2");
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, buf));
	strcpy(buf, "overwritten");
	EXPECT_STREQ("/p2", rcmgr_scope_name(rcmgr_stream_protocol_scope(s)));
	rcmgr_batch_reset(self->b);
	ASSERT_EQ(0, rcmgr_batch_stream_set_protocol(self->b, s, "/p3"));
	ASSERT_EQ(1, rcmgr_batch_conn_set_peer(self->b, c, name));
	/* Reset before the send: the views are freed, the old ones stay. */
	rcmgr_batch_reset(self->b);
	EXPECT_STREQ("/p2", rcmgr_scope_name(rcmgr_stream_protocol_scope(s)));
	ASSERT_EQ(0, rcmgr_batch_stream_set_protocol(self->b, s, "/p3"));
	EXPECT_EQ(0, rcmgr_batch_submit(self->b));
	EXPECT_STREQ("/p3", rcmgr_scope_name(rcmgr_stream_protocol_scope(s)));
	EXPECT_EQ(RCMGR_KIND_PROTOCOL,
		  rcmgr_scope_kind(rcmgr_stream_protocol_scope(s)));
	EXPECT_EQ(0, self->f.overread);
	rcmgr_scope_done(c);
	rcmgr_scope_done(s);
}

static const struct rcmgr_io blocking_io = {
	.send = fake_send,
	.recv = fake_recv,
};

/*
 * An io that cannot read without blocking: the last op of each send asks
 * an ack, which ends the reads; the open and the ops on its handle go in
 * one send, a refusal in the middle goes to its op, and nothing is read
 * after the ack.
 */
TEST(batch_over_a_blocking_io)
{
	struct rcmgr_scope *s;
	struct rcmgr_batch *b;
	struct rcmgr *rm;
	struct fake f;
	struct chunk *c;
	int j;

	memset(&f, 0, sizeof(f));
	ASSERT_EQ(0, rcmgr_open_io(&rm, &blocking_io, &f, PORTID, FAMILY));
	ASSERT_EQ(0, rcmgr_batch_new(rm, &b));
	ASSERT_EQ(0, rcmgr_batch_open_stream(b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(b, s, 10, 0));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(b, s, 1000, 0));
	ASSERT_EQ(3, rcmgr_batch_release_memory(b, s, 10));
	c = next_chunk(&f);
	put_refusal(c, SEQ_OP | 2);
	put_ack(c, SEQ_OP | 2, -EDQUOT, NULL);
	c = next_chunk(&f);
	put_ack(c, SEQ_OP | 3, 0, NULL);

	EXPECT_EQ(1, rcmgr_batch_submit(b));
	EXPECT_EQ(1, f.sends);
	EXPECT_EQ(0, f.overread);
	EXPECT_EQ(f.n, f.next);
	ASSERT_EQ(4, sent_count(&f, 0));
	for (j = 0; j < 3; j++)
		EXPECT_FALSE(sent_msg(&f, 0, j)->nlmsg_flags & NLM_F_ACK);
	EXPECT_TRUE(sent_msg(&f, 0, 3)->nlmsg_flags & NLM_F_ACK);
	EXPECT_NE(0, sent_new_cookie(&f, 0, 0));
	for (j = 1; j < 4; j++)
		EXPECT_EQ(sent_new_cookie(&f, 0, 0), sent_cookie(&f, 0, j));
	EXPECT_EQ(0, rcmgr_batch_result(b, 0));
	EXPECT_EQ(0, rcmgr_batch_result(b, 1));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(b, 2));
	EXPECT_EQ(100, rcmgr_batch_error(b, 2)->limit);
	EXPECT_EQ(0, rcmgr_batch_result(b, 3));
	rcmgr_batch_free(b);
	script_id(&f, 8);
	EXPECT_EQ(8, rcmgr_scope_id(s));
	EXPECT_EQ(sent_new_cookie(&f, 0, 0), sent_cookie(&f, 1, 0));
	put_ack(next_chunk(&f), SEQ_OP | 0, 0, NULL);
	rcmgr_scope_done(s);
	EXPECT_EQ(3, f.sends);
	EXPECT_TRUE(sent_msg(&f, 2, 0)->nlmsg_flags & NLM_F_ACK);
	EXPECT_EQ(sent_new_cookie(&f, 0, 0), sent_cookie(&f, 2, 0));
	EXPECT_EQ(0, f.overread);
	EXPECT_EQ(f.n, f.next);
	rcmgr_close(rm);
}

TEST_HARNESS_MAIN
