// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile look at the allowlist and the allowlisted scopes: exact
 * accounting on every path out of an allowlisted conn while the allowlist
 * changes under it, the standard transient refusing the move, the
 * allowlisted classes' own limits, and owners killed mid-way.  After each,
 * the four fixed scopes hold nothing.
 */
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/wait.h>

#include "rcmgr_allowlist.h"

/*
 * The standard transient refuses the move of a conn allowlisted for
 * another peer: nothing changes, the refusal names transient, and done
 * gives everything back to the allowlisted scopes alone.
 */
TEST_F(al, transient_refuses_move)
{
	struct raw_nl *r = &self->r;
	struct raw_ans ans;
	int64_t c, sp;

	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_TRANSIENT, NULL, CONNS, 0));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.1/p2p/A"));
	c = conn_from(r, "/ip4/4.3.2.1/tcp/4001", NULL);
	ASSERT_LT(0, c);
	ASSERT_EQ(1, allowlisted(r, c));
	ASSERT_EQ(0, req_mem(r, c, 1000));
	sp = req_span(r, c);
	ASSERT_LT(0, sp);
	ASSERT_EQ(0, req_mem(r, sp, 500));
	EXPECT_CONNS(r, 0, 0, 1, 1);

	EXPECT_EQ(-EDQUOT, set_peer(r, c, "B", &ans));
	EXPECT_EQ(TRA, refusal_kind(&ans));
	EXPECT_EQ(1, allowlisted(r, c));
	EXPECT_CONNS(r, 0, 0, 1, 1);
	EXPECT_EQ(0, use(r, SYS, NULL, MEM));
	EXPECT_EQ(1500, use(r, ASYS, NULL, MEM));
	EXPECT_EQ(1500, use(r, ATRA, NULL, MEM));
	EXPECT_EQ(0, use(r, SYS, NULL, FD));

	/* The peer it is allowlisted for still gets it. */
	EXPECT_EQ(0, set_peer(r, c, "A", NULL));
	EXPECT_CONNS(r, 0, 0, 1, 0);
	EXPECT_EQ(1500, use(r, PEER, "A", MEM));
	EXPECT_EQ(0, req_done(r, c));
	/* The span of a done conn holds nothing of the conn's scopes. */
	EXPECT_EMPTY(r);
	EXPECT_EQ(0, use(r, PEER, "A", MEM));
	EXPECT_EQ(0, req_done(r, sp));
	EXPECT_EMPTY(r);
}

/*
 * The allowlisted classes' own limits: a retry they refuse names the
 * allowlisted scope and leaves nothing anywhere; lowering them under
 * live conns refuses only new charges; reset restores the defaults.
 */
TEST_F(al, allowlisted_limits)
{
	struct raw_nl *r = &self->r;
	struct raw_ans ans;
	int64_t c, d;

	ASSERT_EQ(0, block_standard(r));
	ASSERT_EQ(0, al_add(r, "/ip4/10.0.0.0/ipcidr/8"));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_TRANSIENT, NULL,
			       CONNS, 1));
	c = conn_from(r, "/ip4/10.1.1.1", NULL);
	ASSERT_LT(0, c);
	EXPECT_EQ(-EDQUOT, conn_from(r, "/ip4/10.1.1.2", &ans));
	EXPECT_EQ(ATRA, refusal_kind(&ans));
	EXPECT_CONNS(r, 0, 0, 1, 1);
	EXPECT_EQ(0, use(r, SYS, NULL, FD));
	EXPECT_EQ(1, use(r, ASYS, NULL, FD));

	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_SYSTEM, NULL,
			       MEM, 4096));
	EXPECT_EQ(-EDQUOT, req_mem(r, c, 8192));
	EXPECT_EQ(0, use(r, ATRA, NULL, MEM));
	EXPECT_EQ(0, req_mem(r, c, 4096));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_ALLOWLISTED_SYSTEM, NULL,
			       MEM, 1));
	EXPECT_EQ(-EDQUOT, req_mem(r, c, 1));
	/* A peer it is allowlisted for: the system keeps the charge. */
	EXPECT_EQ(0, set_peer(r, c, "P", NULL));
	EXPECT_EQ(4096, use(r, ASYS, NULL, MEM));
	EXPECT_EQ(0, use(r, ATRA, NULL, MEM));
	EXPECT_EQ(4096, use(r, PEER, "P", MEM));

	ASSERT_EQ(0, req_limit_reset(r));
	ASSERT_EQ(0, block_standard(r));
	d = conn_from(r, "/ip4/10.1.1.2", NULL);
	ASSERT_LT(0, d);
	EXPECT_CONNS(r, 0, 0, 2, 1);
	EXPECT_EQ(0, req_done(r, d));
	EXPECT_EQ(0, req_done(r, c));
	EXPECT_EMPTY(r);
	EXPECT_EQ(0, use(r, PEER, "P", MEM));
	EXPECT_EQ(0, use(r, PEER, "P", CONNS));
}

