// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz the rcmgr family.  Requests of every op are built valid first, from
 * the ids the kernel answered, guessed ids and real sockets, so that they
 * reach deep; half of them are then mutated: unknown commands and
 * attributes, wrong lengths and types, garbage nests, huge, negative and
 * zero values, dump flags on do-only ops, lying lengths, truncated headers,
 * several messages in one sendmsg.  Several threads send over several
 * sockets at once and never wait for an answer: a reader per socket drains
 * it.  Root fuzzes (admin ops included) while a child does the same as
 * uid 65534.  Sockets are closed and reopened between rounds, with their
 * handles, reservations and bindings live.
 *
 * At the end, every socket closed: nothing is left in the namespace (no
 * usage in system or transient, no handle, no named scope, nothing counted
 * against either user).  The kernel checkers (KASAN, lockdep, kmemleak) and
 * panic_on_warn do the rest.
 *
 * RCMGR_FUZZ_SEED replays a seed (printed; threads make a replay close,
 * not exact); RCMGR_FUZZ_SECONDS and RCMGR_FUZZ_ITERS (requests per thread)
 * bound the run.  The defaults fit CI, and are smaller on a debug kernel.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "rcmgr_net.h"
#include "rcmgr_test.h"

#define NSOCK		3	/* netlink sockets per process, per round */
#define NWORKER		4	/* sending threads per process */
#define ROUNDS		3	/* sockets closed and reopened in between */
#define NFD		16	/* file descriptors offered to conn-open/bind */
#define NIDS		256	/* ids remembered from answers */
#define MAXATTR		16
#define MAXDATA		300
#define MAXMSG		(GENL_HDRLEN + NLMSG_HDRLEN + MAXATTR * (NLA_HDRLEN + MAXDATA))
#define NOBODY		65534

/* xorshift64*: fast, and the same on every libc. */
struct rng {
	uint64_t s;
};

static uint64_t rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545F4914F6CDD1DULL;
}

static uint32_t below(struct rng *r, uint32_t n)
{
	return n ? rnd(r) % n : 0;
}

static bool one_in(struct rng *r, uint32_t n)
{
	return below(r, n) == 0;
}

static void rng_init(struct rng *r, uint64_t seed, unsigned int stream)
{
	r->s = (seed + 1) * 0x9E3779B97F4A7C15ULL + stream * 0xD1B54A32D192ED03ULL;
	if (!r->s)
		r->s = 1;
	rnd(r);
}

/* One process's fuzzing state, shared by its threads. */
static struct {
	uint64_t seed;
	uint16_t family;
	int events;			/* multicast group id, or -1 */
	long iters;			/* per worker and round */
	uint64_t deadline;		/* of the round, CLOCK_MONOTONIC ns */
	int stop;
	int socks[NSOCK];
	int fds[NFD];
	int listener;
	pthread_mutex_t fd_lock;	/* protects fds[] changes */
	uint64_t ids[NSOCK][3][NIDS];	/* by socket and POOL_* */
	unsigned int nids[NSOCK][3];	/* ever seen */
	uint64_t max_id;
	/* Acks of valid requests per command, and of mutated ones. */
	unsigned long ok[RCMGR_CMD_MAX + 1], err[RCMGR_CMD_MAX + 1];
	unsigned long mut_ok, mut_err, sent, send_err, overrun;
} fz = { .fd_lock = PTHREAD_MUTEX_INITIALIZER };

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void count(unsigned long *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/*
 * Ids: those the kernel answered, by socket and kind (so that a
 * set-protocol mostly goes to a stream of the socket that opened it), the
 * next ones, and nonsense.
 */
enum { POOL_CONN, POOL_STREAM, POOL_ANY, NPOOL };

/* The socket this thread sends on or reads from: its ids. */
static __thread int cur_sock;

static void id_seen(int pool, uint64_t id)
{
	unsigned int *nids = &fz.nids[cur_sock][pool];
	unsigned int i = __atomic_fetch_add(nids, 1, __ATOMIC_RELAXED);
	uint64_t max = __atomic_load_n(&fz.max_id, __ATOMIC_RELAXED);

	__atomic_store_n(&fz.ids[cur_sock][pool][i % NIDS], id, __ATOMIC_RELAXED);
	while (id > max && id < (1ULL << 40) &&
	       !__atomic_compare_exchange_n(&fz.max_id, &max, id, false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static const uint64_t edge[] = {
	0, 1, 2, 3, 7, 8, 100, 255, 256, 4095, 4096, 65535, 65536, 1ULL << 20,
	(1ULL << 31) - 1, 1ULL << 31, 1ULL << 32, (1ULL << 63) - 1, 1ULL << 63,
	(1ULL << 63) + 1, ~0ULL - 1, ~0ULL,
};

static uint64_t edgy(struct rng *r)
{
	if (one_in(r, 4))
		return rnd(r);
	return edge[below(r, ARRAY_SIZE(edge))];
}

static uint64_t pick_id(struct rng *r, int pool)
{
	uint64_t max = __atomic_load_n(&fz.max_id, __ATOMIC_RELAXED);
	int sock = cur_sock;
	unsigned int n;

	switch (below(r, 10)) {
	case 0:
		return edgy(r);
	case 1:
		return max + 1 + below(r, 4);	/* the ids about to be given */
	case 2:
		return below(r, max + 2);
	case 3:		/* another socket's, or another kind */
		sock = below(r, NSOCK);
		pool = below(r, NPOOL);
		break;
	}
	n = __atomic_load_n(&fz.nids[sock][pool], __ATOMIC_RELAXED);
	if (!n)
		return max + 1;
	return __atomic_load_n(&fz.ids[sock][pool][below(r, n < NIDS ? n : NIDS)],
			       __ATOMIC_RELAXED);
}

/* File descriptors: sockets of every kind, and things that are not. */

static struct sockaddr_in lo_addr(int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};

	return a;
}

/* A connected TCP pair on loopback; either end may be -1. */
static void tcp_pair(int *cli, int *srv)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);

	*cli = socket(AF_INET, SOCK_STREAM, 0);
	*srv = -1;
	if (fz.listener < 0 || getsockname(fz.listener, (void *)&a, &len) ||
	    connect(*cli, (void *)&a, len))
		return;
	*srv = accept(fz.listener, NULL, NULL);
}

/* (Re)make slot @i of the fd table; the caller holds fd_lock. */
static void make_fd(int i)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(9),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a = lo_addr(9);
	int p[2];

	if (fz.fds[i] >= 0)
		close(fz.fds[i]);
	switch (i) {
	case 0:
	case 10:
		fz.fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		break;
	case 1:
	case 11:
		fz.fds[i] = socket(AF_INET, SOCK_DGRAM, 0);
		connect(fz.fds[i], (void *)&a, sizeof(a));
		break;
	case 2:
		fz.fds[i] = socket(AF_INET6, SOCK_DGRAM, 0);
		connect(fz.fds[i], (void *)&a6, sizeof(a6));
		break;
	case 3:
	case 12:
		fz.fds[i] = socket(AF_INET6, SOCK_STREAM, 0);
		break;
	case 4:
		fz.fds[i] = dup(fz.listener);	/* listening: refused */
		break;
	case 5:
	case 13:
		if (fz.fds[i + 1] >= 0)
			close(fz.fds[i + 1]);
		tcp_pair(&fz.fds[i], &fz.fds[i + 1]);
		break;
	case 6:
	case 14:
		fz.fds[i] = -1;			/* made with its pair */
		make_fd(i - 1);
		return;
	case 7:
		fz.fds[i] = socket(AF_UNIX, SOCK_DGRAM, 0);
		break;
	case 8:
		fz.fds[i] = pipe(p) ? -1 : p[0];
		if (fz.fds[i] >= 0)
			close(p[1]);
		break;
	case 9:
		fz.fds[i] = open("/dev/null", O_RDONLY);
		break;
	default:
		fz.fds[i] = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
		break;
	}
}

