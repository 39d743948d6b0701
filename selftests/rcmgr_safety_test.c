// SPDX-License-Identifier: GPL-2.0
/*
 * What a local user could once do to rcmgr, each a regression test that
 * failed (a WARN under panic_on_warn, a KASAN report, or lost accounting)
 * before the ownership model:
 *  1. release a span's memory on its parent, then end the span;
 *  2. release what another user reserved on a shared scope, or reserve on
 *     one and exit to keep it forever;
 *  3. make a fresh socket's first two requests at once from two threads;
 *  4. end the next handle ids while another thread of the socket opens.
 * And the rest of the family: a refusal by a scope made for the request,
 * a bound socket that starts to listen, per-user bounds, ceilings.
 */
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "rcmgr_req.h"

#define MEM	RCMGR_A_RESOURCES_MEMORY
#define CONNS	RCMGR_A_RESOURCES_CONNS
#define FDS	RCMGR_A_RESOURCES_FD
#define NOBODY	65534

/* In a forked child: report and fail the child, never the harness. */
#define CHILD_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: child: %s\n", __FILE__, __LINE__, #c); \
		_exit(1);						\
	}								\
} while (0)

FIXTURE(safety) {
	struct raw_nl r;
	int64_t mem, conns, fds, handles, scopes;
};

FIXTURE_SETUP(safety)
{
	const char *only = getenv("RCMGR_ONLY");

	/* RCMGR_ONLY=name runs one test: a crash ends a VM's whole run. */
	if (only && !strstr(_metadata->name, only))
		SKIP(return, "RCMGR_ONLY=%s", only);
	ASSERT_EQ(0, raw_open(&self->r));
	self->mem = req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM);
	self->conns = req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, CONNS);
	self->fds = req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, FDS);
	self->handles = req_config(&self->r, RCMGR_A_CONFIG_HANDLES);
	self->scopes = req_config(&self->r, RCMGR_A_CONFIG_SCOPES);
	ASSERT_LE(0, self->mem);
	ASSERT_LE(0, self->handles);
}

/* Whatever a test did, the namespace holds what it held before. */
FIXTURE_TEARDOWN(safety)
{
	struct raw_nl r;

	if (!self->r.nl)
		return;

	/* A fresh socket: the fixture's may be closed by the test. */
	if (raw_open(&r)) {
		raw_close(&self->r);
		ASSERT_TRUE(false);
	}
	EXPECT_EQ(self->mem, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));
	EXPECT_EQ(self->conns, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, CONNS));
	EXPECT_EQ(self->fds, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, FDS));
	EXPECT_EQ(0, req_usage(&r, RCMGR_SCOPE_KIND_TRANSIENT, NULL, MEM));
	req_limit_reset(&r);
	raw_close(&r);
	raw_close(&self->r);
}

static int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* 1: a release takes back only what was reserved on the scope itself. */
TEST_F(safety, span_memory_released_on_its_parent)
{
	int64_t conn, span;

	conn = req_conn(&self->r, -1);
	ASSERT_LT(0, conn);
	span = req_span(&self->r, conn);
	ASSERT_LT(0, span);
	ASSERT_EQ(0, req_mem(&self->r, span, 1));
	/* The conn's usage includes the span's byte; its own is zero. */
	EXPECT_EQ(-EINVAL, req_mem(&self->r, conn, -1));
	ASSERT_EQ(0, req_done(&self->r, span));
	EXPECT_EQ(self->mem, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));

	/* What the conn reserved itself it may release, and no more. */
	ASSERT_EQ(0, req_mem(&self->r, conn, 100));
	span = req_span(&self->r, conn);
	ASSERT_EQ(0, req_mem(&self->r, span, 50));
	EXPECT_EQ(-EINVAL, req_mem(&self->r, conn, -101));
	EXPECT_EQ(0, req_mem(&self->r, conn, -100));
	EXPECT_EQ(-EINVAL, req_mem(&self->r, span, -51));
	EXPECT_EQ(self->mem + 50,
		  req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));
	ASSERT_EQ(0, req_done(&self->r, conn));
	/* A zombie span releases from itself only. */
	EXPECT_EQ(0, req_mem(&self->r, span, -50));
	ASSERT_EQ(0, req_done(&self->r, span));
}

