// SPDX-License-Identifier: GPL-2.0
/*
 * The per-address tables (conn-limit, rate-limit, verify-source) and
 * endpoint multiaddrs, tried as a hostile user would: races at the limit,
 * a clock read out of order, one user's word against another's, overflow,
 * namespace exit, allocation failure.  The comment of each says what it
 * guards against.
 * Each test runs in a fresh network namespace: tables at their defaults.
 */
#include <fcntl.h>
#include <grp.h>
#include <stdbool.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "rcmgr_netlimit.h"

#define NOBODY		65534

/* Open and at once end a conn from @addr: 1 admitted, 0 refused, -errno. */
static int try_from(struct raw_nl *r, const char *addr)
{
	int64_t id = open_from(r, addr, 4001, NULL);

	if (id == -EDQUOT)
		return 0;
	if (id < 0)
		return id;
	return req_done(r, id) ?: 1;
}

FIXTURE(abuse) {
	struct raw_nl r;
};

FIXTURE_SETUP(abuse)
{
	ASSERT_EQ(0, req_tables_netns(&self->r));
}

FIXTURE_TEARDOWN(abuse)
{
	raw_close(&self->r);
}

/*
 * take_tokens() reads the clock before taking the table's mutex, and
 * make_room() refills the least recently used bucket with a later clock
 * under it.  When that bucket is one this conn takes from, its stamp is
 * then after the conn's "now": now - stamp wraps and bucket_refill()
 * fills the bucket whole.  Here: a drained /32 (rate 1 per 1000 s, burst
 * 2) is the only bucket; a limited global rule is added; the next conn
 * from the drained /32 needs a new global bucket, make_room() refills the
 * /32 at t1, take_tokens() refills it at t0 < t1: full again.
 */
static int clock_going_back_once(void)
{
	const struct rule slow[] = { { AF_INET, 32, NULL, 0, 1, 2 } };
	const struct rule slow_global[] = {
		{ AF_INET, 32, NULL, 0, 1, 2 },
		{ 0, 0, NULL, 0, 1000000, 1000 },
	};
	struct raw_nl r;

	if (unshare(CLONE_NEWNET) || raw_open(&r))
		return 10;
	net_lo_up();
	if (req_limit(&r, RCMGR_CLASS_TRANSIENT, NULL, RCMGR_A_RESOURCES_CONNS, 1 << 20) ||
	    req_limit(&r, RCMGR_CLASS_TRANSIENT, NULL, RCMGR_A_RESOURCES_CONNS_INBOUND, 1 << 20) ||
	    netlimit_set(&r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT, slow, 1, NULL))
		return 11;
	if (try_from(&r, "10.7.0.1") != 1 || try_from(&r, "10.7.0.1") != 1 ||
	    try_from(&r, "10.7.0.1") != 0)
		return 12;
	if (netlimit_set(&r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT, slow_global, 2, NULL))
		return 13;
	/* The /32 kept its (empty) bucket: a token in 1000 s. */
	return try_from(&r, "10.7.0.1") ? 1 : 0;
}

/*
 * Each try in a fresh namespace; with a coarse clocksource (the debug VM
 * runs on refined-jiffies) both reads often see the same tick, so it
 * tries up to 40 times; on a fine clock (hpet, tsc) the first try shows it.
 */
TEST_F_TIMEOUT(abuse, rate_bucket_refilled_by_clock_going_back, 300)
{
	int i, status, bad = 0;
	pid_t pid;

	for (i = 0; i < 40 && !bad; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(clock_going_back_once());
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_GT(10, WEXITSTATUS(status)) TH_LOG("setup step %d", WEXITSTATUS(status));
		bad = WEXITSTATUS(status);
	}
	EXPECT_EQ(0, bad) TH_LOG("drained bucket refilled whole at try %d", i);
}

/*
 * The same clock read outside the mutex, raced: a thread whose "now" is
 * older than the stamp another thread just wrote refills the bucket whole.
 * Rate 1 per 1000 s, burst 16: however many threads try, at most 16 (17 if
 * a token dripped in) conns get in.
 */
#define RACERS		4
#define TRIES		150

