// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The netlink socket: resolve the family, send one request, run the reply
 * through a callback, and turn an error answer into a negative errno plus
 * the kernel's extack text for rcmgr_last_error().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

static __thread struct rcmgr_error thread_error;

struct rcmgr_error *rcmgr_thread_error(void)
{
	return &thread_error;
}

struct talk {
	rcmgr_msg_cb cb;
	void *data;
	int ret;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	int ret;

	/* The details of a refusal, sent just before its error. */
	ret = rcmgr_parse_refusal(nlh, &thread_error);
	if (ret)
		return ret < 0 ? MNL_CB_ERROR : MNL_CB_OK;
	if (!t->cb)
		return MNL_CB_OK;
	ret = t->cb(nlh, t->data);
	if (ret < 0) {
		t->ret = ret;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;
	struct rcmgr_error e;
	int ret = rcmgr_parse_error(nlh, &e);

	thread_error.error = e.error;
	/* A refusal's own words are whole; keep them. */
	if (!thread_error.resource)
		memcpy(thread_error.message, e.message, sizeof(e.message));
	if (ret < 0 && !t->ret)
		t->ret = ret;
	return MNL_CB_STOP;
}

static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_STOP;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

/* Every control type gets a handler: libmnl ignores NULL slots. */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = noop_cb,
};

/* Read and drop the rest of an interrupted dump, up to its end. */
static void drain(struct rcmgr *rm, char *buf, size_t len)
{
	const struct nlmsghdr *m;
	int n;

	for (;;) {
		n = mnl_socket_recvfrom(rm->nl, buf, len);
		if (n <= 0)
			return;
		for (m = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(m, n);
		     m = mnl_nlmsg_next(m, &n))
			if (m->nlmsg_type == NLMSG_DONE ||
			    m->nlmsg_type == NLMSG_ERROR)
				return;
	}
}

static int talk_locked(struct rcmgr *rm, struct nlmsghdr *nlh,
		       rcmgr_msg_cb cb, void *data)
{
	size_t len = MNL_SOCKET_BUFFER_SIZE;
	struct talk t = { .cb = cb, .data = data };
	char *buf;
	int ret;

	memset(&thread_error, 0, sizeof(thread_error));
	nlh->nlmsg_seq = ++rm->seq;
	if (mnl_socket_sendto(rm->nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;

	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	do {
		ret = mnl_socket_recvfrom(rm->nl, buf, len);
		if (ret < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run2(buf, ret, nlh->nlmsg_seq, rm->portid,
				  data_cb, &t, ctl_cbs, NLMSG_MIN_TYPE);
		if (ret < 0)
			ret = -errno;
	} while (ret > 0);
	/* A dump that changed under us: read the rest, then say so. */
	if (ret == -EINTR)
		drain(rm, buf, len);
	free(buf);
	if (t.ret)
		return t.ret;
	return ret < 0 ? ret : 0;
}

int rcmgr_nl_talk(struct rcmgr *rm, struct nlmsghdr *nlh, rcmgr_msg_cb cb,
		  void *data)
{
	int ret;

	pthread_mutex_lock(&rm->lock);
	ret = talk_locked(rm, nlh, cb, data);
	pthread_mutex_unlock(&rm->lock);
	return ret;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return rcmgr_parse_family(nlh, data);
}

int rcmgr_nl_open(struct rcmgr *rm)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int one = 1, ret;

	rm->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!rm->nl)
		return -errno;
	if (mnl_socket_bind(rm->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	rm->portid = mnl_socket_get_portid(rm->nl);
	/* Error messages and the offending attribute, without our request. */
	mnl_socket_setsockopt(rm->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(rm->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(rm->nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));

	nlh = rcmgr_msg_getfamily(buf, 0, RCMGR_FAMILY_NAME);
	ret = rcmgr_nl_talk(rm, nlh, family_cb, &rm->family);
	if (ret < 0) {
		mnl_socket_close(rm->nl);
		rm->nl = NULL;
		return ret;
	}
	return 0;
err:
	ret = -errno;
	mnl_socket_close(rm->nl);
	rm->nl = NULL;
	return ret;
}

void rcmgr_nl_close(struct rcmgr *rm)
{
	if (rm->nl)
		mnl_socket_close(rm->nl);
	rm->nl = NULL;
}