static void fds_open(void)
{
	struct sockaddr_in a = lo_addr(0);
	int i;

	fz.listener = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(fz.listener, (void *)&a, sizeof(a)) || listen(fz.listener, 64)) {
		close(fz.listener);
		fz.listener = -1;
	}
	for (i = 0; i < NFD; i++)
		fz.fds[i] = -1;
	for (i = 0; i < NFD; i++)
		if (fz.fds[i] < 0)
			make_fd(i);
}

static void fds_close(void)
{
	int i;

	for (i = 0; i < NFD; i++)
		if (fz.fds[i] >= 0)
			close(fz.fds[i]);
	if (fz.listener >= 0)
		close(fz.listener);
}

/* Close a socket, bound or not, and make a new one in its place. */
static void churn_fd(struct rng *r)
{
	static const int churn[] = { 0, 1, 2, 3, 5, 10, 11, 12, 13 };

	pthread_mutex_lock(&fz.fd_lock);
	make_fd(churn[below(r, ARRAY_SIZE(churn))]);
	pthread_mutex_unlock(&fz.fd_lock);
}

static int32_t pick_fd(struct rng *r)
{
	switch (below(r, 10)) {
	case 0:
		return below(r, 64);
	case 1:
		return (int32_t)edgy(r);
	default:
		return __atomic_load_n(&fz.fds[below(r, NFD)], __ATOMIC_RELAXED);
	}
}

/* A request as a list of attributes, mutated before it is laid out. */
#define SEQ_MUTATED	0x100	/* in nlmsg_seq, above the command */

struct attr {
	uint16_t type;
	uint16_t len;
	int lie;			/* nla_len to write instead, if >= 0 */
	uint8_t data[MAXDATA];
};

struct req {
	uint16_t type, flags;
	uint8_t cmd, version;
	int n;
	bool mutated;
	int flips;			/* random bit flips after layout */
	bool badlen;			/* a wrong nlmsg_len */
	struct attr a[MAXATTR];
};

static struct attr *add(struct req *q, uint16_t type, const void *p, int len)
{
	struct attr *a = &q->a[q->n < MAXATTR ? q->n++ : MAXATTR - 1];

	if (len > MAXDATA)
		len = MAXDATA;
	a->type = type;
	a->len = len;
	a->lie = -1;
	if (p)
		memcpy(a->data, p, len);
	return a;
}

static void add_u64(struct req *q, uint16_t type, uint64_t v)
{
	add(q, type, &v, sizeof(v));
}

static void add_u32(struct req *q, uint16_t type, uint32_t v)
{
	add(q, type, &v, sizeof(v));
}

static void add_u8(struct req *q, uint16_t type, uint8_t v)
{
	add(q, type, &v, sizeof(v));
}

static void random_bytes(struct rng *r, uint8_t *p, int len)
{
	while (len--)
		*p++ = rnd(r);
}

/* Append an attribute to a nest being built in @a's data. */
static void nest_put(struct attr *a, uint16_t type, const void *p, int len)
{
	struct nlattr *na = (struct nlattr *)(a->data + a->len);

	if (a->len + NLA_HDRLEN + NLA_ALIGN(len) > MAXDATA)
		return;
	na->nla_type = type;
	na->nla_len = NLA_HDRLEN + len;
	memcpy(na + 1, p, len);
	memset((uint8_t *)(na + 1) + len, 0, NLA_ALIGN(len) - len);
	a->len += NLA_HDRLEN + NLA_ALIGN(len);
}

/* Nested garbage: random attributes, some of them nests again. */
static void add_garbage_nest(struct req *q, struct rng *r, uint16_t type)
{
	struct attr *a = add(q, type, NULL, 0);
	uint8_t junk[64];
	int i, n = below(r, 10);

	for (i = 0; i < n; i++) {
		int len = one_in(r, 3) ? 8 : below(r, sizeof(junk));
		uint16_t t = below(r, 3) ? below(r, 16) : rnd(r);

		random_bytes(r, junk, len);
		if (one_in(r, 4)) {
			/* A nest in the nest, with a lying length now and then. */
			struct nlattr *in = (struct nlattr *)junk;

			len = 4 + 12;
			in->nla_type = below(r, 12) | NLA_F_NESTED;
			in->nla_len = one_in(r, 3) ? rnd(r) : len;
			t |= NLA_F_NESTED;
		}
		nest_put(a, t, junk, len);
	}
}

/* Names: a few real ones that collide, and nonsense of every length. */
static const char *const peers[] = {
	"12D3KooWFuzzPeerAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "12D3KooWFuzzB", "QmFuzz", "p",
};
static const char *const protocols[] = {
	"/ipfs/id/1.0.0", "/meshsub/1.1.0", "/ipfs/kad/1.0.0", "x",
};
static const char *const services[] = { "identify", "pubsub", "dht", "s" };

/* Binary multiaddrs: allowlist entries and endpoints, valid or not. */
struct fz_maddr {
	uint8_t len;
	uint8_t b[48];
};

#define P2P	0xa5, 0x03, 34, 0x12, 32, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, \
		13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, \
		29, 30, 31, 32
