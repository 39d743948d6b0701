// SPDX-License-Identifier: GPL-2.0
/*
 * Everything at once: worker processes (root and nobody), each with
 * several netlink sockets, each socket with several threads sending every
 * op at random on ids they saw, guessed or made up, while a reader per
 * socket drains whatever comes back.  Sockets are closed and reopened under
 * running requests, bound UDP sockets are closed under their conns, limits
 * and bounds change, dumps run during done, and the parent SIGKILLs
 * workers at random.  Nothing may crash or splat (the VM runs with
 * panic_on_warn, KASAN and lockdep on the debug kernel), and when every
 * worker is gone every counter is back where it was and no handle is left.
 *
 * RCMGR_RACE_SECONDS sets the run's length (default 10).
 */
#include <grp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "rcmgr_req.h"

#define NR_WORKERS	4
#define NR_SOCKS	2
#define NR_SENDERS	3
#define NR_IDS		64
#define NR_FDS		8
/*
 * A run lasts its seconds and at least this much work, so that a slow
 * (debug, emulated) kernel is exercised as much as a fast one; it gives
 * up at RUN_CAP seconds, which would mean the module stopped answering.
 */
#define MIN_SENT	1000
#define MIN_MADE	50
#define RUN_CAP		150
#define NOBODY		65534

static const char *const peers[] = { "p0", "p1", "p2", "p3", "p4", "p5" };
static const char *const protos[] = { "/a/1", "/b/1", "/c/1" };

/*
 * Binary multiaddrs: allowlist entries (any peer; a peer no worker names)
 * and a conn's endpoint in them.
 */
static const uint8_t entry_any[] = { 4, 1, 2, 3, 4 };
static const uint8_t entry_peer[] = {
	4, 1, 2, 3, 0, 43, 24, 0xa5, 0x03, 34, 0x12, 32,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
};
static const uint8_t endpoint_bin[][8] = {
	{ 4, 1, 2, 3, 4, 6, 0, 1 },	/* /ip4/1.2.3.4/tcp/1 */
	{ 4, 1, 2, 3, 5, 6, 0, 1 },	/* only the peer's entry */
};

/* One netlink socket, shared by its senders and its reader. */
struct sock_slot {
	pthread_rwlock_t lock;		/* writers close and reopen r */
	struct raw_nl r;
	atomic_ullong ids[NR_IDS];	/* ids seen in replies */
	atomic_uint next;
	atomic_ullong max_id;
};

struct worker {
	struct sock_slot socks[NR_SOCKS];
	atomic_int udp[NR_FDS];		/* UDP sockets to bind and close */
	atomic_int stop;
	bool root;
	unsigned int seed;
};

/* Shared by every worker: what the run did, to show it did something. */
struct tally {
	atomic_ullong sent;
	atomic_ullong made;	/* handles whose id came back */
	atomic_int stop;	/* set by the parent: the run is over */
};

static struct tally *tally;

static uint64_t pick_id(struct sock_slot *s, unsigned int *seed)
{
	switch (rand_r(seed) % 4) {
	case 0:		/* guessed: the next ones */
		return atomic_load(&s->max_id) + 1 + rand_r(seed) % 4;
	case 1:		/* made up */
		return rand_r(seed) % 4096;
	default:	/* seen */
		return atomic_load(&s->ids[rand_r(seed) % NR_IDS]);
	}
}

/*
 * Conn-limit counters of every shape the workers' rules make (and the
 * defaults'), by the counts of a table holding all of them.
 */
static uint64_t leftover_counters(struct raw_nl *r)
{
	static const struct { uint16_t fam; uint8_t plen; } shape[] = {
		{ AF_INET, 32 }, { AF_INET, 24 }, { AF_INET6, 56 }, { AF_INET6, 48 },
	};
	const struct nlattr *a, *c;
	uint64_t sum = 0;
	struct nlattr *nest;
	struct req q;
	unsigned int i;

	req_new(&q, r, RCMGR_CMD_NETLIMIT_SET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE, RCMGR_NETLIMIT_TABLE_CONN_LIMIT);
	for (i = 0; i < 4; i++) {
		nest = mnl_attr_nest_start(q.nlh, RCMGR_A_NETLIMIT_RULE);
		mnl_attr_put_u16(q.nlh, RCMGR_A_NETRULE_FAMILY, shape[i].fam);
		mnl_attr_put_u8(q.nlh, RCMGR_A_NETRULE_PREFIX_LEN, shape[i].plen);
		mnl_attr_put_u64(q.nlh, RCMGR_A_NETRULE_CONNS, 8);
		mnl_attr_nest_end(q.nlh, nest);
	}
	if (req_do(&q, r))
		return ~0ULL;
	req_new(&q, r, RCMGR_CMD_NETLIMIT_GET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE, RCMGR_NETLIMIT_TABLE_CONN_LIMIT);
	if (req_do(&q, r))
		return ~0ULL;
	mnl_attr_for_each(a, (struct nlmsghdr *)q.ans.reply, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == RCMGR_A_NETLIMIT_RULE)
			mnl_attr_for_each_nested(c, a)
				if (mnl_attr_get_type(c) == RCMGR_A_NETRULE_COUNT)
					sum += mnl_attr_get_u64(c);
	req_new(&q, r, RCMGR_CMD_NETLIMIT_RESET);
	req_do(&q, r);
	return sum;
}

