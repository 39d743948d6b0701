// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The netlink core: send one request, then read every message the kernel
 * sends for it, up to and including its ack or NLMSG_DONE, whatever they
 * say.  Nothing here runs user code: data messages are copied into a
 * struct rcmgr_reply and handed to callbacks by the caller, after it has
 * dropped its lock.
 *
 * Why each rule:
 * - Stopping before the ack leaves it queued; the next request would read
 *   it as its own answer (off by one, forever).  So errors found on the way
 *   (a parse error, ENOMEM) are remembered and the loop goes on.
 * - Nothing is read once the ack or NLMSG_DONE has been seen: a blocking
 *   recv() after the last message never returns.
 * - Messages of another sequence number are left-overs of a request given
 *   up on (ENOBUFS, a truncated datagram): skipped, so one bad moment does
 *   not shift every later answer.  What is queued of them is read and
 *   dropped before the next request is sent (rcmgr_nl_drain()): a socket
 *   that lost a message stays congested, losing every new one, until its
 *   queue is empty.
 * - EINTR from a signal retries the same recv(); the kernel carried out
 *   the request and its answer is still queued.
 * - A do request sent without NLM_F_ACK (one that opens a handle) is
 *   answered by its reply, or by its error (a refusal's details first).
 *   Its reply ends it: the kernel builds no ack, nor we read one.  Its
 *   answer is queued once send() returns (see below), so it is read
 *   without blocking: a reply the kernel dropped is a failure, not a
 *   wait forever.
 * - A request with nothing to reply but its result (reserve, release,
 *   done, moves, changes) goes without NLM_F_ACK as well ("quiet"): the
 *   kernel answers only a failure.  A netlink request to the kernel is
 *   carried out inside our send(), so once send() returns, a failure is
 *   queued or there is none: non-blocking reads tell which, after a
 *   peek that reads nothing says whether anything is queued at all (the
 *   usual answer, no, costs the kernel less than a read).  A failure
 *   the kernel could not queue is ENOBUFS on the socket, unless someone
 *   set NETLINK_NO_ENOBUFS on it: then it is lost unsaid, as an ack would
 *   be, and only a refusal's details, if they came, still tell.
 * - A request whose failure nobody is told (done: the caller gets no
 *   result) is sent quiet and not read after at all: its failure, if
 *   any, is queued with its own sequence number, and the next request's
 *   reads skip it.  Once RCMGR_NL_UNTOLD_MAX such requests in a row went
 *   unread, the next is read after, so that unread failures never fill
 *   the queue (where the kernel would drop a later request's answer for
 *   want of room).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

static __thread struct rcmgr_error thread_error;

struct rcmgr_error *rcmgr_thread_error(void)
{
	return &thread_error;
}

/*
 * A failure found in the library (a malformed multiaddr): the thread's
 * last error says why, as the kernel's extack would.  Return: -@error,
 * errno set.
 */
int rcmgr_thread_error_set(int error, const char *fmt, ...)
{
	va_list ap;

	memset(&thread_error, 0, sizeof(thread_error));
	thread_error.error = error;
	va_start(ap, fmt);
	vsnprintf(thread_error.message, sizeof(thread_error.message), fmt, ap);
	va_end(ap);
	errno = error;
	return -error;
}

/* The socket's io: the kernel's datagrams only, with their real length. */
static ssize_t sock_send(void *ctx, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct rcmgr_nl *nl = ctx;

	return sendto(nl->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa));
}

static ssize_t sock_recvmsg(void *ctx, void *buf, size_t len, int flags)
{
	struct rcmgr_nl *nl = ctx;
	struct sockaddr_nl sa;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = {
		.msg_name = &sa, .msg_namelen = sizeof(sa),
		.msg_iov = &iov, .msg_iovlen = 1,
	};
	ssize_t n;

	for (;;) {
		n = recvmsg(nl->fd, &msg, MSG_TRUNC | flags);
		if (n < 0)
			return n;
		/* Another process may send to our port id: not the kernel. */
		if (msg.msg_namelen == sizeof(sa) && sa.nl_pid == 0)
			return n;
		msg.msg_namelen = sizeof(sa);
	}
}

static ssize_t sock_recv(void *ctx, void *buf, size_t len)
{
	return sock_recvmsg(ctx, buf, len, 0);
}

static ssize_t sock_recv_nowait(void *ctx, void *buf, size_t len)
{
	return sock_recvmsg(ctx, buf, len, MSG_DONTWAIT);
}

