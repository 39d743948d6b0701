// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Batches: several requests in one sendmsg(), for daemons that open,
 * attach and charge many handles at once.
 *
 * The kernel carries out the messages of one send in order, in the
 * sender's context, and queues their answers before sendmsg() returns; so
 * one send and the reads of already queued answers replace a round trip
 * (and a wake-up) per request.  No message of a send asks for an ack:
 * each answers only when it fails (an error, after the refusal's details),
 * and every answer is queued once sendmsg() returned, so the reads end
 * when nothing more is queued.  (An io without a non-blocking read asks
 * an ack of the last message instead, and reads up to it.)
 *
 * An open names its handle by a cookie the library chose when it was
 * queued, so a later op of the same send can act on the handle: opening a
 * stream, setting its protocol and reserving its buffer go together.  An
 * op on a handle whose open failed fails with ECANCELED (the kernel found
 * no handle by that cookie, and did nothing).
 *
 * The answers of one send must fit in the socket's receive buffer, or the
 * kernel drops some (ENOBUFS) and what the dropped ones said is lost: a
 * send carries at most nl->batch_ops requests, sized for the worst answer
 * (a refusal's details and its error).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

/* Big enough for any one request: names are at most 512 bytes. */
#define OP_MSG_MAX	1024

struct batch_op {
	uint8_t cmd;
	bool final;			/* @error is the op's result */
	bool acked;			/* its ack or error came */
	int error;			/* 0, or a negative errno */
	uint32_t off, len;		/* its message in batch->msgs */
	struct rcmgr_scope *target;	/* the handle it acts on, if any */
	struct rcmgr_scope *opened;	/* opens: the new handle's object */
	struct rcmgr_scope *view;	/* attaches: the named scope */
	struct rcmgr_error *err;	/* details of a failure, or NULL */
};

struct rcmgr_batch {
	struct rcmgr *rm;
	struct batch_op *ops;
	unsigned int n, size;
	char *msgs;			/* the ops' messages, back to back */
	size_t len, msgs_size;
	char *sendbuf;			/* one send: RCMGR_NL_BUFSIZE bytes */
	bool submitted;
};

static int fail(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

RCMGR_EXPORT int rcmgr_batch_new(struct rcmgr *rm, struct rcmgr_batch **bp)
{
	struct rcmgr_batch *b;

	if (!rm || !bp)
		return fail(-EINVAL);
	b = calloc(1, sizeof(*b));
	if (!b)
		return fail(-ENOMEM);
	b->rm = rm;
	b->sendbuf = malloc(RCMGR_NL_BUFSIZE);
	if (!b->sendbuf) {
		free(b);
		return fail(-ENOMEM);
	}
	*bp = b;
	return 0;
}

/*
 * An op that never went out (freed or reset before submit): the handle it
 * would have opened is dead, a done it carried is forgotten.
 */
static void op_drop_unsent(struct rcmgr_batch *b, struct batch_op *op)
{
	struct rcmgr_scope *s = op->opened;

	if (s && s->batch == b) {
		s->batch = NULL;
		if (s->abandoned) {
			rcmgr_scope_free(s);
		} else {
			s->open_error = ECANCELED;
			rcmgr_scope_track(b->rm, s);
		}
	}
	if (op->cmd == RCMGR_CMD_SCOPE_DONE && op->target)
		op->target->done_queued = false;
}

static void clear(struct rcmgr_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		struct batch_op *op = &b->ops[i];

		if (!b->submitted)
			op_drop_unsent(b, op);
		rcmgr_scope_free(op->view);
		free(op->err);
	}
	b->n = 0;
	b->len = 0;
	b->submitted = false;
}

RCMGR_EXPORT void rcmgr_batch_reset(struct rcmgr_batch *b)
{
	if (b)
		clear(b);
}

RCMGR_EXPORT void rcmgr_batch_free(struct rcmgr_batch *b)
{
	if (!b)
		return;
	clear(b);
	free(b->ops);
	free(b->msgs);
	free(b->sendbuf);
	free(b);
}

/*
 * Check what an op acts on: a handle of this manager that is (or will be,
 * by this batch) open, or a named scope's view.
 */
static int check_target(struct rcmgr_batch *b, struct rcmgr_scope *s)
{
	if (!s || s->rm != b->rm)
		return -EINVAL;
	if (!s->handle && !s->batch)
		return 0;	/* a view: named in the message */
	if (s->batch && s->batch != b)
		return -EINPROGRESS;
	if (s->open_error || s->abandoned || s->done_queued)
		return -ESTALE;
	return 0;
}

/* Start an op's message at the end of the batch, its target in it. */
static struct nlmsghdr *op_start(struct rcmgr_batch *b, uint8_t cmd,
				 struct rcmgr_scope *target,
				 struct batch_op **opp)
{
	struct rcmgr_target t = {};
	struct batch_op *op;
	struct nlmsghdr *nlh;

	if (b->submitted)
		return NULL;
	if (b->n == b->size) {
		unsigned int size = b->size ? b->size * 2 : 16;
		struct batch_op *ops = realloc(b->ops, size * sizeof(*ops));

		if (!ops)
			return NULL;
		b->ops = ops;
		b->size = size;
	}
	if (b->len + OP_MSG_MAX > b->msgs_size) {
		size_t size = b->msgs_size ? b->msgs_size * 2 : 4096;
		char *msgs = realloc(b->msgs, size);

		if (!msgs)
			return NULL;
		b->msgs = msgs;
		b->msgs_size = size;
	}
	op = &b->ops[b->n];
	memset(op, 0, sizeof(*op));
	op->cmd = cmd;
	op->off = b->len;
	nlh = rcmgr_msg_start(b->msgs + b->len, b->rm->family, cmd,
			      RCMGR_FAMILY_VERSION, 0, 0);
	if (target && (target->handle || target->batch)) {
		op->target = target;
		rcmgr_msg_put_handle(nlh, target);
	} else if (target) {
		t.kind = target->kind;
		t.name = target->name;
		rcmgr_msg_put_target(nlh, &t);
	}
	*opp = op;
	return nlh;
}

/* The op's message is whole: it joins the batch.  Return: its index. */
static int op_commit(struct rcmgr_batch *b, struct batch_op *op,
		     const struct nlmsghdr *nlh)
{
	op->len = nlh->nlmsg_len;
	b->len += NLMSG_ALIGN(nlh->nlmsg_len);
	return b->n++;
}

/* A new handle's object, pending until the batch's answer. */
static int op_open(struct rcmgr_batch *b, struct batch_op *op,
		   struct nlmsghdr *nlh, enum rcmgr_kind kind,
		   const char *peer, struct rcmgr_scope **out)
{
	struct rcmgr_scope *s = rcmgr_scope_new(b->rm, kind, NULL);

	if (!s)
		return -ENOMEM;
	if (peer) {
		s->peer = rcmgr_scope_new(b->rm, RCMGR_KIND_PEER, peer);
		if (!s->peer) {
			rcmgr_scope_free(s);
			return -ENOMEM;
		}
	}
	s->handle = true;
	s->batch = b;
	s->batch_op = b->n;
	if (!b->rm->null) {
		s->cookie = rcmgr_cookie_new(b->rm);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_NEW_COOKIE, s->cookie);
	}
	op->opened = s;
	*out = s;
	return op_commit(b, op, nlh);
}

static int put_name(struct nlmsghdr *nlh, uint16_t type, const char *name)
{
	if (!name)
		return -EINVAL;
	if (strlen(name) > 512)
		return -ERANGE;
	mnl_attr_put(nlh, type, strlen(name), name);
	return 0;
}

RCMGR_EXPORT int rcmgr_batch_open_connection(struct rcmgr_batch *b,
					     enum rcmgr_dir dir, bool usefd,
					     const char *endpoint,
					     struct rcmgr_scope **conn)
{
	struct batch_op *op;
	struct nlmsghdr *nlh;

	int ret;

	if (!b || !conn)
		return fail(-EINVAL);
	if (b->submitted)
		return fail(-EINVAL);
	nlh = op_start(b, RCMGR_CMD_CONN_OPEN, NULL, &op);
	if (!nlh)
		return fail(-ENOMEM);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, dir);
	if (usefd)
		mnl_attr_put(nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
	ret = rcmgr_msg_put_endpoint(nlh, endpoint);
	if (ret)
		return fail(ret);
	return fail(op_open(b, op, nlh, RCMGR_KIND_CONN, NULL, conn));
}

RCMGR_EXPORT int rcmgr_batch_open_stream(struct rcmgr_batch *b,
					 const char *peer, enum rcmgr_dir dir,
					 struct rcmgr_scope **stream)
{
	struct batch_op *op;
	struct nlmsghdr *nlh;
	int ret;

	if (!b || !stream || b->submitted)
		return fail(-EINVAL);
	nlh = op_start(b, RCMGR_CMD_STREAM_OPEN, NULL, &op);
	if (!nlh)
		return fail(-ENOMEM);
	ret = put_name(nlh, RCMGR_A_SCOPE_PEER, peer);
	if (ret)
		return fail(ret);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, dir);
	return fail(op_open(b, op, nlh, RCMGR_KIND_STREAM, peer, stream));
}

