// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Monitor: a socket of its own in the rcmgr "events" group, reading the
 * kernel's notifications that it ended a handle, and in the "refusals"
 * group, that a limit refused.
 *
 * The family lookup runs through the netlink core, which reads its ack
 * too: a poll() on the fd wakes only for notifications.  A full socket
 * buffer makes the kernel drop notifications and recv() fail once with
 * ENOBUFS; that is counted and reported, and the monitor goes on.
 *
 * struct rcmgr_event grew refusals in LIBRCMGR_1.2.  A binary built before
 * opens with rcmgr_monitor_open@LIBRCMGR_1, which joins "events" only, so
 * no refusal makes its fd readable; it passes the three-field struct of
 * 1.0 and gets rcmgr_monitor_read@LIBRCMGR_1, which writes no more than
 * those three fields (and skips a refusal, should one come).
 *
 * struct rcmgr_error, inside struct rcmgr_event, grew the refusing subnet
 * in LIBRCMGR_1.3: a 1.2 binary gets rcmgr_monitor_read@LIBRCMGR_1.2,
 * which writes the event as 1.2 laid it out.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

/* struct rcmgr_event as LIBRCMGR_1 had it. */
struct rcmgr_event_v1 {
	uint64_t id;
	enum rcmgr_kind kind;
	uint32_t owner;
};

_Static_assert(offsetof(struct rcmgr_error, subnet) >=
	       sizeof(struct rcmgr_error_v1_2) &&
	       offsetof(struct rcmgr_error, priority) ==
	       offsetof(struct rcmgr_error_v1_2, priority),
	       "struct rcmgr_error grew at its end");

struct rcmgr_monitor {
	struct rcmgr_nl nl;
	size_t off, end;	/* what is left to parse in nl.buf */
	unsigned long lost;	/* ENOBUFS seen */
	uint32_t pid_ns;	/* inode of the opener's pid namespace; 0 */
};

/* Room for bursts (a namespace's conns ending at once), as ip monitor does. */
#define MONITOR_RCVBUF	(1 << 20)

static int join_group(struct rcmgr_monitor *mon, uint32_t group)
{
	if (setsockopt(mon->nl.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP,
		       &group, sizeof(group)) < 0)
		return -errno;
	return 0;
}

/* The events group and, unless @v1, the refusals group. */
static int join(struct rcmgr_monitor *mon, bool v1)
{
	int size = MONITOR_RCVBUF;
	uint32_t group = 0, refusals = 0;
	uint16_t family;
	int ret;

	ret = rcmgr_nl_family(&mon->nl, &family, &group, &refusals);
	if (ret < 0)
		return ret;
	if (mon->nl.io != &rcmgr_socket_io)
		return 0;
	/* Past rmem_max with CAP_NET_ADMIN, which joining needs anyway. */
	if (setsockopt(mon->nl.fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		       sizeof(size)) < 0)
		setsockopt(mon->nl.fd, SOL_SOCKET, SO_RCVBUF, &size,
			   sizeof(size));
	ret = join_group(mon, group);
	if (!ret && !v1 && refusals)
		ret = join_group(mon, refusals);
	return ret;
}

/* The pid namespace getpid() counts in; 0 if /proc does not say. */
static uint32_t own_pid_ns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) < 0)
		return 0;
	return st.st_ino;
}

static int monitor_open(struct rcmgr_monitor **monp,
			const struct rcmgr_io *io, void *ctx, uint32_t portid,
			bool v1)
{
	struct rcmgr_monitor *mon;
	int ret;

	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return -(errno = ENOMEM);
	mon->nl.fd = -1;
	mon->pid_ns = own_pid_ns();
	ret = io ? rcmgr_nl_init(&mon->nl, io, ctx, portid) :
		   rcmgr_nl_open(&mon->nl);
	if (!ret)
		ret = join(mon, v1);
	if (ret < 0) {
		rcmgr_monitor_close(mon);
		errno = -ret;
		return ret;
	}
	*monp = mon;
	return 0;
}

int rcmgr_monitor_open_io(struct rcmgr_monitor **monp,
			  const struct rcmgr_io *io, void *ctx,
			  uint32_t portid)
{
	return monitor_open(monp, io, ctx, portid, false);
}

__asm__(".symver rcmgr_monitor_open_v1_2, rcmgr_monitor_open@@LIBRCMGR_1.2");
RCMGR_EXPORT int rcmgr_monitor_open_v1_2(struct rcmgr_monitor **monp);
RCMGR_EXPORT int rcmgr_monitor_open_v1_2(struct rcmgr_monitor **monp)
{
	return monitor_open(monp, NULL, NULL, 0, false);
}

/* A 1.0 binary: the events group only, as it was. */
__asm__(".symver rcmgr_monitor_open_v1, rcmgr_monitor_open@LIBRCMGR_1");
RCMGR_EXPORT int rcmgr_monitor_open_v1(struct rcmgr_monitor **monp);
RCMGR_EXPORT int rcmgr_monitor_open_v1(struct rcmgr_monitor **monp)
{
	return monitor_open(monp, NULL, NULL, 0, true);
}

RCMGR_EXPORT int rcmgr_monitor_fd(const struct rcmgr_monitor *mon)
{
	return mon->nl.fd;
}