/*
 * A peek into no buffer, as iproute2 sizes its reads: recv(), not
 * recvmsg(), so the kernel copies in no msghdr and no iovec, which is most
 * of what a read that finds nothing costs.
 */
static ssize_t sock_queued(void *ctx)
{
	struct rcmgr_nl *nl = ctx;
	ssize_t n;

	n = recv(nl->fd, NULL, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return 0;
	return n < 0 ? n : 1;
}

const struct rcmgr_io rcmgr_socket_io = {
	.send = sock_send,
	.recv = sock_recv,
	.recv_nowait = sock_recv_nowait,
	.queued = sock_queued,
};

int rcmgr_nl_init(struct rcmgr_nl *nl, const struct rcmgr_io *io, void *ctx,
		  uint32_t portid)
{
	nl->buf = malloc(RCMGR_NL_BUFSIZE);
	if (!nl->buf)
		return -ENOMEM;
	if (io != &rcmgr_socket_io)
		nl->fd = -1;
	nl->io = io;
	nl->ctx = ctx;
	nl->portid = portid;
	nl->seq = 0;
	nl->drain = false;
	nl->untold = 0;
	/* A fake io: the kernel's default receive buffer. */
	nl->batch_ops = 212992 / RCMGR_ANSWER_MAX;
	return 0;
}

/*
 * As many requests per batch send as the receive buffer holds the worst
 * answers of.  The kernel grants at most twice net.core.rmem_max.
 */
static void size_batches(struct rcmgr_nl *nl)
{
	int size = RCMGR_NL_RCVBUF;
	socklen_t len = sizeof(size);

	setsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (getsockopt(nl->fd, SOL_SOCKET, SO_RCVBUF, &size, &len) < 0)
		return;
	size /= RCMGR_ANSWER_MAX;
	if (size < 1)
		size = 1;
	if (size > RCMGR_BATCH_OPS_MAX)
		size = RCMGR_BATCH_OPS_MAX;
	nl->batch_ops = size;
}

int rcmgr_nl_open(struct rcmgr_nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	int one = 1, ret;

	nl->buf = NULL;
	/* Close-on-exec: an exec'd program must not keep our handles alive. */
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(nl->fd, (struct sockaddr *)&sa, &len) < 0)
		goto err;
	/* Error messages and the offending attribute, without our request. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
		   sizeof(one));
	ret = rcmgr_nl_init(nl, &rcmgr_socket_io, nl, sa.nl_pid);
	if (ret < 0) {
		close(nl->fd);
		nl->fd = -1;
		return ret;
	}
	size_batches(nl);
	return 0;
err:
	ret = -errno;
	close(nl->fd);
	nl->fd = -1;
	return ret;
}

void rcmgr_nl_close(struct rcmgr_nl *nl)
{
	if (nl->io == &rcmgr_socket_io && nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
	free(nl->buf);
	nl->buf = NULL;
}

void rcmgr_reply_init(struct rcmgr_reply *rep)
{
	rep->data = rep->inline_buf;
	rep->size = sizeof(rep->inline_buf);
	rep->len = 0;
	rep->intr = false;
	rep->quiet = false;
	rep->refused = false;
	memset(&rep->err, 0, sizeof(rep->err));
}

void rcmgr_reply_free(struct rcmgr_reply *rep)
{
	if (rep->data != rep->inline_buf)
		free(rep->data);
	rcmgr_reply_init(rep);
}

static int reply_add(struct rcmgr_reply *rep, const struct nlmsghdr *m)
{
	size_t need = rep->len + NLMSG_ALIGN(m->nlmsg_len);
	char *p;

	if (need > rep->size) {
		size_t size = rep->size * 2 > need ? rep->size * 2 : need;

		if (rep->data == rep->inline_buf) {
			p = malloc(size);
			if (p)
				memcpy(p, rep->data, rep->len);
		} else {
			p = realloc(rep->data, size);
		}
		if (!p)
			return -ENOMEM;
		rep->data = p;
		rep->size = size;
	}
	memcpy(rep->data + rep->len, m, m->nlmsg_len);
	rep->len = need;
	return 0;
}

/* One datagram into nl->buf: its length, or a negative errno. */
ssize_t rcmgr_nl_recv(struct rcmgr_nl *nl)
{
	ssize_t n;

	do
		n = nl->io->recv(nl->ctx, nl->buf, RCMGR_NL_BUFSIZE);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/*
 * What is still queued of answers given up on, read and dropped.  After
 * the kernel dropped a message for want of room (ENOBUFS), the socket
 * stays congested, dropping every new message without another error,
 * until its queue is empty: the next answer would never come.
 */
void rcmgr_nl_drain(struct rcmgr_nl *nl)
{
	ssize_t n;

	if (!nl->drain || !nl->io->recv_nowait)
		return;
	do
		n = nl->io->recv_nowait(nl->ctx, nl->buf, RCMGR_NL_BUFSIZE);
	while (n >= 0 || errno == EINTR || errno == ENOBUFS);
	nl->drain = false;
}

/* One datagram of a do's answer, or -EAGAIN: none is queued (any more). */
ssize_t rcmgr_nl_recv_nowait(struct rcmgr_nl *nl)
{
	ssize_t n;

	do
		n = nl->io->recv_nowait(nl->ctx, nl->buf, RCMGR_NL_BUFSIZE);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

static int send_req(struct rcmgr_nl *nl, const struct nlmsghdr *req)
{
	ssize_t n;

	do
		n = nl->io->send(nl->ctx, req, req->nlmsg_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return (size_t)n == req->nlmsg_len ? 0 : -EIO;
}

/*
 * The messages of one datagram.  Return: 1 once the request's ack or
 * NLMSG_DONE was seen, or its reply when @last_reply (the rest of the
 * datagram is not ours), 0 to read on.  The first failure is kept in @ret
 * and is the request's result.
 */
static int scan(struct rcmgr_nl *nl, size_t n, uint32_t seq, bool last_reply,
		struct rcmgr_reply *rep, int *ret)
{
	const struct nlmsghdr *m = (const struct nlmsghdr *)nl->buf;
	int len = n, err;

	for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
		if (m->nlmsg_seq != seq || m->nlmsg_pid != nl->portid)
			continue;
		if (m->nlmsg_flags & NLM_F_DUMP_INTR)
			rep->intr = true;
		switch (m->nlmsg_type) {
		case NLMSG_ERROR:
			/* A refusal's details came first; its words are whole. */
			err = rcmgr_parse_done(m, &rep->err);
			if (err < 0 && !*ret)
				*ret = err;
			return 1;
		case NLMSG_DONE:
			err = rcmgr_parse_done(m, &rep->err);
			if (err < 0 && !*ret)
				*ret = err;
			return 1;
		}
		if (m->nlmsg_type < NLMSG_MIN_TYPE)
			continue;	/* NOOP, OVERRUN: nothing for us */
		/* The details of a refusal, sent just before its error. */
		if (rcmgr_parse_refusal(m, &rep->err) == 1) {
			rep->refused = true;
			continue;
		}
		err = reply_add(rep, m);
		if (err < 0 && !*ret)
			*ret = err;
		if (last_reply)
			return 1;
	}
	return 0;
}

/* Number @req as the next request: 0 is what notifications carry. */
static uint32_t next_seq(struct rcmgr_nl *nl, struct nlmsghdr *req)
{
	uint32_t seq = ++nl->seq;

	if (!seq)
		seq = ++nl->seq;
	req->nlmsg_seq = seq;
	req->nlmsg_pid = 0;
	return seq;
}

/**
 * rcmgr_nl_request() - send @req and collect its whole answer
 * @nl: the socket (or fake)
 * @req: the request; its sequence number is set here
 * @rep: initialised with rcmgr_reply_init(); gets the data messages
 *
 * Reads up to and including the ack or NLMSG_DONE (without NLM_F_ACK on
 * a do: the reply or the error; @rep->quiet: whatever is queued once the
 * request was sent), and not one datagram more.  Gives up early only when
 * the socket itself fails (ENOBUFS: the kernel dropped messages, maybe the
 * ack; EMSGSIZE: a datagram larger than our buffer, maybe holding the
 * ack) — the left-overs are skipped by the next request's sequence check.
 *
 * Return: 0, or a negative errno, with @rep->err filled in (refusal,
 * extack) when the kernel said why.
 */
int rcmgr_nl_request(struct rcmgr_nl *nl, struct nlmsghdr *req,
		     struct rcmgr_reply *rep)
{
	bool last_reply, nowait;
	uint32_t seq;
	ssize_t n;
	int ret = 0;

	rcmgr_nl_drain(nl);
	/* Quiet only where a failure can be read without blocking. */
	if (!nl->io->recv_nowait)
		rep->quiet = false;
	if (rep->quiet)
		req->nlmsg_flags &= ~NLM_F_ACK;
	last_reply = !(req->nlmsg_flags & (NLM_F_ACK | NLM_F_DUMP)) &&
		     !rep->quiet;
	/* A do's whole answer is queued once send() returns: never block. */
	nowait = (rep->quiet || last_reply) && nl->io->recv_nowait;
	seq = next_seq(nl, req);
	ret = send_req(nl, req);
	if (ret < 0)
		goto out;
	/* What was queued before our answer is read (skipped) before it. */
	nl->untold = 0;
	/*
	 * A quiet request that succeeded left nothing queued, as is usual
	 * when the queue was empty before it (rcmgr_nl_drain(), dones read
	 * after at times): ask that first, at less than a read's cost.
	 */
	if (rep->quiet && nl->io->queued) {
		do
			n = nl->io->queued(nl->ctx);
		while (n < 0 && errno == EINTR);
		if (!n)
			goto out;
		if (n < 0) {
			ret = -errno;
			nl->drain = true;
			goto out;
		}
	}
	for (;;) {
		n = nowait ? rcmgr_nl_recv_nowait(nl) : rcmgr_nl_recv(nl);
		if (n == -EAGAIN && nowait) {
			/*
			 * Nothing (more) queued: a quiet request succeeded, and
			 * an open's reply was lost (its caller finds no reply),
			 * unless a refusal's details came without their error,
			 * which the kernel dropped unsaid (NETLINK_NO_ENOBUFS
			 * on the socket).
			 */
			if (rep->refused)
				ret = -EDQUOT;
			break;
		}
		if (n < 0) {
			ret = n;
			nl->drain = true;
			break;
		}
		if (n > RCMGR_NL_BUFSIZE) {
			ret = -EMSGSIZE;
			nl->drain = true;
			break;
		}
		if (scan(nl, n, seq, last_reply, rep, &ret))
			break;
	}
out:
	if (ret < 0)
		rep->err.error = -ret;
	return ret;
}

/**
 * rcmgr_nl_tell() - send @req, whose failure nobody is told
 * @nl: the socket (or fake)
 * @req: the request; sent without NLM_F_ACK
 *
 * Not read after: a failure stays queued under @req's sequence number and
 * the next request skips it.  Read after, as any request, when the io
 * cannot read without blocking (there every request waits for its ack),
 * or once RCMGR_NL_UNTOLD_MAX requests in a row went unread.
 *
 * Return: 0, or a negative errno: sending failed, or the read after did.
 */
int rcmgr_nl_tell(struct rcmgr_nl *nl, struct nlmsghdr *req)
{
	struct rcmgr_reply rep;
	int ret;

	if (!nl->io->recv_nowait || nl->untold >= RCMGR_NL_UNTOLD_MAX) {
		rcmgr_reply_init(&rep);
		rep.quiet = true;
		ret = rcmgr_nl_request(nl, req, &rep);
		rcmgr_reply_free(&rep);
		return ret;
	}
	rcmgr_nl_drain(nl);
	req->nlmsg_flags &= ~NLM_F_ACK;
	next_seq(nl, req);
	ret = send_req(nl, req);
	if (!ret)
		nl->untold++;
	return ret;
}

/* Resolve the rcmgr family, and its events group if @group is given. */
int rcmgr_nl_family(struct rcmgr_nl *nl, uint16_t *family, uint32_t *group,
		    uint32_t *refusals)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_reply rep;
	struct nlmsghdr *nlh;
	int ret;

	rcmgr_reply_init(&rep);
	nlh = rcmgr_msg_getfamily(buf, 0, RCMGR_FAMILY_NAME);
	ret = rcmgr_nl_request(nl, nlh, &rep);
	if (!ret && !rep.len)
		ret = -ENOENT;
	if (!ret)
		ret = rcmgr_parse_family((struct nlmsghdr *)rep.data, family);
	if (!ret && group)
		ret = rcmgr_parse_mcast_group((struct nlmsghdr *)rep.data,
					      RCMGR_MCGRP_EVENTS, group);
	/* A module from before refusal events has no such group: 0. */
	if (!ret && refusals &&
	    rcmgr_parse_mcast_group((struct nlmsghdr *)rep.data,
				    RCMGR_MCGRP_REFUSALS, refusals))
		*refusals = 0;
	rcmgr_reply_free(&rep);
	return ret;
}