RCMGR_EXPORT int rcmgr_batch_begin_span(struct rcmgr_batch *b,
					struct rcmgr_scope *s,
					struct rcmgr_scope **span)
{
	struct batch_op *op;
	struct nlmsghdr *nlh;
	int ret;

	if (!b || !span || b->submitted)
		return fail(-EINVAL);
	ret = check_target(b, s);
	if (ret)
		return fail(ret);
	nlh = op_start(b, RCMGR_CMD_SPAN_BEGIN, s, &op);
	if (!nlh)
		return fail(-ENOMEM);
	return fail(op_open(b, op, nlh, RCMGR_KIND_SPAN, NULL, span));
}

/* conn-set-peer, stream-set-protocol, stream-set-service. */
static int attach(struct rcmgr_batch *b, struct rcmgr_scope *h,
		  enum rcmgr_kind hkind, uint8_t cmd, uint16_t attr,
		  enum rcmgr_kind kind, const char *name)
{
	struct batch_op *op;
	struct nlmsghdr *nlh;
	int ret;

	if (!b || b->submitted || !h || h->kind != hkind)
		return -EINVAL;
	ret = check_target(b, h);
	if (ret)
		return ret;
	nlh = op_start(b, cmd, h, &op);
	if (!nlh)
		return -ENOMEM;
	ret = put_name(nlh, attr, name);
	if (ret)
		return ret;
	op->view = rcmgr_scope_new(b->rm, kind, name);
	if (!op->view)
		return -ENOMEM;
	return op_commit(b, op, nlh);
}