/* No rate-limit rules: conn-open refusals come from the scopes alone. */
static int rate_off(struct raw_nl *r)
{
	struct req q;

	req_new(&q, r, RCMGR_CMD_NETLIMIT_SET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE,
			 RCMGR_NETLIMIT_TABLE_RATE_LIMIT);
	return req_do(&q, r);
}

struct flip {
	volatile int stop;
	int err;
	int rounds;
};

/* Add and delete the entries the conns come from, as fast as it can. */
static void *flip_fn(void *arg)
{
	struct flip *f = arg;
	struct raw_nl r;
	int ret;

	if (raw_open(&r)) {
		f->err = -1;
		return NULL;
	}
	while (!f->stop) {
		ret = al_add(&r, "/ip4/4.3.2.1/p2p/A");
		ret = ret ?: al_add(&r, "/ip4/1.2.3.0/ipcidr/24");
		ret = ret ?: al_del(&r, "/ip4/4.3.2.1/p2p/A");
		ret = ret ?: al_del(&r, "/ip4/1.2.3.0/ipcidr/24");
		if (ret)
			f->err = ret;
		f->rounds++;
	}
	raw_close(&r);
	return NULL;
}

/*
 * allowlist-del racing conn-open and set-peer: whichever way each conn
 * goes (standard, allowlisted, moved, refused), every path ends with all
 * four fixed scopes and the peers empty.
 */
TEST_F_TIMEOUT(al, del_races_open_and_set_peer, 400)
{
	static const char *const from[] = {
		"/ip4/4.3.2.1/tcp/1", "/ip4/1.2.3.9/tcp/2",
		"/ip6/::ffff:1.2.3.4/tcp/3", "/ip4/9.9.9.9/tcp/4",
	};
	static const char *const peers[] = { "A", "B" };
	struct raw_nl *r = &self->r;
	struct flip f = {};
	int opened = 0, moved = 0, refused = 0;
	pthread_t t;
	int64_t c, sp;
	int i, ret;

	/* Room for half: a standard refusal falls back to the allowlist. */
	ASSERT_EQ(0, rate_off(r));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL, CONNS, 1));
	ASSERT_EQ(0, pthread_create(&t, NULL, flip_fn, &f));
	for (i = 0; i < 800; i++) {
		int64_t hold = -1;

		if (i & 1)
			hold = conn_from(r, "/ip4/7.7.7.7", NULL);
		c = conn_from(r, from[i % 4], NULL);
		if (c == -EDQUOT) {
			refused++;
			goto next;
		}
		ASSERT_LT(0, c);
		opened++;
		ASSERT_EQ(0, req_mem(r, c, 100));
		sp = req_span(r, c);
		ASSERT_LT(0, sp);
		ASSERT_EQ(0, req_mem(r, sp, 10));
		if (hold > 0 && (i & 2))
			ASSERT_EQ(0, req_done(r, hold));
		ret = set_peer(r, c, peers[(i / 4) & 1], NULL);
		ASSERT_TRUE(!ret || ret == -EDQUOT);
		if (!ret)
			moved++;
		ASSERT_EQ(0, req_mem(r, sp, 7));
		if (i % 3)
			ASSERT_EQ(0, req_done(r, sp));
		ASSERT_EQ(0, req_done(r, c));
		if (!(i % 3))
			ASSERT_EQ(0, req_done(r, sp));
next:
		if (hold > 0)
			req_done(r, hold);
	}
	f.stop = 1;
	ASSERT_EQ(0, pthread_join(t, NULL));
	TH_LOG("%d opened, %d with a peer, %d refused, %d flips",
	       opened, moved, refused, f.rounds);
	EXPECT_EQ(0, f.err);
	EXPECT_EMPTY(r);
	EXPECT_EQ(0, use(r, PEER, "A", MEM));
	EXPECT_EQ(0, use(r, PEER, "B", MEM));
	EXPECT_EQ(0, use(r, PEER, "A", CONNS));
	EXPECT_EQ(0, use(r, PEER, "B", CONNS));
	EXPECT_EQ(0, req_config(r, RCMGR_A_CONFIG_HANDLES));
}

