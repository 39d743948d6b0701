// SPDX-License-Identifier: GPL-2.0
/*
 * librcmgr as a daemon uses it, against the real module: dumps under
 * another process's churn, callbacks calling back into the manager, the
 * monitor driven by poll(), ENOBUFS on the monitor, fork(), the null
 * manager, rcmgr_last_error() across cleanup, partial limit updates,
 * rcmgr_close() with objects still open, requests without an ack (under
 * signals, on a full socket), and batches (per-op results, a refusal in
 * the middle, more than a socket buffer, misuse, threads, fork, the null
 * manager).  Each test runs in a fresh
 * network namespace, under the harness's timeout (the watchdog: a hang
 * fails the test instead of the run).
 */
#include <fcntl.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

#include <time.h>

#include "kselftest_harness.h"
#include "rcmgr_net.h"

static int stat_cb(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_stat(s, arg);
}

static struct rcmgr_stat system_stat(struct rcmgr *rm)
{
	struct rcmgr_stat st = { .memory = -1 };

	if (rcmgr_view_system(rm, stat_cb, &st))
		st.memory = -1;
	return st;
}

/* Room for many conns and streams in this namespace. */
static int unlimit(struct rcmgr *rm)
{
	struct rcmgr_limit l = {
		.streams = RCMGR_LIMIT_UNLIMITED,
		.streams_inbound = RCMGR_LIMIT_UNLIMITED,
		.streams_outbound = RCMGR_LIMIT_UNLIMITED,
		.conns = RCMGR_LIMIT_UNLIMITED,
		.conns_inbound = RCMGR_LIMIT_UNLIMITED,
		.conns_outbound = RCMGR_LIMIT_UNLIMITED,
		.fd = RCMGR_LIMIT_UNLIMITED,
		.memory = RCMGR_LIMIT_UNLIMITED,
	};

	return rcmgr_limit_set(rm, RCMGR_LIMIT_SYSTEM, NULL, &l) ||
	       rcmgr_limit_set(rm, RCMGR_LIMIT_TRANSIENT, NULL, &l) ||
	       rcmgr_limit_set(rm, RCMGR_LIMIT_PEER, NULL, &l);
}

FIXTURE(lib) {
	struct rcmgr *rm;
};

FIXTURE_SETUP(lib)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, net_lo_up());
	ASSERT_EQ(0, rcmgr_open(&self->rm));
	ASSERT_EQ(0, unlimit(self->rm));
}

FIXTURE_TEARDOWN(lib)
{
	rcmgr_close(self->rm);
}

/* Another process opening and closing streams until killed. */
static pid_t churner(void)
{
	pid_t pid = fork();
	struct rcmgr_scope *s;
	struct rcmgr *rm;
	char peer[32];
	int i;

	if (pid)
		return pid;
	if (rcmgr_open(&rm))
		_exit(1);
	for (i = 0;; i++) {
		snprintf(peer, sizeof(peer), "churn-%d", i % 50);
		if (!rcmgr_open_stream(rm, peer, RCMGR_DIR_INBOUND, &s))
			rcmgr_scope_done(s);
	}
}

struct snapshot {
	int n, systems, dups;
	uint64_t ids[4096];
};

static int snap_cb(const struct rcmgr_scope_info *i, void *arg)
{
	struct snapshot *s = arg;
	int k;

	/* Handles only: named scopes' ids are 0 here. */
	if (i->kind == RCMGR_KIND_SYSTEM)
		s->systems++;
	if (i->kind == RCMGR_KIND_STREAM) {
		for (k = 0; k < s->n; k++)
			if (s->ids[k] == i->id)
				s->dups++;
		if (s->n < (int)(sizeof(s->ids) / sizeof(s->ids[0])))
			s->ids[s->n++] = i->id;
	}
	return 0;
}

TEST_F_TIMEOUT(lib, dump_under_churn, 120)
{
	struct rcmgr_scope *held[300];
	struct snapshot *snap;
	int i, ret, ok = 0, intr = 0, status;
	time_t end;
	char peer[32];
	pid_t pid;

	/* Enough scopes for a dump of many batches. */
	for (i = 0; i < 300; i++) {
		snprintf(peer, sizeof(peer), "held-%d", i);
		ASSERT_EQ(0, rcmgr_open_stream(self->rm, peer,
					       RCMGR_DIR_OUTBOUND, &held[i]));
	}
	snap = malloc(sizeof(*snap));
	ASSERT_NE(NULL, snap);
	pid = churner();
	ASSERT_LT(0, pid);
	/* 200 dumps, or what 20 s allow on a slow (debug, emulated) kernel. */
	end = time(NULL) + 20;
	for (i = 0; i < 200 && (i < 5 || time(NULL) < end); i++) {
		memset(snap, 0, sizeof(*snap));
		ret = rcmgr_dump(self->rm, 0, snap_cb, snap);
		if (ret == -EINTR) {
			/* The documented failure: nothing was delivered. */
			EXPECT_EQ(0, snap->n + snap->systems);
			EXPECT_EQ(EINTR, rcmgr_last_error(self->rm)->error);
			intr++;
			continue;
		}
		ASSERT_EQ(0, ret);
		EXPECT_EQ(1, snap->systems);
		EXPECT_EQ(0, snap->dups);
		EXPECT_LE(300, snap->n);
		ok++;
	}
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status)) TH_LOG("the churner failed");
	/* How many got through depends on timing: logged, not asserted. */
	TH_LOG("%d consistent dumps, %d interrupted", ok, intr);
	EXPECT_EQ(i, ok + intr);
	/* Without churn, a dump always completes, whole. */
	memset(snap, 0, sizeof(*snap));
	ASSERT_EQ(0, rcmgr_dump(self->rm, 0, snap_cb, snap));
	EXPECT_EQ(1, snap->systems);
	EXPECT_EQ(0, snap->dups);
	EXPECT_EQ(300, snap->n);
	for (i = 0; i < 300; i++)
		rcmgr_scope_done(held[i]);
	free(snap);
}

