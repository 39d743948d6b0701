// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Monitor: a socket of its own in the rcmgr "events" group, reading the
 * kernel's notifications that it ended a handle.
 *
 * The family lookup runs through the netlink core, which reads its ack
 * too: a poll() on the fd wakes only for notifications.  A full socket
 * buffer makes the kernel drop notifications and recv() fail once with
 * ENOBUFS; that is counted and reported, and the monitor goes on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

struct rcmgr_monitor {
	struct rcmgr_nl nl;
	size_t off, end;	/* what is left to parse in nl.buf */
	unsigned long lost;	/* ENOBUFS seen */
};

/* Room for bursts (a namespace's conns ending at once), as ip monitor does. */
#define MONITOR_RCVBUF	(1 << 20)

static int join(struct rcmgr_monitor *mon)
{
	int size = MONITOR_RCVBUF;
	uint32_t group = 0;
	uint16_t family;
	int ret;

	ret = rcmgr_nl_family(&mon->nl, &family, &group);
	if (ret < 0)
		return ret;
	if (mon->nl.io != &rcmgr_socket_io)
		return 0;
	/* Past rmem_max with CAP_NET_ADMIN, which joining needs anyway. */
	if (setsockopt(mon->nl.fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(mon->nl.fd, SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	if (setsockopt(mon->nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

int rcmgr_monitor_open_io(struct rcmgr_monitor **monp,
			  const struct rcmgr_io *io, void *ctx,
			  uint32_t portid)
{
	struct rcmgr_monitor *mon;
	int ret;

	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return -(errno = ENOMEM);
	mon->nl.fd = -1;
	ret = io ? rcmgr_nl_init(&mon->nl, io, ctx, portid) :
		   rcmgr_nl_open(&mon->nl);
	if (!ret)
		ret = join(mon);
	if (ret < 0) {
		rcmgr_monitor_close(mon);
		errno = -ret;
		return ret;
	}
	*monp = mon;
	return 0;
}

RCMGR_EXPORT int rcmgr_monitor_open(struct rcmgr_monitor **monp)
{
	return rcmgr_monitor_open_io(monp, NULL, NULL, 0);
}

RCMGR_EXPORT int rcmgr_monitor_fd(const struct rcmgr_monitor *mon)
{
	return mon->nl.fd;
}

RCMGR_EXPORT unsigned long rcmgr_monitor_lost(const struct rcmgr_monitor *mon)
{
	return mon->lost;
}

/* The next notification already read, if any. */
static int next_event(struct rcmgr_monitor *mon, struct rcmgr_event *ev)
{
	const struct nlmsghdr *m;
	int len;

	while (mon->off < mon->end) {
		m = (const struct nlmsghdr *)(mon->nl.buf + mon->off);
		len = mon->end - mon->off;
		if (!mnl_nlmsg_ok(m, len)) {
			mon->off = mon->end;
			break;
		}
		mon->off += NLMSG_ALIGN(m->nlmsg_len);
		/* Notifications only; skip what is not ours. */
		if (m->nlmsg_seq == 0 && !rcmgr_parse_event(m, ev))
			return 0;
	}
	return -ENOMSG;
}

RCMGR_EXPORT int rcmgr_monitor_read(struct rcmgr_monitor *mon,
				    struct rcmgr_event *ev)
{
	ssize_t n;

	for (;;) {
		if (!next_event(mon, ev))
			return 0;
		n = rcmgr_nl_recv(&mon->nl);	/* retries EINTR */
		if (n == -ENOBUFS) {
			mon->lost++;
			errno = ENOBUFS;
			return -ENOBUFS;
		}
		if (n < 0) {
			errno = -n;
			return n;
		}
		mon->off = 0;
		/* Larger than the buffer: a notification lost all the same. */
		if (n > RCMGR_NL_BUFSIZE) {
			mon->end = 0;
			mon->lost++;
			errno = ENOBUFS;
			return -ENOBUFS;
		}
		mon->end = n;
	}
}

RCMGR_EXPORT void rcmgr_monitor_close(struct rcmgr_monitor *mon)
{
	if (!mon)
		return;
	rcmgr_nl_close(&mon->nl);
	free(mon);
}