/*
 * The owner is killed at any point of its conns' lives while the
 * allowlist changes: nothing stays in any fixed scope.
 */
TEST_F_TIMEOUT(al, killed_anywhere, 400)
{
	static const char *const from[] = {
		"/ip4/4.3.2.1/tcp/1", "/ip4/1.2.3.9/tcp/2", "/ip4/9.9.9.9/tcp/4",
	};
	struct raw_nl *r = &self->r;
	struct flip f = {};
	pthread_t t;
	int round, p[2], st;

	ASSERT_EQ(0, rate_off(r));
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL, CONNS, 2));
	ASSERT_EQ(0, pthread_create(&t, NULL, flip_fn, &f));
	for (round = 0; round < 12; round++) {
		pid_t pid;
		char x;

		ASSERT_EQ(0, pipe(p));
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid) {
			struct raw_nl cr;
			int64_t c, sp;
			int i;

			close(p[0]);
			if (raw_open(&cr))
				_exit(1);
			for (i = 0;; i++) {
				c = conn_from(&cr, from[i % 3], NULL);
				if (c > 0) {
					req_mem(&cr, c, 64);
					sp = req_span(&cr, c);
					if (sp > 0)
						req_mem(&cr, sp, 32);
					set_peer(&cr, c, i & 1 ? "A" : "B", NULL);
					if (i % 4)
						req_done(&cr, c);
				}
				if (i == round * 5 &&
				    write(p[1], "x", 1) != 1)
					_exit(1);
			}
		}
		close(p[1]);
		ASSERT_EQ(1, read(p[0], &x, 1));
		close(p[0]);
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &st, 0));
		ASSERT_TRUE(WIFSIGNALED(st));
		EXPECT_EMPTY(r);
		if (!_metadata->passed)
			break;
	}
	f.stop = 1;
	ASSERT_EQ(0, pthread_join(t, NULL));
	EXPECT_EQ(0, f.err);
	EXPECT_EQ(0, use(r, PEER, "A", CONNS));
	EXPECT_EQ(0, use(r, PEER, "B", CONNS));
	EXPECT_EQ(0, req_config(r, RCMGR_A_CONFIG_HANDLES));
}

/*
 * Scope-get of the allowlisted kinds takes no name; one with a name is
 * refused, not looked up as a named scope.
 */
TEST_F(al, scope_get_kinds)
{
	struct raw_nl *r = &self->r;
	struct req q;

	EXPECT_EQ(0, use(r, ASYS, NULL, CONNS));
	EXPECT_EQ(0, use(r, ATRA, NULL, CONNS));
	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	req_scope(q.nlh, ASYS, "QmX");
	EXPECT_EQ(-EINVAL, req_do(&q, r));
	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_KIND, ATRA + 1000);
	EXPECT_GT(0, req_do(&q, r));
}

/*
 * A user-namespace root is admin of its own namespace's allowlist only:
 * in the namespace it was born in, every allowlist op is EPERM.
 */