/* Build one random request into @q; false if nothing to send. */
/*
 * Name a shared scope of any kind a request may name: spans hang off
 * each, and each is read back, whatever part of a scope it holds.
 */
static void req_shared(struct nlmsghdr *nlh, unsigned int *seed)
{
	static const uint32_t kinds[] = {
		RCMGR_SCOPE_KIND_SYSTEM, RCMGR_SCOPE_KIND_TRANSIENT,
		RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM,
		RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT,
		RCMGR_SCOPE_KIND_PEER, RCMGR_SCOPE_KIND_PROTOCOL,
		RCMGR_SCOPE_KIND_SERVICE,
	};
	uint32_t kind = kinds[rand_r(seed) % ARRAY_SIZE(kinds)];

	switch (kind) {
	case RCMGR_SCOPE_KIND_PEER:
		req_scope(nlh, kind, peers[rand_r(seed) % 6]);
		break;
	case RCMGR_SCOPE_KIND_PROTOCOL:
		req_scope(nlh, kind, NULL);
		mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_PROTOCOL, protos[rand_r(seed) % 3]);
		break;
	case RCMGR_SCOPE_KIND_SERVICE:
		req_scope(nlh, kind, NULL);
		mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_SERVICE, "svc");
		break;
	default:
		req_scope(nlh, kind, NULL);
	}
}

