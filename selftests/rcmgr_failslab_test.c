// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection: every op of the family with the nth slab allocation of
 * its sendmsg() failing (/proc/thread-self/fail-nth, failslab), for
 * n = 1, 2, ... until the op runs without reaching an nth allocation.  The
 * count covers every allocation of the syscall (the request skb, attribute
 * tables, the owner and scope records, the reply, the ack), not only the
 * module's: the module must cope with every one of them.
 *
 * Each time a fault was injected: the op failed and the namespace is
 * exactly as before it (usage of system and transient, handle and scope
 * counts, the user's counts, bounds, per-name limits), and the same op
 * then works; or the fault was absorbed (a kmemleak or debugobjects
 * record) and the op worked whole; or only the answer was lost (ENOBUFS),
 * with the state before or the state after, nothing in between.  Every try
 * starts from a fresh socket, and what it made goes with the socket, so
 * each try also proves the previous one left nothing behind.
 *
 * Needs CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_DEBUG_FS (the debug
 * kernel); skips elsewhere.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rcmgr/rcmgr.h>

#include "kselftest_harness.h"
#include "rcmgr_net.h"
#include "rcmgr_test.h"

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define MAX_NTH		400	/* an op that never gets through: a bug */
#define PEER		"12D3KooWFailslabPeer"
#define NEW_PEER	"12D3KooWFailslabNewLimits"

/* Everything an op may change that the namespace shows. */
struct state {
	int64_t system[RCMGR_A_RESOURCES_FD + 1];
	int64_t transient[RCMGR_A_RESOURCES_FD + 1];
	uint32_t cfg[RCMGR_A_CONFIG_MAX + 1];
	int overrides;			/* per-name limits */
};

FIXTURE(failslab) {
	struct raw_nl obs;		/* looks, never changes anything */
	struct raw_nl op;		/* the op's socket, fresh for each try */
	uint64_t conn, stream, span;	/* what the preconditions opened */
	int fd;				/* a socket to bind */
	int nth;			/* fail-nth of this thread */
	uint32_t cfg0[RCMGR_A_CONFIG_MAX + 1];
	bool skip;
	char saved[6][32];		/* failslab settings to restore */
};

/* One op: its preconditions, its request, and what must be undone. */
struct fcase {
	int cmd;
	bool dump;
	int (*prep)(FIXTURE_DATA(failslab) *c);
	void (*build)(FIXTURE_DATA(failslab) *c, struct nlmsghdr *nlh);
	int (*undo)(FIXTURE_DATA(failslab) *c);
};

FIXTURE_VARIANT(failslab) {
	const struct fcase *c;
};

static const char knobs[][20] = {
	"ignore-gfp-wait", "probability", "verbose", "times", "interval", "space",
};

/* GFP_KERNEL allocations fail too; no message; fail-nth alone decides. */
static const char setting[][4] = { "N", "0", "0", "-1", "1", "0" };

/* Set a failslab knob; save its old value first if @old. */
static int knob(const char *name, const char *val, char *old, size_t len)
{
	char path[128];
	int fd, n;

	snprintf(path, sizeof(path), FAILSLAB "%s", name);
	if (old) {
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return -1;
		n = read(fd, old, len - 1);
		close(fd);
		old[n > 0 ? n : 0] = '\0';
		old[strcspn(old, "\n")] = '\0';
	}
	/* Most are simple attributes: not seekable, so no pwrite(). */
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* A connected UDP socket on loopback: bindable to a conn. */
static int udp_socket(void)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(9),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd >= 0 && connect(fd, (void *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Requests for the preconditions: the id made, 0 or -errno. */

static int64_t req(struct raw_nl *r, struct nlmsghdr *nlh)
{
	struct raw_ans ans;

	if (raw_talk(r, nlh, &ans))
		return -errno;
	if (ans.error)
		return ans.error;
	return raw_reply_u64(&ans, RCMGR_A_SCOPE_ID);
}

static int64_t open_conn(struct raw_nl *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(r, buf, r->family, RCMGR_CMD_CONN_OPEN);

	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	mnl_attr_put(nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
	return req(r, nlh);
}

static int64_t open_stream(struct raw_nl *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(r, buf, r->family, RCMGR_CMD_STREAM_OPEN);

	mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
	return req(r, nlh);
}

static int64_t by_id(struct raw_nl *r, int cmd, uint64_t id)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(r, buf, r->family, cmd);

	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	if (cmd == RCMGR_CMD_STREAM_SET_PROTOCOL)
		mnl_attr_put(nlh, RCMGR_A_SCOPE_PROTOCOL, 4, "/p/1");
	return req(r, nlh);
}

/* Reserve on a handle (@id), or on system (@id 0). */
static int64_t reserve(struct raw_nl *r, uint64_t id, int64_t size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(r, buf, r->family, RCMGR_CMD_SCOPE_RESERVE);

	if (id)
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	else
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, size);
	mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 255);
	return req(r, nlh);
}

static void put_limit(struct nlmsghdr *nlh, uint32_t class, const char *name)
{
	struct nlattr *n;

	mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, class);
	if (name)
		mnl_attr_put(nlh, RCMGR_A_LIMIT_NAME, strlen(name), name);
	n = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
	mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_MEMORY, 1 << 20);
	mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_STREAMS, 10);
	mnl_attr_nest_end(nlh, n);
}

static int64_t limit_set(struct raw_nl *r, uint32_t class, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(r, buf, r->family, RCMGR_CMD_LIMIT_SET);

	put_limit(nlh, class, name);
	return req(r, nlh);
}

