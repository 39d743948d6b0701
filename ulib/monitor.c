// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Monitor: a socket of its own in the rcmgr "events" group, reading the
 * kernel's notifications that it ended a handle.
 */
#include <errno.h>
#include <stdlib.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

struct rcmgr_monitor {
	struct mnl_socket *nl;
	uint16_t family;
};

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	uint32_t *group = data;
	int ret = rcmgr_parse_mcast_group(nlh, RCMGR_MCGRP_EVENTS, group);

	return ret < 0 ? MNL_CB_ERROR : MNL_CB_STOP;
}

RCMGR_EXPORT int rcmgr_monitor_open(struct rcmgr_monitor **monp)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_monitor *mon;
	struct nlmsghdr *nlh;
	uint32_t group = 0;
	int ret, n;

	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return -(errno = ENOMEM);
	mon->nl = mnl_socket_open2(NETLINK_GENERIC, SOCK_CLOEXEC);
	if (!mon->nl || mnl_socket_bind(mon->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto err;
	nlh = rcmgr_msg_getfamily(buf, 1, RCMGR_FAMILY_NAME);
	if (mnl_socket_sendto(mon->nl, nlh, nlh->nlmsg_len) < 0)
		goto err;
	n = mnl_socket_recvfrom(mon->nl, buf, sizeof(buf));
	if (n < 0)
		goto err;
	ret = mnl_cb_run(buf, n, 1, mnl_socket_get_portid(mon->nl), family_cb,
			 &group);
	if (ret < 0 || !group) {
		if (!errno || !group)
			errno = ENOENT;
		goto err;
	}
	if (mnl_socket_setsockopt(mon->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		goto err;
	*monp = mon;
	return 0;
err:
	ret = -errno;
	rcmgr_monitor_close(mon);
	return ret;
}

RCMGR_EXPORT int rcmgr_monitor_fd(const struct rcmgr_monitor *mon)
{
	return mnl_socket_get_fd(mon->nl);
}

RCMGR_EXPORT int rcmgr_monitor_read(struct rcmgr_monitor *mon,
				    struct rcmgr_event *ev)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlmsghdr *nlh;
	int n;

	for (;;) {
		n = mnl_socket_recvfrom(mon->nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		/* One notification per datagram; skip what is not ours. */
		nlh = (const struct nlmsghdr *)buf;
		if (mnl_nlmsg_ok(nlh, n) && !rcmgr_parse_event(nlh, ev))
			return 0;
	}
}

RCMGR_EXPORT void rcmgr_monitor_close(struct rcmgr_monitor *mon)
{
	if (!mon)
		return;
	if (mon->nl)
		mnl_socket_close(mon->nl);
	free(mon);
}