static bool random_req(struct worker *w, struct sock_slot *s, struct req *q,
		       unsigned int *seed)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	int op = rand_r(seed) % 25, fd;
	struct maddr m = {};
	char a[48];

	switch (op) {
	case 0: case 1:
		nlh = req_new(q, &s->r, RCMGR_CMD_CONN_OPEN);
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 1 + rand_r(seed) % 2);
		if (rand_r(seed) % 2)
			mnl_attr_put(nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
		if (rand_r(seed) % 3 == 0) {
			fd = atomic_load(&w->udp[rand_r(seed) % NR_FDS]);
			mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_FD, fd < 0 ? 0 : fd);
		}
		if (rand_r(seed) % 2)
			mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_ENDPOINT, "/ip4/1.2.3.4/tcp/1");
		/* A few addresses: their counters and buckets are shared. */
		switch (rand_r(seed) % 3) {
		case 0:
			if (rand_r(seed) % 2)
				snprintf(a, sizeof(a), "10.0.%d.%d", rand_r(seed) % 2,
					 rand_r(seed) % 4);
			else
				snprintf(a, sizeof(a), "2001:db8:0:%d::1", rand_r(seed) % 4);
			ma_port(ma_ip(&m, a), MA_TCP, 4001);
			mnl_attr_put(nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, m.n, m.b);
			break;
		case 1:
			mnl_attr_put(nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, 8,
				     endpoint_bin[rand_r(seed) % 2]);
			break;
		}
		break;
	case 2: case 3:
		nlh = req_new(q, &s->r, RCMGR_CMD_STREAM_OPEN);
		mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_PEER, peers[rand_r(seed) % 6]);
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 1 + rand_r(seed) % 2);
		break;
	case 4:
		nlh = req_new(q, &s->r, RCMGR_CMD_CONN_SET_PEER);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
		mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_PEER, peers[rand_r(seed) % 6]);
		break;
	case 5:
		nlh = req_new(q, &s->r, RCMGR_CMD_STREAM_SET_PROTOCOL);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
		mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_PROTOCOL, protos[rand_r(seed) % 3]);
		break;
	case 6:
		nlh = req_new(q, &s->r, RCMGR_CMD_STREAM_SET_SERVICE);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
		mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_SERVICE, "svc");
		break;
	case 7: case 8:
		nlh = req_new(q, &s->r, RCMGR_CMD_SPAN_BEGIN);
		if (rand_r(seed) % 4)
			mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
		else
			req_shared(nlh, seed);
		break;
	case 9: case 10: case 11:
		nlh = req_new(q, &s->r, rand_r(seed) % 2 ? RCMGR_CMD_SCOPE_RESERVE :
						   RCMGR_CMD_SCOPE_RELEASE);
		switch (rand_r(seed) % 4) {
		case 0:
			req_scope(nlh, RCMGR_SCOPE_KIND_SYSTEM, NULL);
			break;
		case 1:
			req_scope(nlh, RCMGR_SCOPE_KIND_PEER, peers[rand_r(seed) % 6]);
			break;
		default:
			mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
		}
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, rand_r(seed) % 5000);
		mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, rand_r(seed) % 256);
		break;
	case 12: case 13: case 14:
		nlh = req_new(q, &s->r, RCMGR_CMD_SCOPE_DONE);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
		break;
	case 15:
		nlh = req_new(q, &s->r, RCMGR_CMD_CONN_BIND_FD);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
		fd = atomic_load(&w->udp[rand_r(seed) % NR_FDS]);
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_FD, fd < 0 ? 0 : fd);
		break;
	case 16:
		nlh = req_new(q, &s->r, RCMGR_CMD_SCOPE_GET);
		/* One scope of any kind, by id or by name, or all of them. */
		switch (rand_r(seed) % 3) {
		case 0:
			mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, pick_id(s, seed));
			break;
		case 1:
			req_shared(nlh, seed);
			break;
		default:
			nlh->nlmsg_flags |= NLM_F_DUMP;
		}
		break;
	case 17:
		nlh = req_new(q, &s->r, RCMGR_CMD_LIMIT_SET);
		mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS,
				 1 + rand_r(seed) % RCMGR_CLASS_ALLOWLISTED_TRANSIENT);
		if (rand_r(seed) % 2)
			mnl_attr_put_strz(nlh, RCMGR_A_LIMIT_NAME, peers[rand_r(seed) % 6]);
		nest = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
		mnl_attr_put_u64(nlh, 1 + rand_r(seed) % RCMGR_A_RESOURCES_FD,
				 rand_r(seed) % 3 ? 1000000 + rand_r(seed) : rand_r(seed) % 4);
		mnl_attr_nest_end(nlh, nest);
		break;
	case 18:
		if (rand_r(seed) % 2) {
			req_new(q, &s->r, RCMGR_CMD_LIMIT_RESET);
			break;
		}
		nlh = req_new(q, &s->r, RCMGR_CMD_LIMIT_DEL);
		mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
		mnl_attr_put_strz(nlh, RCMGR_A_LIMIT_NAME, peers[rand_r(seed) % 6]);
		break;
	case 19: case 20:
		nlh = req_new(q, &s->r, rand_r(seed) % 2 ? RCMGR_CMD_ALLOWLIST_ADD :
						   RCMGR_CMD_ALLOWLIST_DEL);
		if (rand_r(seed) % 2)
			mnl_attr_put(nlh, RCMGR_A_ALLOWLIST_MULTIADDR,
				     sizeof(entry_any), entry_any);
		else
			mnl_attr_put(nlh, RCMGR_A_ALLOWLIST_MULTIADDR,
				     sizeof(entry_peer), entry_peer);
		if (rand_r(seed) % 4 == 0) {
			nlh = req_new(q, &s->r, RCMGR_CMD_ALLOWLIST_GET);
			nlh->nlmsg_flags |= NLM_F_DUMP;
		}
		break;
	case 21:
		/* Rules replaced under live conns: v4 /32 or /24, v6 /56 or /48. */
		if (rand_r(seed) % 4 == 0) {
			nlh = req_new(q, &s->r, RCMGR_CMD_NETLIMIT_RESET);
			break;
		}
		nlh = req_new(q, &s->r, RCMGR_CMD_NETLIMIT_SET);
		op = 1 + rand_r(seed) % 2;	/* the table */
		mnl_attr_put_u32(nlh, RCMGR_A_NETLIMIT_TABLE, op);
		for (fd = 0; fd < 2; fd++) {
			nest = mnl_attr_nest_start(nlh, RCMGR_A_NETLIMIT_RULE);
			mnl_attr_put_u16(nlh, RCMGR_A_NETRULE_FAMILY, fd ? AF_INET6 : AF_INET);
			mnl_attr_put_u8(nlh, RCMGR_A_NETRULE_PREFIX_LEN,
					fd ? (rand_r(seed) % 2 ? 56 : 48) :
					     (rand_r(seed) % 2 ? 32 : 24));
			if (op == RCMGR_NETLIMIT_TABLE_CONN_LIMIT) {
				mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_CONNS,
						 1 + rand_r(seed) % 4);
			} else {
				mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_RATE,
						 rand_r(seed) % 2000);
				mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_BURST,
						 rand_r(seed) % 8);
			}
			mnl_attr_nest_end(nlh, nest);
		}
		break;
	case 22:
		nlh = req_new(q, &s->r, RCMGR_CMD_VERIFY_SOURCE_ADDRESS);
		snprintf(a, sizeof(a), "10.0.0.%d", rand_r(seed) % 4);
		ma_port(ma_ip(&m, a), MA_UDP, 4001);
		mnl_attr_put(nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, m.n, m.b);
		break;
	case 23:
		nlh = req_new(q, &s->r, RCMGR_CMD_NETLIMIT_GET);
		mnl_attr_put_u32(nlh, RCMGR_A_NETLIMIT_TABLE, 1 + rand_r(seed) % 3);
		break;
	default:
		nlh = req_new(q, &s->r, RCMGR_CMD_CONFIG_SET);
		mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_SCOPES, 50 + rand_r(seed) % 1000);
		break;
	}
	return true;
}