struct racer {
	pthread_t t;
	const char *addr;
	int admitted;
	int err;
};

static void *race_rate(void *arg)
{
	struct racer *w = arg;
	struct raw_nl r;
	int i, ret;

	if (raw_open(&r)) {
		w->err = -errno;
		return NULL;
	}
	for (i = 0; i < TRIES; i++) {
		ret = try_from(&r, w->addr);
		if (ret < 0) {
			w->err = ret;
			break;
		}
		w->admitted += ret;
	}
	raw_close(&r);
	return NULL;
}

TEST_F_TIMEOUT(abuse, rate_bucket_raced, 300)
{
	const struct rule slow[] = { { AF_INET, 32, NULL, 0, 1, 16 } };
	struct racer w[RACERS] = {};
	int i, total = 0;

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT, slow, 1, NULL));
	for (i = 0; i < RACERS; i++) {
		w[i].addr = "10.7.0.2";
		ASSERT_EQ(0, pthread_create(&w[i].t, NULL, race_rate, &w[i]));
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(w[i].t, NULL);
		EXPECT_EQ(0, w[i].err);
		total += w[i].admitted;
	}
	TH_LOG("admitted %d of %d with burst 16, rate 1/1000 s", total, RACERS * TRIES);
	EXPECT_GE(17, total);
	EXPECT_LE(16, total);
}

/* Conn-limit at the limit, raced on four sockets: exactly 8 get in. */
static void *race_count(void *arg)
{
	struct racer *w = arg;
	struct raw_nl r;
	int64_t id;
	int i;

	if (raw_open(&r)) {
		w->err = -errno;
		return NULL;
	}
	for (i = 0; i < 8; i++) {
		id = open_from(&r, w->addr, 4001 + i, NULL);
		if (id > 0)
			w->admitted++;
		else if (id != -EDQUOT && id != -EAGAIN)
			w->err = id;
	}
	/* Keep them: the socket stays open (closing it ends them). */
	return NULL;
}

TEST_F(abuse, conn_limit_raced_exact)
{
	const struct rule fast[] = { { AF_INET, 32, NULL, 0, UNLIMITED, 0 } };
	struct racer w[RACERS] = {};
	pthread_t t[RACERS];
	int i, total = 0;

	/* Only conn-limit (8 per /32) limits. */
	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_RATE_LIMIT, fast, 1, NULL));
	for (i = 0; i < RACERS; i++) {
		w[i].addr = "10.7.0.9";
		ASSERT_EQ(0, pthread_create(&t[i], NULL, race_count, &w[i]));
	}
	for (i = 0; i < RACERS; i++) {
		pthread_join(t[i], NULL);
		EXPECT_EQ(0, w[i].err);
		total += w[i].admitted;
	}
	EXPECT_EQ(8, total);
}

/*
 * verify-source follows conn-limit with burst conns / 2; the bucket holds
 * burst * 1e12 pico-tokens in a u64.  conns 36893490 (burst 18446745, far
 * below S64_MAX, accepted by the policy) wraps to 0.93 token: every
 * address under that generous rule is asked to verify at once.
 */
TEST_F(abuse, verify_burst_overflows)
{
	const struct rule big[] = { { AF_INET, 32, NULL, 36893490 } };

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, big, 1, NULL));
	EXPECT_EQ(0, verify(&self->r, "192.0.2.1", NULL));
	EXPECT_EQ(0, verify(&self->r, "192.0.2.1", NULL));
}

/*
 * A child, as nobody: runs @fn with its own netlink socket, then tells the
 * parent through @ready and waits (keeping its handles) until @go closes.
 */
static pid_t as_nobody(int (*fn)(struct raw_nl *), int *ready_rd, int *go_wr)
{
	int ready[2], go[2];
	pid_t pid;
	char c;

	if (pipe(ready) || pipe(go))
		return -1;
	pid = fork();
	if (pid)
		goto parent;
	do {
		struct raw_nl r;
		int ret;

		close(ready[0]);
		close(go[1]);
		if (req_become(NOBODY) || raw_open(&r))
			_exit(100);
		ret = fn(&r);
		c = ret;
		if (write(ready[1], &c, 1) != 1)
			_exit(101);
		if (read(go[0], &c, 1) < 0)
			_exit(102);
		_exit(0);
	} while (0);
parent:
	close(ready[1]);
	close(go[0]);
	*ready_rd = ready[0];
	*go_wr = go[1];
	return pid;
}

