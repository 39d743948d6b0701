// SPDX-License-Identifier: GPL-2.0
/*
 * Refusals seen from outside the refused process: the events group gets
 * one refusal event per refusal (rate limited; the suppressed ones counted
 * in the next event's dropped), and stats-get counts refusals per kind of
 * refusing scope and resource, whoever asks, after the scopes are gone.
 * Each test runs in a fresh network namespace: its counts start at zero
 * and its rate limit's window begins with it.
 */
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/sched.h>

#include "kselftest_harness.h"
#include "rcmgr_req.h"
#include <rcmgr/rcmgr.h>

#define NOBODY		65534
#define TRANSIENT_ID	2	/* in a fresh namespace: system 1, transient 2 */

#define CHILD_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: child: %s\n", __FILE__, __LINE__, #c); \
		_exit(1);						\
	}								\
} while (0)

static int wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

FIXTURE(refusal) {
	struct raw_nl r;
	struct rcmgr *rm;
	struct rcmgr_monitor *mon;
	char interval[32], burst[32];
};

FIXTURE_SETUP(refusal)
{
	ASSERT_EQ(0, param_read("event_interval_ms", self->interval,
				sizeof(self->interval)));
	ASSERT_EQ(0, param_read("event_burst", self->burst, sizeof(self->burst)));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&self->r));
	ASSERT_EQ(0, rcmgr_open(&self->rm));
	ASSERT_EQ(0, rcmgr_monitor_open(&self->mon));
	/* Everything a test causes is queued before it reads: never block. */
	ASSERT_EQ(0, fcntl(rcmgr_monitor_fd(self->mon), F_SETFL, O_NONBLOCK));
}

FIXTURE_TEARDOWN(refusal)
{
	param_write("event_interval_ms", self->interval);
	param_write("event_burst", self->burst);
	rcmgr_monitor_close(self->mon);
	rcmgr_close(self->rm);
	raw_close(&self->r);
}

/* The next refusal event queued, skipping others: 0, or -EAGAIN if none. */
static int next_refusal(struct rcmgr_monitor *mon, struct rcmgr_event *ev)
{
	int ret;

	do {
		ret = rcmgr_monitor_read(mon, ev);
	} while (!ret && ev->type != RCMGR_EVENT_REFUSAL);
	return ret;
}

/* In a child: become nobody named "refused-proc", make one conn refused. */
static void refused_child(void)
{
	struct raw_nl r;

	CHILD_CHECK(prctl(PR_SET_NAME, "refused-proc") == 0);
	CHILD_CHECK(req_become(NOBODY) == 0);
	CHILD_CHECK(raw_open(&r) == 0);
	CHILD_CHECK(req_conn(&r, -1) > 0);
	CHILD_CHECK(req_conn(&r, -1) > 0);
	CHILD_CHECK(req_conn(&r, -1) == -EDQUOT);
	_exit(0);
}

/* Another process's refusal, with its numbers, pid, comm and uid. */
TEST_F(refusal, event_names_refused_process)
{
	struct rcmgr_stats st;
	struct rcmgr_event ev;
	pid_t pid;

	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 2));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		refused_child();
	ASSERT_EQ(0, wait_child(pid));

	ASSERT_EQ(0, next_refusal(self->mon, &ev));
	EXPECT_EQ(TRANSIENT_ID, ev.id);
	EXPECT_EQ(RCMGR_KIND_TRANSIENT, ev.kind);
	EXPECT_EQ(EDQUOT, ev.refusal.error);
	EXPECT_EQ(RCMGR_KIND_TRANSIENT, ev.refusal.kind);
	EXPECT_EQ(TRANSIENT_ID, ev.refusal.scope_id);
	EXPECT_EQ(RCMGR_RESOURCE_CONNS_INBOUND, ev.refusal.resource);
	EXPECT_EQ(RCMGR_DIR_INBOUND, ev.refusal.direction);
	EXPECT_EQ(2, ev.refusal.usage);
	EXPECT_EQ(1, ev.refusal.attempted);
	EXPECT_EQ(2, ev.refusal.limit);
	EXPECT_STREQ("transient: inbound connections 2/2", ev.refusal.message);
	EXPECT_EQ(pid, ev.pid);
	EXPECT_EQ(1, ev.pid_local);
	EXPECT_EQ(NOBODY, ev.uid);
	EXPECT_STREQ("refused-proc", ev.comm);
	EXPECT_EQ(0, ev.dropped);
	EXPECT_EQ(-EAGAIN, next_refusal(self->mon, &ev));

	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(1, st.refusals);
	EXPECT_EQ(1, st.events);
	EXPECT_EQ(0, st.events_dropped);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_TRANSIENT].conns_inbound);
	EXPECT_EQ(0, st.blocked[RCMGR_KIND_TRANSIENT].conns);
	EXPECT_EQ(0, st.blocked[RCMGR_KIND_SYSTEM].conns_inbound);
}

