// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: N processes run random cycles of accept/bind, close, dup+close,
 * done, and get SIGKILLed and replaced, over real TCP on loopback, under a
 * tight system limit.  At sampled moments (every process stopped outside
 * an operation) the system scope holds exactly the conns whose sockets are
 * really alive; its peak never exceeds the limit; at the end it is empty.
 */
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

#include "kselftest_harness.h"
#include "rcmgr_net.h"

#define PROCS		4
#define CYCLES		120
#define HELD		8
#define LIMIT		6
#define SAMPLES		40

/* What one process holds, as it says; written only outside "busy". */
struct slot {
	int busy;
	int alive;
	int opened;
	int refused;
	int cycles;
};

static void set(int *p, int v)
{
	__atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static int get(int *p)
{
	return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static void worker(struct slot *me, unsigned int seed)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct rcmgr_scope *conn[HELD] = {};
	int cli[HELD], srv[HELD], n = 0, i, l, ret;
	socklen_t len = sizeof(a);
	struct rcmgr *rm;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, HELD) ||
	    getsockname(l, (void *)&a, &len) || rcmgr_open(&rm))
		_exit(2);
	for (i = 0; i < CYCLES; i++) {
		int act = rand_r(&seed) % 4, k = n ? rand_r(&seed) % n : 0;

		set(&me->busy, 1);
		if (act <= 1 && n < HELD) {
			cli[n] = socket(AF_INET, SOCK_STREAM, 0);
			if (connect(cli[n], (void *)&a, len))
				_exit(3);
			srv[n] = accept(l, NULL, NULL);
			ret = rcmgr_open_connection_fd(rm, RCMGR_DIR_INBOUND,
						       srv[n], NULL, &conn[n]);
			if (!ret) {
				n++;
				set(&me->alive, n);
				me->opened++;
			} else if (ret == -EDQUOT) {
				me->refused++;
				close(srv[n]);
				close(cli[n]);
			} else {
				_exit(4);
			}
		} else if (n && act == 2) {
			/* Close only: the kernel must notice on its own. */
			close(srv[k]);
			close(cli[k]);
			rcmgr_scope_done(conn[k]);
			goto drop;
		} else if (n) {
			/* A dup keeps it; closing both ends it. */
			int d = dup(srv[k]);

			close(srv[k]);
			if (rand_r(&seed) % 2) {
				srv[k] = d;
				set(&me->busy, 0);
				continue;
			}
			close(d);
			close(cli[k]);
			conn[k] = NULL;	/* left for the kernel to end */
drop:
			n--;
			cli[k] = cli[n];
			srv[k] = srv[n];
			conn[k] = conn[n];
			set(&me->alive, n);
		}
		me->cycles++;
		set(&me->busy, 0);
	}
	/* Done: hold on until killed. */
	for (;;)
		pause();
}

/* What every worker did, including those killed and replaced. */
static int total_opened, total_refused;

static pid_t spawn(struct slot *s, unsigned int seed)
{
	pid_t pid;

	total_opened += s->opened;
	total_refused += s->refused;
	memset(s, 0, sizeof(*s));
	pid = fork();
	if (!pid)
		worker(s, seed);
	return pid;
}

static int stat_cb(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_stat(s, arg);
}

static int peak_cb(const struct rcmgr_scope_info *i, void *arg)
{
	if (i->kind == RCMGR_KIND_SYSTEM)
		*(int64_t *)arg = i->peak.conns_inbound;
	return 0;
}

/* Stop everyone; if someone is inside an operation, let it finish. */
/* Stop everyone.  Return: false if one of them died on its own. */
static bool quiesce(pid_t *pids)
{
	bool ok = true;
	int i, status;

	for (i = 0; i < PROCS; i++)
		kill(pids[i], SIGSTOP);
	for (i = 0; i < PROCS; i++)
		if (waitpid(pids[i], &status, WUNTRACED) != pids[i] ||
		    !WIFSTOPPED(status))
			ok = false;
	return ok;
}

static void resume(pid_t *pids)
{
	int i;

	for (i = 0; i < PROCS; i++)
		kill(pids[i], SIGCONT);
}

FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

TEST_F_TIMEOUT(stress, random_cycles, 600)
{
	struct slot *slots;
	struct rcmgr *rm;
	struct rcmgr_limit l;
	struct rcmgr_stat st;
	pid_t pids[PROCS];
	int i, s, alive, busy, samples = 0, tries = 0, kills = 0, status;
	int64_t peak = -1;
	unsigned int seed = 1;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	net_lo_up();
	ASSERT_EQ(0, rcmgr_open(&rm));
	ASSERT_EQ(0, rcmgr_limit_get(rm, RCMGR_LIMIT_SYSTEM, NULL, &l));
	l.conns_inbound = LIMIT;
	ASSERT_EQ(0, rcmgr_limit_set(rm, RCMGR_LIMIT_SYSTEM, NULL, &l));
	slots = mmap(NULL, PROCS * sizeof(*slots), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, slots);
	for (i = 0; i < PROCS; i++)
		pids[i] = spawn(&slots[i], i + 1);

	while (samples < SAMPLES && tries < SAMPLES * 50) {
		tries++;
		ASSERT_TRUE(quiesce(pids)) TH_LOG("a worker failed");
		for (alive = busy = i = 0; i < PROCS; i++) {
			busy |= get(&slots[i].busy);
			alive += get(&slots[i].alive);
		}
		if (!busy) {
			/* What is really alive, no more, no less. */
			ASSERT_EQ(0, rcmgr_view_system(rm, stat_cb, &st));
			EXPECT_EQ(alive, st.num_conns_inbound) TH_LOG("sample %d", samples);
			EXPECT_EQ(alive, st.num_fd) TH_LOG("sample %d", samples);
			EXPECT_LE(st.num_conns_inbound, LIMIT);
			samples++;
			/* Now and then, one dies without a word. */
			if (rand_r(&seed) % 5 == 0) {
				s = rand_r(&seed) % PROCS;
				kill(pids[s], SIGKILL);
				kill(pids[s], SIGCONT);
				waitpid(pids[s], &status, 0);
				pids[s] = spawn(&slots[s], seed);
				kills++;
			}
		}
		resume(pids);
		usleep(2000);	/* a sampling period, not a synchronisation */
	}
	for (i = 0; i < PROCS; i++) {
		total_opened += slots[i].opened;
		total_refused += slots[i].refused;
	}
	/* Both must have happened, or the limit was never in play. */
	TH_LOG("%d samples in %d tries, %d kills; %d opened, %d refused",
	       samples, tries, kills, total_opened, total_refused);
	EXPECT_GT(total_opened, 0);
	EXPECT_GT(total_refused, 0);
	EXPECT_EQ(SAMPLES, samples);

	for (i = 0; i < PROCS; i++) {
		kill(pids[i], SIGKILL);
		kill(pids[i], SIGCONT);
		waitpid(pids[i], &status, 0);
	}
	ASSERT_EQ(0, rcmgr_dump(rm, RCMGR_KIND_SYSTEM, peak_cb, &peak));
	EXPECT_LE(peak, LIMIT);
	EXPECT_GE(peak, 1);
	ASSERT_EQ(0, rcmgr_view_system(rm, stat_cb, &st));
	EXPECT_EQ(0, st.num_conns_inbound);
	EXPECT_EQ(0, st.num_fd);
	EXPECT_EQ(0, st.memory);
	rcmgr_close(rm);
}

TEST_HARNESS_MAIN