static int64_t bare(struct raw_nl *r, int cmd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return req(r, raw_start(r, buf, r->family, cmd));
}

/* The state: scope-get of system and transient, config-get, limit dump. */

static int count_overrides(struct raw_nl *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(r, buf, r->family, RCMGR_CMD_LIMIT_GET);
	uint32_t seq = nlh->nlmsg_seq;
	const struct nlattr *a;
	int n, count = 0;

	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (mnl_socket_sendto(r->nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	for (;;) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		n = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (n < 0)
			return -1;
		for (; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR)
				return count;
			mnl_attr_for_each(a, m, sizeof(struct genlmsghdr))
				if (mnl_attr_get_type(a) == RCMGR_A_LIMIT_OVERRIDE)
					count++;
		}
	}
}

static int snapshot(struct raw_nl *r, struct state *st)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	memset(st, 0, sizeof(*st));
	nlh = raw_start(r, buf, r->family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	if (raw_talk(r, nlh, &ans) || ans.error)
		return -1;
	raw_reply_resources(&ans, RCMGR_A_SCOPE_USAGE, st->system);
	nlh = raw_start(r, buf, r->family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_TRANSIENT);
	if (raw_talk(r, nlh, &ans) || ans.error)
		return -1;
	raw_reply_resources(&ans, RCMGR_A_SCOPE_USAGE, st->transient);
	nlh = raw_start(r, buf, r->family, RCMGR_CMD_CONFIG_GET);
	if (raw_talk(r, nlh, &ans) || ans.error)
		return -1;
	raw_reply_u32s(&ans, st->cfg, RCMGR_A_CONFIG_MAX);
	st->overrides = count_overrides(r);
	return st->overrides < 0 ? -1 : 0;
}

static const char cfg_name[][20] = {
	[0] = "?",
	[RCMGR_A_CONFIG_MAX_HANDLES] = "max-handles",
	[RCMGR_A_CONFIG_MAX_OWNER_HANDLES] = "max-owner-handles",
	[RCMGR_A_CONFIG_MAX_SCOPES] = "max-scopes",
	[RCMGR_A_CONFIG_HANDLES] = "handles",
	[RCMGR_A_CONFIG_SCOPES] = "scopes",
	[RCMGR_A_CONFIG_MAX_USER_HANDLES] = "max-user-handles",
	[RCMGR_A_CONFIG_MAX_USER_SCOPES] = "max-user-scopes",
	[RCMGR_A_CONFIG_MAX_USER_BINDS] = "max-user-binds",
	[RCMGR_A_CONFIG_USER_HANDLES] = "user-handles",
	[RCMGR_A_CONFIG_USER_SCOPES] = "user-scopes",
	[RCMGR_A_CONFIG_USER_BINDS] = "user-binds",
};

/* Where two states differ, in words. */
static const char *diff(const struct state *a, const struct state *b)
{
	static char out[256];
	int i, n = 0;

	out[0] = '\0';
	for (i = 1; i <= RCMGR_A_RESOURCES_FD; i++) {
		if (a->system[i] != b->system[i])
			n += snprintf(out + n, sizeof(out) - n, " system[%d] %lld->%lld", i,
				      (long long)a->system[i], (long long)b->system[i]);
		if (a->transient[i] != b->transient[i])
			n += snprintf(out + n, sizeof(out) - n, " transient[%d] %lld->%lld", i,
				      (long long)a->transient[i], (long long)b->transient[i]);
		if (n >= sizeof(out))
			return out;
	}
	for (i = 1; i <= RCMGR_A_CONFIG_MAX && n < sizeof(out); i++)
		if (a->cfg[i] != b->cfg[i])
			n += snprintf(out + n, sizeof(out) - n, " %s %u->%u", cfg_name[i],
				      a->cfg[i], b->cfg[i]);
	if (a->overrides != b->overrides && n < sizeof(out))
		snprintf(out + n, sizeof(out) - n, " overrides %d->%d",
			 a->overrides, b->overrides);
	return out;
}

static bool same(const struct state *a, const struct state *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* The preconditions and requests of each op. */

static int prep_conn(FIXTURE_DATA(failslab) *c)
{
	int64_t id = open_conn(&c->op);

	c->conn = id;
	return id > 0 ? 0 : -1;
}

static int prep_fd(FIXTURE_DATA(failslab) *c)
{
	c->fd = udp_socket();
	return c->fd >= 0 ? 0 : -1;
}

static int prep_conn_fd(FIXTURE_DATA(failslab) *c)
{
	return prep_conn(c) || prep_fd(c) ? -1 : 0;
}

/* A conn bound to a socket at open: dumps show the binding. */
static int prep_bound_conn(FIXTURE_DATA(failslab) *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	int64_t id;

	if (prep_fd(c))
		return -1;
	nlh = raw_start(&c->op, buf, c->op.family, RCMGR_CMD_CONN_OPEN);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_FD, c->fd);
	id = req(&c->op, nlh);
	c->conn = id;
	return id > 0 ? 0 : -1;
}

static int prep_stream(FIXTURE_DATA(failslab) *c)
{
	int64_t id = open_stream(&c->op);

	c->stream = id;
	return id > 0 ? 0 : -1;
}

static int prep_stream_protocol(FIXTURE_DATA(failslab) *c)
{
	if (prep_stream(c))
		return -1;
	return by_id(&c->op, RCMGR_CMD_STREAM_SET_PROTOCOL, c->stream) ? -1 : 0;
}