static const struct fz_maddr entries[] = {
	{ 5, { 4, 127, 0, 0, 1 } },				/* /ip4/127.0.0.1 */
	{ 7, { 4, 127, 0, 0, 0, 43, 8 } },			/* /ipcidr/8 */
	{ 42, { 4, 127, 0, 0, 1, P2P } },			/* /p2p/Qm... */
	{ 44, { 4, 10, 0, 0, 0, 43, 8, P2P } },
	{ 17, { 41, [16] = 1 } },				/* /ip6/::1 */
	{ 19, { 41, [17] = 43, [18] = 0 } },			/* /ip6/::/ipcidr/0 */
	{ 7, { 4, 127, 0, 0, 1, 43, 33 } },			/* bad cidr */
	{ 3, { 0xa5, 0x03, 0 } },				/* bare /p2p */
};
static const struct fz_maddr endpoints[] = {
	{ 8, { 4, 127, 0, 0, 1, 6, 0x0f, 0xa1 } },		/* tcp/4001 */
	{ 8, { 4, 10, 1, 2, 3, 6, 0, 1 } },
	{ 23, { 41, [16] = 1, [17] = 0x91, 0x02, 0, 1, 0xcd, 0x03 } },
	{ 45, { 4, 127, 0, 0, 1, 6, 0, 1, P2P } },
	{ 2, { 4, 127 } },					/* truncated */
};

static void add_name(struct req *q, struct rng *r, uint16_t type,
		     const char *const *set)
{
	struct attr *a;

	if (!one_in(r, 8)) {
		const char *s = set[below(r, 4)];

		add(q, type, s, strlen(s));
		return;
	}
	/* Empty, oversized, with NULs: anything up to MAXDATA bytes. */
	a = add(q, type, NULL, 0);
	a->len = one_in(r, 4) ? 0 : below(r, MAXDATA + 1);
	random_bytes(r, a->data, a->len);
}

static uint32_t pick_dir(struct rng *r)
{
	return below(r, 16) ? 1 + below(r, 2) : (uint32_t)edgy(r);
}

/* Kinds: mostly the ones reached by name, then the others and nonsense. */
static uint32_t pick_kind(struct rng *r)
{
	if (below(r, 8))
		return 1 + below(r, RCMGR_SCOPE_KIND_PEER);
	return below(r, 2) ? 1 + below(r, RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT) :
			     (uint32_t)edgy(r);
}

static uint32_t pick_class(struct rng *r)
{
	return below(r, 16) ? 1 + below(r, RCMGR_CLASS_ALLOWLISTED_TRANSIENT) :
			      (uint32_t)edgy(r);
}

static int64_t pick_size(struct rng *r)
{
	switch (below(r, 8)) {
	case 0:
		return edgy(r);
	case 1:
		return -(int64_t)below(r, 4096);
	default:
		return 1 + below(r, 65536);
	}
}

/* A scope: a handle by id, or a shared one by kind and names. */
static void add_target(struct req *q, struct rng *r)
{
	uint32_t kind;

	if (one_in(r, 2)) {
		add_u64(q, RCMGR_A_SCOPE_ID, pick_id(r, below(r, NPOOL)));
		return;
	}
	kind = pick_kind(r);
	add_u32(q, RCMGR_A_SCOPE_KIND, kind);
	if (kind == RCMGR_SCOPE_KIND_PEER || one_in(r, 16))
		add_name(q, r, RCMGR_A_SCOPE_PEER, peers);
	if (kind == RCMGR_SCOPE_KIND_PROTOCOL || one_in(r, 16))
		add_name(q, r, RCMGR_A_SCOPE_PROTOCOL, protocols);
	if (kind == RCMGR_SCOPE_KIND_SERVICE || one_in(r, 16))
		add_name(q, r, RCMGR_A_SCOPE_SERVICE, services);
}

static uint64_t pick_limit(struct rng *r)
{
	switch (below(r, 6)) {
	case 0:
		return edgy(r);
	case 1:
		return below(r, 16);
	default:
		return below(r, 2) ? INT64_MAX : 1000 + below(r, 1 << 30);
	}
}

static void add_values(struct req *q, struct rng *r, uint16_t type)
{
	struct attr *a = add(q, type | NLA_F_NESTED, NULL, 0);
	int i;

	for (i = RCMGR_A_RESOURCES_MEMORY; i <= RCMGR_A_RESOURCES_FD; i++) {
		uint64_t v = pick_limit(r);

		if (one_in(r, 2))
			nest_put(a, i, &v, sizeof(v));
	}
}

static uint32_t pick_bound(struct rng *r)
{
	switch (below(r, 8)) {
	case 0:
		return edgy(r);
	case 1:
		return 1 + below(r, 8);
	default:
		return 1000 + below(r, 300000);
	}
}

enum op {
	OP_GET, OP_DUMP, OP_CONN, OP_BIND, OP_PEER, OP_STREAM, OP_PROTOCOL,
	OP_SERVICE, OP_SPAN, OP_RESERVE, OP_RELEASE, OP_DONE, OP_LIMIT_GET,
	OP_LIMIT_DUMP, OP_LIMIT_SET, OP_LIMIT_RESET, OP_LIMIT_DEL, OP_CONFIG_GET,
	OP_CONFIG_SET, OP_CTRL, OP_NETLIMIT_GET, OP_NETLIMIT_SET,
	OP_NETLIMIT_RESET, OP_VERIFY, OP_AL_ADD, OP_AL_DEL, OP_AL_DUMP,
};

/* How often each op is built, out of the sum: the handle ops first. */
static const uint8_t weight[] = {
	[OP_GET] = 6, [OP_DUMP] = 3, [OP_CONN] = 10, [OP_BIND] = 6,
	[OP_PEER] = 6, [OP_STREAM] = 10, [OP_PROTOCOL] = 6, [OP_SERVICE] = 5,
	[OP_SPAN] = 8, [OP_RESERVE] = 8, [OP_RELEASE] = 6, [OP_DONE] = 8,
	[OP_LIMIT_GET] = 2, [OP_LIMIT_DUMP] = 1, [OP_LIMIT_SET] = 2,
	[OP_LIMIT_RESET] = 1, [OP_LIMIT_DEL] = 2, [OP_CONFIG_GET] = 2,
	[OP_CONFIG_SET] = 1, [OP_CTRL] = 1, [OP_NETLIMIT_GET] = 1,
	[OP_NETLIMIT_SET] = 2, [OP_NETLIMIT_RESET] = 1, [OP_VERIFY] = 2,
	[OP_AL_ADD] = 2, [OP_AL_DEL] = 2, [OP_AL_DUMP] = 1,
};

/*
 * An endpoint-bin: mostly well formed (so the tables are reached), from a
 * few addresses (so they fill), else a well formed prefix and garbage.
 */
static void add_endpoint_bin(struct req *q, struct rng *r)
{
	static const uint8_t tcp[] = { 6, 0x0f, 0xa1 };
	static const uint8_t quic[] = { 0x91, 0x02, 0x01, 0xbb, 0xcd, 0x03 };
	uint8_t b[64];
	int n = 0;

	if (one_in(r, 2)) {
		b[n++] = 4;
		b[n++] = 10;
		b[n++] = 0;
		b[n++] = below(r, 2);
		b[n++] = below(r, 4);
	} else {
		b[n++] = 41;
		memset(b + n, 0, 16);
		b[n] = 0x20;
		b[n + 1] = 0x01;
		b[n + 6] = below(r, 3);
		b[n + 15] = below(r, 4);
		n += 16;
	}
	if (one_in(r, 2)) {
		memcpy(b + n, tcp, sizeof(tcp));
		n += sizeof(tcp);
	} else if (one_in(r, 2)) {
		memcpy(b + n, quic, sizeof(quic));
		n += sizeof(quic);
	}
	if (one_in(r, 4)) {
		int k = 1 + below(r, 8);

		random_bytes(r, b + n, k);
		n += k;
	}
	add(q, RCMGR_A_SCOPE_ENDPOINT_BIN, b, n);
}

