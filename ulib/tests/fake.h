/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake transport for librcmgr's unit tests: the io vtable the socket
 * uses, fed scripted datagrams, recording the last two requests sent.  Answers
 * carry SEQ_CUR (or SEQ_OLD), patched to the last request's sequence
 * number (or the one before) as they are read; overread counts reads past
 * the script, where a real socket would have blocked forever.
 */
#ifndef _RCMGR_TESTS_FAKE_H
#define _RCMGR_TESTS_FAKE_H

#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

#define FAMILY	0x1234
#define PORTID	4242
#define SEQ_CUR	0xffffffffu	/* patched to the request's sequence */
#define SEQ_OLD	0xfffffffeu	/* patched to the one before */

struct chunk {
	int err;		/* recv() fails with it */
	size_t len;
	size_t trunc;		/* a datagram this long, cut to @len */
	char data[8192];
};

struct fake {
	struct chunk chunk[24];
	int n, next;
	int sends, send_eintr;
	uint32_t seq;		/* of the last request */
	char sent[8192];	/* the last request */
	size_t sent_len;
	char prev[8192];	/* the one before it */
	int overread;		/* recv() after the script: would block */
	size_t recv_len;	/* buffer size offered */
};

static inline ssize_t fake_send(void *ctx, const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf;
	struct fake *f = ctx;

	if (f->send_eintr) {
		f->send_eintr--;
		errno = EINTR;
		return -1;
	}
	f->sends++;
	f->seq = nlh->nlmsg_seq;
	memcpy(f->prev, f->sent, sizeof(f->prev));
	f->sent_len = len < sizeof(f->sent) ? len : sizeof(f->sent);
	memcpy(f->sent, buf, f->sent_len);
	return len;
}

static inline ssize_t fake_recv(void *ctx, void *buf, size_t len)
{
	struct fake *f = ctx;
	struct chunk *c;
	struct nlmsghdr *m;
	int n;

	f->recv_len = len;
	if (f->next >= f->n) {
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
	for (m = buf; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n)) {
		if (m->nlmsg_seq == SEQ_CUR)
			m->nlmsg_seq = f->seq;
		else if (m->nlmsg_seq == SEQ_OLD)
			m->nlmsg_seq = f->seq - 1;
	}
	/* recv(MSG_TRUNC) says how long the datagram was. */
	return c->trunc ? c->trunc : c->len;
}

static const struct rcmgr_io fake_io = { .send = fake_send, .recv = fake_recv };

static inline struct chunk *next_chunk(struct fake *f)
{
	return &f->chunk[f->n++];
}

static inline void chunk_err(struct fake *f, int err)
{
	next_chunk(f)->err = err;
}

static inline struct nlmsghdr *put(struct chunk *c, uint16_t type, uint16_t flags,
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

static inline void end(struct chunk *c, struct nlmsghdr *nlh)
{
	c->len += NLMSG_ALIGN(nlh->nlmsg_len);
}

static inline void put_done(struct chunk *c, uint32_t seq, uint16_t flags, int err,
		     const char *text)
{
	struct nlmsghdr *nlh = put(c, NLMSG_DONE, NLM_F_MULTI | flags, seq);
	int *e = mnl_nlmsg_put_extra_header(nlh, sizeof(int));

	*e = err;
	if (text) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	end(c, nlh);
}

static inline void put_ack(struct chunk *c, uint32_t seq, int err, const char *text)
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
}

/* The last request sent, as a message. */
static inline const struct nlmsghdr *fake_sent(const struct fake *f)
{
	return (const struct nlmsghdr *)f->sent;
}

/* The request sent before the last one. */
static inline const struct nlmsghdr *fake_sent_prev(const struct fake *f)
{
	return (const struct nlmsghdr *)f->prev;
}

/* A u64 attribute of a request (an id, a cookie), or 0. */
static inline uint64_t sent_u64(const struct nlmsghdr *m, uint16_t type)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, m, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == type)
			return mnl_attr_get_u64(a);
	return 0;
}

static inline uint8_t sent_genl_cmd(const struct nlmsghdr *m)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(m);

	return g->cmd;
}

#endif /* _RCMGR_TESTS_FAKE_H */