RCMGR_EXPORT int rcmgr_batch_conn_set_peer(struct rcmgr_batch *b,
					   struct rcmgr_scope *conn,
					   const char *peer)
{
	return fail(attach(b, conn, RCMGR_KIND_CONN, RCMGR_CMD_CONN_SET_PEER,
			   RCMGR_A_SCOPE_PEER, RCMGR_KIND_PEER, peer));
}

RCMGR_EXPORT int rcmgr_batch_stream_set_protocol(struct rcmgr_batch *b,
						 struct rcmgr_scope *stream,
						 const char *protocol)
{
	return fail(attach(b, stream, RCMGR_KIND_STREAM,
			   RCMGR_CMD_STREAM_SET_PROTOCOL,
			   RCMGR_A_SCOPE_PROTOCOL, RCMGR_KIND_PROTOCOL,
			   protocol));
}

RCMGR_EXPORT int rcmgr_batch_stream_set_service(struct rcmgr_batch *b,
						struct rcmgr_scope *stream,
						const char *service)
{
	return fail(attach(b, stream, RCMGR_KIND_STREAM,
			   RCMGR_CMD_STREAM_SET_SERVICE,
			   RCMGR_A_SCOPE_SERVICE, RCMGR_KIND_SERVICE, service));
}

static int memory(struct rcmgr_batch *b, struct rcmgr_scope *s, uint8_t cmd,
		  int64_t size, int prio)
{
	struct batch_op *op;
	struct nlmsghdr *nlh;
	int ret;

	if (!b || b->submitted)
		return -EINVAL;
	ret = check_target(b, s);
	if (ret)
		return ret;
	nlh = op_start(b, cmd, s, &op);
	if (!nlh)
		return -ENOMEM;
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, (uint64_t)size);
	if (prio >= 0)
		mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, prio);
	return op_commit(b, op, nlh);
}

RCMGR_EXPORT int rcmgr_batch_reserve_memory(struct rcmgr_batch *b,
					    struct rcmgr_scope *s,
					    int64_t size, uint8_t prio)
{
	return fail(memory(b, s, RCMGR_CMD_SCOPE_RESERVE, size, prio));
}