TEST_F(safety, release_names_the_reason)
{
	struct req q;
	int64_t conn;

	conn = req_conn(&self->r, -1);
	ASSERT_LT(0, conn);
	req_new(&q, &self->r, RCMGR_CMD_SCOPE_RELEASE);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, conn);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_SIZE, 1);
	EXPECT_EQ(-EINVAL, req_do(&q, &self->r));
	EXPECT_STREQ("more than was reserved on this scope", q.ans.msg);
	EXPECT_NE(0, q.ans.bad_offs);

	req_new(&q, &self->r, RCMGR_CMD_SCOPE_RELEASE);
	req_scope(q.nlh, RCMGR_SCOPE_KIND_SYSTEM, NULL);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_SIZE, 1);
	EXPECT_EQ(-EINVAL, req_do(&q, &self->r));
	EXPECT_STREQ("more than this socket reserved on this scope", q.ans.msg);
	ASSERT_EQ(0, req_done(&self->r, conn));
}

/* 2: a shared scope's reservations belong to the socket that made them. */
TEST_F(safety, shared_reservations_belong_to_their_socket)
{
	struct raw_nl other;
	int64_t before;
	pid_t pid;

	ASSERT_EQ(0, req_kind_mem(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, 4096));
	/* Another socket of the same user cannot take it back either. */
	ASSERT_EQ(0, raw_open(&other));
	EXPECT_EQ(-EINVAL, req_kind_mem(&other, RCMGR_SCOPE_KIND_SYSTEM, NULL, -4096));
	raw_close(&other);
	before = req_config(&self->r, RCMGR_A_CONFIG_SCOPES);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct raw_nl r;

		CHILD_CHECK(req_become(NOBODY) == 0);
		CHILD_CHECK(raw_open(&r) == 0);
		CHILD_CHECK(req_kind_mem(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, -4096) == -EINVAL);
		CHILD_CHECK(req_kind_mem(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, 1 << 20) == 0);
		CHILD_CHECK(req_kind_mem(&r, RCMGR_SCOPE_KIND_PEER, "pin-1", 1) == 0);
		CHILD_CHECK(req_kind_mem(&r, RCMGR_SCOPE_KIND_PEER, "pin-2", 1) == 0);
		/* Exit without releasing anything. */
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	/* Root's 4096 is intact; nobody's MiB and pins are gone. */
	EXPECT_EQ(self->mem + 4096,
		  req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));
	EXPECT_EQ(before, req_config(&self->r, RCMGR_A_CONFIG_SCOPES));
	EXPECT_EQ(-EINVAL, req_kind_mem(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, -4097));
	EXPECT_EQ(0, req_kind_mem(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, -4096));
}

TEST_F(safety, shared_reservation_returned_when_its_socket_closes)
{
	struct raw_nl r;

	ASSERT_EQ(0, raw_open(&r));
	ASSERT_EQ(0, req_kind_mem(&r, RCMGR_SCOPE_KIND_TRANSIENT, NULL, 777));
	ASSERT_EQ(0, req_kind_mem(&r, RCMGR_SCOPE_KIND_PEER, "held-peer", 222));
	EXPECT_EQ(self->mem + 999,
		  req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));
	raw_close(&r);
	EXPECT_EQ(self->mem, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));
	EXPECT_EQ(self->scopes, req_config(&self->r, RCMGR_A_CONFIG_SCOPES));
}

/*
 * Two threads of one socket reserve on the same new scopes at once: each
 * must find the other's scope whole (its id set) and keep its own view.
 */
struct twin {
	struct raw_nl r;
	pthread_barrier_t *go;
	int failed;
};