static void *sender(void *arg)
{
	struct worker *w = arg;
	unsigned int seed = w->seed ^ (unsigned int)(uintptr_t)pthread_self();
	struct req q;

	while (!atomic_load(&w->stop)) {
		struct sock_slot *s = &w->socks[rand_r(&seed) % NR_SOCKS];

		pthread_rwlock_rdlock(&s->lock);
		if (random_req(w, s, &q, &seed) && !req_send(&s->r, q.nlh))
			atomic_fetch_add(&tally->sent, 1);
		pthread_rwlock_unlock(&s->lock);
	}
	return NULL;
}

/* Drain a socket, learning the ids new handles got. */
static void *reader(void *arg)
{
	struct sock_slot *s = arg;
	char buf[32768];
	int len;

	for (;;) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		pthread_rwlock_rdlock(&s->lock);
		len = s->r.nl ? mnl_socket_recvfrom(s->r.nl, buf, sizeof(buf)) : -1;
		pthread_rwlock_unlock(&s->lock);
		if (len < 0) {
			if (errno == EBADF || !s->r.nl)
				return NULL;
			continue;	/* timeout, ENOBUFS: go on */
		}
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			uint64_t id;

			if (m->nlmsg_type < NLMSG_MIN_TYPE || (m->nlmsg_flags & NLM_F_MULTI))
				continue;
			id = raw_u64(m, RCMGR_A_SCOPE_ID);
			if (!id)
				continue;
			atomic_store(&s->ids[atomic_fetch_add(&s->next, 1) % NR_IDS], id);
			atomic_fetch_add(&tally->made, 1);
			if (id > atomic_load(&s->max_id))
				atomic_store(&s->max_id, id);
		}
	}
}

static int slot_open(struct sock_slot *s)
{
	struct timeval tv = { .tv_usec = 100000 };
	int ret = raw_open(&s->r);

	if (ret)
		return ret;
	return setsockopt(mnl_socket_get_fd(s->r.nl), SOL_SOCKET, SO_RCVTIMEO,
			  &tv, sizeof(tv));
}

/* A worker process; runs until killed or the parent calls the run over. */
static int work(bool root, unsigned int seed)
{
	pthread_t send[NR_SOCKS * NR_SENDERS], recv[NR_SOCKS];
	pthread_rwlockattr_t attr;
	static struct worker w;
	int i, n = 0;

	if (!root && req_become(NOBODY))
		return 1;
	w.root = root;
	w.seed = seed;
	for (i = 0; i < NR_FDS; i++)
		atomic_store(&w.udp[i], socket(AF_INET, SOCK_DGRAM, 0));
	/* The closer must get its turn between the senders. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	for (i = 0; i < NR_SOCKS; i++) {
		pthread_rwlock_init(&w.socks[i].lock, &attr);
		if (slot_open(&w.socks[i]))
			return 1;
		pthread_create(&recv[i], NULL, reader, &w.socks[i]);
	}
	for (i = 0; i < NR_SOCKS * NR_SENDERS; i++)
		pthread_create(&send[i], NULL, sender, &w);

	/* Close and reopen sockets, netlink and UDP, under running requests. */
	while (!atomic_load(&tally->stop)) {
		struct sock_slot *s = &w.socks[rand_r(&seed) % NR_SOCKS];
		int k = rand_r(&seed) % NR_FDS, fd;

		usleep(20000 + rand_r(&seed) % 50000);
		fd = atomic_exchange(&w.udp[k], socket(AF_INET, SOCK_DGRAM, 0));
		if (fd >= 0)
			close(fd);
		if (++n % 8)
			continue;
		pthread_rwlock_wrlock(&s->lock);
		raw_close(&s->r);
		if (slot_open(s))
			s->r.nl = NULL;
		pthread_rwlock_unlock(&s->lock);
	}
	atomic_store(&w.stop, 1);
	for (i = 0; i < NR_SOCKS * NR_SENDERS; i++)
		pthread_join(send[i], NULL);
	/* Half the time the process just exits with everything held. */
	if (seed % 2)
		_exit(0);
	for (i = 0; i < NR_SOCKS; i++) {
		pthread_rwlock_wrlock(&w.socks[i].lock);
		raw_close(&w.socks[i].r);
		w.socks[i].r.nl = NULL;
		pthread_rwlock_unlock(&w.socks[i].lock);
		pthread_join(recv[i], NULL);
	}
	return 0;
}