RCMGR_EXPORT int rcmgr_batch_release_memory(struct rcmgr_batch *b,
					    struct rcmgr_scope *s,
					    int64_t size)
{
	return fail(memory(b, s, RCMGR_CMD_SCOPE_RELEASE, size, -1));
}

RCMGR_EXPORT int rcmgr_batch_done(struct rcmgr_batch *b, struct rcmgr_scope *s)
{
	struct batch_op *op;
	struct nlmsghdr *nlh;
	int ret;

	if (!b || b->submitted || !s || (!s->handle && !s->batch))
		return fail(-EINVAL);
	ret = check_target(b, s);
	if (ret)
		return fail(ret);
	nlh = op_start(b, RCMGR_CMD_SCOPE_DONE, s, &op);
	if (!nlh)
		return fail(-ENOMEM);
	s->done_queued = true;
	return op_commit(b, op, nlh);
}

RCMGR_EXPORT unsigned int rcmgr_batch_count(const struct rcmgr_batch *b)
{
	return b ? b->n : 0;
}

RCMGR_EXPORT int rcmgr_batch_result(const struct rcmgr_batch *b,
				    unsigned int op)
{
	if (!b || op >= b->n)
		return -EINVAL;
	if (!b->ops[op].final)
		return -EINPROGRESS;
	return b->ops[op].error;
}

RCMGR_EXPORT const struct rcmgr_error *
rcmgr_batch_error(const struct rcmgr_batch *b, unsigned int op)
{
	if (!b || op >= b->n || !b->ops[op].final || !b->ops[op].error)
		return NULL;
	return b->ops[op].err;
}

/* An op's failure, with the kernel's details if @e has them. */
static void op_fail(struct batch_op *op, int error, const struct rcmgr_error *e,
		    const char *why)
{
	op->final = true;
	op->error = error;
	if (!op->err)
		op->err = calloc(1, sizeof(*op->err));
	if (!op->err)
		return;
	if (e)
		*op->err = *e;
	op->err->error = -error;
	if (why && !op->err->message[0])
		snprintf(op->err->message, sizeof(op->err->message), "%s", why);
}

/*
 * One datagram's messages: each goes to the op of its sequence number.
 * Return: 1 once the last op's ack was seen (nothing more is ours).
 */
static int scan(struct rcmgr_batch *b, const unsigned int *idx,
		unsigned int k, uint32_t first, size_t n)
{
	const struct nlmsghdr *m = (const struct nlmsghdr *)b->rm->nl.buf;
	struct rcmgr_error e;
	int len = n, err;

	for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
		uint32_t j = m->nlmsg_seq - first;
		struct batch_op *op;

		if (m->nlmsg_pid != b->rm->nl.portid || j >= k)
			continue;
		op = &b->ops[idx[j]];
		if (m->nlmsg_type == NLMSG_ERROR) {
			/* A refusal's details came first, in op->err. */
			if (op->err)
				e = *op->err;
			else
				memset(&e, 0, sizeof(e));
			err = rcmgr_parse_done(m, &e);
			op->acked = true;
			if (err < 0)
				op_fail(op, err, &e, NULL);
			if (j == k - 1)
				return 1;
			continue;
		}
		if (m->nlmsg_type < NLMSG_MIN_TYPE)
			continue;
		if (rcmgr_parse_refusal(m, &e) == 1) {
			if (!op->err)
				op->err = malloc(sizeof(*op->err));
			if (op->err)
				*op->err = e;
		}
	}
	return 0;
}

/*
 * The socket failed while answers were coming: keep what is still queued
 * of them (errors, refusals), without waiting for what was dropped.  The
 * next request drains what is left (rcmgr_nl_drain()).
 */
static void salvage(struct rcmgr_batch *b, const unsigned int *idx,
		    unsigned int k, uint32_t first, int ret)
{
	struct rcmgr_nl *nl = &b->rm->nl;
	ssize_t n;

	nl->drain = true;
	if (ret != -ENOBUFS || !nl->io->recv_nowait)
		return;
	for (;;) {
		n = nl->io->recv_nowait(nl->ctx, nl->buf, RCMGR_NL_BUFSIZE);
		if (n < 0 && (errno == EINTR || errno == ENOBUFS))
			continue;
		if (n < 0) {
			if (errno == EAGAIN)
				nl->drain = false;
			return;
		}
		if (n <= RCMGR_NL_BUFSIZE && scan(b, idx, k, first, n))
			return;
	}
}