/* Nobody holds 8 conns "from" 198.51.100.7, declared, no socket. */
static int hold_eight(struct raw_nl *r)
{
	int i;

	for (i = 0; i < 8; i++)
		if (open_from(r, "198.51.100.7", 4001 + i, NULL) <= 0)
			return 1;
	return 0;
}

/*
 * Any local user declares any remote address (endpoint-bin without fd is
 * believed) and so fills that address's conn-limit counter: eight handles
 * of uid 65534 lock every other user's conns from 198.51.100.7 out.
 */
TEST_F(abuse, unpriv_user_locks_out_an_address)
{
	int rd, wr, status;
	pid_t pid;
	char c;

	pid = as_nobody(hold_eight, &rd, &wr);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, read(rd, &c, 1));
	ASSERT_EQ(0, c);
	/* root's daemon, its real peer at that address. */
	EXPECT_LT(0, open_from(&self->r, "198.51.100.7", 5000, NULL));
	close(wr);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
}

/* Nobody takes (and ends at once) 16 conns "from" 198.51.100.8. */
static int drain_rate(struct raw_nl *r)
{
	int i;

	for (i = 0; i < 16; i++)
		if (try_from(r, "198.51.100.8") != 1)
			return 1;
	return 0;
}

/*
 * The same with the rate-limit table, holding nothing: 16 conn-open and
 * done by uid 65534 refuse every other user's conns from the address for
 * the next 5 s (0.2/s), and again whenever repeated.
 */
TEST_F(abuse, unpriv_user_drains_an_address_rate)
{
	int rd, wr, status;
	pid_t pid;
	char c;

	pid = as_nobody(drain_rate, &rd, &wr);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, read(rd, &c, 1));
	ASSERT_EQ(0, c);
	EXPECT_EQ(1, try_from(&self->r, "198.51.100.8"));
	close(wr);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
}

/* Nobody asks verify-source-address about 40 new addresses. */
static int churn_verify(struct raw_nl *r)
{
	char a[32];
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(a, sizeof(a), "10.8.0.%d", i + 1);
		if (verify(r, a, NULL) < 0)
			return 1;
	}
	return 0;
}

/*
 * verify-source-address (any user) makes buckets in the table rate-limit's
 * buckets live in; at max-tracked the least recently used bucket is freed
 * whatever it holds.  So an unprivileged user wipes a drained rate-limit
 * bucket and the address it limited gets a full burst again.  max-tracked
 * is 16 here to keep the test short; at the default 65536 the same takes
 * 65536 requests.
 */
TEST_F(abuse, unpriv_verify_wipes_rate_limit)
{
	int i, rd, wr, status;
	pid_t pid;
	char c;

	ASSERT_EQ(0, req_config_set(&self->r, RCMGR_A_CONFIG_MAX_TRACKED, 16));
	/* The default /32 rule: burst 16. */
	for (i = 0; i < 16; i++)
		ASSERT_EQ(1, try_from(&self->r, "10.7.0.3"));
	ASSERT_EQ(0, try_from(&self->r, "10.7.0.3"));

	pid = as_nobody(churn_verify, &rd, &wr);
	ASSERT_LT(0, pid);
	ASSERT_EQ(1, read(rd, &c, 1));
	ASSERT_EQ(0, c);
	close(wr);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* Still drained: a token every 5 s. */
	EXPECT_EQ(0, try_from(&self->r, "10.7.0.3"));
}

/*
 * An AF_INET6 socket whose peer is IPv4 (::ffff:127.0.0.2) is counted with
 * the AF_INET ones of 127.0.0.2: the per-/32 rule (2) refuses the third.
 */