static int prep_conn_reserved(FIXTURE_DATA(failslab) *c)
{
	return prep_conn(c) || reserve(&c->op, c->conn, 4096) ? -1 : 0;
}

static int prep_system_reserved(FIXTURE_DATA(failslab) *c)
{
	return reserve(&c->op, 0, 4096) ? -1 : 0;
}

/* A stream with a reserving span: done releases through the tree. */
static int prep_span(FIXTURE_DATA(failslab) *c)
{
	int64_t id;

	if (prep_stream(c))
		return -1;
	id = by_id(&c->op, RCMGR_CMD_SPAN_BEGIN, c->stream);
	if (id <= 0)
		return -1;
	c->span = id;
	return reserve(&c->op, c->span, 100) ? -1 : 0;
}

static int prep_limit(FIXTURE_DATA(failslab) *c)
{
	return limit_set(&c->op, RCMGR_CLASS_PEER, NEW_PEER) ? -1 : 0;
}

static int prep_limits(FIXTURE_DATA(failslab) *c)
{
	return prep_limit(c) || limit_set(&c->op, RCMGR_CLASS_SYSTEM, NULL) ? -1 : 0;
}

static int undo_limits(FIXTURE_DATA(failslab) *c)
{
	return bare(&c->obs, RCMGR_CMD_LIMIT_RESET) ? -1 : 0;
}

static int undo_config(FIXTURE_DATA(failslab) *c)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(&c->obs, buf, c->obs.family,
					 RCMGR_CMD_CONFIG_SET);
	int i;

	for (i = RCMGR_A_CONFIG_MAX_HANDLES; i <= RCMGR_A_CONFIG_MAX_USER_BINDS; i++)
		if (i != RCMGR_A_CONFIG_HANDLES && i != RCMGR_A_CONFIG_SCOPES)
			mnl_attr_put_u32(nlh, i, c->cfg0[i]);
	return req(&c->obs, nlh) ? -1 : 0;
}

static void put_kind(struct nlmsghdr *nlh, uint32_t kind)
{
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, kind);
	if (kind == RCMGR_SCOPE_KIND_PEER)
		mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER);
}

#define BUILD(_name, body)						\
	static void build_##_name(FIXTURE_DATA(failslab) *c,		\
				  struct nlmsghdr *nlh)			\
	{ (void)c; body; }

BUILD(conn_open,
      mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
      mnl_attr_put(nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
      mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_ENDPOINT, "/ip4/127.0.0.1/tcp/4001"))
BUILD(conn_open_fd,
      mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
      mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_ENDPOINT, "/ip4/127.0.0.1/udp/9");
      mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_FD, c->fd))
BUILD(conn_bind_fd,
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->conn);
      mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_FD, c->fd))
BUILD(conn_set_peer,
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->conn);
      mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER))
BUILD(stream_open,
      mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER);
      mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND))
BUILD(set_protocol,
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->stream);
      mnl_attr_put(nlh, RCMGR_A_SCOPE_PROTOCOL, 14, "/ipfs/id/1.0.0"))
BUILD(set_service,
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->stream);
      mnl_attr_put(nlh, RCMGR_A_SCOPE_SERVICE, 8, "identify"))
BUILD(conn_id, mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->conn))
BUILD(span_id, mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->span))
BUILD(system, put_kind(nlh, RCMGR_SCOPE_KIND_SYSTEM))
BUILD(peer, put_kind(nlh, RCMGR_SCOPE_KIND_PEER))
BUILD(reserve_conn,
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->conn);
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 4096);
      mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 255))
BUILD(reserve_system,
      put_kind(nlh, RCMGR_SCOPE_KIND_SYSTEM);
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 4096);
      mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 255))
BUILD(reserve_peer,
      put_kind(nlh, RCMGR_SCOPE_KIND_PEER);
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 4096);
      mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 255))
BUILD(release_conn,
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, c->conn);
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 4096))
BUILD(release_system,
      put_kind(nlh, RCMGR_SCOPE_KIND_SYSTEM);
      mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 4096))
BUILD(limit_set, put_limit(nlh, RCMGR_CLASS_PEER, NEW_PEER))
BUILD(limit_name,
      mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
      mnl_attr_put(nlh, RCMGR_A_LIMIT_NAME, strlen(NEW_PEER), NEW_PEER))
BUILD(config_set,
      mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_HANDLES, 5000);
      mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_SCOPES, 6000);
      mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_USER_BINDS, 700))
BUILD(none, ;)