TEST_F(al, userns_root_elsewhere)
{
	int st;
	pid_t pid;

	ASSERT_EQ(0, al_add(&self->r, "/ip4/5.5.5.5"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct raw_nl cr;
		struct req q;
		uint8_t b[64];
		int n;

		if (req_become(NOBODY) || unshare(CLONE_NEWUSER))
			_exit(10);
		if (raw_open(&cr))
			_exit(11);
		if (al_add(&cr, "/ip4/6.6.6.6") != -EPERM)
			_exit(12);
		if (al_del(&cr, "/ip4/5.5.5.5") != -EPERM)
			_exit(13);
		req_new(&q, &cr, RCMGR_CMD_ALLOWLIST_GET);
		q.nlh->nlmsg_flags |= NLM_F_DUMP;
		n = ma(b, "/ip4/5.5.5.5");
		(void)n;
		if (req_do(&q, &cr) != -EPERM)
			_exit(14);
		raw_close(&cr);
		/* Its own netns: admin there. */
		if (unshare(CLONE_NEWNET) || raw_open(&cr))
			_exit(15);
		if (al_add(&cr, "/ip4/6.6.6.6") || al_del(&cr, "/ip4/6.6.6.6"))
			_exit(16);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(0, al_del(&self->r, "/ip4/5.5.5.5"));
}

/* Fault injection (the debug kernel's failslab); skipped elsewhere. */

#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_NTH	"/proc/thread-self/fail-nth"

static const char *const fs_knobs[] = {
	"ignore-gfp-wait", "probability", "verbose", "times", "interval",
	"space",
};
static const char *const fs_set[] = { "N", "0", "0", "-1", "1", "0" };

static int fs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Make failslab obey fail-nth alone; false if the kernel has none. */
static bool fs_setup(void)
{
	char path[128];

	if (access(FAIL_NTH, W_OK) || access(FAILSLAB "ignore-gfp-wait", W_OK))
		return false;
	for (unsigned int i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), FAILSLAB "%s", fs_knobs[i]);
		if (fs_write(path, fs_set[i]))
			return false;
	}
	return true;
}

/* Arm the nth allocation of this thread to fail. */
static void fs_arm(int fd, int nth)
{
	char b[16];
	int n = snprintf(b, sizeof(b), "%d", nth);

	if (pwrite(fd, b, n, 0) != n)
		abort();
}

/* Disarm; true if the fault was injected (the counter ran out). */
static bool fs_disarm(int fd)
{
	char b[16] = {};
	bool hit;

	if (pread(fd, b, sizeof(b) - 1, 0) < 0)
		abort();
	hit = atoi(b) == 0;
	fs_arm(fd, 0);
	return hit;
}

/*
 * conn-open falling back to the allowlisted scopes, set-peer moving to
 * the standard scopes and to a peer, allowlist-add and -del: each with the
 * nth allocation of its syscall failing, n = 1, 2, ... until none fails.
 * Whatever failed, the conn is in one set of scopes or the other, whole,
 * and the owner's end leaves every fixed scope empty.
 */