struct reenter {
	struct rcmgr *rm;
	int calls, nested_ok;
	int64_t memory;
};

static int count_cb(const struct rcmgr_scope_info *i, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int reenter_cb(const struct rcmgr_scope_info *i, void *arg)
{
	struct reenter *r = arg;
	struct rcmgr_scope *s;
	int n = 0;

	r->calls++;
	/* Any call on the same manager, a dump included. */
	if (!rcmgr_open_stream(r->rm, "nested", RCMGR_DIR_INBOUND, &s)) {
		if (!rcmgr_scope_reserve_memory(s, 10, RCMGR_PRIO_ALWAYS))
			r->memory = system_stat(r->rm).memory;
		rcmgr_scope_done(s);
	}
	if (!rcmgr_dump(r->rm, RCMGR_KIND_SYSTEM, count_cb, &n) && n == 1)
		r->nested_ok++;
	return 0;
}

TEST_F_TIMEOUT(lib, callback_calls_back_into_the_manager, 30)
{
	struct reenter r = { .rm = self->rm, .memory = -1 };

	ASSERT_EQ(0, rcmgr_dump(self->rm, RCMGR_KIND_TRANSIENT, reenter_cb, &r));
	EXPECT_EQ(1, r.calls);
	EXPECT_EQ(1, r.nested_ok);
	EXPECT_EQ(10, r.memory);
	EXPECT_EQ(0, system_stat(self->rm).memory);
}

struct worker {
	struct rcmgr *rm;
	int id, rounds, bad;
};

/* Each thread's answers must be its own: memory it reserved, its ids. */
static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct rcmgr_scope *s;
	struct rcmgr_stat st;
	char peer[32];
	int i;

	snprintf(peer, sizeof(peer), "thread-%d", w->id);
	for (i = 0; i < w->rounds; i++) {
		if (rcmgr_open_stream(w->rm, peer, RCMGR_DIR_OUTBOUND, &s)) {
			w->bad++;
			continue;
		}
		if (rcmgr_scope_reserve_memory(s, 100 + w->id, RCMGR_PRIO_ALWAYS) ||
		    rcmgr_scope_stat(s, &st) || st.memory != 100 + w->id ||
		    st.num_streams_outbound != 1)
			w->bad++;
		rcmgr_scope_done(s);
	}
	return NULL;
}

TEST_F_TIMEOUT(lib, threads_share_one_manager, 60)
{
	struct worker w[4];
	pthread_t t[4];
	int i, n, dumps = 0;

	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ .rm = self->rm, .id = i, .rounds = 200 };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker_fn, &w[i]));
	}
	/* Dumps on the same manager meanwhile, callbacks outside its lock. */
	for (i = 0; i < 50; i++) {
		n = 0;
		if (!rcmgr_dump(self->rm, 0, count_cb, &n) && n >= 2)
			dumps++;
	}
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, pthread_join(t[i], NULL));
		EXPECT_EQ(0, w[i].bad) TH_LOG("thread %d", i);
	}
	EXPECT_LT(0, dumps);
	EXPECT_EQ(0, system_stat(self->rm).memory);
	EXPECT_EQ(0, system_stat(self->rm).num_streams_outbound);
}

/* A conn bound to an accepted socket; closing both ends ends it. */
static int bound_conn(struct rcmgr *rm, int lfd, int *cli, int *srv,
		      struct rcmgr_scope **conn)
{
	if (net_tcp_pair(lfd, cli, srv))
		return -1;
	return rcmgr_open_connection_fd(rm, RCMGR_DIR_INBOUND, *srv, NULL, conn);
}

TEST_F_TIMEOUT(lib, monitor_driven_by_poll, 60)
{
	struct rcmgr_monitor *mon;
	struct rcmgr_scope *conn;
	struct rcmgr_event ev;
	int lfd, cli, srv, fd, round;
	struct pollfd p;

	ASSERT_EQ(0, rcmgr_monitor_open(&mon));
	fd = rcmgr_monitor_fd(mon);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK));
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	/* Nothing queued: the family lookup's ack was read at open. */
	EXPECT_EQ(0, poll(&p, 1, 0));
	EXPECT_EQ(-EAGAIN, rcmgr_monitor_read(mon, &ev));
	lfd = net_listener();
	ASSERT_LE(0, lfd);
	for (round = 0; round < 3; round++) {
		ASSERT_EQ(0, bound_conn(self->rm, lfd, &cli, &srv, &conn));
		/* Without an event: no wake-up. */
		EXPECT_EQ(0, poll(&p, 1, 0));
		close(srv);
		close(cli);
		/* A stat reaps the dead socket at once. */
		EXPECT_EQ(0, system_stat(self->rm).num_conns_inbound);
		ASSERT_EQ(1, poll(&p, 1, 10000));
		ASSERT_EQ(0, rcmgr_monitor_read(mon, &ev));
		EXPECT_EQ(rcmgr_scope_id(conn), ev.id);
		EXPECT_EQ(RCMGR_KIND_CONN, ev.kind);
		EXPECT_EQ(-EAGAIN, rcmgr_monitor_read(mon, &ev));
		EXPECT_EQ(0, poll(&p, 1, 0));
		rcmgr_scope_done(conn);
	}
	EXPECT_EQ(0, rcmgr_monitor_lost(mon));
	close(lfd);
	rcmgr_monitor_close(mon);
}