TEST_F(abuse, v4mapped_socket_counted_as_ipv4)
{
	const struct rule per32[] = { { AF_INET, 32, NULL, 2 } };
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6,
				     .sin6_addr = IN6ADDR_ANY_INIT };
	socklen_t len = sizeof(sin6);
	int l, c[3], s[3], i, zero = 0;
	struct maddr m = {};

	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, per32, 1, NULL));
	l = socket(AF_INET6, SOCK_STREAM, 0);
	ASSERT_EQ(0, setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)));
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&sin6, sizeof(sin6)));
	ASSERT_EQ(0, listen(l, 8));
	ASSERT_EQ(0, getsockname(l, (struct sockaddr *)&sin6, &len));
	for (i = 0; i < 3; i++) {
		struct sockaddr_in src = { .sin_family = AF_INET };
		struct sockaddr_in dst = { .sin_family = AF_INET,
					   .sin_port = sin6.sin6_port };

		c[i] = socket(AF_INET, SOCK_STREAM, 0);
		src.sin_addr.s_addr = htonl(0x7f000002);
		dst.sin_addr.s_addr = htonl(0x7f000001);
		ASSERT_EQ(0, bind(c[i], (struct sockaddr *)&src, sizeof(src)));
		ASSERT_EQ(0, connect(c[i], (struct sockaddr *)&dst, sizeof(dst)));
		s[i] = accept(l, NULL, NULL);
		ASSERT_LE(0, s[i]);
	}
	/* One declared as /ip4 (matching the mapped socket), one bare. */
	do {
		struct sockaddr_in6 peer;
		socklen_t plen = sizeof(peer);

		ASSERT_EQ(0, getpeername(s[0], (struct sockaddr *)&peer, &plen));
		ma_port(ma_ip(&m, "127.0.0.2"), MA_TCP, ntohs(peer.sin6_port));
	} while (0);
	EXPECT_LT(0, open_ep(&self->r, &m, s[0], NULL));
	EXPECT_LT(0, open_ep(&self->r, NULL, s[1], NULL));
	EXPECT_EQ(-EDQUOT, open_ep(&self->r, NULL, s[2], NULL));
	for (i = 0; i < 3; i++) {
		close(s[i]);
		close(c[i]);
	}
	close(l);
}

/*
 * A namespace goes with conns counted (declared and socket-bound),
 * buckets of all three tables, and a conn-limit rule set replaced under
 * them: its exit releases all (KASAN, kmemleak and the final checks of
 * the VM say if not).  Then the module's tables of this namespace are
 * fresh: a new namespace counts from zero.
 */
TEST_F(abuse, netns_exit_with_counted_conns)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		const struct rule per32[] = { { AF_INET, 32, NULL, 4 } };
		struct sockaddr_in sin = { .sin_family = AF_INET };
		socklen_t len = sizeof(sin);
		struct raw_nl r;
		int l, c, s, i;
		char a[32];

		if (unshare(CLONE_NEWNET))
			_exit(1);
		net_lo_up();
		if (raw_open(&r))
			_exit(2);
		for (i = 0; i < 20; i++) {
			snprintf(a, sizeof(a), "10.9.%d.1", i);
			if (open_from(&r, a, 1, NULL) <= 0)
				_exit(3);
			verify(&r, a, NULL);
		}
		if (netlimit_set(&r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, per32, 1, NULL))
			_exit(4);
		l = socket(AF_INET, SOCK_STREAM, 0);
		sin.sin_addr.s_addr = htonl(0x7f000001);
		if (bind(l, (struct sockaddr *)&sin, sizeof(sin)) || listen(l, 8) ||
		    getsockname(l, (struct sockaddr *)&sin, &len))
			_exit(5);
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(c, (struct sockaddr *)&sin, sizeof(sin)))
			_exit(6);
		s = accept(l, NULL, NULL);
		if (s < 0 || open_ep(&r, NULL, s, NULL) <= 0)
			_exit(7);
		/* Exit holding all: the socket's close ends the namespace. */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
}

/* Sum of the conn-limit table's tracked counters. */
static uint64_t conn_tracked(struct raw_nl *r)
{
	const struct nlattr *a, *c;
	uint64_t sum = 0;
	struct req q;

	req_new(&q, r, RCMGR_CMD_NETLIMIT_GET);
	mnl_attr_put_u32(q.nlh, RCMGR_A_NETLIMIT_TABLE, RCMGR_NETLIMIT_TABLE_CONN_LIMIT);
	if (req_do(&q, r))
		return ~0ULL;
	mnl_attr_for_each(a, (struct nlmsghdr *)q.ans.reply, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != RCMGR_A_NETLIMIT_RULE)
			continue;
		mnl_attr_for_each_nested(c, a)
			if (mnl_attr_get_type(c) == RCMGR_A_NETRULE_COUNT)
				sum += mnl_attr_get_u64(c);
	}
	return sum;
}