static void *reserve_on_new_scopes(void *arg)
{
	struct twin *t = arg;
	char name[32];
	struct req q;
	int i;

	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/twin/%d", i);
		pthread_barrier_wait(t->go);
		req_new(&q, &t->r, RCMGR_CMD_SCOPE_RESERVE);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PROTOCOL);
		mnl_attr_put_strz(q.nlh, RCMGR_A_SCOPE_PROTOCOL, name);
		mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_SIZE, 1 + i % 2);
		mnl_attr_put_u8(q.nlh, RCMGR_A_SCOPE_PRIO, 255);
		if (req_do(&q, &t->r))
			t->failed++;
	}
	return NULL;
}

TEST_F(safety, two_threads_reserve_on_new_scopes)
{
	struct twin a = {}, b = {};
	pthread_barrier_t go;
	pthread_t ta, tb;

	/* One socket, two threads, each with its own sequence numbers. */
	ASSERT_EQ(0, raw_open(&a.r));
	b.r = a.r;
	b.r.seq = 1u << 30;
	a.go = b.go = &go;
	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 2));
	ASSERT_EQ(0, pthread_create(&ta, NULL, reserve_on_new_scopes, &a));
	ASSERT_EQ(0, pthread_create(&tb, NULL, reserve_on_new_scopes, &b));
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	pthread_barrier_destroy(&go);
	/* Replies may cross between the threads; none may be an error. */
	EXPECT_EQ(0, a.failed + b.failed);
	EXPECT_EQ(self->mem + 600,
		  req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));
	raw_close(&a.r);
	EXPECT_EQ(self->mem, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, MEM));
	EXPECT_EQ(self->scopes, req_config(&self->r, RCMGR_A_CONFIG_SCOPES));
}

/* 3: two threads make a fresh socket's first requests at once. */
struct first {
	struct raw_nl *r;
	pthread_barrier_t *go;
	int ret;
};

static void *first_request(void *arg)
{
	struct first *f = arg;
	struct req q;

	req_new(&q, f->r, RCMGR_CMD_CONN_OPEN);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
	pthread_barrier_wait(f->go);
	f->ret = req_send(f->r, q.nlh);
	return NULL;
}

/* Read until @n acks (or errors) came; replies in between are counted. */
static int drain_acks(struct raw_nl *r, int n, int *errors)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int len;

	*errors = 0;
	while (n > 0) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		len = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			if (m->nlmsg_type != NLMSG_ERROR)
				continue;
			if (((struct nlmsgerr *)mnl_nlmsg_get_payload(m))->error)
				(*errors)++;
			n--;
		}
	}
	return 0;
}

TEST_F(safety, first_requests_of_a_socket_race)
{
	time_t end = time(NULL) + 10;
	pthread_barrier_t go;
	int i, errors;

	ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 2));
	for (i = 0; i < 300 && (i < 20 || time(NULL) < end); i++) {
		struct first a, b;
		pthread_t ta, tb;
		struct raw_nl r;

		ASSERT_EQ(0, raw_open(&r));
		a = (struct first){ &r, &go };
		b = a;
		ASSERT_EQ(0, pthread_create(&ta, NULL, first_request, &a));
		ASSERT_EQ(0, pthread_create(&tb, NULL, first_request, &b));
		pthread_join(ta, NULL);
		pthread_join(tb, NULL);
		ASSERT_EQ(0, a.ret);
		ASSERT_EQ(0, b.ret);
		ASSERT_EQ(0, drain_acks(&r, 2, &errors));
		EXPECT_EQ(0, errors);
		/* Both conns belong to the one owner and go with it. */
		EXPECT_EQ(self->handles + 2, req_config(&r, RCMGR_A_CONFIG_HANDLES));
		raw_close(&r);
	}
	pthread_barrier_destroy(&go);
	EXPECT_EQ(self->handles, req_config(&self->r, RCMGR_A_CONFIG_HANDLES));
}

/* 4: the next ids are ended while another thread creates them. */
struct guesser {
	struct raw_nl *r;
	atomic_int stop;
	atomic_llong next;
	atomic_int unread;	/* error acks the reader has not seen yet */
	int sent;
};