static void add_netrule(struct req *q, struct rng *r, uint32_t table)
{
	struct attr *a = add(q, RCMGR_A_NETLIMIT_RULE | NLA_F_NESTED, NULL, 0);
	uint16_t fam = (uint16_t[]){ 2, 10, 0, 1 }[below(r, 4)];
	uint8_t plen = below(r, 2) ? below(r, 129) : (uint8_t[]){ 32, 56, 48, 0 }[below(r, 4)];
	uint8_t net[16] = {};
	uint64_t v;

	nest_put(a, RCMGR_A_NETRULE_FAMILY, &fam, sizeof(fam));
	nest_put(a, RCMGR_A_NETRULE_PREFIX_LEN, &plen, sizeof(plen));
	if (one_in(r, 3)) {
		net[0] = 10;
		net[1] = below(r, 2) ? 0 : rnd(r);
		nest_put(a, RCMGR_A_NETRULE_NETWORK, net, fam == 10 ? 16 : 4);
	}
	v = below(r, 4) ? below(r, 20) : pick_limit(r);
	if (table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT || one_in(r, 8))
		nest_put(a, RCMGR_A_NETRULE_CONNS, &v, sizeof(v));
	if (table != RCMGR_NETLIMIT_TABLE_CONN_LIMIT || one_in(r, 8)) {
		nest_put(a, RCMGR_A_NETRULE_RATE, &v, sizeof(v));
		v = below(r, 20);
		nest_put(a, RCMGR_A_NETRULE_BURST, &v, sizeof(v));
	}
}

static enum op pick_op(struct rng *r)
{
	unsigned int i, sum = 0, x;

	for (i = 0; i < ARRAY_SIZE(weight); i++)
		sum += weight[i];
	x = below(r, sum);
	for (i = 0; x >= weight[i]; i++)
		x -= weight[i];
	return i;
}

/* A valid request of a random op (as far as the fuzzer knows). */
static void build(struct req *q, struct rng *r)
{
	enum op op = pick_op(r);
	int i;

	memset(q, 0, offsetof(struct req, a));
	q->type = fz.family;
	q->flags = NLM_F_REQUEST | (below(r, 4) ? NLM_F_ACK : 0);
	q->version = 1;
	switch (op) {
	case OP_GET:
		q->cmd = RCMGR_CMD_SCOPE_GET;
		add_target(q, r);
		break;
	case OP_DUMP:
		q->cmd = RCMGR_CMD_SCOPE_GET;
		q->flags |= NLM_F_DUMP;
		if (one_in(r, 2))
			add_u32(q, RCMGR_A_SCOPE_KIND, pick_kind(r));
		break;
	case OP_CONN:
		q->cmd = RCMGR_CMD_CONN_OPEN;
		add_u32(q, RCMGR_A_SCOPE_DIR, pick_dir(r));
		if (below(r, 4))
			add(q, RCMGR_A_SCOPE_USEFD, NULL, 0);
		if (one_in(r, 2))
			add(q, RCMGR_A_SCOPE_ENDPOINT, "/ip4/127.0.0.1/tcp/4001",
			    sizeof("/ip4/127.0.0.1/tcp/4001"));
		if (one_in(r, 2))
			add_endpoint_bin(q, r);
		if (one_in(r, 3))
			add_u32(q, RCMGR_A_SCOPE_FD, pick_fd(r));
		if (one_in(r, 4)) {
			i = below(r, ARRAY_SIZE(endpoints));
			add(q, RCMGR_A_SCOPE_ENDPOINT_BIN, endpoints[i].b,
			    endpoints[i].len);
		}
		break;
	case OP_BIND:
		q->cmd = RCMGR_CMD_CONN_BIND_FD;
		add_u64(q, RCMGR_A_SCOPE_ID, pick_id(r, POOL_CONN));
		add_u32(q, RCMGR_A_SCOPE_FD, pick_fd(r));
		break;
	case OP_PEER:
		q->cmd = RCMGR_CMD_CONN_SET_PEER;
		add_u64(q, RCMGR_A_SCOPE_ID, pick_id(r, POOL_CONN));
		add_name(q, r, RCMGR_A_SCOPE_PEER, peers);
		break;
	case OP_STREAM:
		q->cmd = RCMGR_CMD_STREAM_OPEN;
		add_name(q, r, RCMGR_A_SCOPE_PEER, peers);
		add_u32(q, RCMGR_A_SCOPE_DIR, pick_dir(r));
		break;
	case OP_PROTOCOL:
		q->cmd = RCMGR_CMD_STREAM_SET_PROTOCOL;
		add_u64(q, RCMGR_A_SCOPE_ID, pick_id(r, POOL_STREAM));
		add_name(q, r, RCMGR_A_SCOPE_PROTOCOL, protocols);
		break;
	case OP_SERVICE:
		q->cmd = RCMGR_CMD_STREAM_SET_SERVICE;
		add_u64(q, RCMGR_A_SCOPE_ID, pick_id(r, POOL_STREAM));
		add_name(q, r, RCMGR_A_SCOPE_SERVICE, services);
		break;
	case OP_SPAN:
		q->cmd = RCMGR_CMD_SPAN_BEGIN;
		add_target(q, r);
		break;
	case OP_RESERVE:
		q->cmd = RCMGR_CMD_SCOPE_RESERVE;
		add_target(q, r);
		add_u64(q, RCMGR_A_SCOPE_SIZE, pick_size(r));
		add_u8(q, RCMGR_A_SCOPE_PRIO,
		       below(r, 2) ? 255 : (uint8_t[]){ 0, 101, 152, 203 }[below(r, 4)]);
		break;
	case OP_RELEASE:
		q->cmd = RCMGR_CMD_SCOPE_RELEASE;
		add_target(q, r);
		add_u64(q, RCMGR_A_SCOPE_SIZE, pick_size(r));
		break;
	case OP_DONE:
		q->cmd = RCMGR_CMD_SCOPE_DONE;
		add_u64(q, RCMGR_A_SCOPE_ID, pick_id(r, below(r, NPOOL)));
		break;
	case OP_LIMIT_GET:
	case OP_LIMIT_SET:
	case OP_LIMIT_DEL:
		q->cmd = op == OP_LIMIT_GET ? RCMGR_CMD_LIMIT_GET :
			 op == OP_LIMIT_SET ? RCMGR_CMD_LIMIT_SET : RCMGR_CMD_LIMIT_DEL;
		i = pick_class(r);
		add_u32(q, RCMGR_A_LIMIT_CLASS, i);
		if (op == OP_LIMIT_DEL || one_in(r, 2))
			add_name(q, r, RCMGR_A_LIMIT_NAME,
				 i == RCMGR_CLASS_PEER ? peers :
				 i == RCMGR_CLASS_SERVICE ? services : protocols);
		if (op == OP_LIMIT_SET)
			add_values(q, r, RCMGR_A_LIMIT_VALUES);
		break;
	case OP_LIMIT_DUMP:
		q->cmd = RCMGR_CMD_LIMIT_GET;
		q->flags |= NLM_F_DUMP;
		break;
	case OP_LIMIT_RESET:
		q->cmd = RCMGR_CMD_LIMIT_RESET;
		break;
	case OP_CONFIG_GET:
		q->cmd = RCMGR_CMD_CONFIG_GET;
		break;
	case OP_CONFIG_SET:
		q->cmd = RCMGR_CMD_CONFIG_SET;
		for (i = RCMGR_A_CONFIG_MAX_HANDLES; i <= RCMGR_A_CONFIG_MAX_USER_BINDS; i++) {
			if (i == RCMGR_A_CONFIG_HANDLES || i == RCMGR_A_CONFIG_SCOPES)
				continue;
			if (one_in(r, 3))
				add_u32(q, i, pick_bound(r));
		}
		if (one_in(r, 4))
			add_u32(q, RCMGR_A_CONFIG_MAX_TRACKED, pick_bound(r));
		if (one_in(r, 3))
			add_u32(q, RCMGR_A_CONFIG_MAX_ALLOWLIST, pick_bound(r));
		break;
	case OP_NETLIMIT_GET:
	case OP_NETLIMIT_RESET:
		q->cmd = op == OP_NETLIMIT_GET ? RCMGR_CMD_NETLIMIT_GET :
			 RCMGR_CMD_NETLIMIT_RESET;
		if (op == OP_NETLIMIT_GET || one_in(r, 2))
			add_u32(q, RCMGR_A_NETLIMIT_TABLE, 1 + below(r, 3));
		break;
	case OP_NETLIMIT_SET:
		q->cmd = RCMGR_CMD_NETLIMIT_SET;
		i = 1 + below(r, 3);
		add_u32(q, RCMGR_A_NETLIMIT_TABLE, i);
		for (int k = below(r, 5); k; k--)
			add_netrule(q, r, i);
		break;
	case OP_VERIFY:
		q->cmd = RCMGR_CMD_VERIFY_SOURCE_ADDRESS;
		add_endpoint_bin(q, r);
		break;
	case OP_AL_ADD:
	case OP_AL_DEL:
		q->cmd = op == OP_AL_ADD ? RCMGR_CMD_ALLOWLIST_ADD :
			 RCMGR_CMD_ALLOWLIST_DEL;
		i = below(r, ARRAY_SIZE(entries));
		add(q, RCMGR_A_ALLOWLIST_MULTIADDR, entries[i].b, entries[i].len);
		break;
	case OP_AL_DUMP:
		q->cmd = RCMGR_CMD_ALLOWLIST_GET;
		q->flags |= NLM_F_DUMP;
		break;
	case OP_CTRL:
		/* The controller, asked about us: its answers must not move. */
		q->type = GENL_ID_CTRL;
		q->cmd = CTRL_CMD_GETFAMILY;
		add(q, CTRL_ATTR_FAMILY_NAME, RCMGR_FAMILY_NAME, sizeof(RCMGR_FAMILY_NAME));
		break;
	}
}