#define FLOODERS	4
#define FLOOD		100

/* A flood from several processes: a few events, every refusal counted. */
TEST_F(refusal, flood_rate_limited_and_counted)
{
	uint64_t got = 0, dropped = 0;
	struct rcmgr_stats st;
	struct rcmgr_event ev;
	pid_t pid[FLOODERS];
	int i, j;

	/* Five events in an hour: the rest of the flood is suppressed. */
	ASSERT_EQ(0, param_write("event_interval_ms", "3600000"));
	ASSERT_EQ(0, param_write("event_burst", "5"));
	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	for (i = 0; i < FLOODERS; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			struct raw_nl r;

			CHILD_CHECK(raw_open(&r) == 0);
			for (j = 0; j < FLOOD; j++)
				CHILD_CHECK(req_conn(&r, -1) == -EDQUOT);
			_exit(0);
		}
	}
	for (i = 0; i < FLOODERS; i++)
		ASSERT_EQ(0, wait_child(pid[i]));

	while (!next_refusal(self->mon, &ev)) {
		got++;
		dropped += ev.dropped;
	}
	EXPECT_EQ(0, rcmgr_monitor_lost(self->mon));
	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(FLOODERS * FLOOD, st.refusals);
	EXPECT_EQ(5, st.events);
	EXPECT_EQ(5, got);
	EXPECT_EQ(st.refusals, st.events + st.events_dropped);
	EXPECT_EQ(FLOODERS * FLOOD, st.blocked[RCMGR_KIND_TRANSIENT].conns_inbound);
	EXPECT_GE(st.events_dropped, dropped);

	/* The next event sent tells the rest of what was dropped. */
	ASSERT_EQ(0, param_write("event_burst", "1000000"));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	ASSERT_EQ(0, next_refusal(self->mon, &ev));
	EXPECT_EQ(st.events_dropped, dropped + ev.dropped);
	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(FLOODERS * FLOOD + 1, st.refusals);
	EXPECT_EQ(6, st.events);
	EXPECT_EQ(st.refusals, st.events + st.events_dropped);
	EXPECT_EQ(st.refusals, st.blocked[RCMGR_KIND_TRANSIENT].conns_inbound);
}

/* Nobody listening: refusals are counted, no event is. */
TEST_F(refusal, no_listener_counts_refusals_only)
{
	struct rcmgr_stats st;

	rcmgr_monitor_close(self->mon);
	self->mon = NULL;
	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(2, st.refusals);
	EXPECT_EQ(0, st.events);
	EXPECT_EQ(0, st.events_dropped);
	EXPECT_EQ(2, st.blocked[RCMGR_KIND_TRANSIENT].conns_inbound);
}

static int stream_move(struct raw_nl *r, int cmd, uint64_t id, int attr,
		       const char *name)
{
	struct req q;

	req_new(&q, r, cmd);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
	mnl_attr_put(q.nlh, attr, strlen(name), name);
	return req_do(&q, r);
}

static void expect_event(struct __test_metadata *_metadata,
			 struct rcmgr_monitor *mon, enum rcmgr_kind kind,
			 enum rcmgr_resource res)
{
	struct rcmgr_event ev;

	ASSERT_EQ(0, next_refusal(mon, &ev));
	EXPECT_EQ(kind, ev.kind);
	EXPECT_EQ(res, ev.refusal.resource);
	EXPECT_EQ(getpid(), ev.pid);
	EXPECT_EQ(0, ev.uid);
}