TEST_F_TIMEOUT(lib, monitor_survives_enobufs, 60)
{
	struct rcmgr_scope *conn[40];
	int cli[40], srv[40], lfd, fd, i, one = 1, events = 0, lost = 0, ret;
	struct rcmgr_monitor *mon;
	struct rcmgr_event ev;
	struct pollfd p;

	ASSERT_EQ(0, rcmgr_monitor_open(&mon));
	fd = rcmgr_monitor_fd(mon);
	ASSERT_EQ(0, fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK));
	/* The smallest buffer the kernel allows: a few events fill it. */
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one)));
	lfd = net_listener();
	ASSERT_LE(0, lfd);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(0, bound_conn(self->rm, lfd, &cli[i], &srv[i], &conn[i]));
	for (i = 0; i < 40; i++) {
		close(srv[i]);
		close(cli[i]);
	}
	EXPECT_EQ(0, system_stat(self->rm).num_conns_inbound);
	while ((ret = rcmgr_monitor_read(mon, &ev)) != -EAGAIN) {
		if (ret == -ENOBUFS) {
			lost++;
			continue;
		}
		ASSERT_EQ(0, ret);
		events++;
	}
	TH_LOG("%d events read, %d overruns", events, lost);
	EXPECT_LT(0, lost);
	EXPECT_LT(events, 40);
	EXPECT_EQ(lost, rcmgr_monitor_lost(mon));
	/* And it goes on: the next event arrives and is read. */
	ASSERT_EQ(0, bound_conn(self->rm, lfd, &cli[0], &srv[0], &conn[0]));
	close(srv[0]);
	close(cli[0]);
	EXPECT_EQ(0, system_stat(self->rm).num_conns_inbound);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	ASSERT_EQ(1, poll(&p, 1, 10000));
	ASSERT_EQ(0, rcmgr_monitor_read(mon, &ev));
	EXPECT_EQ(rcmgr_scope_id(conn[0]), ev.id);
	close(lfd);
	rcmgr_monitor_close(mon);
}

/*
 * fork() without exec: the child closes its copy of the parent's socket,
 * so a SIGKILLed parent's reservations go although the child lives on,
 * and the inherited manager answers ECHILD in the child.
 */
TEST_F_TIMEOUT(lib, fork_child_does_not_keep_parent_charges, 60)
{
	int ready[2], report[2], status;
	pid_t parent, child = 0;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(report));
	parent = fork();
	ASSERT_LE(0, parent);
	if (!parent) {
		struct rcmgr_scope *s;
		struct rcmgr *rm;
		pid_t kid;

		if (rcmgr_open(&rm) ||
		    rcmgr_open_stream(rm, "forker", RCMGR_DIR_INBOUND, &s) ||
		    rcmgr_scope_reserve_memory(s, 4096, RCMGR_PRIO_ALWAYS))
			_exit(1);
		kid = fork();
		if (!kid) {
			/* Inherited: refused without a word to the kernel. */
			c = rcmgr_scope_reserve_memory(s, 1, 0) == -ECHILD &&
			    errno == ECHILD ? 'y' : 'n';
			write(report[1], &c, 1);
			for (;;)
				pause();
		}
		write(ready[1], &kid, sizeof(kid));
		for (;;)
			pause();
	}
	ASSERT_EQ(sizeof(child), read(ready[0], &child, sizeof(child)));
	ASSERT_EQ(1, read(report[0], &c, 1));
	EXPECT_EQ('y', c);
	EXPECT_EQ(4096, system_stat(self->rm).memory);
	EXPECT_EQ(1, system_stat(self->rm).num_streams_inbound);

	kill(parent, SIGKILL);
	ASSERT_EQ(parent, waitpid(parent, &status, 0));
	ASSERT_TRUE(WIFSIGNALED(status));
	/* The child is alive, and the parent's charges are gone. */
	EXPECT_EQ(0, kill(child, 0));
	EXPECT_EQ(0, system_stat(self->rm).memory);
	EXPECT_EQ(0, system_stat(self->rm).num_streams_inbound);
	kill(child, SIGKILL);
}

TEST_F(lib, null_manager_touches_nothing)
{
	struct rcmgr_scope *conn, *stream;
	struct rcmgr_stat st;
	struct rcmgr *null;
	int n = 0;

	ASSERT_EQ(0, rcmgr_open_null(&null));
	EXPECT_TRUE(rcmgr_is_null(null));
	EXPECT_FALSE(rcmgr_is_null(self->rm));
	ASSERT_EQ(0, rcmgr_open_connection(null, RCMGR_DIR_INBOUND, true,
					   NULL, &conn));
	ASSERT_EQ(0, rcmgr_open_stream(null, "p", RCMGR_DIR_INBOUND, &stream));
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(stream, 1 << 20,
						RCMGR_PRIO_LOW));
	EXPECT_EQ(0, rcmgr_view_system(null, stat_cb, &st));
	EXPECT_EQ(0, st.memory);
	EXPECT_EQ(0, rcmgr_dump(null, 0, count_cb, &n));
	EXPECT_EQ(0, n);
	/* The kernel saw none of it. */
	st = system_stat(self->rm);
	EXPECT_EQ(0, st.memory);
	EXPECT_EQ(0, st.num_conns_inbound);
	EXPECT_EQ(0, st.num_streams_inbound);
	rcmgr_scope_done(stream);
	rcmgr_close(null);	/* conn still open: freed here */
}