static pid_t spawn(bool root, unsigned int seed)
{
	pid_t pid = fork();

	if (!pid)
		_exit(work(root, seed));
	return pid;
}

static bool run_done(time_t start, int seconds)
{
	time_t now = time(NULL);

	if (now >= start + (seconds > RUN_CAP ? seconds : RUN_CAP))
		return true;
	return now >= start + seconds &&
	       atomic_load(&tally->sent) >= MIN_SENT &&
	       atomic_load(&tally->made) >= MIN_MADE;
}

static const int bounds[] = {
	RCMGR_A_CONFIG_MAX_HANDLES, RCMGR_A_CONFIG_MAX_OWNER_HANDLES,
	RCMGR_A_CONFIG_MAX_SCOPES, RCMGR_A_CONFIG_MAX_USER_HANDLES,
	RCMGR_A_CONFIG_MAX_USER_SCOPES, RCMGR_A_CONFIG_MAX_USER_BINDS,
};

static const int resources[] = {
	RCMGR_A_RESOURCES_MEMORY, RCMGR_A_RESOURCES_STREAMS_INBOUND,
	RCMGR_A_RESOURCES_STREAMS_OUTBOUND, RCMGR_A_RESOURCES_STREAMS,
	RCMGR_A_RESOURCES_CONNS_INBOUND, RCMGR_A_RESOURCES_CONNS_OUTBOUND,
	RCMGR_A_RESOURCES_CONNS, RCMGR_A_RESOURCES_FD,
};

/* Remove the entries the workers may have left. */
static void allowlist_clear(struct raw_nl *r)
{
	struct req q;

	req_new(&q, r, RCMGR_CMD_ALLOWLIST_DEL);
	mnl_attr_put(q.nlh, RCMGR_A_ALLOWLIST_MULTIADDR, sizeof(entry_any),
		     entry_any);
	req_do(&q, r);
	req_new(&q, r, RCMGR_CMD_ALLOWLIST_DEL);
	mnl_attr_put(q.nlh, RCMGR_A_ALLOWLIST_MULTIADDR, sizeof(entry_peer),
		     entry_peer);
	req_do(&q, r);
}

/* Room for RUN_CAP and the checks after: the harness's default is 30 s. */
FIXTURE(race) {};
FIXTURE_SETUP(race) {}
FIXTURE_TEARDOWN(race) {}