/*
 * Done on the next ids, as fast as the reader keeps up: few enough unread
 * acks (one per done, success or error) that the socket's receive buffer
 * never overflows.
 */
static void *end_guessed_ids(void *arg)
{
	struct guesser *g = arg;
	struct req q;
	int k;

	while (!atomic_load(&g->stop)) {
		if (atomic_load(&g->unread) > 64) {
			sched_yield();
			continue;
		}
		for (k = 0; k < 4; k++) {
			req_new(&q, g->r, RCMGR_CMD_SCOPE_DONE);
			mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID,
					 atomic_load(&g->next) + k);
			atomic_fetch_add(&g->unread, 1);
			if (!req_send(g->r, q.nlh))
				g->sent++;
		}
	}
	return NULL;
}

TEST_F(safety, ids_ended_while_they_are_made)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct guesser g = {};
	struct raw_nl r, tx;
	pthread_t t;
	int i, len, opened = 0;
	time_t end;

	/* One socket, two threads, each with its own sequence numbers. */
	ASSERT_EQ(0, raw_open(&r));
	tx = r;
	g.r = &tx;
	tx.seq = 1u << 30;
	atomic_store(&g.next, req_conn(&r, -1) + 1);
	ASSERT_LT(1, atomic_load(&g.next));
	opened++;
	ASSERT_EQ(0, pthread_create(&t, NULL, end_guessed_ids, &g));
	/* 2000 opens, or what 10 s allow on a slow (debug, emulated) kernel. */
	end = time(NULL) + 10;
	for (i = 0; i < 2000 && (i < 50 || time(NULL) < end); i++) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;
		struct req q;
		int acked = 0;

		req_new(&q, &r, RCMGR_CMD_CONN_OPEN);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
		ASSERT_EQ(0, req_send(&r, q.nlh));
		/* Read our own ack; the guesser's errors are skipped. */
		while (!acked) {
			len = mnl_socket_recvfrom(r.nl, buf, sizeof(buf));
			if (len < 0 && errno == ENOBUFS)
				continue;
			ASSERT_LT(0, len);
			for (m = (struct nlmsghdr *)buf; mnl_nlmsg_ok(m, len);
			     m = mnl_nlmsg_next(m, &len)) {
				if (m->nlmsg_seq != r.seq) {
					atomic_fetch_sub(&g.unread, 1);
					continue;
				}
				if (m->nlmsg_type == NLMSG_ERROR) {
					acked = 1;
					continue;
				}
				atomic_store(&g.next, raw_u64(m, RCMGR_A_SCOPE_ID) + 1);
				opened++;
			}
		}
	}
	atomic_store(&g.stop, 1);
	pthread_join(t, NULL);
	TH_LOG("%d conns opened, %d guessed dones sent", opened, g.sent);
	EXPECT_LT(0, g.sent);
	/* Whatever was ended or not, closing the socket ends the rest. */
	raw_close(&r);
	EXPECT_EQ(self->handles, req_config(&self->r, RCMGR_A_CONFIG_HANDLES));
	EXPECT_EQ(self->conns, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, CONNS));
}