TEST_F(lib, last_error_survives_cleanup)
{
	struct rcmgr_limit l = { .memory = 100 };
	const struct rcmgr_error *e = rcmgr_last_error(self->rm);
	struct rcmgr_scope *s;

	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &l,
					RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_MEMORY)));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND, &s));
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 1000,
						      RCMGR_PRIO_ALWAYS));
	/* A success and a done in between change nothing. */
	EXPECT_EQ(0, system_stat(self->rm).memory);
	rcmgr_scope_done(s);
	EXPECT_EQ(EDQUOT, errno);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(RCMGR_RESOURCE_MEMORY, e->resource);
	EXPECT_EQ(100, e->limit);
	EXPECT_EQ(1000, e->attempted);
}

TEST_F(lib, limit_update_sends_only_the_given_values)
{
	struct rcmgr_limit l = { .fd = 7, .memory = 1 }, got;

	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &l,
					RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_FD)));
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &got));
	EXPECT_EQ(7, got.fd);
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, got.memory);
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, got.conns);
	EXPECT_EQ(-EINVAL, rcmgr_limit_update(self->rm, RCMGR_LIMIT_SYSTEM,
					      NULL, &l, 1u << 20));
}

struct names {
	int n;
	char seen[4][16];
};

static int override_cb(const struct rcmgr_limit_info *i, void *arg)
{
	struct names *o = arg;

	if (i->override && i->limit_class == RCMGR_LIMIT_PEER && o->n < 4)
		snprintf(o->seen[o->n++], sizeof(o->seen[0]), "%.*s",
			 (int)i->name_len, i->name);
	return 0;
}

TEST_F(lib, limit_overrides_listed_and_deleted_one_at_a_time)
{
	struct rcmgr_limit l = { .streams = 3 }, got;
	unsigned int which = RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_STREAMS);
	struct names o = {};
	int ret;

	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_PEER, "a", &l, which));
	l.streams = 4;
	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_PEER, "b", &l, which));
	ASSERT_EQ(0, rcmgr_limit_dump(self->rm, override_cb, &o));
	ASSERT_EQ(2, o.n);
	EXPECT_STREQ("a", o.seen[0]);
	EXPECT_STREQ("b", o.seen[1]);

	ret = rcmgr_limit_delete(self->rm, RCMGR_LIMIT_PEER, "a");
	if (ret == -EOPNOTSUPP)
		SKIP(return, "the module has no limit-del op");
	ASSERT_EQ(0, ret);
	memset(&o, 0, sizeof(o));
	ASSERT_EQ(0, rcmgr_limit_dump(self->rm, override_cb, &o));
	ASSERT_EQ(1, o.n);
	EXPECT_STREQ("b", o.seen[0]);
	/* "a" follows the class default again. */
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_PEER, "a", &got));
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, got.streams);
	EXPECT_EQ(-ENOENT, rcmgr_limit_delete(self->rm, RCMGR_LIMIT_PEER, "a"));
}

TEST_F(lib, close_with_objects_open)
{
	struct rcmgr_scope *conn, *stream, *span;
	struct rcmgr *rm;

	ASSERT_EQ(0, rcmgr_open(&rm));
	ASSERT_EQ(0, rcmgr_open_connection(rm, RCMGR_DIR_OUTBOUND, true, NULL,
					   &conn));
	ASSERT_EQ(0, rcmgr_open_stream(rm, "p", RCMGR_DIR_OUTBOUND, &stream));
	ASSERT_EQ(0, rcmgr_scope_begin_span(stream, &span));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(span, 100, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(100, system_stat(self->rm).memory);
	EXPECT_EQ(1, system_stat(self->rm).num_conns_outbound);
	/* Objects still open: the kernel releases what they held. */
	rcmgr_close(rm);
	EXPECT_EQ(0, system_stat(self->rm).memory);
	EXPECT_EQ(0, system_stat(self->rm).num_conns_outbound);
	EXPECT_EQ(0, system_stat(self->rm).num_streams_outbound);
	EXPECT_EQ(0, system_stat(self->rm).num_fd);
}

/* The manager's socket: the one generic netlink socket this test has. */
static int manager_fd(void)
{
	int fd, dom, proto, found = -1, n = 0;
	socklen_t len;

	for (fd = 3; fd < 1024; fd++) {
		len = sizeof(dom);
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) ||
		    dom != AF_NETLINK)
			continue;
		len = sizeof(proto);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) ||
		    proto != NETLINK_GENERIC)
			continue;
		found = fd;
		n++;
	}
	return n == 1 ? found : -1;
}

/* Fill @fd's receive queue from another socket, as root may. */
static int fill_queue(int fd)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(sa);
	char junk[64] = "junk";
	int j, ret;

	if (getsockname(fd, (struct sockaddr *)&sa, &len))
		return -1;
	j = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (j < 0)
		return -1;
	do
		ret = sendto(j, junk, sizeof(junk), MSG_DONTWAIT,
			     (struct sockaddr *)&sa, sizeof(sa));
	while (ret > 0);
	ret = errno == EAGAIN ? 0 : -1;
	close(j);
	return ret;
}

/*
 * A request that answers nothing but its result goes without an ack: its
 * error, if any, is queued by the time send() returned.  With the
 * receive queue full (another process sending to our port id), the
 * kernel drops that error: the request still failed, and must say so,
 * never 0; a request that succeeded needs no room at all.
 */