static void mutate(struct req *q, struct rng *r)
{
	int k = 1 + below(r, 3);
	struct attr *a;

	q->mutated = true;
	while (k--) {
		a = q->n ? &q->a[below(r, q->n)] : NULL;
		switch (below(r, 15)) {
		case 0:		/* drop one */
			if (a)
				*a = q->a[--q->n];
			break;
		case 1:		/* twice the same */
			if (a && q->n < MAXATTR)
				q->a[q->n++] = *a;
			break;
		case 2:		/* another type, maybe with flag bits */
			if (a)
				a->type = below(r, 2) ? below(r, 40) :
					  (below(r, 40) | (rnd(r) & 0xc000));
			break;
		case 3:		/* wrong length: short, long or empty */
			if (a)
				a->len = below(r, 2) ? below(r, 17) :
					 (a->len + below(r, 9)) % (MAXDATA + 1);
			break;
		case 4:		/* a length that lies about the data */
			if (a)
				a->lie = below(r, 2) ? below(r, 4) : rnd(r) & 0xffff;
			break;
		case 5:		/* random contents */
			if (a)
				random_bytes(r, a->data, a->len);
			break;
		case 6:		/* huge, negative, zero */
			if (a && a->len == 8) {
				uint64_t v = edgy(r);

				memcpy(a->data, &v, 8);
			} else if (a && a->len == 4) {
				uint32_t v = edgy(r);

				memcpy(a->data, &v, 4);
			} else if (a && a->len) {
				a->data[0] = rnd(r);
			}
			break;
		case 7:		/* an attribute type nobody knows */
			a = add(q, below(r, 2) ? RCMGR_A_SCOPE_MAX + 1 + below(r, 8) :
				   (below(r, 2) ? 0 : rnd(r) & 0x3fff), NULL, 0);
			a->len = below(r, 24);
			random_bytes(r, a->data, a->len);
			break;
		case 8:		/* nested garbage, where nests are and are not */
			add_garbage_nest(q, r, (uint16_t[]){
				RCMGR_A_SCOPE_USAGE, RCMGR_A_SCOPE_LIMIT,
				RCMGR_A_SCOPE_REFUSAL, RCMGR_A_SCOPE_BLOCKED,
				RCMGR_A_LIMIT_VALUES, RCMGR_A_SCOPE_ID,
				RCMGR_A_SCOPE_PEER, (uint16_t)rnd(r),
			}[below(r, 8)] | (one_in(r, 2) ? NLA_F_NESTED : 0));
			break;
		case 9:		/* another command: unknown, or another op's */
			q->cmd = below(r, 2) ? below(r, RCMGR_CMD_MAX + 3) : rnd(r);
			break;
		case 10:
			q->version = rnd(r);
			break;
		case 11:	/* dump a do-only op; drop the ack; any flag */
			switch (below(r, 3)) {
			case 0:
				q->flags |= NLM_F_DUMP;
				break;
			case 1:
				q->flags &= ~NLM_F_ACK;
				break;
			default:
				q->flags ^= 1 << below(r, 16);
			}
			break;
		case 12:	/* control messages and the controller */
			q->type = (uint16_t[]){ NLMSG_NOOP, NLMSG_ERROR, NLMSG_DONE,
						NLMSG_OVERRUN, 0, NLMSG_MIN_TYPE - 1,
						GENL_ID_CTRL }[below(r, 7)];
			break;
		case 13:
			q->flips += 1 + below(r, 4);
			break;
		case 14:
			q->badlen = true;
			break;
		}
	}
}