RCMGR_EXPORT unsigned long rcmgr_monitor_lost(const struct rcmgr_monitor *mon)
{
	return mon->lost;
}

/* What the refusal nest adds to a request's refusal: who, and how many. */
static int extra_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_event *ev = data;

	switch (mnl_attr_get_type(a)) {
	case RCMGR_A_REFUSAL_DIR:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		ev->refusal.direction = mnl_attr_get_u32(a);
		break;
	case RCMGR_A_REFUSAL_PID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		ev->pid = mnl_attr_get_u32(a);
		break;
	case RCMGR_A_REFUSAL_UID:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		ev->uid = mnl_attr_get_u32(a);
		break;
	case RCMGR_A_REFUSAL_COMM:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		snprintf(ev->comm, sizeof(ev->comm), "%s", mnl_attr_get_str(a));
		break;
	case RCMGR_A_REFUSAL_PID_NS:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		ev->pid_ns = mnl_attr_get_u32(a);
		break;
	case RCMGR_A_REFUSAL_DROPPED:
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		ev->dropped = mnl_attr_get_u64(a);
		break;
	}
	return MNL_CB_OK;
}

static int refusal_nest_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) != RCMGR_A_SCOPE_REFUSAL)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(a, extra_attr_cb, data) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

/* A refusal notification: 0 and @ev filled in, or a negative errno. */
static int parse_refusal_event(const struct rcmgr_monitor *mon,
			       const struct nlmsghdr *nlh,
			       struct rcmgr_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	if (rcmgr_parse_refusal(nlh, &ev->refusal) != 1)
		return -EBADMSG;
	ev->type = RCMGR_EVENT_REFUSAL;
	ev->refusal.error = EDQUOT;
	ev->id = ev->refusal.scope_id;
	ev->kind = ev->refusal.kind;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), refusal_nest_cb,
			   ev) < 0)
		return -EBADMSG;
	ev->pid_local = ev->pid && ev->pid_ns && ev->pid_ns == mon->pid_ns;
	return 0;
}

static int parse_any_event(const struct rcmgr_monitor *mon,
			   const struct nlmsghdr *nlh, struct rcmgr_event *ev)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)))
		return -ENOMSG;
	if (g->cmd == RCMGR_CMD_REFUSAL_NTF)
		return parse_refusal_event(mon, nlh, ev);
	memset(ev, 0, sizeof(*ev));
	if (rcmgr_parse_event(nlh, ev))
		return -ENOMSG;
	ev->type = RCMGR_EVENT_SCOPE_CLOSED;
	return 0;
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
		if (m->nlmsg_seq == 0 && !parse_any_event(mon, m, ev))
			return 0;
	}
	return -ENOMSG;
}

static int monitor_read(struct rcmgr_monitor *mon, struct rcmgr_event *ev)
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

__asm__(".symver rcmgr_monitor_read_v1_3, rcmgr_monitor_read@@LIBRCMGR_1.3");
RCMGR_EXPORT int rcmgr_monitor_read_v1_3(struct rcmgr_monitor *mon,
					 struct rcmgr_event *ev);
RCMGR_EXPORT int rcmgr_monitor_read_v1_3(struct rcmgr_monitor *mon,
					 struct rcmgr_event *ev)
{
	return monitor_read(mon, ev);
}

__asm__(".symver rcmgr_monitor_read_v1_2, rcmgr_monitor_read@LIBRCMGR_1.2");
RCMGR_EXPORT int rcmgr_monitor_read_v1_2(struct rcmgr_monitor *mon,
					 struct rcmgr_event_v1_2 *ev);
RCMGR_EXPORT int rcmgr_monitor_read_v1_2(struct rcmgr_monitor *mon,
					 struct rcmgr_event_v1_2 *ev)
{
	struct rcmgr_event e;
	int ret;

	ret = monitor_read(mon, &e);
	if (ret)
		return ret;
	ev->id = e.id;
	ev->kind = e.kind;
	ev->owner = e.owner;
	ev->type = e.type;
	memcpy(&ev->refusal, &e.refusal, sizeof(ev->refusal));
	ev->pid = e.pid;
	ev->uid = e.uid;
	memcpy(ev->comm, e.comm, sizeof(ev->comm));
	ev->dropped = e.dropped;
	ev->pid_ns = e.pid_ns;
	ev->pid_local = e.pid_local;
	return 0;
}

__asm__(".symver rcmgr_monitor_read_v1, rcmgr_monitor_read@LIBRCMGR_1");
RCMGR_EXPORT int rcmgr_monitor_read_v1(struct rcmgr_monitor *mon,
				       struct rcmgr_event_v1 *ev);
RCMGR_EXPORT int rcmgr_monitor_read_v1(struct rcmgr_monitor *mon,
				       struct rcmgr_event_v1 *ev)
{
	struct rcmgr_event e;
	int ret;

	do {
		ret = monitor_read(mon, &e);
	} while (!ret && e.type != RCMGR_EVENT_SCOPE_CLOSED);
	if (!ret) {
		ev->id = e.id;
		ev->kind = e.kind;
		ev->owner = e.owner;
	}
	return ret;
}

RCMGR_EXPORT void rcmgr_monitor_close(struct rcmgr_monitor *mon)
{
	if (!mon)
		return;
	rcmgr_nl_close(&mon->nl);
	free(mon);
}