TEST_F(lib, quiet_requests_on_a_full_socket)
{
	struct rcmgr_limit l = { .memory = 4096 };
	int fd, small = 0, big = 1 << 20, ret;
	struct rcmgr_scope *s;

	fd = manager_fd();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_STREAM, NULL, &l,
					RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_MEMORY)));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small,
				sizeof(small)));

	/* A refusal: its details and error are dropped. */
	ASSERT_EQ(0, fill_queue(fd));
	ret = rcmgr_scope_reserve_memory(s, 8192, RCMGR_PRIO_ALWAYS);
	EXPECT_TRUE(ret == -ENOBUFS || ret == -EDQUOT) {
		TH_LOG("a dropped refusal answered %d", ret);
	}
	/* A plain error: more than was reserved. */
	ASSERT_EQ(0, fill_queue(fd));
	ret = rcmgr_scope_release_memory(s, 1);
	EXPECT_TRUE(ret == -ENOBUFS || ret == -EINVAL) {
		TH_LOG("a dropped error answered %d", ret);
	}
	/* A success: nothing to queue. */
	ASSERT_EQ(0, fill_queue(fd));
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(s, 100, RCMGR_PRIO_ALWAYS));

	/* In step again, and only the success was carried out. */
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)));
	EXPECT_EQ(100, system_stat(self->rm).memory);
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 8192,
						      RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(0, rcmgr_scope_release_memory(s, 100));
	EXPECT_EQ(0, system_stat(self->rm).memory);
	rcmgr_scope_done(s);
}

static volatile sig_atomic_t signals_handled;

static void on_signal(int sig)
{
	(void)sig;
	signals_handled++;
}

struct pester {
	pthread_t target;
	volatile bool stop;
	unsigned long rounds;	/* rounds of calls the target made */
};

/*
 * A signal, then another once the target made one more round: one at a
 * time, at whatever point of a round it lands.  Unthrottled, signals can
 * come faster than a TCG vCPU handles them, and the target never leaves
 * its handler.
 */
static void *pester_fn(void *arg)
{
	struct pester *p = arg;
	unsigned long seen;

	while (!p->stop) {
		seen = __atomic_load_n(&p->rounds, __ATOMIC_ACQUIRE);
		pthread_kill(p->target, SIGUSR1);
		while (!p->stop &&
		       __atomic_load_n(&p->rounds, __ATOMIC_ACQUIRE) == seen)
			sched_yield();
	}
	return NULL;
}

/*
 * Requests without an ack under a storm of signals (no SA_RESTART): the
 * kernel carries a request out inside send(), so a signal cannot come
 * between a request and its error; each call returns its own result,
 * success, a refusal or a plain error, and none is read by the next.
 */
TEST_F_TIMEOUT(lib, quiet_requests_under_signals, 120)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct rcmgr_limit l = { .memory = 4096 };
	struct pester p = { .target = pthread_self() };
	struct rcmgr_scope *s;
	pthread_t t;
	int i, bad = 0;

	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_STREAM, NULL, &l,
					RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_MEMORY)));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, pthread_create(&t, NULL, pester_fn, &p));
	for (i = 0; i < 2000; i++) {
		bad += rcmgr_scope_reserve_memory(s, 1000,
						  RCMGR_PRIO_ALWAYS) != 0;
		bad += rcmgr_scope_reserve_memory(s, 8192,
						  RCMGR_PRIO_ALWAYS) != -EDQUOT;
		bad += rcmgr_scope_release_memory(s, 1000) != 0;
		/* A plain error: more than was reserved. */
		bad += rcmgr_scope_release_memory(s, 1) != -EINVAL;
		__atomic_add_fetch(&p.rounds, 1, __ATOMIC_RELEASE);
	}
	p.stop = true;
	pthread_join(t, NULL);
	signal(SIGUSR1, SIG_DFL);
	/* They landed (one per round the pester saw, however many). */
	EXPECT_LT(0, signals_handled);
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, system_stat(self->rm).memory);
	rcmgr_scope_done(s);
}

/* Batches. */

static int proto_cb(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_stat(s, arg);
}