/* Lay @q out in @buf; return the bytes it takes. */
static int layout(const struct req *q, char *buf, struct rng *r)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct genlmsghdr *g = (struct genlmsghdr *)(nlh + 1);
	int i, len = NLMSG_HDRLEN + GENL_HDRLEN;

	nlh->nlmsg_type = q->type;
	nlh->nlmsg_flags = q->flags;
	nlh->nlmsg_seq = (rnd(r) << 9) | (q->mutated ? SEQ_MUTATED : 0) | q->cmd;
	nlh->nlmsg_pid = 0;
	g->cmd = q->cmd;
	g->version = q->version;
	g->reserved = 0;
	for (i = 0; i < q->n; i++) {
		const struct attr *a = &q->a[i];
		struct nlattr *na = (struct nlattr *)(buf + len);

		na->nla_type = a->type;
		na->nla_len = a->lie >= 0 ? a->lie : NLA_HDRLEN + a->len;
		memcpy(na + 1, a->data, a->len);
		memset((char *)(na + 1) + a->len, 0, NLA_ALIGN(a->len) - a->len);
		len += NLA_HDRLEN + NLA_ALIGN(a->len);
	}
	nlh->nlmsg_len = len;
	for (i = 0; i < q->flips; i++)
		buf[NLMSG_HDRLEN + below(r, len - NLMSG_HDRLEN)] ^= 1 << below(r, 8);
	if (q->badlen)
		nlh->nlmsg_len = below(r, 2) ? below(r, len + 64) :
				 (uint32_t)edgy(r);
	return len;
}

/*
 * Drain a socket: count the answers, remember the ids.  A request's seq
 * carries its command and whether it was mutated, since acks of success
 * echo only the header.
 */
static void account(const char *buf, int n)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	const struct genlmsghdr *g;
	const struct nlattr *a;
	uint64_t id;
	int pool;

	for (; mnl_nlmsg_ok(nlh, n); nlh = mnl_nlmsg_next(nlh, &n)) {
		if (nlh->nlmsg_type == NLMSG_ERROR &&
		    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct nlmsgerr))) {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
			unsigned int cmd = e->msg.nlmsg_seq & 0xff;

			if (e->msg.nlmsg_seq & SEQ_MUTATED)
				count(e->error ? &fz.mut_err : &fz.mut_ok);
			else if (e->msg.nlmsg_type == fz.family && cmd <= RCMGR_CMD_MAX)
				count(e->error ? &fz.err[cmd] : &fz.ok[cmd]);
			continue;
		}
		if (nlh->nlmsg_type != fz.family ||
		    nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
			continue;
		g = mnl_nlmsg_get_payload(nlh);
		pool = g->cmd == RCMGR_CMD_CONN_OPEN ? POOL_CONN :
		       g->cmd == RCMGR_CMD_STREAM_OPEN ? POOL_STREAM : POOL_ANY;
		id = 0;
		mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
			if (mnl_attr_get_payload_len(a) == 4 &&
			    mnl_attr_get_type(a) == RCMGR_A_SCOPE_KIND &&
			    g->cmd == RCMGR_CMD_SCOPE_GET)
				pool = mnl_attr_get_u32(a) == RCMGR_SCOPE_KIND_CONN ? POOL_CONN :
				       mnl_attr_get_u32(a) == RCMGR_SCOPE_KIND_STREAM ?
				       POOL_STREAM : POOL_ANY;
			if (mnl_attr_get_payload_len(a) != 8)
				continue;
			if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_ID)
				id = mnl_attr_get_u64(a);
			if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_PARENT)
				id_seen(POOL_ANY, mnl_attr_get_u64(a));
		}
		if (id)
			id_seen(pool, id);
	}
}

static void *reader(void *arg)
{
	static __thread char buf[65536];
	int fd = fz.socks[(long)arg];
	int n;

	cur_sock = (long)arg;
	while (!__atomic_load_n(&fz.stop, __ATOMIC_RELAXED)) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n > 0)
			account(buf, n);
		else if (n < 0 && errno == ENOBUFS)
			count(&fz.overrun);
	}
	return NULL;
}

static void *worker(void *arg)
{
	static __thread char buf[4 * MAXMSG];
	static __thread struct req q;
	struct rng r;
	long i;

	rng_init(&r, fz.seed, (long)arg);
	for (i = 0; i < fz.iters; i++) {
		int len = 0, k, nmsg;

		if (__atomic_load_n(&fz.stop, __ATOMIC_RELAXED) ||
		    (!(i & 15) && now_ns() > fz.deadline))
			break;
		if (one_in(&r, 64)) {
			churn_fd(&r);
			continue;
		}
		cur_sock = below(&r, NSOCK);
		nmsg = one_in(&r, 8) ? 2 + below(&r, 3) : 1;
		for (k = 0; k < nmsg; k++) {
			build(&q, &r);
			if (one_in(&r, 2))
				mutate(&q, &r);
			len += layout(&q, buf + len, &r);
		}
		if (one_in(&r, 64))
			len = below(&r, len);	/* cut anywhere, headers too */
		if (send(fz.socks[cur_sock], buf, len, 0) < 0)
			count(&fz.send_err);
		else
			count(&fz.sent);
	}
	return NULL;
}

static int sock_open(struct raw_nl *raw, int i)
{
	struct timeval tv = { .tv_usec = 100000 };
	int fd, zero = 0, big = 1 << 20;

	if (raw_open(raw))
		return -1;
	fd = mnl_socket_get_fd(raw->nl);
	/* Uncapped acks echo the request: more of the error path. */
	if (i != 0)
		setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &zero, sizeof(zero));
	/* And one socket without extended acks or strict checks. */
	if (i == 2) {
		setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &zero, sizeof(zero));
		setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &zero, sizeof(zero));
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* Events too, where allowed (CAP_NET_ADMIN): the reaper's path. */
	if (i == 1 && fz.events >= 0)
		setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &fz.events,
			   sizeof(fz.events));
	return fd;
}

/*
 * Fuzz from this process for @secs seconds or @iters requests per thread,
 * in ROUNDS rounds.  Return: 0, or -1 if a socket or thread failed to start.
 */