TEST_F_TIMEOUT(race, everything_at_once, RUN_CAP + 60)
{
	const char *env = getenv("RCMGR_RACE_SECONDS");
	int seconds = env ? atoi(env) : 10;
	int64_t saved[6], sys[8], handles, scopes;
	pid_t pids[NR_WORKERS];
	unsigned int seed = time(NULL);
	time_t start = time(NULL);
	struct raw_nl r;
	int i, kills = 0, st;

	TH_LOG("seed %u, %d s", seed, seconds);
	tally = mmap(NULL, sizeof(*tally), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, tally);
	ASSERT_EQ(0, raw_open(&r));
	for (i = 0; i < 6; i++)
		saved[i] = req_config(&r, bounds[i]);
	for (i = 0; i < 8; i++)
		sys[i] = req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, resources[i]);
	handles = req_config(&r, RCMGR_A_CONFIG_HANDLES);
	scopes = req_config(&r, RCMGR_A_CONFIG_SCOPES);

	for (i = 0; i < NR_WORKERS; i++) {
		pids[i] = spawn(i % 2, seed + i);
		ASSERT_LT(0, pids[i]);
	}
	/* Kill one at random now and then; a new one takes its place. */
	while (!run_done(start, seconds)) {
		usleep(300000 + rand_r(&seed) % 700000);
		i = rand_r(&seed) % NR_WORKERS;
		/* Never kill(0) or kill(-1): that would be us. */
		if (pids[i] <= 0)
			continue;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
		kills++;
		pids[i] = spawn(i % 2, seed + 100 + kills);
	}
	atomic_store(&tally->stop, 1);
	for (i = 0; i < NR_WORKERS; i++) {
		if (pids[i] <= 0)
			continue;
		if (rand_r(&seed) % 2)
			kill(pids[i], SIGKILL);
		ASSERT_EQ(pids[i], waitpid(pids[i], &st, 0));
		/* Only our SIGKILL may end a worker other than its exit. */
		if (WIFEXITED(st)) {
			EXPECT_EQ(0, WEXITSTATUS(st));
		} else {
			EXPECT_EQ(SIGKILL, WTERMSIG(st));
		}
	}
	TH_LOG("%d workers killed on the way; %llu requests, %llu handles made",
	       kills, (unsigned long long)atomic_load(&tally->sent),
	       (unsigned long long)atomic_load(&tally->made));
	/* The run exercised the module, not only its error paths. */
	EXPECT_LE(MIN_SENT, atomic_load(&tally->sent));
	EXPECT_LE(MIN_MADE, atomic_load(&tally->made));

	/* Every worker is gone: so is everything they held. */
	for (i = 0; i < 8; i++)
		EXPECT_EQ(sys[i], req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
					    resources[i]));
	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, req_usage(&r, RCMGR_SCOPE_KIND_TRANSIENT, NULL,
				       resources[i]));
	for (i = 0; i < 8; i++) {
		EXPECT_EQ(0, req_usage(&r, RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM,
				       NULL, resources[i]));
		EXPECT_EQ(0, req_usage(&r, RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT,
				       NULL, resources[i]));
	}
	EXPECT_EQ(handles, req_config(&r, RCMGR_A_CONFIG_HANDLES));
	EXPECT_EQ(scopes, req_config(&r, RCMGR_A_CONFIG_SCOPES));
	/* No conn-limit counter is left, under whichever rule it was made. */
	EXPECT_EQ(0, leftover_counters(&r));
	EXPECT_EQ(0, req_limit_reset(&r));
	allowlist_clear(&r);
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0, req_config_set(&r, bounds[i], saved[i]));
	raw_close(&r);
}

/*
 * A dead socket's teardown under the readers that may still reach its
 * handles: a holder of trees of spans on its own conns and streams (its
 * conns bound to sockets that die just before it, so reapers may hold
 * them), and of streams alone, is SIGKILLed while an admin dumps every
 * scope (spans' parents, conns' bindings, under RCU alone), reaps, reads
 * the counts, and listens to the events.  A tree's last span is let go by
 * the teardown, its parents by their child's put; a lone stream by the
 * teardown.
 */
#define TD_ROUNDS	8
#define TD_TREES	20
#define TD_DEPTH	9	/* spans on each root */
#define TD_LONE		100	/* 300 handles a holder */

static void count_span(const struct nlmsghdr *m, void *arg)
{
	if (raw_u64(m, RCMGR_A_SCOPE_KIND) == RCMGR_SCOPE_KIND_SPAN)
		++*(int64_t *)arg;
}

/* Dump every scope; the spans seen, or -errno. */
static int64_t dump_spans(struct raw_nl *r)
{
	int64_t spans = 0;
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	q.nlh->nlmsg_flags |= NLM_F_DUMP;
	ret = raw_dump(r, q.nlh, count_span, &spans);
	return ret ?: spans;
}

/*
 * Open the trees, say so, and wait to die.  The bound sockets are opened
 * first: their lower descriptors are closed first when the holder dies, so
 * reapers may find them dead, and hold their conns, during the teardown.
 */
static int td_holder(int ready)
{
	int udp[TD_TREES / 2], i, d;
	int64_t id, root;
	struct raw_nl r;
	struct req q;

	for (i = 0; i < TD_TREES / 2; i++)
		udp[i] = socket(AF_INET, SOCK_DGRAM, 0);
	if (raw_open(&r))
		return 1;
	for (i = 0; i < TD_TREES; i++) {
		if (i % 2) {
			root = req_stream(&r, peers[i % 6]);
			if (root <= 0)
				return 2;
			req_new(&q, &r, RCMGR_CMD_STREAM_SET_PROTOCOL);
			mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, root);
			mnl_attr_put_strz(q.nlh, RCMGR_A_SCOPE_PROTOCOL, protos[i % 3]);
			if (req_do(&q, &r))
				return 3;
		} else {
			root = req_conn(&r, udp[i / 2]);
			if (root <= 0)
				return 4;
		}
		for (d = 0, id = root; d < TD_DEPTH; d++) {
			id = req_span(&r, id);
			if (id <= 0 || req_mem(&r, id, 1000))
				return 5;
		}
	}
	for (i = 0; i < TD_LONE; i++) {
		id = req_stream(&r, peers[i % 6]);
		if (id <= 0 || req_mem(&r, id, 1000))
			return 6;
	}
	if (write(ready, "r", 1) != 1)
		return 7;
	for (;;)
		pause();
}