TEST_F(lib, batch_gives_each_op_its_result)
{
	struct rcmgr_scope *s[3], *conn, *span;
	struct rcmgr_batch *b;
	struct rcmgr_stat st;
	char peer[16];
	int i, op[3][2], sp, rsp;

	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, false,
					   NULL, &conn));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b));
	for (i = 0; i < 3; i++) {
		snprintf(peer, sizeof(peer), "bp-%d", i);
		ASSERT_EQ(i, rcmgr_batch_open_stream(b, peer, RCMGR_DIR_INBOUND,
						     &s[i]));
		/* Pending: only the batch may name it. */
		EXPECT_EQ(-EINPROGRESS, rcmgr_scope_reserve_memory(s[i], 1, 0));
		EXPECT_EQ(EINPROGRESS, errno);
	}
	for (i = 0; i < 3; i++) {
		op[i][0] = rcmgr_batch_stream_set_protocol(b, s[i], "/b/1");
		op[i][1] = rcmgr_batch_reserve_memory(b, s[i], 100 * (i + 1),
						      RCMGR_PRIO_ALWAYS);
		ASSERT_LE(0, op[i][0]);
		ASSERT_LE(0, op[i][1]);
	}
	/* A span on a stream the batch opens, and memory in it. */
	sp = rcmgr_batch_begin_span(b, s[0], &span);
	ASSERT_LE(0, sp);
	rsp = rcmgr_batch_reserve_memory(b, span, 1000, RCMGR_PRIO_ALWAYS);
	ASSERT_LE(0, rsp);
	ASSERT_LE(0, rcmgr_batch_reserve_memory(b, conn, 7, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(12u, rcmgr_batch_count(b));
	EXPECT_EQ(-EINPROGRESS, rcmgr_batch_result(b, 0));

	ASSERT_EQ(0, rcmgr_batch_submit(b));
	for (i = 0; i < 12; i++) {
		EXPECT_EQ(0, rcmgr_batch_result(b, i)) TH_LOG("op %d", i);
		EXPECT_EQ(NULL, rcmgr_batch_error(b, i));
	}
	EXPECT_EQ(-EINVAL, rcmgr_batch_result(b, 12));
	for (i = 0; i < 3; i++) {
		EXPECT_NE(0, rcmgr_scope_id(s[i]));
		EXPECT_STREQ("/b/1", rcmgr_scope_name(rcmgr_stream_protocol_scope(s[i])));
	}
	EXPECT_NE(rcmgr_scope_id(s[0]), rcmgr_scope_id(s[1]));
	EXPECT_NE(0, rcmgr_scope_id(span));
	/* Every op took effect, in the kernel. */
	st = system_stat(self->rm);
	EXPECT_EQ(100 + 200 + 300 + 1000 + 7, st.memory);
	EXPECT_EQ(3, st.num_streams_inbound);
	ASSERT_EQ(0, rcmgr_view_protocol(self->rm, "/b/1", proto_cb, &st));
	EXPECT_EQ(3, st.num_streams_inbound);
	EXPECT_EQ(1600, st.memory);
	/* They are handles like any other now. */
	EXPECT_EQ(0, rcmgr_scope_release_memory(s[2], 300));
	ASSERT_EQ(0, rcmgr_scope_stat(span, &st));
	EXPECT_EQ(1000, st.memory);

	/* Ending them by batch frees the objects. */
	rcmgr_batch_reset(b);
	ASSERT_LE(0, rcmgr_batch_done(b, span));
	for (i = 0; i < 3; i++)
		ASSERT_LE(0, rcmgr_batch_done(b, s[i]));
	ASSERT_EQ(0, rcmgr_batch_submit(b));
	st = system_stat(self->rm);
	EXPECT_EQ(7, st.memory);
	EXPECT_EQ(0, st.num_streams_inbound);
	rcmgr_batch_free(b);
	rcmgr_scope_done(conn);
}

TEST_F(lib, batch_refused_op_in_the_middle)
{
	struct rcmgr_limit l = { .memory = 1000, .streams_inbound = 1 };
	const struct rcmgr_error *e;
	struct rcmgr_scope *conn, *held, *refused;
	struct rcmgr_batch *b;
	struct rcmgr_stat st;

	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, false,
					   NULL, &conn));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, "held", RCMGR_DIR_INBOUND,
				       &held));
	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &l,
					RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_MEMORY) |
					RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_STREAMS_INBOUND)));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b));
	ASSERT_EQ(0, rcmgr_batch_reserve_memory(b, conn, 100, RCMGR_PRIO_ALWAYS));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(b, conn, 5000, RCMGR_PRIO_ALWAYS));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(b, conn, 200, RCMGR_PRIO_ALWAYS));
	/* A refused open, and an op on its handle, which is not sent. */
	ASSERT_EQ(3, rcmgr_batch_open_stream(b, "new", RCMGR_DIR_INBOUND,
					     &refused));
	ASSERT_EQ(4, rcmgr_batch_stream_set_protocol(b, refused, "/p"));
	ASSERT_EQ(5, rcmgr_batch_release_memory(b, conn, 50));

	EXPECT_EQ(3, rcmgr_batch_submit(b));
	EXPECT_EQ(0, rcmgr_batch_result(b, 0));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(b, 1));
	EXPECT_EQ(0, rcmgr_batch_result(b, 2));
	EXPECT_EQ(-EDQUOT, rcmgr_batch_result(b, 3));
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(b, 4));
	EXPECT_EQ(0, rcmgr_batch_result(b, 5));
	/* Why, as rcmgr_last_error() tells it for a call. */
	e = rcmgr_batch_error(b, 1);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(RCMGR_RESOURCE_MEMORY, e->resource);
	EXPECT_EQ(RCMGR_KIND_SYSTEM, e->kind);
	EXPECT_EQ(1000, e->limit);
	EXPECT_EQ(5000, e->attempted);
	EXPECT_EQ(100, e->usage);
	EXPECT_NE(0, e->message[0]);
	e = rcmgr_batch_error(b, 3);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(RCMGR_RESOURCE_STREAMS_INBOUND, e->resource);
	EXPECT_EQ(RCMGR_DIR_INBOUND, e->direction);
	ASSERT_NE(NULL, rcmgr_batch_error(b, 4));
	EXPECT_EQ(ECANCELED, rcmgr_batch_error(b, 4)->error);
	/* The first failure is the thread's last error. */
	EXPECT_EQ(EDQUOT, rcmgr_last_error(self->rm)->error);
	EXPECT_EQ(5000, rcmgr_last_error(self->rm)->attempted);

	st = system_stat(self->rm);
	EXPECT_EQ(250, st.memory);
	EXPECT_EQ(1, st.num_streams_inbound);
	/* The refused open's object is dead until done. */
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(refused, 1, 0));
	EXPECT_EQ(0, rcmgr_scope_id(refused));
	rcmgr_scope_done(refused);
	rcmgr_batch_free(b);
	rcmgr_scope_done(held);
	rcmgr_scope_done(conn);
}