static int fuzz(uint64_t seed, unsigned int who, double secs, long iters)
{
	struct raw_nl raw[NSOCK];
	pthread_t rd[NSOCK], wk[NWORKER];
	uint64_t start = now_ns();
	int round, i;

	fz.seed = seed;
	fz.iters = iters / ROUNDS;
	fds_open();
	for (round = 0; round < ROUNDS; round++) {
		fz.deadline = start + secs * 1e9 * (round + 1) / ROUNDS;
		fz.stop = 0;
		for (i = 0; i < NSOCK; i++) {
			fz.socks[i] = sock_open(&raw[i], i);
			if (fz.socks[i] < 0)
				return -1;
			fz.family = raw[i].family;
		}
		for (i = 0; i < NSOCK; i++)
			if (pthread_create(&rd[i], NULL, reader, (void *)(long)i))
				return -1;
		for (i = 0; i < NWORKER; i++)
			if (pthread_create(&wk[i], NULL, worker,
					   (void *)(long)(who * 1000 + round * 16 + i)))
				return -1;
		for (i = 0; i < NWORKER; i++)
			pthread_join(wk[i], NULL);
		__atomic_store_n(&fz.stop, 1, __ATOMIC_RELAXED);
		for (i = 0; i < NSOCK; i++)
			pthread_join(rd[i], NULL);
		/* Whatever they held goes with them. */
		for (i = 0; i < NSOCK; i++)
			raw_close(&raw[i]);
	}
	fds_close();
	return 0;
}

/* A request without attributes, or with one u32; its answer. */
static int simple(struct raw_nl *r, int cmd, int attr, uint32_t v,
		  struct raw_ans *ans)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = raw_start(r, buf, r->family, cmd);

	if (attr)
		mnl_attr_put_u32(nlh, attr, v);
	if (raw_talk(r, nlh, ans))
		return -errno;
	return ans->error;
}

static const char *const res_name[] = {
	[RCMGR_A_RESOURCES_MEMORY] = "memory",
	[RCMGR_A_RESOURCES_STREAMS_INBOUND] = "streams-inbound",
	[RCMGR_A_RESOURCES_STREAMS_OUTBOUND] = "streams-outbound",
	[RCMGR_A_RESOURCES_STREAMS] = "streams",
	[RCMGR_A_RESOURCES_CONNS_INBOUND] = "conns-inbound",
	[RCMGR_A_RESOURCES_CONNS_OUTBOUND] = "conns-outbound",
	[RCMGR_A_RESOURCES_CONNS] = "conns",
	[RCMGR_A_RESOURCES_FD] = "fd",
};

static const char *const cmd_name[RCMGR_CMD_MAX + 1] = {
	[0] = "(other)",
	[RCMGR_CMD_SCOPE_GET] = "scope-get",
	[RCMGR_CMD_CONN_OPEN] = "conn-open",
	[RCMGR_CMD_CONN_BIND_FD] = "conn-bind-fd",
	[RCMGR_CMD_CONN_SET_PEER] = "conn-set-peer",
	[RCMGR_CMD_STREAM_OPEN] = "stream-open",
	[RCMGR_CMD_STREAM_SET_PROTOCOL] = "stream-set-protocol",
	[RCMGR_CMD_STREAM_SET_SERVICE] = "stream-set-service",
	[RCMGR_CMD_SPAN_BEGIN] = "span-begin",
	[RCMGR_CMD_SCOPE_RESERVE] = "scope-reserve",
	[RCMGR_CMD_SCOPE_RELEASE] = "scope-release",
	[RCMGR_CMD_SCOPE_DONE] = "scope-done",
	[RCMGR_CMD_LIMIT_GET] = "limit-get",
	[RCMGR_CMD_LIMIT_SET] = "limit-set",
	[RCMGR_CMD_LIMIT_RESET] = "limit-reset",
	[RCMGR_CMD_CONFIG_GET] = "config-get",
	[RCMGR_CMD_CONFIG_SET] = "config-set",
	[RCMGR_CMD_SCOPE_CLOSED_NTF] = "scope-closed-ntf",
	[RCMGR_CMD_LIMIT_DEL] = "limit-del",
	[RCMGR_CMD_REFUSAL_NTF] = "refusal-ntf",
	[RCMGR_CMD_STATS_GET] = "stats-get",
	[RCMGR_CMD_ALLOWLIST_ADD] = "allowlist-add",
	[RCMGR_CMD_ALLOWLIST_DEL] = "allowlist-del",
	[RCMGR_CMD_ALLOWLIST_GET] = "allowlist-get",
	[RCMGR_CMD_NETLIMIT_GET] = "netlimit-get",
	[RCMGR_CMD_NETLIMIT_SET] = "netlimit-set",
	[RCMGR_CMD_NETLIMIT_RESET] = "netlimit-reset",
	[RCMGR_CMD_VERIFY_SOURCE_ADDRESS] = "verify-source-address",
};

/*
 * What the caller's user holds: 0 if nothing (scopes too if @scopes), or
 * the first count that is not 0.
 */
static int user_clean(struct raw_nl *r, uint32_t *cfg, bool scopes)
{
	struct raw_ans ans;
	int ret = simple(r, RCMGR_CMD_CONFIG_GET, 0, 0, &ans);

	if (ret)
		return ret;
	raw_reply_u32s(&ans, cfg, RCMGR_A_CONFIG_MAX);
	if (cfg[RCMGR_A_CONFIG_USER_HANDLES])
		return RCMGR_A_CONFIG_USER_HANDLES;
	if (scopes && cfg[RCMGR_A_CONFIG_USER_SCOPES])
		return RCMGR_A_CONFIG_USER_SCOPES;
	if (cfg[RCMGR_A_CONFIG_USER_BINDS])
		return RCMGR_A_CONFIG_USER_BINDS;
	return 0;
}

static void become_nobody(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		_exit(10);
}

/* Exit 0 if nobody's user holds nothing (@scopes: not even scopes). */
static void __attribute__((noreturn)) nobody_clean(bool scopes)
{
	uint32_t cfg[RCMGR_A_CONFIG_MAX + 1];
	struct raw_nl raw;
	int ret;

	if (raw_open(&raw))
		_exit(12);
	ret = user_clean(&raw, cfg, scopes);
	if (ret)
		fprintf(stderr, "# uid %d left: handles %u scopes %u binds %u\n", NOBODY,
			cfg[RCMGR_A_CONFIG_USER_HANDLES], cfg[RCMGR_A_CONFIG_USER_SCOPES],
			cfg[RCMGR_A_CONFIG_USER_BINDS]);
	raw_close(&raw);
	_exit(ret ? 13 : 0);
}

/* The unprivileged side: nobody, in the same namespace, at the same time. */
static void __attribute__((noreturn)) nobody(uint64_t seed, double secs, long iters)
{
	unsigned long ok = 0, err = 0;
	int i;

	become_nobody();
	if (fuzz(seed, 1, secs, iters))
		_exit(11);
	for (i = 0; i <= RCMGR_CMD_MAX; i++) {
		ok += fz.ok[i];
		err += fz.err[i];
	}
	fprintf(stderr, "# uid %d: %lu requests sent, %lu acked, %lu refused\n",
		NOBODY, fz.sent, ok + fz.mut_ok, err + fz.mut_err);
	/*
	 * Its sockets are closed: it holds no handle and no binding.  Scopes
	 * it made may live on while root's streams use them, and count
	 * against it until they go: checked once root is done too.
	 */
	nobody_clean(false);
}