TEST_F_TIMEOUT(al, failslab_paths, 600)
{
	struct raw_nl *r = &self->r;
	int nth_fd, n, ret, hits = 0;
	struct raw_nl op;
	int64_t c, sp;
	bool hit;

	if (!fs_setup())
		SKIP(return, "no failslab");
	nth_fd = open(FAIL_NTH, O_RDWR);
	ASSERT_LE(0, nth_fd);
	ASSERT_EQ(0, rate_off(r));
	ASSERT_EQ(0, block_standard(r));
	ASSERT_EQ(0, al_add(r, "/ip4/4.3.2.1/p2p/A"));
	ASSERT_EQ(0, al_add(r, "/ip4/1.2.3.0/ipcidr/24"));

	/* conn-open, allowlisted. */
	for (n = 1, hit = true; hit && n < 400; n++) {
		ASSERT_EQ(0, raw_open(&op));
		fs_arm(nth_fd, n);
		c = conn_from(&op, "/ip4/1.2.3.4/tcp/1", NULL);
		hit = fs_disarm(nth_fd);
		hits += hit;
		if (c > 0) {
			EXPECT_CONNS(r, 0, 0, 1, 1);
			EXPECT_EQ(1, use(r, ASYS, NULL, FD));
		} else if (c != -ENOBUFS) {
			/* Only a lost answer may leave the conn open. */
			if (use(r, ASYS, NULL, CONNS))
				TH_LOG("conn-open failed (%lld) at nth %d, yet the conn is open",
				       (long long)c, n);
			EXPECT_CONNS(r, 0, 0, 0, 0);
		}
		raw_close(&op);
		EXPECT_EMPTY(r);
		if (!_metadata->passed)
			break;
	}
	TH_LOG("conn-open: %d faults", hits);

	/* set-peer: to the standard scopes (B), or allowlisted (A). */
	ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL, CONNS, 10));
	for (int peer = 0; peer < 2; peer++) {
		for (n = 1, hit = true; hit && n < 400; n++) {
			int64_t std;
			bool has;

			ASSERT_EQ(0, raw_open(&op));
			ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL,
					       CONNS, 0));
			c = conn_from(&op, "/ip4/4.3.2.1/tcp/1", NULL);
			ASSERT_LT(0, c);
			ASSERT_EQ(0, req_limit(r, RCMGR_CLASS_SYSTEM, NULL,
					       CONNS, 10));
			ASSERT_EQ(0, req_mem(&op, c, 1000));
			sp = req_span(&op, c);
			ASSERT_LT(0, sp);
			ASSERT_EQ(0, req_mem(&op, sp, 24));
			fs_arm(nth_fd, n);
			ret = set_peer(&op, c, peer ? "A" : "B", NULL);
			hit = fs_disarm(nth_fd);
			std = use(r, SYS, NULL, CONNS);
			EXPECT_EQ(1, std + use(r, ASYS, NULL, CONNS));
			EXPECT_EQ(1024, use(r, SYS, NULL, MEM) +
				  use(r, ASYS, NULL, MEM));
			if (std)
				EXPECT_EQ(0, allowlisted(&op, c));
			/* A failed op leaves things as they were. */
			if (ret && ret != -ENOBUFS && std)
				TH_LOG("set-peer %s failed (%d) at nth %d, yet the conn left the allowlisted scopes",
				       peer ? "A" : "B", ret, n);
			if (ret && ret != -ENOBUFS)
				EXPECT_EQ(0, std);
			has = use(r, PEER, peer ? "A" : "B", CONNS) == 1;
			if (!ret)
				EXPECT_TRUE(has);
			if (has)
				EXPECT_EQ(1024, use(r, PEER, peer ? "A" : "B",
						    MEM));
			EXPECT_EQ(0, req_mem(&op, sp, -24));
			EXPECT_EQ(0, req_done(&op, sp));
			EXPECT_EQ(has ? 0 : 1000, use(r, ATRA, NULL, MEM) +
				  use(r, TRA, NULL, MEM));
			raw_close(&op);
			EXPECT_EMPTY(r);
			EXPECT_EQ(0, use(r, PEER, "A", MEM));
			EXPECT_EQ(0, use(r, PEER, "B", MEM));
			if (!_metadata->passed)
				break;
		}
		TH_LOG("set-peer %s: %d tries", peer ? "A" : "B", n);
	}

	/* allowlist-add and -del. */
	for (n = 1, hit = true; hit && n < 400; n++) {
		fs_arm(nth_fd, n);
		ret = al_add(r, "/ip6/2001:db8::/ipcidr/32/p2p/C");
		hit = fs_disarm(nth_fd);
		if (!ret) {
			fs_arm(nth_fd, n);
			ret = al_del(r, "/ip6/2001:db8::/ipcidr/32/p2p/C");
			fs_disarm(nth_fd);
		}
		if (ret) {
			ret = al_del(r, "/ip6/2001:db8::/ipcidr/32/p2p/C");
			EXPECT_TRUE(!ret || ret == -ENOENT);
		}
		EXPECT_EQ(-ENOENT, al_del(r, "/ip6/2001:db8::/ipcidr/32/p2p/C"));
	}
	close(nth_fd);
}

TEST_HARNESS_MAIN