#define FAILSLAB	"/sys/kernel/debug/failslab/"

static int write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Arm fail-nth for this thread: the @n-th allocation fails. */
static int fail_nth(int n)
{
	char v[16];

	snprintf(v, sizeof(v), "%d", n);
	return write_file("/proc/thread-self/fail-nth", v);
}

/* Whether the armed fault was injected (and disarm). */
static bool fail_fired(void)
{
	int fd = open("/proc/thread-self/fail-nth", O_RDWR), n;
	char v[16] = "";

	n = read(fd, v, sizeof(v) - 1);
	if (n > 0)
		v[n] = '\0';
	if (write(fd, "0", 1) < 0)
		n = -1;
	close(fd);
	return atoi(v) == 0;
}

/*
 * An IPv6 conn is counted in two counters (/56 and /48).  With the nth
 * allocation of conn-open (endpoint-bin) or conn-bind-fd failing, n = 1,
 * 2, ...: whatever failed, once the op's socket is closed nothing is
 * counted (no conn left in one counter of two, no counter leaked).
 */
TEST_F_TIMEOUT(abuse, failslab_two_counters, 600)
{
	const struct rule v6[] = {
		{ AF_INET6, 56, NULL, 8 }, { AF_INET6, 48, NULL, 64 },
	};
	static const char *const knobs[] = {
		"ignore-gfp-wait", "probability", "verbose", "times", "interval", "space",
	};
	static const char *const vals[] = { "N", "0", "0", "-1", "1", "0" };
	struct sockaddr_in6 d = { .sin6_family = AF_INET6, .sin6_port = htons(9),
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	char path[128];
	unsigned int i;
	int op, n, udp, injected;

	if (access(FAILSLAB "probability", W_OK) ||
	    access("/proc/thread-self/fail-nth", W_OK))
		SKIP(return, "no failslab");
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		snprintf(path, sizeof(path), FAILSLAB "%s", knobs[i]);
		ASSERT_EQ(0, write_file(path, vals[i]));
	}
	ASSERT_EQ(0, netlimit_set(&self->r, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, v6, 2, NULL));
	udp = socket(AF_INET6, SOCK_DGRAM, 0);
	ASSERT_EQ(0, connect(udp, (struct sockaddr *)&d, sizeof(d)));
	for (op = 0; op < 2; op++) {
		for (n = 1, injected = 0; n < 300; n++) {
			struct raw_nl r;
			struct maddr m = {};
			struct req q;
			int64_t id = 0;

			ASSERT_EQ(0, raw_open(&r));
			if (op == 1) {
				req_new(&q, &r, RCMGR_CMD_CONN_OPEN);
				mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
				mnl_attr_put(q.nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
				ASSERT_EQ(0, req_do(&q, &r));
				id = raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
				req_new(&q, &r, RCMGR_CMD_CONN_BIND_FD);
				mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_ID, id);
				mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_FD, udp);
			} else {
				ma_port(ma_ip(&m, "2001:db8:0:1::1"), MA_TCP, 4001);
				req_new(&q, &r, RCMGR_CMD_CONN_OPEN);
				mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
				mnl_attr_put(q.nlh, RCMGR_A_SCOPE_ENDPOINT_BIN, m.n, m.b);
			}
			fail_nth(n);
			req_do(&q, &r);
			injected = fail_fired();
			raw_close(&r);
			ASSERT_EQ(0, conn_tracked(&self->r)) TH_LOG("op %d nth %d", op, n);
			if (!injected)
				break;
		}
		EXPECT_FALSE(injected) TH_LOG("op %d never got through", op);
		TH_LOG("op %d: %d allocations", op, n - 1);
	}
	close(udp);
}

TEST_HARNESS_MAIN