/* Every op that can refuse sends an event and counts. */
TEST_F(refusal, every_refusing_op)
{
	struct raw_nl *r = &self->r;
	struct rcmgr_stats st;
	int64_t conn, stream;

	/* scope-reserve, on a shared scope and on a handle. */
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL,
			       RCMGR_A_RESOURCES_MEMORY, 1 << 20));
	ASSERT_EQ(-EDQUOT, req_kind_mem(r, RCMGR_SCOPE_KIND_SYSTEM, NULL, 2 << 20));
	expect_event(_metadata, self->mon, RCMGR_KIND_SYSTEM, RCMGR_RESOURCE_MEMORY);
	conn = req_conn(r, -1);
	ASSERT_LT(0, conn);
	ASSERT_EQ(-EDQUOT, req_mem(r, conn, 64 << 20));
	expect_event(_metadata, self->mon, RCMGR_KIND_CONN, RCMGR_RESOURCE_MEMORY);
	ASSERT_EQ(0, req_done(r, conn));
	ASSERT_EQ(0, req_limit_reset(r));

	/* conn-open, conn-set-peer. */
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_CONN, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_conn(r, -1));
	expect_event(_metadata, self->mon, RCMGR_KIND_CONN,
		     RCMGR_RESOURCE_CONNS_INBOUND);
	ASSERT_EQ(0, req_limit_reset(r));
	conn = req_conn(r, -1);
	ASSERT_LT(0, conn);
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_PEER, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, stream_move(r, RCMGR_CMD_CONN_SET_PEER, conn,
				       RCMGR_A_SCOPE_PEER, "12D3KooWPeer"));
	expect_event(_metadata, self->mon, RCMGR_KIND_PEER,
		     RCMGR_RESOURCE_CONNS_INBOUND);
	ASSERT_EQ(0, req_done(r, conn));
	ASSERT_EQ(0, req_limit_reset(r));

	/* stream-open, stream-set-protocol, stream-set-service. */
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_PEER, NULL,
			       RCMGR_A_RESOURCES_STREAMS_OUTBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_stream(r, "12D3KooWPeer"));
	expect_event(_metadata, self->mon, RCMGR_KIND_PEER,
		     RCMGR_RESOURCE_STREAMS_OUTBOUND);
	ASSERT_EQ(0, req_limit_reset(r));
	stream = req_stream(r, "12D3KooWPeer");
	ASSERT_LT(0, stream);
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_PROTOCOL, NULL,
			       RCMGR_A_RESOURCES_STREAMS_OUTBOUND, 0));
	ASSERT_EQ(-EDQUOT, stream_move(r, RCMGR_CMD_STREAM_SET_PROTOCOL, stream,
				       RCMGR_A_SCOPE_PROTOCOL, "/p/1"));
	expect_event(_metadata, self->mon, RCMGR_KIND_PROTOCOL,
		     RCMGR_RESOURCE_STREAMS_OUTBOUND);
	ASSERT_EQ(0, req_limit_reset(r));
	ASSERT_EQ(0, stream_move(r, RCMGR_CMD_STREAM_SET_PROTOCOL, stream,
				 RCMGR_A_SCOPE_PROTOCOL, "/p/1"));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SERVICE, NULL,
			       RCMGR_A_RESOURCES_STREAMS_OUTBOUND, 0));
	ASSERT_EQ(-EDQUOT, stream_move(r, RCMGR_CMD_STREAM_SET_SERVICE, stream,
				       RCMGR_A_SCOPE_SERVICE, "svc"));
	expect_event(_metadata, self->mon, RCMGR_KIND_SERVICE,
		     RCMGR_RESOURCE_STREAMS_OUTBOUND);
	ASSERT_EQ(0, req_done(r, stream));

	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(7, st.refusals);
	EXPECT_EQ(7, st.events);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_SYSTEM].memory);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_CONN].memory);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_CONN].conns_inbound);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_PEER].conns_inbound);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_PEER].streams_outbound);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_PROTOCOL].streams_outbound);
	EXPECT_EQ(1, st.blocked[RCMGR_KIND_SERVICE].streams_outbound);
}

/* Counts of a named scope outlive it. */
TEST_F(refusal, blocked_survive_scope_free)
{
	struct rcmgr_stats st;

	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_PEER, NULL,
			       RCMGR_A_RESOURCES_STREAMS_OUTBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_stream(&self->r, "12D3KooWGoneA"));
	ASSERT_EQ(-EDQUOT, req_stream(&self->r, "12D3KooWGoneB"));
	/* The peer scopes made for the requests went with them. */
	ASSERT_EQ(0, req_config(&self->r, RCMGR_A_CONFIG_SCOPES));
	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(2, st.blocked[RCMGR_KIND_PEER].streams_outbound);
	EXPECT_EQ(2, st.refusals);
}