#define CASE(_name, _cmd, _dump, _prep, _build, _undo)			\
	static const struct fcase case_##_name = {			\
		_cmd, _dump, _prep, build_##_build, _undo,		\
	};								\
	FIXTURE_VARIANT_ADD(failslab, _name) { .c = &case_##_name }

CASE(conn_open, RCMGR_CMD_CONN_OPEN, false, NULL, conn_open, NULL);
CASE(conn_open_fd, RCMGR_CMD_CONN_OPEN, false, prep_fd, conn_open_fd, NULL);
CASE(conn_bind_fd, RCMGR_CMD_CONN_BIND_FD, false, prep_conn_fd, conn_bind_fd, NULL);
CASE(conn_set_peer, RCMGR_CMD_CONN_SET_PEER, false, prep_conn, conn_set_peer, NULL);
CASE(stream_open, RCMGR_CMD_STREAM_OPEN, false, NULL, stream_open, NULL);
CASE(stream_set_protocol, RCMGR_CMD_STREAM_SET_PROTOCOL, false, prep_stream,
     set_protocol, NULL);
CASE(stream_set_service, RCMGR_CMD_STREAM_SET_SERVICE, false,
     prep_stream_protocol, set_service, NULL);
CASE(span_begin_conn, RCMGR_CMD_SPAN_BEGIN, false, prep_conn, conn_id, NULL);
CASE(span_begin_peer, RCMGR_CMD_SPAN_BEGIN, false, NULL, peer, NULL);
CASE(reserve_conn, RCMGR_CMD_SCOPE_RESERVE, false, prep_conn, reserve_conn, NULL);
CASE(reserve_system, RCMGR_CMD_SCOPE_RESERVE, false, NULL, reserve_system, NULL);
CASE(reserve_peer, RCMGR_CMD_SCOPE_RESERVE, false, NULL, reserve_peer, NULL);
CASE(release_conn, RCMGR_CMD_SCOPE_RELEASE, false, prep_conn_reserved,
     release_conn, NULL);
CASE(release_system, RCMGR_CMD_SCOPE_RELEASE, false, prep_system_reserved,
     release_system, NULL);
CASE(done_conn, RCMGR_CMD_SCOPE_DONE, false, prep_conn_reserved, conn_id, NULL);
CASE(done_span, RCMGR_CMD_SCOPE_DONE, false, prep_span, span_id, NULL);
CASE(limit_set, RCMGR_CMD_LIMIT_SET, false, NULL, limit_set, undo_limits);
CASE(limit_del, RCMGR_CMD_LIMIT_DEL, false, prep_limit, limit_name, undo_limits);
CASE(limit_reset, RCMGR_CMD_LIMIT_RESET, false, prep_limits, none, undo_limits);
CASE(limit_get, RCMGR_CMD_LIMIT_GET, false, prep_limit, limit_name, undo_limits);
CASE(limit_dump, RCMGR_CMD_LIMIT_GET, true, prep_limit, none, undo_limits);
CASE(config_set, RCMGR_CMD_CONFIG_SET, false, NULL, config_set, undo_config);
CASE(config_get, RCMGR_CMD_CONFIG_GET, false, NULL, none, NULL);
CASE(scope_get_system, RCMGR_CMD_SCOPE_GET, false, NULL, system, NULL);
CASE(scope_get_peer, RCMGR_CMD_SCOPE_GET, false, NULL, peer, NULL);
CASE(scope_get_conn, RCMGR_CMD_SCOPE_GET, false, prep_bound_conn, conn_id, NULL);
CASE(scope_dump, RCMGR_CMD_SCOPE_GET, true, prep_bound_conn, none, NULL);
CASE(stats_get, RCMGR_CMD_STATS_GET, false, NULL, none, NULL);

/* fail-nth 3 on socket(): what was left of the count (0: injected). */
static int probe(int nth, int *left)
{
	char num[16];
	int fd, n;

	if (pwrite(nth, "3", 1, 0) != 1)
		return -1;
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	n = pread(nth, num, sizeof(num) - 1, 0);
	if (pwrite(nth, "0", 1, 0) != 1 || n <= 0)
		return -1;
	num[n] = '\0';
	*left = atoi(num);
	if (fd >= 0)
		close(fd);
	return 0;
}

FIXTURE_SETUP(failslab)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct raw_ans ans;
	int i, left = -1;

	self->fd = -1;
	self->nth = -1;
	if (access(FAIL_NTH, W_OK) || access(FAILSLAB "ignore-gfp-wait", W_OK)) {
		self->skip = true;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		ASSERT_EQ(0, knob(knobs[i], setting[i], self->saved[i],
				  sizeof(self->saved[i]))) TH_LOG("%s", knobs[i]);
	}
	self->nth = open(FAIL_NTH, O_RDWR);
	ASSERT_LE(0, self->nth);
	/* The mechanism works: socket() allocates more than once. */
	ASSERT_EQ(0, probe(self->nth, &left)) TH_LOG("fail-nth");
	ASSERT_EQ(0, left) TH_LOG("no fault injected into socket() at 3");
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	net_lo_up();
	ASSERT_EQ(0, raw_open(&self->obs));
	ASSERT_EQ(0, raw_talk(&self->obs, raw_start(&self->obs, buf, self->obs.family,
						    RCMGR_CMD_CONFIG_GET), &ans));
	ASSERT_EQ(0, ans.error);
	raw_reply_u32s(&ans, self->cfg0, RCMGR_A_CONFIG_MAX);
}

FIXTURE_TEARDOWN(failslab)
{
	int i;

	if (self->nth >= 0)
		close(self->nth);
	if (!self->skip)
		for (i = 0; i < ARRAY_SIZE(knobs); i++)
			knob(knobs[i], self->saved[i], NULL, 0);
	raw_close(&self->obs);
}

/* What became of one try. */
enum outcome { DONE_OK, DONE_ERR, LOST, NOT_SENT, NO_ANSWER };

static const char outcome_name[][24] = {
	"ok", "error", "answer lost (ENOBUFS)", "not sent", "no answer",
};

/*
 * Send @nlh on @r, with the nth allocation failing if @nth; read the
 * answer.  *@left: what fail-nth had left (0: the fault was injected).
 */