TEST_F_TIMEOUT(lib, batch_bigger_than_a_socket_buffer, 120)
{
	enum { N = 1500 };
	struct rcmgr_scope **s = calloc(N, sizeof(*s)), *conn;
	struct rcmgr_limit l = { .memory = 1 << 20 };
	struct rcmgr_batch *b;
	struct rcmgr_stat st;
	int i, bad = 0;

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, false,
					   NULL, &conn));
	ASSERT_EQ(0, rcmgr_limit_update(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &l,
					RCMGR_RESOURCE_BIT(RCMGR_RESOURCE_MEMORY)));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b));
	/*
	 * Requests of several send buffers, and as many answers as requests
	 * (an id, or a refusal and its error), which no one receive buffer
	 * holds.
	 */
	for (i = 0; i < N; i++)
		ASSERT_EQ(i, rcmgr_batch_open_stream(b, "big", RCMGR_DIR_INBOUND,
						     &s[i]));
	for (i = 0; i < N; i++) {
		ASSERT_LE(0, rcmgr_batch_reserve_memory(b, s[i], 10,
							RCMGR_PRIO_ALWAYS));
		ASSERT_LE(0, rcmgr_batch_reserve_memory(b, s[i], 1 << 21,
							RCMGR_PRIO_ALWAYS));
		ASSERT_LE(0, rcmgr_batch_reserve_memory(b, conn, 1,
							RCMGR_PRIO_ALWAYS));
	}
	EXPECT_EQ(N, rcmgr_batch_submit(b));
	for (i = 0; i < N; i++)
		bad += rcmgr_batch_result(b, i) != 0 || !rcmgr_scope_id(s[i]);
	for (i = 0; i < N; i++) {
		bad += rcmgr_batch_result(b, N + 3 * i) != 0;
		bad += rcmgr_batch_result(b, N + 3 * i + 1) != -EDQUOT;
		bad += rcmgr_batch_result(b, N + 3 * i + 2) != 0;
	}
	EXPECT_EQ(0, bad);
	st = system_stat(self->rm);
	EXPECT_EQ(N * 11, st.memory);
	EXPECT_EQ(N, st.num_streams_inbound);
	/* The largest answers only: every op refused, its details first. */
	rcmgr_batch_reset(b);
	for (i = 0; i < 300; i++)
		ASSERT_EQ(i, rcmgr_batch_reserve_memory(b, s[i], 1 << 21,
							RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(300, rcmgr_batch_submit(b));
	for (i = 0; i < 300; i++) {
		const struct rcmgr_error *e = rcmgr_batch_error(b, i);

		bad += rcmgr_batch_result(b, i) != -EDQUOT;
		bad += !e || e->resource != RCMGR_RESOURCE_MEMORY ||
		       e->attempted != 1 << 21;
	}
	EXPECT_EQ(0, bad);
	/* And every one ends by batch too. */
	rcmgr_batch_reset(b);
	for (i = 0; i < N; i++)
		ASSERT_EQ(i, rcmgr_batch_done(b, s[i]));
	EXPECT_EQ(0, rcmgr_batch_submit(b));
	st = system_stat(self->rm);
	EXPECT_EQ(N, st.memory);
	EXPECT_EQ(0, st.num_streams_inbound);
	rcmgr_batch_free(b);
	rcmgr_scope_done(conn);
	free(s);
}

TEST_F(lib, batch_invalid_use)
{
	struct rcmgr_scope *conn, *s, *gone, *freed, *other;
	struct rcmgr_batch *b, *b2;
	struct rcmgr_stat st;
	struct rcmgr *rm2;

	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, false,
					   NULL, &conn));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b2));
	/* Empty. */
	EXPECT_EQ(-EINVAL, rcmgr_batch_submit(b));
	EXPECT_EQ(EINVAL, errno);
	/* Wrong kinds and missing names. */
	EXPECT_EQ(-EINVAL, rcmgr_batch_stream_set_protocol(b, conn, "/p"));
	EXPECT_EQ(-EINVAL, rcmgr_batch_open_stream(b, NULL, RCMGR_DIR_INBOUND, &s));
	EXPECT_EQ(0u, rcmgr_batch_count(b));

	ASSERT_EQ(0, rcmgr_batch_open_stream(b, "p", RCMGR_DIR_INBOUND, &s));
	/* Pending in another batch. */
	EXPECT_EQ(-EINPROGRESS, rcmgr_batch_reserve_memory(b2, s, 1, 0));
	/* Given up while queued: not opened, its ops not sent. */
	ASSERT_EQ(1, rcmgr_batch_open_stream(b, "p", RCMGR_DIR_INBOUND, &gone));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(b, gone, 1, RCMGR_PRIO_ALWAYS));
	rcmgr_scope_done(gone);
	EXPECT_EQ(-ESTALE, rcmgr_batch_reserve_memory(b, gone, 1, 0));
	ASSERT_EQ(3, rcmgr_batch_reserve_memory(b, s, 5, RCMGR_PRIO_ALWAYS));

	EXPECT_EQ(2, rcmgr_batch_submit(b));
	EXPECT_EQ(0, rcmgr_batch_result(b, 0));
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(b, 1));
	EXPECT_EQ(-ECANCELED, rcmgr_batch_result(b, 2));
	EXPECT_EQ(0, rcmgr_batch_result(b, 3));
	st = system_stat(self->rm);
	EXPECT_EQ(1, st.num_streams_inbound);
	EXPECT_EQ(5, st.memory);
	/* Submitted: no more ops, no second submit, until reset. */
	EXPECT_EQ(-EINVAL, rcmgr_batch_reserve_memory(b, s, 1, 0));
	EXPECT_EQ(-EINVAL, rcmgr_batch_submit(b));
	rcmgr_batch_reset(b);
	EXPECT_EQ(-EINVAL, rcmgr_batch_submit(b));
	ASSERT_EQ(0, rcmgr_batch_release_memory(b, s, 5));
	EXPECT_EQ(0, rcmgr_batch_submit(b));
	EXPECT_EQ(0, system_stat(self->rm).memory);

	/* Freed before submit: the open never happened; the object is dead. */
	rcmgr_batch_reset(b);
	ASSERT_EQ(0, rcmgr_batch_open_stream(b, "p", RCMGR_DIR_INBOUND, &freed));
	ASSERT_EQ(1, rcmgr_batch_done(b, s));
	rcmgr_batch_free(b);
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(freed, 1, 0));
	rcmgr_scope_done(freed);
	/* The done that was never sent left s open. */
	EXPECT_EQ(1, system_stat(self->rm).num_streams_inbound);
	EXPECT_EQ(0, rcmgr_scope_reserve_memory(s, 1, RCMGR_PRIO_ALWAYS));
	/* A scope of another manager. */
	ASSERT_EQ(0, rcmgr_open(&rm2));
	ASSERT_EQ(0, rcmgr_open_stream(rm2, "q", RCMGR_DIR_INBOUND, &other));
	EXPECT_EQ(-EINVAL, rcmgr_batch_reserve_memory(b2, other, 1, 0));
	rcmgr_close(rm2);
	rcmgr_batch_free(b2);
	rcmgr_scope_done(s);
	rcmgr_scope_done(conn);
}