/* A scope made for a request that it refuses is reported, not read freed. */
TEST_F(safety, refusal_by_a_scope_made_for_the_request)
{
	const struct nlattr *a, *f;
	const char *peer = "12D3KooWFreshlyRefused";
	struct req q;
	int found = 0;

	ASSERT_EQ(0, req_limit(&self->r, RCMGR_CLASS_PEER, NULL,
			       RCMGR_A_RESOURCES_STREAMS_OUTBOUND, 0));
	req_new(&q, &self->r, RCMGR_CMD_STREAM_OPEN);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PEER, strlen(peer), peer);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
	ASSERT_EQ(-EDQUOT, req_do(&q, &self->r));
	ASSERT_LT(0, q.ans.reply_len);
	mnl_attr_for_each(a, (struct nlmsghdr *)q.ans.reply, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != RCMGR_A_SCOPE_REFUSAL)
			continue;
		mnl_attr_for_each_nested(f, a) {
			if (mnl_attr_get_type(f) == RCMGR_A_REFUSAL_PEER) {
				EXPECT_EQ(strlen(peer), mnl_attr_get_payload_len(f));
				EXPECT_EQ(0, memcmp(peer, mnl_attr_get_payload(f),
						    strlen(peer)));
				found++;
			}
			if (mnl_attr_get_type(f) == RCMGR_A_REFUSAL_KIND) {
				EXPECT_EQ(RCMGR_SCOPE_KIND_PEER, mnl_attr_get_u32(f));
				found++;
			}
		}
	}
	EXPECT_EQ(2, found);
	/* The scope went with the refused request. */
	EXPECT_EQ(self->scopes, req_config(&self->r, RCMGR_A_CONFIG_SCOPES));
}

/* A bound stream socket that starts to listen is no longer the conn. */
TEST_F(safety, bound_socket_that_listens_is_reaped)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int64_t conn;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	conn = req_conn(&self->r, fd);
	ASSERT_LT(0, conn);
	EXPECT_EQ(self->fds + 1, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, FDS));
	ASSERT_EQ(0, listen(fd, 1));
	/* scope-get reaps first: the fd unit is gone, the socket is not. */
	EXPECT_EQ(self->fds, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, FDS));
	EXPECT_EQ(self->conns, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, CONNS));
	/* A listening socket cannot be bound at all. */
	EXPECT_EQ(-EINVAL, req_conn(&self->r, fd));
	EXPECT_EQ(0, req_done(&self->r, conn));
	close(fd);
}

/* Per-user bounds: one user's handles stop at its bound, others go on. */
TEST_F(safety, user_bounds_stop_one_user_only)
{
	int64_t old = req_config(&self->r, RCMGR_A_CONFIG_MAX_USER_HANDLES);
	int64_t mine;
	pid_t pid;

	ASSERT_LT(0, old);
	ASSERT_EQ(0, req_config_set(&self->r, RCMGR_A_CONFIG_MAX_USER_HANDLES, 3));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct req q;
		struct raw_nl r;
		int i;

		CHILD_CHECK(req_become(NOBODY) == 0);
		CHILD_CHECK(raw_open(&r) == 0);
		for (i = 0; i < 3; i++)
			CHILD_CHECK(req_conn(&r, -1) > 0);
		CHILD_CHECK(req_config(&r, RCMGR_A_CONFIG_USER_HANDLES) == 3);
		req_new(&q, &r, RCMGR_CMD_CONN_OPEN);
		mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
		CHILD_CHECK(req_do(&q, &r) == -EDQUOT);
		CHILD_CHECK(!strcmp(q.ans.msg, "too many handles of this user (max-user-handles)"));
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
	/* Root is another user: its count started at zero. */
	mine = req_conn(&self->r, -1);
	EXPECT_LT(0, mine);
	EXPECT_EQ(0, req_done(&self->r, mine));
	ASSERT_EQ(0, req_config_set(&self->r, RCMGR_A_CONFIG_MAX_USER_HANDLES, old));
}

/* The host's admin may go above the module's ceilings. */
TEST_F(safety, host_admin_may_exceed_ceilings)
{
	int64_t old = req_config(&self->r, RCMGR_A_CONFIG_MAX_HANDLES);
	FILE *f = fopen("/sys/module/rcmgr/parameters/max_handles", "r");
	unsigned int ceiling;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%u", &ceiling));
	fclose(f);
	EXPECT_EQ(0, req_config_set(&self->r, RCMGR_A_CONFIG_MAX_HANDLES, ceiling + 1));
	EXPECT_EQ(ceiling + 1, req_config(&self->r, RCMGR_A_CONFIG_MAX_HANDLES));
	ASSERT_EQ(0, req_config_set(&self->r, RCMGR_A_CONFIG_MAX_HANDLES, old));
}

TEST_HARNESS_MAIN