static enum outcome try_op(FIXTURE_DATA(failslab) *c, struct nlmsghdr *nlh,
			   int nth, int *left, int *error)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], num[16];
	int fd = mnl_socket_get_fd(c->op.nl);
	uint32_t seq = ++c->op.seq;
	ssize_t sent;
	int n;

	nlh->nlmsg_seq = seq;
	*left = -1;
	*error = 0;
	if (nth) {
		n = snprintf(num, sizeof(num), "%d", nth);
		if (pwrite(c->nth, num, n, 0) != n)
			return NO_ANSWER;
	}
	sent = send(fd, nlh, nlh->nlmsg_len, 0);
	*error = errno;
	if (nth) {
		n = pread(c->nth, num, sizeof(num) - 1, 0);
		num[n > 0 ? n : 0] = '\0';
		*left = atoi(num);
		/* Disarm: nothing after this syscall may fail. */
		if (pwrite(c->nth, "0", 1, 0) != 1)
			return NO_ANSWER;
	}
	if (sent < 0)
		return NOT_SENT;
	for (;;) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			*error = errno;
			return errno == ENOBUFS ? LOST : NO_ANSWER;
		}
		for (; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n)) {
			if (m->nlmsg_seq != seq)
				continue;
			if (m->nlmsg_type == NLMSG_ERROR) {
				*error = -((struct nlmsgerr *)mnl_nlmsg_get_payload(m))->error;
				return *error ? DONE_ERR : DONE_OK;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				*error = -*(int *)mnl_nlmsg_get_payload(m);
				return *error ? DONE_ERR : DONE_OK;
			}
		}
	}
}

/* Let a dump cut short by a fault finish, so the socket can dump again. */
static void drain(struct raw_nl *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	while (recv(mnl_socket_get_fd(r->nl), buf, sizeof(buf), MSG_DONTWAIT) > 0 ||
	       errno == ENOBUFS)
		;
}

static int op_open(FIXTURE_DATA(failslab) *c)
{
	struct timeval tv = { .tv_sec = 10 };
	uint16_t family = c->obs.family;

	memset(&c->op, 0, sizeof(c->op));
	c->op.family = family;
	c->op.nl = mnl_socket_open(NETLINK_GENERIC);
	if (!c->op.nl || mnl_socket_bind(c->op.nl, 0, MNL_SOCKET_AUTOPID))
		return -1;
	setsockopt(mnl_socket_get_fd(c->op.nl), SOL_SOCKET, SO_RCVTIMEO,
		   &tv, sizeof(tv));
	c->conn = c->stream = c->span = 0;
	c->fd = -1;
	return 0;
}

static void op_close(FIXTURE_DATA(failslab) *c)
{
	raw_close(&c->op);
	c->op.nl = NULL;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

TEST_F_TIMEOUT(failslab, every_allocation, 300)
{
	const struct fcase *fc = variant->c;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct state empty, base, before, applied, after;
	int nth, left, unused, error, faults = 0, absorbed = 0, lost = 0;
	char trail[MAX_NTH + 1] = "";
	struct nlmsghdr *nlh;
	enum outcome o;

	if (self->skip)
		SKIP(return, "no failslab and fail-nth (not the debug kernel)");
	ASSERT_EQ(0, snapshot(&self->obs, &empty));

	for (nth = 0; nth < MAX_NTH; nth++) {
		ASSERT_EQ(0, op_open(self));
		if (fc->prep)
			ASSERT_EQ(0, fc->prep(self)) TH_LOG("preconditions, try %d", nth);
		ASSERT_EQ(0, snapshot(&self->obs, &before));
		if (!nth)
			base = before;
		/* The previous try, failed or not, left nothing behind. */
		ASSERT_TRUE(same(&base, &before))
			TH_LOG("nth %d: leftover:%s", nth, diff(&base, &before));

		nlh = raw_start(&self->op, buf, self->op.family, fc->cmd);
		nlh->nlmsg_flags = NLM_F_REQUEST | (fc->dump ? NLM_F_DUMP : NLM_F_ACK);
		fc->build(self, nlh);
		o = try_op(self, nlh, nth, &left, &error);
		drain(&self->op);
		ASSERT_EQ(0, snapshot(&self->obs, &after));

		if (!nth) {
			/* Without a fault: it works, and this is its effect. */
			ASSERT_EQ(DONE_OK, o) TH_LOG("without a fault: %s (%s)",
						     outcome_name[o], strerror(error));
			applied = after;
		} else if (left) {
			/* The op ran whole without reaching an nth allocation. */
			ASSERT_EQ(DONE_OK, o) TH_LOG("nth %d, not injected: %s (%s)", nth,
						     outcome_name[o], strerror(error));
			ASSERT_TRUE(same(&applied, &after))
				TH_LOG("nth %d, not injected:%s", nth, diff(&applied, &after));
		} else {
			faults++;
			trail[nth - 1] = "oeLsn"[o];
			ASSERT_NE(NO_ANSWER, o) TH_LOG("nth %d: no answer (%s)", nth,
						       strerror(error));
			if (o == DONE_OK) {
				/* Absorbed: the op is whole. */
				absorbed++;
				ASSERT_TRUE(same(&applied, &after))
					TH_LOG("nth %d: ok, but:%s", nth, diff(&applied, &after));
			} else if (o == LOST) {
				lost++;
				ASSERT_TRUE(same(&before, &after) || same(&applied, &after))
					TH_LOG("nth %d: answer lost, half done:%s", nth,
					       diff(&before, &after));
			} else {
				ASSERT_TRUE(same(&before, &after))
					TH_LOG("nth %d: %s (%s), yet:%s", nth, outcome_name[o],
					       strerror(error), diff(&before, &after));
			}
			if (same(&before, &after)) {
				/* The next try works. */
				o = try_op(self, nlh, 0, &unused, &error);
				ASSERT_EQ(DONE_OK, o) TH_LOG("nth %d, next try: %s (%s)", nth,
							     outcome_name[o], strerror(error));
				drain(&self->op);
				ASSERT_EQ(0, snapshot(&self->obs, &after));
				ASSERT_TRUE(same(&applied, &after))
					TH_LOG("nth %d, next try:%s", nth, diff(&applied, &after));
			}
		}
		if (fc->undo)
			ASSERT_EQ(0, fc->undo(self));
		op_close(self);
		if (nth && left)
			break;
	}
	ASSERT_LT(nth, MAX_NTH) TH_LOG("the op never got through");
	/* And the last close left nothing either. */
	ASSERT_EQ(0, snapshot(&self->obs, &after));
	ASSERT_TRUE(same(&empty, &after)) TH_LOG("at the end:%s", diff(&empty, &after));
	TH_LOG("%d allocations failed: %d refused cleanly, %d absorbed, %d answers lost (%s)",
	       faults, faults - absorbed - lost, absorbed, lost, trail);
}

/*
 * A refused request, with a listener on the refusals group, and each of its
 * allocations failing in turn (the refusal event's among them): however
 * the request ends, every refusal is counted once, as an event sent or as
 * one dropped, and the listener gets the events sent.
 */
FIXTURE(refusal_fault) {
	struct raw_nl obs, op, lis;
	int nth;
	bool skip;
	char saved[6][32];
};

FIXTURE_SETUP(refusal_fault)
{
	int i, left = -1, size = 1 << 20;

	self->nth = -1;
	if (access(FAIL_NTH, W_OK) || access(FAILSLAB "ignore-gfp-wait", W_OK)) {
		self->skip = true;
		return;
	}
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		ASSERT_EQ(0, knob(knobs[i], setting[i], self->saved[i],
				  sizeof(self->saved[i]))) TH_LOG("%s", knobs[i]);
	self->nth = open(FAIL_NTH, O_RDWR);
	ASSERT_LE(0, self->nth);
	ASSERT_EQ(0, probe(self->nth, &left)) TH_LOG("fail-nth");
	ASSERT_EQ(0, left) TH_LOG("no fault injected into socket() at 3");
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&self->obs));
	ASSERT_EQ(0, raw_open(&self->lis));
	ASSERT_EQ(0, setsockopt(mnl_socket_get_fd(self->lis.nl), SOL_SOCKET,
				SO_RCVBUFFORCE, &size, sizeof(size)));
	ASSERT_EQ(0, raw_join(&self->lis, RCMGR_MCGRP_REFUSALS));
}