/* Aggregates: nobody reads the same counts as root. */
TEST_F(refusal, stats_as_nobody)
{
	struct rcmgr_stats st;
	pid_t pid;

	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rcmgr_autoscale as;
		struct rcmgr *rm;

		CHILD_CHECK(req_become(NOBODY) == 0);
		CHILD_CHECK(rcmgr_open(&rm) == 0);
		CHILD_CHECK(rcmgr_stats_get(rm, &st) == 0);
		CHILD_CHECK(st.refusals == 1 && st.events == 1);
		CHILD_CHECK(st.blocked[RCMGR_KIND_TRANSIENT].conns_inbound == 1);
		CHILD_CHECK(rcmgr_autoscale_get(rm, &as) == 0 && as.ram > 0);
		/* Joining the events group stays the admin's. */
		{
			struct rcmgr_monitor *mon;

			CHILD_CHECK(rcmgr_monitor_open(&mon) == -EPERM);
		}
		rcmgr_close(rm);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
}

static void child_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	CHILD_CHECK(fd >= 0);
	CHILD_CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	close(fd);
}

/*
 * A container: nobody, as root of new user, network and pid namespaces,
 * listening on its own namespace's events.  The refused process is pid 1
 * and uid 0 there, and the event says so, not the host's numbers.
 */
TEST_F(refusal, container_sees_its_own_ids)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct rcmgr_monitor *mon;
		struct rcmgr_event ev;
		struct raw_nl r;
		char map[32];
		pid_t init;

		CHILD_CHECK(req_become(NOBODY) == 0);
		CHILD_CHECK(unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID) == 0);
		child_write("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %d 1", NOBODY);
		child_write("/proc/self/uid_map", map);
		child_write("/proc/self/gid_map", map);
		CHILD_CHECK(setresuid(0, 0, 0) == 0 && setresgid(0, 0, 0) == 0);
		CHILD_CHECK(raw_open(&r) == 0);
		CHILD_CHECK(req_limit(&r, RCMGR_CLASS_TRANSIENT, NULL,
				      RCMGR_A_RESOURCES_CONNS_INBOUND, 0) == 0);
		CHILD_CHECK(rcmgr_monitor_open(&mon) == 0);
		CHILD_CHECK(fcntl(rcmgr_monitor_fd(mon), F_SETFL, O_NONBLOCK) == 0);
		init = fork();
		CHILD_CHECK(init >= 0);
		if (!init) {
			struct raw_nl r2;

			CHILD_CHECK(getpid() == 1);
			CHILD_CHECK(raw_open(&r2) == 0);
			CHILD_CHECK(req_conn(&r2, -1) == -EDQUOT);
			_exit(0);
		}
		CHILD_CHECK(wait_child(init) == 0);
		CHILD_CHECK(next_refusal(mon, &ev) == 0);
		CHILD_CHECK(ev.pid == 1);
		/* Its pid 1, not the listener's: pid namespaces differ. */
		CHILD_CHECK(!ev.pid_local);
		CHILD_CHECK(ev.uid == 0);
		CHILD_CHECK(ev.kind == RCMGR_KIND_TRANSIENT);
		rcmgr_monitor_close(mon);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
}

/* stats-get takes no attribute. */
TEST_F(refusal, stats_get_rejects_attributes)
{
	struct req q;

	req_new(&q, &self->r, RCMGR_CMD_STATS_GET);
	mnl_attr_put_u32(q.nlh, 1, 1);
	EXPECT_EQ(-EINVAL, req_do(&q, &self->r));
}

/*
 * An unprivileged user flooding refusals of its own conn uses up its own
 * events only: root's refusal by the shared transient scope is still sent.
 */