/* Dump, reap, count and stat until told to stop: 0, or what failed. */
static int td_reader(atomic_int *stop)
{
	struct raw_nl r, ev;
	int dumps = 0;

	if (raw_open(&r) || raw_open(&ev) || raw_join_events(&ev))
		return 1;
	while (!atomic_load(stop)) {
		if (dump_spans(&r) < 0)
			return 2;
		if (req_config(&r, RCMGR_A_CONFIG_HANDLES) < 0 ||
		    req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
			      RCMGR_A_RESOURCES_MEMORY) < 0)
			return 3;
		dumps++;
	}
	return dumps ? 0 : 4;
}

TEST_F_TIMEOUT(race, teardown_under_readers, 240)
{
	int64_t handles, scopes, mem, conns, streams, fds;
	atomic_int *stop;
	struct raw_nl r;
	pid_t reader, h;
	int i, st, p[2];
	char c;

	stop = mmap(NULL, sizeof(*stop), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, stop);
	ASSERT_EQ(0, raw_open(&r));
	handles = req_config(&r, RCMGR_A_CONFIG_HANDLES);
	scopes = req_config(&r, RCMGR_A_CONFIG_SCOPES);
	mem = req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, RCMGR_A_RESOURCES_MEMORY);
	conns = req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, RCMGR_A_RESOURCES_CONNS);
	streams = req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, RCMGR_A_RESOURCES_STREAMS);
	fds = req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, RCMGR_A_RESOURCES_FD);

	reader = fork();
	ASSERT_LE(0, reader);
	if (!reader)
		_exit(td_reader(stop));
	for (i = 0; i < TD_ROUNDS; i++) {
		ASSERT_EQ(0, pipe(p));
		h = fork();
		ASSERT_LE(0, h);
		if (!h) {
			close(p[0]);
			_exit(td_holder(p[1]));
		}
		close(p[1]);
		ASSERT_EQ(1, read(p[0], &c, 1)) {
			waitpid(h, &st, 0);
			TH_LOG("holder: exit %d", WEXITSTATUS(st));
		}
		close(p[0]);
		/* Whole, and visible to dumps; killed under the reader's. */
		EXPECT_LE(TD_TREES * TD_DEPTH, dump_spans(&r));
		kill(h, SIGKILL);
		ASSERT_EQ(h, waitpid(h, &st, 0));
		EXPECT_TRUE(WIFSIGNALED(st));
		/* Its close ran its teardown: the counts are back already. */
		EXPECT_EQ(handles, req_config(&r, RCMGR_A_CONFIG_HANDLES));
	}
	atomic_store(stop, 1);
	ASSERT_EQ(reader, waitpid(reader, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));

	EXPECT_EQ(handles, req_config(&r, RCMGR_A_CONFIG_HANDLES));
	EXPECT_EQ(scopes, req_config(&r, RCMGR_A_CONFIG_SCOPES));
	EXPECT_EQ(mem, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
				 RCMGR_A_RESOURCES_MEMORY));
	EXPECT_EQ(conns, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
				   RCMGR_A_RESOURCES_CONNS));
	EXPECT_EQ(streams, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
				     RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(fds, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
				 RCMGR_A_RESOURCES_FD));
	raw_close(&r);
}

/*
 * Named scopes going idle and coming back while the idle list is kept at
 * its cap (each new idle scope frees the oldest at once), the sweep runs,
 * dumps walk them and per-name limits come and go over them (an idle scope
 * keeps its limits pointer: a limit freed under it would be read when it
 * comes back).  Nothing may splat, and at the end nothing is held and no
 * scope is counted.
 */
struct idle_run {
	atomic_int stop;
	atomic_long revived, evicted, dumps, relimits;
};

static int proto_req(struct raw_nl *r, int cmd, const char *proto, int64_t size)
{
	struct req q;

	req_new(&q, r, cmd);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PROTOCOL);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PROTOCOL, strlen(proto), proto);
	if (cmd == RCMGR_CMD_SCOPE_GET)
		return req_do(&q, r);
	return req_mem_do(&q, r, size);
}

/* A few hot names, reserved on and released: idle, back, idle... */
static void *idle_hot(void *arg)
{
	struct idle_run *run = arg;
	char name[16];
	struct raw_nl r;
	long i;

	if (raw_open(&r))
		return (void *)1;
	for (i = 0; !atomic_load(&run->stop); i++) {
		snprintf(name, sizeof(name), "/hot/%ld", i % 4);
		if (proto_req(&r, RCMGR_CMD_SCOPE_RESERVE, name, 1) ||
		    proto_req(&r, RCMGR_CMD_SCOPE_RELEASE, name, -1)) {
			raw_close(&r);
			return (void *)1;
		}
		atomic_fetch_add(&run->revived, 1);
	}
	raw_close(&r);
	return NULL;
}