FIXTURE_TEARDOWN(refusal_fault)
{
	int i;

	if (self->nth >= 0)
		close(self->nth);
	if (!self->skip)
		for (i = 0; i < ARRAY_SIZE(knobs); i++)
			knob(knobs[i], self->saved[i], NULL, 0);
	raw_close(&self->lis);
	raw_close(&self->op);
	raw_close(&self->obs);
}

/* Refusal events queued on @r (ENOBUFS: *@lost set). */
static int count_events(struct raw_nl *r, bool *lost)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int n, events = 0;

	for (;;) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		n = recv(mnl_socket_get_fd(r->nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			*lost = true;
			continue;
		}
		if (n <= 0)
			return events;
		for (; mnl_nlmsg_ok(m, n); m = mnl_nlmsg_next(m, &n)) {
			struct genlmsghdr *g = mnl_nlmsg_get_payload(m);

			if (m->nlmsg_type == r->family &&
			    g->cmd == RCMGR_CMD_REFUSAL_NTF)
				events++;
		}
	}
}

/* stats-get's totals: refusals, events, dropped, then the transient's. */
static int stats(struct raw_nl *r, uint64_t *v)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const struct nlattr *a, *b, *c;
	struct raw_ans ans;

	memset(v, 0, 4 * sizeof(*v));
	if (raw_talk(r, raw_start(r, buf, r->family, RCMGR_CMD_STATS_GET), &ans) ||
	    ans.error)
		return -1;
	v[0] = raw_reply_u64(&ans, RCMGR_A_STATS_REFUSALS);
	v[1] = raw_reply_u64(&ans, RCMGR_A_STATS_EVENTS);
	v[2] = raw_reply_u64(&ans, RCMGR_A_STATS_EVENTS_DROPPED);
	mnl_attr_for_each(a, (struct nlmsghdr *)ans.reply, sizeof(struct genlmsghdr)) {
		bool transient = false;

		if (mnl_attr_get_type(a) != RCMGR_A_STATS_BLOCKED)
			continue;
		mnl_attr_for_each_nested(b, a) {
			if (mnl_attr_get_type(b) == RCMGR_A_STATS_BLOCKED_KIND)
				transient = mnl_attr_get_u32(b) ==
					    RCMGR_SCOPE_KIND_TRANSIENT;
			if (mnl_attr_get_type(b) != RCMGR_A_STATS_BLOCKED_VALUES ||
			    !transient)
				continue;
			mnl_attr_for_each_nested(c, b)
				if (mnl_attr_get_type(c) == RCMGR_A_RESOURCES_CONNS_INBOUND)
					v[3] = mnl_attr_get_u64(c);
		}
	}
	return 0;
}