/*
 * Send the ops @idx[0..k) in one datagram and read their answers, up to
 * the last op's ack and not one datagram more; or, where the io reads
 * without blocking, with no ack asked at all, until nothing more is
 * queued: the kernel carried every message out, answers queued, before
 * send() returned.  The manager's lock is held throughout, as for one
 * request.
 */
static void send_chunk(struct rcmgr_batch *b, const unsigned int *idx,
		       unsigned int k)
{
	struct rcmgr_nl *nl = &b->rm->nl;
	struct nlmsghdr *nlh;
	unsigned int j;
	bool nowait = nl->io->recv_nowait;
	uint32_t first;
	size_t len = 0;
	ssize_t n;
	bool sent = false, dropped = false, answered = false;
	int ret = 0;

	pthread_mutex_lock(&b->rm->lock);
	rcmgr_nl_drain(nl);
	/* Sequence numbers of one send never wrap through 0. */
	if (nl->seq > UINT32_MAX - 2 * RCMGR_BATCH_OPS_MAX)
		nl->seq = 0;
	first = nl->seq + 1;
	nl->seq += k;
	for (j = 0; j < k; j++) {
		const struct batch_op *op = &b->ops[idx[j]];

		nlh = (struct nlmsghdr *)(b->sendbuf + len);
		memcpy(nlh, b->msgs + op->off, op->len);
		nlh->nlmsg_seq = first + j;
		nlh->nlmsg_pid = 0;
		nlh->nlmsg_flags = NLM_F_REQUEST |
				   (!nowait && j == k - 1 ? NLM_F_ACK : 0);
		len += NLMSG_ALIGN(op->len);
	}
	do
		n = nl->io->send(nl->ctx, b->sendbuf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	else
		sent = true;
	/*
	 * Every op succeeded, as is usual, when nothing is queued: a peek
	 * says so at less than a read's cost (rcmgr_nl_request()).  Its
	 * failure is the socket's, as a read's would be.
	 */
	if (sent && nowait && nl->io->queued) {
		do
			n = nl->io->queued(nl->ctx);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			ret = -errno;
		else if (!n)
			answered = true;
	}
	while (!ret && !answered) {
		n = nowait ? rcmgr_nl_recv_nowait(nl) : rcmgr_nl_recv(nl);
		if (n == -EAGAIN && nowait)
			break;	/* every answer is in */
		if (n < 0)
			ret = n;
		else if (n > RCMGR_NL_BUFSIZE)
			ret = -EMSGSIZE;
		else if (scan(b, idx, k, first, n) && !nowait)
			break;
	}
	if (ret < 0 && sent)
		salvage(b, idx, k, first, ret);
	pthread_mutex_unlock(&b->rm->lock);

	for (j = 0; j < k; j++) {
		struct batch_op *op = &b->ops[idx[j]];

		if (op->final)
			continue;
		if (op->err && !ret) {
			/*
			 * A refusal's details without their error, which the
			 * kernel dropped unsaid (NETLINK_NO_ENOBUFS): refused.
			 * The queue was full: every later answer of the send
			 * was dropped as well, so silence proves nothing.
			 */
			op_fail(op, -EDQUOT, op->err, NULL);
			dropped = true;
		} else if (op->acked) {
			op->final = true;
		} else if (ret < 0 || dropped) {
			/* Sent, but the answer is lost: it may have happened. */
			op_fail(op, ret < 0 ? ret : -ENOBUFS, NULL, !sent ? NULL :
				"answer lost: the request may have been carried out");
			/* An open that may have happened is undone. */
			if (op->opened && sent)
				rcmgr_cookie_forget(b->rm, op->opened->cookie,
						    -ENOBUFS);
		} else {
			op->final = true;
		}
	}
}

/* An op is answered: its objects follow. */
static void resolve(struct rcmgr_batch *b, struct batch_op *op)
{
	struct rcmgr_scope *s = op->opened, *t = op->target, **slot;

	if (s) {
		s->batch = NULL;
		if (s->abandoned)
			;	/* freed once the batch is through */
		else if (op->error)
			s->open_error = -op->error;
		else if (b->rm->null)
			rcmgr_handle_set_id(s, 0);
		if (!s->abandoned)
			rcmgr_scope_track(b->rm, s);
	}
	/* Its handle's open, earlier in the batch, failed: nothing was done. */
	if (t && t->open_error && op->error == -ENOENT) {
		op->error = -ECANCELED;
		if (op->err) {
			memset(op->err, 0, sizeof(*op->err));
			op->err->error = ECANCELED;
			snprintf(op->err->message, sizeof(op->err->message),
				 "its handle was not opened");
		}
	}
	if (op->view) {
		if (op->error)
			return;
		slot = op->cmd == RCMGR_CMD_CONN_SET_PEER ? &t->peer :
		       op->cmd == RCMGR_CMD_STREAM_SET_PROTOCOL ? &t->protocol :
		       &t->service;
		rcmgr_scope_free(*slot);
		*slot = op->view;
		op->view = NULL;
	}
}

/*
 * Whether op @i goes out: 1 yes, -1 never (its handle is dead, or it was
 * given up on before it went out).  A handle an earlier op of the batch
 * opens is named by its cookie: its ops go in the same send.
 */
static int ready(struct rcmgr_batch *b, unsigned int i)
{
	struct batch_op *op = &b->ops[i];
	struct rcmgr_scope *t = op->target;

	if (op->opened && op->opened->abandoned)
		return -1;
	if (t && (t->open_error || t->abandoned))
		return -1;
	return 1;
}

static void run(struct rcmgr_batch *b)
{
	unsigned int idx[RCMGR_BATCH_OPS_MAX];
	unsigned int i = 0, k, j, max = b->rm->nl.batch_ops;
	size_t bytes;
	int r;

	if (max < 1 || max > RCMGR_BATCH_OPS_MAX)
		max = 1;
	while (i < b->n) {
		k = 0;
		bytes = 0;
		for (; i < b->n && k < max; i++) {
			struct batch_op *op = &b->ops[i];

			r = ready(b, i);
			if (r < 0) {
				op_fail(op, -ECANCELED, NULL,
					"its handle was not opened");
				resolve(b, op);
				continue;
			}
			if (bytes + NLMSG_ALIGN(op->len) > RCMGR_NL_BUFSIZE)
				break;
			idx[k++] = i;
			bytes += NLMSG_ALIGN(op->len);
		}
		if (!k)
			continue;
		send_chunk(b, idx, k);
		for (j = 0; j < k; j++)
			resolve(b, &b->ops[idx[j]]);
	}
}

/* Every op gets @error without reaching the kernel (0: a null manager). */
static void run_without_kernel(struct rcmgr_batch *b, int error)
{
	unsigned int i;

	for (i = 0; i < b->n; i++) {
		struct batch_op *op = &b->ops[i];
		int r = ready(b, i);

		if (r < 0)
			op_fail(op, -ECANCELED, NULL, "its handle was not opened");
		else if (error)
			op_fail(op, error, NULL, NULL);
		else
			op->final = true;
		resolve(b, op);
	}
}

RCMGR_EXPORT int rcmgr_batch_submit(struct rcmgr_batch *b)
{
	struct batch_op *first = NULL;
	unsigned int i, failed = 0;

	if (!b || b->submitted || !b->n)
		return fail(-EINVAL);
	b->submitted = true;
	if (b->rm->null)
		run_without_kernel(b, 0);
	else if (rcmgr_forked(b->rm))
		run_without_kernel(b, -ECHILD);
	else
		run(b);

	/*
	 * What a done ended, and what the caller gave up on while queued,
	 * are freed; decided first for every op, while all objects live (a
	 * handle opened and ended by one batch is two ops' object).
	 */
	for (i = 0; i < b->n; i++) {
		struct batch_op *op = &b->ops[i];

		if (op->error) {
			failed++;
			if (!first)
				first = op;
		}
		if (op->cmd != RCMGR_CMD_SCOPE_DONE || op->target->abandoned)
			op->target = NULL;
		if (op->opened && !op->opened->abandoned)
			op->opened = NULL;
	}
	for (i = 0; i < b->n; i++) {
		struct batch_op *op = &b->ops[i];

		if (op->target) {
			rcmgr_scope_untrack(b->rm, op->target);
			rcmgr_scope_free(op->target);
		}
		rcmgr_scope_free(op->opened);
		op->opened = NULL;
		op->target = NULL;
	}
	if (first) {
		struct rcmgr_error *e = rcmgr_thread_error();

		if (first->err) {
			*e = *first->err;
		} else {
			memset(e, 0, sizeof(*e));
			e->error = -first->error;
		}
	}
	return failed;
}