TEST_F(refusal, own_flood_does_not_starve_others)
{
	int nobody = 0, root = 0, i;
	struct rcmgr_stats st;
	struct rcmgr_event ev;
	pid_t pid;

	ASSERT_EQ(0, param_write("event_interval_ms", "3600000"));
	ASSERT_EQ(0, param_write("event_burst", "100"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct raw_nl r;
		int64_t conn;

		CHILD_CHECK(req_become(NOBODY) == 0);
		CHILD_CHECK(raw_open(&r) == 0);
		conn = req_conn(&r, -1);
		CHILD_CHECK(conn > 0);
		for (i = 0; i < 300; i++)
			CHILD_CHECK(req_mem(&r, conn, 1LL << 40) == -EDQUOT);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	while (!next_refusal(self->mon, &ev)) {
		if (ev.kind == RCMGR_KIND_TRANSIENT && ev.uid == 0)
			root++;
		else if (ev.uid == NOBODY)
			nobody++;
	}
	EXPECT_EQ(1, root);
	EXPECT_EQ(100, nobody);
	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(301, st.refusals);
	EXPECT_EQ(101, st.events);
	EXPECT_EQ(st.refusals, st.events + st.events_dropped);
}

/* The rate limit's parameters: no 0 interval, nothing absurd. */
TEST_F(refusal, params_bounded)
{
	char buf[32];

	EXPECT_EQ(-ERANGE, param_write("event_interval_ms", "0"));
	EXPECT_EQ(-ERANGE, param_write("event_interval_ms", "86400001"));
	EXPECT_EQ(-EINVAL, param_write("event_interval_ms", "-1"));
	EXPECT_EQ(-ERANGE, param_write("event_burst", "1000001"));
	EXPECT_EQ(-EINVAL, param_write("event_burst", "x"));
	ASSERT_EQ(0, param_read("event_interval_ms", buf, sizeof(buf)));
	EXPECT_STREQ(self->interval, buf);
	ASSERT_EQ(0, param_read("event_burst", buf, sizeof(buf)));
	EXPECT_STREQ(self->burst, buf);
	EXPECT_EQ(0, param_write("event_interval_ms", "86400000"));
	EXPECT_EQ(0, param_write("event_burst", "1000000"));
}

/* event_burst 0: refusals are counted, no event is sent. */
TEST_F(refusal, burst_zero_counts_only)
{
	struct rcmgr_stats st;
	struct rcmgr_event ev;

	ASSERT_EQ(0, param_write("event_burst", "0"));
	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	EXPECT_EQ(-EAGAIN, next_refusal(self->mon, &ev));
	ASSERT_EQ(0, rcmgr_stats_get(self->rm, &st));
	EXPECT_EQ(2, st.refusals);
	EXPECT_EQ(0, st.events);
	EXPECT_EQ(2, st.events_dropped);
}

/*
 * The admin of an "unshare -Urn" namespace listens from the host's pid
 * namespace.  A process of a child pid namespace, which picked its pid
 * there to be the listener's (clone3 set_tid), is refused: the event's pid
 * equals the listener's own, and it is told the pid is not its
 * namespace's.  The listener's own refusal has no pid there at all.
 */
TEST_F(refusal, pid_of_other_namespace_is_foreign)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct rcmgr_monitor *mon;
		struct rcmgr_event ev;
		struct raw_nl r;
		char map[32];
		pid_t g, me;

		CHILD_CHECK(req_become(NOBODY) == 0);
		CHILD_CHECK(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0);
		child_write("/proc/self/setgroups", "deny");
		snprintf(map, sizeof(map), "0 %d 1", NOBODY);
		child_write("/proc/self/uid_map", map);
		child_write("/proc/self/gid_map", map);
		CHILD_CHECK(setresuid(0, 0, 0) == 0 && setresgid(0, 0, 0) == 0);
		CHILD_CHECK(raw_open(&r) == 0);
		CHILD_CHECK(req_limit(&r, RCMGR_CLASS_TRANSIENT, NULL,
				      RCMGR_A_RESOURCES_CONNS_INBOUND, 0) == 0);
		CHILD_CHECK(rcmgr_monitor_open(&mon) == 0);
		CHILD_CHECK(fcntl(rcmgr_monitor_fd(mon), F_SETFL, O_NONBLOCK) == 0);
		me = getpid();
		g = fork();
		CHILD_CHECK(g >= 0);
		if (!g) {
			pid_t init;

			CHILD_CHECK(unshare(CLONE_NEWPID) == 0);
			init = fork();
			CHILD_CHECK(init >= 0);
			if (!init) {
				struct clone_args a = { .exit_signal = SIGCHLD };
				pid_t tid = me, c;

				a.set_tid = (uintptr_t)&tid;
				a.set_tid_size = 1;
				c = syscall(SYS_clone3, &a, sizeof(a));
				CHILD_CHECK(c >= 0);
				if (!c) {
					struct raw_nl r2;

					CHILD_CHECK(getpid() == me);
					CHILD_CHECK(raw_open(&r2) == 0);
					CHILD_CHECK(req_conn(&r2, -1) == -EDQUOT);
					_exit(0);
				}
				_exit(wait_child(c));
			}
			_exit(wait_child(init));
		}
		CHILD_CHECK(wait_child(g) == 0);
		CHILD_CHECK(next_refusal(mon, &ev) == 0);
		CHILD_CHECK(ev.pid == (uint32_t)me);
		CHILD_CHECK(ev.pid_ns != 0);
		CHILD_CHECK(!ev.pid_local);
		/* The listener's own: its pid namespace is not the container's. */
		CHILD_CHECK(req_conn(&r, -1) == -EDQUOT);
		CHILD_CHECK(next_refusal(mon, &ev) == 0);
		CHILD_CHECK(ev.pid == 0 && ev.pid_ns == 0);
		CHILD_CHECK(!ev.pid_local);
		rcmgr_monitor_close(mon);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
}

/*
 * A binary built against librcmgr 1.0: its monitor joins the events group
 * only, so a refusal leaves its fd unreadable (its reader would block on a
 * refusal it skips); the 1.2 monitor gets the refusal.
 */
int rcmgr_monitor_open_old(struct rcmgr_monitor **mon);
__asm__(".symver rcmgr_monitor_open_old,rcmgr_monitor_open@LIBRCMGR_1");

TEST_F(refusal, v1_monitor_not_woken_by_refusals)
{
	struct rcmgr_monitor *old;
	struct rcmgr_event ev;
	struct pollfd pfd;

	ASSERT_EQ(0, rcmgr_monitor_open_old(&old));
	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	pfd.fd = rcmgr_monitor_fd(old);
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	pfd.fd = rcmgr_monitor_fd(self->mon);
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(0, next_refusal(self->mon, &ev));
	EXPECT_EQ(RCMGR_KIND_TRANSIENT, ev.kind);
	rcmgr_monitor_close(old);
}

/*
 * A listener in another namespace only: the kernel's test of listeners
 * (the system's) passes, the multicast finds nobody in this namespace.
 * The refusal is dropped, not counted as an event sent.
 */
TEST_F(refusal, event_to_nobody_not_sent)
{
	struct rcmgr_stats st;
	struct raw_nl r;
	struct rcmgr *rm;

	/* self->mon stays in the fixture's namespace; this one has none. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&r));
	ASSERT_EQ(0, rcmgr_open(&rm));
	ASSERT_EQ(0, req_limit(&r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	ASSERT_EQ(-EDQUOT, req_conn(&r, -1));
	ASSERT_EQ(0, rcmgr_stats_get(rm, &st));
	EXPECT_EQ(1, st.refusals);
	EXPECT_EQ(0, st.events);
	EXPECT_EQ(1, st.events_dropped);
	rcmgr_close(rm);
	raw_close(&r);
}

/* Drops from before a listener joined are not told to it. */
TEST_F(refusal, new_listener_not_told_old_drops)
{
	struct rcmgr_event ev;
	int i;

	ASSERT_EQ(0, param_write("event_interval_ms", "3600000"));
	ASSERT_EQ(0, param_write("event_burst", "1"));
	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	rcmgr_monitor_close(self->mon);
	self->mon = NULL;
	/* Nobody listens; a new listener comes, and room for its event. */
	ASSERT_EQ(0, param_write("event_burst", "1000"));
	ASSERT_EQ(0, rcmgr_monitor_open(&self->mon));
	ASSERT_EQ(0, fcntl(rcmgr_monitor_fd(self->mon), F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-EDQUOT, req_conn(&self->r, -1));
	ASSERT_EQ(0, next_refusal(self->mon, &ev));
	EXPECT_EQ(0, ev.dropped);
}

/*
 * The same, the only listener in another namespace (the system has
 * listeners): the event that finds nobody in this namespace forgets the
 * drops, and a listener of this one, come later, is not told them.
 */
TEST_F(refusal, drops_told_to_nobody_forgotten)
{
	struct rcmgr_monitor *mon;
	struct rcmgr_event ev;
	struct raw_nl r;
	int i;

	ASSERT_EQ(0, param_write("event_interval_ms", "3600000"));
	ASSERT_EQ(0, param_write("event_burst", "1"));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&r));
	ASSERT_EQ(0, req_limit(&r, RCMGR_CLASS_TRANSIENT, NULL,
			       RCMGR_A_RESOURCES_CONNS_INBOUND, 0));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(-EDQUOT, req_conn(&r, -1));
	/* An event finds nobody here: what it would have told is forgotten. */
	ASSERT_EQ(0, param_write("event_burst", "1000"));
	ASSERT_EQ(-EDQUOT, req_conn(&r, -1));
	ASSERT_EQ(0, rcmgr_monitor_open(&mon));
	ASSERT_EQ(0, fcntl(rcmgr_monitor_fd(mon), F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-EDQUOT, req_conn(&r, -1));
	ASSERT_EQ(0, next_refusal(mon, &ev));
	EXPECT_EQ(0, ev.dropped);
	rcmgr_monitor_close(mon);
	raw_close(&r);
}

TEST_HARNESS_MAIN