TEST_F_TIMEOUT(refusal_fault, every_allocation, 300)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], num[16];
	uint64_t v[4], events = 0;
	int nth, n, ret = 0, left = 0, refused = 0, faults = 0;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct raw_ans ans;
	bool lost = false;

	if (self->skip)
		SKIP(return, "no failslab and fail-nth (not the debug kernel)");
	/* Every inbound conn refused by the transient scope. */
	nlh = raw_start(&self->obs, buf, self->obs.family, RCMGR_CMD_LIMIT_SET);
	mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_TRANSIENT);
	nest = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
	mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_CONNS_INBOUND, 0);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_EQ(0, raw_talk(&self->obs, nlh, &ans));
	ASSERT_EQ(0, ans.error);

	for (nth = 1; nth < MAX_NTH && !left; nth++) {
		/* A fresh socket: a lost answer leaves nothing to misread. */
		ASSERT_EQ(0, raw_open(&self->op));
		nlh = raw_start(&self->op, buf, self->op.family, RCMGR_CMD_CONN_OPEN);
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
		n = snprintf(num, sizeof(num), "%d", nth);
		ASSERT_EQ(n, pwrite(self->nth, num, n, 0));
		ret = raw_talk(&self->op, nlh, &ans);
		n = pread(self->nth, num, sizeof(num) - 1, 0);
		num[n > 0 ? n : 0] = '\0';
		left = atoi(num);
		ASSERT_EQ(1, pwrite(self->nth, "0", 1, 0));
		raw_close(&self->op);
		self->op.nl = NULL;
		faults += !left;
		refused += !ret && ans.error == -EDQUOT;

		ASSERT_EQ(0, stats(&self->obs, v));
		events += count_events(&self->lis, &lost);
		/* Every refusal counted once, sent or dropped. */
		ASSERT_EQ(v[0], v[1] + v[2]) TH_LOG("nth %d", nth);
		ASSERT_EQ(v[0], v[3]) TH_LOG("nth %d", nth);
		ASSERT_GE(v[0], refused) TH_LOG("nth %d", nth);
		if (!lost)
			ASSERT_EQ(v[1], events) TH_LOG("nth %d", nth);
	}
	ASSERT_LT(nth, MAX_NTH) TH_LOG("the request never got through");
	ASSERT_EQ(0, ret);
	ASSERT_EQ(-EDQUOT, ans.error);
	TH_LOG("%d allocations failed; %llu refusals, %llu events, %llu dropped",
	       faults, (unsigned long long)v[0], (unsigned long long)v[1],
	       (unsigned long long)v[2]);
}

/*
 * The slot of the next id is reserved as an id is handed out, without
 * sleeping.  At id 4095 that reservation makes two levels of the xarray
 * at once (4096 is past what a two-level tree holds): with the last
 * allocation failing, the level above stays, empty.  The namespace exits
 * with no scope left in it, and must not take that empty node for one
 * (a WARN: the VM panics).
 *
 * One failed allocation never leaves the reservation undone: the xarray
 * makes one more allocation and tries again, which gets through.  So the
 * open of 4095 is made to fail at one of its last allocations *and* at
 * the one after it (failslab's times, for this task only), in a fresh
 * namespace with ids up to 4094 handed out and forgotten.  That the slot
 * of 4096 was left unreserved is seen, in another namespace walked the
 * same way, from the open of 4096: it allocates then.
 */
#define TOP_ID		4095	/* the last id a two-level xarray holds */
#define COUNT_NTH	100000	/* fail-nth that counts, never injects */
#define LAST_NTH	12	/* how far back from the last allocation */
#define MAKE_IT_FAIL	"/proc/thread-self/make-it-fail"
#define TIMES		FAILSLAB "times"

/*
 * Set in this order, restored in the reverse: probability goes to 100
 * only once no task fails beyond fail-nth but one that asks, and none
 * until told (times 0).
 */
static const char slot_knobs[][20] = {
	"task-filter", "times", "ignore-gfp-wait", "verbose", "interval",
	"space", "probability",
};

static const char slot_setting[][4] = { "Y", "0", "N", "0", "1", "0", "100" };

/*
 * Open and end @n conns, in batches (each open and its done in the same
 * send): @n ids are handed out and forgotten.
 */
static int burn_ids(int n)
{
	struct rcmgr_scope *s;
	struct rcmgr_batch *b;
	struct rcmgr *rm;
	int i, k, ret;

	if (rcmgr_open(&rm))
		return -1;
	ret = rcmgr_batch_new(rm, &b);
	while (!ret && n > 0) {
		k = n < 32 ? n : 32;
		rcmgr_batch_reset(b);
		for (i = 0; i < k && !ret; i++)
			if (rcmgr_batch_open_connection(b, RCMGR_DIR_INBOUND,
							false, NULL, &s) < 0 ||
			    rcmgr_batch_done(b, s) < 0)
				ret = -1;
		if (!ret && rcmgr_batch_submit(b))
			ret = -1;
		n -= k;
	}
	if (b)
		rcmgr_batch_free(b);
	rcmgr_close(rm);
	return ret;
}