/* Ever new names, each made and left idle: the oldest idle one goes. */
static void *idle_cold(void *arg)
{
	struct idle_run *run = arg;
	char name[32];
	struct raw_nl r;
	long i;

	if (raw_open(&r))
		return (void *)1;
	for (i = 0; !atomic_load(&run->stop); i++) {
		snprintf(name, sizeof(name), "/cold/%ld", i);
		if (proto_req(&r, RCMGR_CMD_SCOPE_GET, name, 0)) {
			raw_close(&r);
			return (void *)1;
		}
		atomic_fetch_add(&run->evicted, 1);
	}
	raw_close(&r);
	return NULL;
}

static void *idle_dumper(void *arg)
{
	struct idle_run *run = arg;
	static char buf[32768];
	struct nlmsghdr *nlh;
	struct raw_nl r;
	int n, done;

	if (raw_open(&r))
		return (void *)1;
	while (!atomic_load(&run->stop)) {
		nlh = raw_start(&r, buf, r.family, RCMGR_CMD_SCOPE_GET);
		nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
		if (mnl_socket_sendto(r.nl, nlh, nlh->nlmsg_len) < 0)
			break;
		for (done = 0; !done;) {
			n = mnl_socket_recvfrom(r.nl, buf, sizeof(buf));
			if (n <= 0)
				goto out;
			for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, n);
			     nlh = mnl_nlmsg_next(nlh, &n))
				if (nlh->nlmsg_type == NLMSG_DONE ||
				    nlh->nlmsg_type == NLMSG_ERROR)
					done = 1;
		}
		atomic_fetch_add(&run->dumps, 1);
	}
out:
	raw_close(&r);
	return NULL;
}

/* A hot name's own limit, set and deleted: every named scope relimited. */
static void *idle_relimit(void *arg)
{
	struct idle_run *run = arg;
	struct raw_nl r;
	struct req q;

	if (raw_open(&r))
		return (void *)1;
	while (!atomic_load(&run->stop)) {
		if (req_limit(&r, RCMGR_CLASS_PROTOCOL, "/hot/1",
			      RCMGR_A_RESOURCES_MEMORY, 1 << 20))
			break;
		req_new(&q, &r, RCMGR_CMD_LIMIT_DEL);
		mnl_attr_put_u32(q.nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PROTOCOL);
		mnl_attr_put(q.nlh, RCMGR_A_LIMIT_NAME, 6, "/hot/1");
		if (req_do(&q, &r))
			break;
		atomic_fetch_add(&run->relimits, 1);
	}
	raw_close(&r);
	return NULL;
}

TEST_F_TIMEOUT(race, idle_scopes_at_the_cap, 240)
{
	void *(*fn[])(void *) = {
		idle_hot, idle_hot, idle_cold, idle_dumper, idle_relimit,
	};
	pthread_t t[ARRAY_SIZE(fn)];
	struct idle_run run = {};
	time_t start;
	struct raw_nl r;
	void *ret;
	int i;

	if (geteuid())
		SKIP(return, "needs root (limits)");
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	for (i = 0; i < (int)ARRAY_SIZE(fn); i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fn[i], &run));
	/* Three sweeps at least, and enough of each op on a slow kernel. */
	start = time(NULL);
	while (time(NULL) - start < 4 ||
	       ((atomic_load(&run.evicted) < 2048 ||
		 atomic_load(&run.revived) < 500) &&
		time(NULL) - start < 180))
		usleep(100000);
	atomic_store(&run.stop, 1);
	for (i = 0; i < (int)ARRAY_SIZE(fn); i++) {
		ASSERT_EQ(0, pthread_join(t[i], &ret));
		EXPECT_EQ(NULL, ret) TH_LOG("thread %d failed", i);
	}
	TH_LOG("%ld revived, %ld made idle, %ld dumps, %ld relimits",
	       atomic_load(&run.revived), atomic_load(&run.evicted),
	       atomic_load(&run.dumps), atomic_load(&run.relimits));
	EXPECT_LE(2048, atomic_load(&run.evicted));
	ASSERT_EQ(0, raw_open(&r));
	EXPECT_EQ(0, req_config(&r, RCMGR_A_CONFIG_SCOPES));
	EXPECT_EQ(0, req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
			       RCMGR_A_RESOURCES_MEMORY));
	raw_close(&r);
	/* The namespace goes with the sweep pending and 1024 idle scopes. */
}

TEST_HARNESS_MAIN