struct batch_worker {
	struct rcmgr *rm;
	int id, bad;
	struct rcmgr_error err;		/* the last failure's */
};

static void *batch_worker_fn(void *arg)
{
	struct batch_worker *w = arg;
	struct rcmgr_scope *s[8];
	struct rcmgr_batch *b;
	char peer[16];
	int round, i;

	if (rcmgr_batch_new(w->rm, &b)) {
		w->bad++;
		return NULL;
	}
	for (round = 0; round < 50; round++) {
		rcmgr_batch_reset(b);
		for (i = 0; i < 8; i++) {
			snprintf(peer, sizeof(peer), "w%d-%d", w->id, i);
			w->bad += rcmgr_batch_open_stream(b, peer, RCMGR_DIR_OUTBOUND,
							  &s[i]) < 0;
		}
		for (i = 0; i < 8; i++) {
			w->bad += rcmgr_batch_stream_set_protocol(b, s[i], "/w/1") < 0;
			w->bad += rcmgr_batch_stream_set_service(b, s[i], "svc") < 0;
			w->bad += rcmgr_batch_reserve_memory(b, s[i], 3,
							     RCMGR_PRIO_ALWAYS) < 0;
			w->bad += rcmgr_batch_done(b, s[i]) < 0;
		}
		if (rcmgr_batch_submit(b) != 0) {
			w->bad++;
			w->err = *rcmgr_last_error(w->rm);
		}
	}
	rcmgr_batch_free(b);
	return NULL;
}

TEST_F_TIMEOUT(lib, batches_of_threads_share_one_manager, 120)
{
	struct batch_worker w[4];
	pthread_t t[4];
	struct rcmgr_stat st;
	int i;

	for (i = 0; i < 4; i++) {
		w[i] = (struct batch_worker){ .rm = self->rm, .id = i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, batch_worker_fn, &w[i]));
	}
	/* Single calls on the same manager meanwhile. */
	for (i = 0; i < 200; i++) {
		st = system_stat(self->rm);
		ASSERT_LE(0, st.memory);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, w[i].bad) TH_LOG("worker %d: %s", i, w[i].err.message);
	}
	st = system_stat(self->rm);
	EXPECT_EQ(0, st.memory);
	EXPECT_EQ(0, st.num_streams_outbound);
}

TEST_F_TIMEOUT(lib, batch_in_a_child_of_fork, 60)
{
	struct rcmgr_scope *s, *conn;
	struct rcmgr_batch *b;
	int status;
	pid_t pid;

	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, false,
					   NULL, &conn));
	ASSERT_EQ(0, rcmgr_batch_new(self->rm, &b));
	ASSERT_EQ(0, rcmgr_batch_open_stream(b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_reserve_memory(b, conn, 9, RCMGR_PRIO_ALWAYS));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The parent's manager: nothing reaches the kernel. */
		int ok = rcmgr_batch_submit(b) == 2 &&
			 rcmgr_batch_result(b, 0) == -ECHILD &&
			 rcmgr_batch_result(b, 1) == -ECHILD &&
			 rcmgr_scope_reserve_memory(s, 1, 0) == -ESTALE;

		rcmgr_scope_done(s);
		rcmgr_batch_free(b);
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(0, system_stat(self->rm).memory);
	EXPECT_EQ(0, system_stat(self->rm).num_streams_inbound);
	/* The parent's batch is still its own to submit. */
	EXPECT_EQ(0, rcmgr_batch_submit(b));
	EXPECT_EQ(9, system_stat(self->rm).memory);
	EXPECT_EQ(1, system_stat(self->rm).num_streams_inbound);
	rcmgr_batch_free(b);
	rcmgr_scope_done(s);
	rcmgr_scope_done(conn);
}

TEST_F(lib, batch_on_a_null_manager)
{
	struct rcmgr_scope *s;
	struct rcmgr_batch *b;
	struct rcmgr *null;

	ASSERT_EQ(0, rcmgr_open_null(&null));
	ASSERT_EQ(0, rcmgr_batch_new(null, &b));
	ASSERT_EQ(0, rcmgr_batch_open_stream(b, "p", RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(1, rcmgr_batch_stream_set_protocol(b, s, "/p"));
	ASSERT_EQ(2, rcmgr_batch_reserve_memory(b, s, 1 << 30, 0));
	EXPECT_EQ(0, rcmgr_batch_submit(b));
	EXPECT_EQ(0, rcmgr_batch_result(b, 2));
	EXPECT_EQ(0, rcmgr_scope_id(s));
	EXPECT_STREQ("/p", rcmgr_scope_name(rcmgr_stream_protocol_scope(s)));
	EXPECT_EQ(0, system_stat(self->rm).memory);
	rcmgr_batch_free(b);
	rcmgr_scope_done(s);
	rcmgr_close(null);
}

TEST_HARNESS_MAIN