/* Allocations made by an open_conn(), or 255; the id it got in @id. */
static int counted_open(struct raw_nl *r, int fd, int64_t *id)
{
	char num[16];
	int n;

	n = snprintf(num, sizeof(num), "%d", COUNT_NTH);
	if (pwrite(fd, num, n, 0) != n)
		return 255;
	*id = open_conn(r);
	n = pread(fd, num, sizeof(num) - 1, 0);
	num[n > 0 ? n : 0] = '\0';
	if (pwrite(fd, "0", 1, 0) != 1)
		return 255;
	n = COUNT_NTH - atoi(num);
	return n > 0 && n < 255 ? n : 255;
}

/*
 * In a new namespace: hand out and forget ids up to TOP_ID - 1, open
 * TOP_ID with allocations @nth and @nth + 1 failing (@nth COUNT_NTH: none).
 * Exit status: with @next, what the open of TOP_ID + 1 then allocates
 * (0: the faults left TOP_ID unused, no such open); else what the open of
 * TOP_ID used of @nth (@nth: injected).  255 if something else failed.
 */
static int walk_to_top_id(int nth, bool next)
{
	int fd, tfd, mfd, n, used;
	struct raw_nl r;
	char num[16];
	int64_t id;

	if (unshare(CLONE_NEWNET) || raw_open(&r))
		return 255;
	/* The first id of the namespace, then as many as it takes. */
	id = open_conn(&r);
	if (id <= 0 || id >= TOP_ID - 1 || by_id(&r, RCMGR_CMD_SCOPE_DONE, id) ||
	    burn_ids(TOP_ID - 2 - id))
		return 255;
	id = open_conn(&r);
	if (id != TOP_ID - 1 || by_id(&r, RCMGR_CMD_SCOPE_DONE, id))
		return 255;
	fd = open(FAIL_NTH, O_RDWR);
	tfd = open(TIMES, O_WRONLY);
	mfd = open(MAKE_IT_FAIL, O_WRONLY);
	if (fd < 0 || tfd < 0 || mfd < 0)
		return 255;
	if (nth == COUNT_NTH) {
		used = counted_open(&r, fd, &id);
		if (id != TOP_ID)
			return 255;
	} else {
		/*
		 * Nothing allocates between the write of times and that of
		 * fail-nth.  times is a simple attribute: write(), no pwrite().
		 */
		if (pwrite(mfd, "1", 1, 0) != 1 || write(tfd, "2", 1) != 1)
			return 255;
		n = snprintf(num, sizeof(num), "%d", nth);
		if (pwrite(fd, num, n, 0) != n)
			return 255;
		open_conn(&r);
		n = pread(fd, num, sizeof(num) - 1, 0);
		num[n > 0 ? n : 0] = '\0';
		if (pwrite(fd, "0", 1, 0) != 1 || write(tfd, "0", 1) != 1 ||
		    pwrite(mfd, "0", 1, 0) != 1)
			return 255;
		used = nth - atoi(num) < 255 ? nth - atoi(num) : 255;
	}
	if (next && used != 255) {
		n = counted_open(&r, fd, &id);
		if (id == TOP_ID)	/* the faults came before the id */
			return 0;
		return id == TOP_ID + 1 ? n : 255;
	}
	/* The socket goes, and the namespace with this process. */
	return used;
}

/* walk_to_top_id() in a child; its exit status. */
static int walk_in_child(int nth, bool next)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (!pid)
		_exit(walk_to_top_id(nth, next));
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

FIXTURE(reserved_slot) {};
FIXTURE_SETUP(reserved_slot) {}
FIXTURE_TEARDOWN(reserved_slot) {}

TEST_F_TIMEOUT(reserved_slot, fault_at_exit, 600)
{
	char saved[ARRAY_SIZE(slot_knobs)][32];
	int nth, i, total, base, after, undone = 0;

	if (access(FAIL_NTH, W_OK) || access(FAILSLAB "task-filter", W_OK) ||
	    access(MAKE_IT_FAIL, W_OK))
		SKIP(return, "no failslab and fail-nth (not the debug kernel)");
	for (i = 0; i < ARRAY_SIZE(slot_knobs); i++)
		ASSERT_EQ(0, knob(slot_knobs[i], slot_setting[i], saved[i],
				  sizeof(saved[i]))) TH_LOG("%s", slot_knobs[i]);
	/* How many allocations the open of TOP_ID makes, without a fault. */
	total = walk_in_child(COUNT_NTH, false);
	ASSERT_LT(0, total);
	ASSERT_GT(255, total);
	/* And that of TOP_ID + 1 after it: its slot was reserved. */
	base = walk_in_child(COUNT_NTH, true);
	ASSERT_LT(0, base);
	ASSERT_GT(255, base);
	for (nth = total; nth > 0 && nth > total - LAST_NTH; nth--) {
		/* The namespace exits right after the faults. */
		ASSERT_EQ(nth, walk_in_child(nth, false)) TH_LOG("nth %d", nth);
		after = walk_in_child(nth, true);
		ASSERT_LE(0, after) TH_LOG("nth %d", nth);
		ASSERT_GT(255, after) TH_LOG("nth %d", nth);
		if (after > base)
			undone++;
	}
	for (i = ARRAY_SIZE(slot_knobs) - 1; i >= 0; i--)
		knob(slot_knobs[i], saved[i], NULL, 0);
	/* Else this never left the slot of TOP_ID + 1 unreserved. */
	ASSERT_LT(0, undone);
	TH_LOG("%d allocations in the open of id %d (%d in the next), the last %d failed in turn with the one after, %d left the next slot unreserved",
	       total, TOP_ID, base, total - nth, undone);
}

TEST_HARNESS_MAIN