static double env_num(const char *name, double dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtod(s, NULL) : dflt;
}

FIXTURE(fuzz) {
	struct raw_nl raw;
	uint32_t cfg[RCMGR_A_CONFIG_MAX + 1];	/* the bounds to restore */
};

FIXTURE_SETUP(fuzz)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	net_lo_up();
	ASSERT_EQ(0, raw_open(&self->raw));
	nlh = raw_start(&self->raw, buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, RCMGR_FAMILY_NAME);
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	ASSERT_EQ(0, ans.error);
	fz.events = raw_mcast_group((struct nlmsghdr *)ans.reply, RCMGR_MCGRP_EVENTS);
	ASSERT_EQ(0, simple(&self->raw, RCMGR_CMD_CONFIG_GET, 0, 0, &ans));
	raw_reply_u32s(&ans, self->cfg, RCMGR_A_CONFIG_MAX);
}

FIXTURE_TEARDOWN(fuzz)
{
	raw_close(&self->raw);
}

TEST_F_TIMEOUT(fuzz, everything, 600)
{
	bool debug = !access("/sys/kernel/debug/kmemleak", F_OK);
	double secs = env_num("RCMGR_FUZZ_SECONDS", debug ? 40 : 20);
	long iters = env_num("RCMGR_FUZZ_ITERS", debug ? 30000 : 200000);
	uint64_t seed = time(NULL) ^ ((uint64_t)getpid() << 32);
	int64_t use[RCMGR_A_RESOURCES_FD + 1];
	uint32_t cfg[RCMGR_A_CONFIG_MAX + 1];
	static const uint32_t kinds[] = {
		RCMGR_SCOPE_KIND_SYSTEM, RCMGR_SCOPE_KIND_TRANSIENT,
		RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM,
		RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT,
	};
	static const char *const kind_names[] = {
		"system", "transient", "allowlisted-system",
		"allowlisted-transient",
	};
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;
	unsigned int ids = 0;
	int i, k, status;
	pid_t child;

	if (getenv("RCMGR_FUZZ_SEED"))
		seed = strtoull(getenv("RCMGR_FUZZ_SEED"), NULL, 0);
	TH_LOG("seed %llu (RCMGR_FUZZ_SEED=%llu replays it), %.0f s, %ld requests per thread%s",
	       (unsigned long long)seed, (unsigned long long)seed, secs, iters,
	       debug ? " (debug kernel)" : "");

	child = fork();
	ASSERT_LE(0, child);
	if (!child)
		nobody(seed, secs, iters);
	ASSERT_EQ(0, fuzz(seed, 0, secs, iters));
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("uid %d's side: status %#x", NOBODY, status);

	for (i = 0; i < NSOCK; i++)
		for (k = 0; k < NPOOL; k++)
			ids += fz.nids[i][k];
	TH_LOG("root: %lu sendmsg (%lu refused), %lu overruns, %u ids seen (max %llu); mutated: %lu acked, %lu refused; valid:",
	       fz.sent, fz.send_err, fz.overrun, ids,
	       (unsigned long long)fz.max_id, fz.mut_ok, fz.mut_err);
	for (i = 0; i <= RCMGR_CMD_MAX; i++)
		if (fz.ok[i] || fz.err[i])
			TH_LOG("  %-20s ok %6lu  error %6lu", cmd_name[i] ?: "(other)",
			       fz.ok[i], fz.err[i]);
	/* The fuzzer reached past the parser: the common ops did succeed. */
	EXPECT_NE(0, fz.ok[RCMGR_CMD_CONN_OPEN]);
	EXPECT_NE(0, fz.ok[RCMGR_CMD_STREAM_OPEN]);
	EXPECT_NE(0, fz.ok[RCMGR_CMD_SPAN_BEGIN]);
	EXPECT_NE(0, fz.ok[RCMGR_CMD_SCOPE_RESERVE]);
	EXPECT_NE(0, fz.ok[RCMGR_CMD_SCOPE_DONE]);
	EXPECT_NE(0, fz.ok[RCMGR_CMD_SCOPE_GET]);

	/* Limits and bounds as they were, then nothing may be left. */
	EXPECT_EQ(0, simple(&self->raw, RCMGR_CMD_LIMIT_RESET, 0, 0, &ans));
	nlh = raw_start(&self->raw, buf, self->raw.family, RCMGR_CMD_CONFIG_SET);
	for (i = RCMGR_A_CONFIG_MAX_HANDLES; i <= RCMGR_A_CONFIG_MAX_USER_BINDS; i++)
		if (i != RCMGR_A_CONFIG_HANDLES && i != RCMGR_A_CONFIG_SCOPES)
			mnl_attr_put_u32(nlh, i, self->cfg[i]);
	mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_ALLOWLIST,
			 self->cfg[RCMGR_A_CONFIG_MAX_ALLOWLIST]);
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	EXPECT_EQ(0, ans.error) TH_LOG("config-set: %s", ans.msg);

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		ASSERT_EQ(0, simple(&self->raw, RCMGR_CMD_SCOPE_GET, RCMGR_A_SCOPE_KIND,
				    kinds[k], &ans));
		raw_reply_resources(&ans, RCMGR_A_SCOPE_USAGE, use);
		for (i = RCMGR_A_RESOURCES_MEMORY; i <= RCMGR_A_RESOURCES_FD; i++) {
			EXPECT_EQ(0, use[i]) TH_LOG("%s left in %s", res_name[i],
						    kind_names[k]);
		}
	}
	EXPECT_EQ(0, user_clean(&self->raw, cfg, true)) TH_LOG("root's user left: %u handles, %u scopes, %u binds",
		  cfg[RCMGR_A_CONFIG_USER_HANDLES], cfg[RCMGR_A_CONFIG_USER_SCOPES],
		  cfg[RCMGR_A_CONFIG_USER_BINDS]);
	EXPECT_EQ(0, cfg[RCMGR_A_CONFIG_HANDLES]);
	EXPECT_EQ(0, cfg[RCMGR_A_CONFIG_SCOPES]);
	for (i = RCMGR_A_CONFIG_MAX_HANDLES; i <= RCMGR_A_CONFIG_MAX_USER_BINDS; i++) {
		if (i < RCMGR_A_CONFIG_HANDLES || i > RCMGR_A_CONFIG_SCOPES) {
			EXPECT_EQ(self->cfg[i], cfg[i]) TH_LOG("bound %d not restored", i);
		}
	}
	/* And nothing counts against nobody any more, scopes included. */
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		become_nobody();
		nobody_clean(true);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status))
		TH_LOG("uid %d's counts at the end: status %#x", NOBODY, status);
}

TEST_HARNESS_MAIN
