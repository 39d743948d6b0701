// SPDX-License-Identifier: GPL-2.0
/*
 * The scope DAG and every limit check, with exact numbers: what each phase
 * of a conn and a stream charges, check order, memory priorities at their
 * boundaries, moves that fail and retry, spans and zombies, limits changed
 * live, unused scopes freed, and sharing across processes.  Each test runs
 * in a network namespace of its own, so it starts from an empty DAG.
 */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

#include "kselftest_harness.h"
#include "rcmgr_req.h"

#define P1 "12D3KooWPeerOne"
#define P2 "12D3KooWPeerTwo"
#define X "/ipfs/id/1.0.0"
#define Y "/ipfs/ping/1.0.0"
#define SVC "libp2p.identify"

/* What a scope holds, in the order of struct rcmgr_stat. */
struct want {
	int sin, sout, cin, cout, fd;
	int64_t mem;
};

struct find {
	enum rcmgr_kind kind;
	const char *a, *b;	/* protocol or service, then peer */
	struct rcmgr_scope_info info;
	int found;
};

static int find_cb(const struct rcmgr_scope_info *i, void *arg)
{
	struct find *f = arg;
	const char *a = i->protocol ? i->protocol : i->service;

	if (f->a && (!a || strcmp(a, f->a)))
		return 0;
	if (f->b && (!i->peer || strcmp(i->peer, f->b)))
		return 0;
	f->info = *i;
	f->info.peer = f->info.protocol = f->info.service = f->info.endpoint = NULL;
	f->found++;
	return 0;
}

/* Find a scope in a dump without creating it (views would). */
static int find(struct rcmgr *rm, enum rcmgr_kind kind, const char *a,
		const char *b, struct rcmgr_scope_info *out)
{
	struct find f = { .kind = kind, .a = a, .b = b };
	int ret = rcmgr_dump(rm, kind, find_cb, &f);

	if (ret)
		return ret;
	if (out)
		*out = f.info;
	return f.found;
}

static int stat_cb(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_stat(s, arg);
}

static void got(struct __test_metadata *_metadata, const char *what,
		const struct rcmgr_stat *st, struct want w)
{
	EXPECT_EQ(w.sin, st->num_streams_inbound) TH_LOG("%s: streams in", what);
	EXPECT_EQ(w.sout, st->num_streams_outbound) TH_LOG("%s: streams out", what);
	EXPECT_EQ(w.cin, st->num_conns_inbound) TH_LOG("%s: conns in", what);
	EXPECT_EQ(w.cout, st->num_conns_outbound) TH_LOG("%s: conns out", what);
	EXPECT_EQ(w.fd, st->num_fd) TH_LOG("%s: fd", what);
	EXPECT_EQ(w.mem, st->memory) TH_LOG("%s: memory", what);
}

#define SHARED(rm, view, w) do {					\
	struct rcmgr_stat __st;						\
	ASSERT_EQ(0, view(rm, stat_cb, &__st));				\
	got(_metadata, #view, &__st, w);				\
} while (0)

#define NAMED(rm, view, name, w) do {					\
	struct rcmgr_stat __st;						\
	ASSERT_EQ(0, view(rm, name, stat_cb, &__st));			\
	got(_metadata, #view " " name, &__st, w);			\
} while (0)

#define OWN(s, w) do {							\
	struct rcmgr_stat __st;						\
	ASSERT_EQ(0, rcmgr_scope_stat(s, &__st));			\
	got(_metadata, rcmgr_scope_name(s), &__st, w);			\
} while (0)

/* A pair scope (protocol-peer, service-peer), seen through a dump. */
#define PAIR(rm, kind, a, b, w) do {					\
	struct rcmgr_scope_info __i;					\
	struct rcmgr_stat __st;						\
	ASSERT_EQ(1, find(rm, kind, a, b, &__i));			\
	__st.num_streams_inbound = __i.usage.streams_inbound;		\
	__st.num_streams_outbound = __i.usage.streams_outbound;		\
	__st.num_conns_inbound = __i.usage.conns_inbound;		\
	__st.num_conns_outbound = __i.usage.conns_outbound;		\
	__st.num_fd = __i.usage.fd;					\
	__st.memory = __i.usage.memory;					\
	got(_metadata, #kind, &__st, w);				\
} while (0)

static const struct want none;

static struct rcmgr_limit all(int64_t v)
{
	struct rcmgr_limit l = {
		.streams = v, .streams_inbound = v, .streams_outbound = v,
		.conns = v, .conns_inbound = v, .conns_outbound = v,
		.fd = v, .memory = v,
	};
	return l;
}

FIXTURE(core) {
	struct rcmgr *rm;
};

FIXTURE_SETUP(core)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, rcmgr_open(&self->rm)) TH_LOG("is rcmgr.ko loaded?");
}

FIXTURE_TEARDOWN(core)
{
	rcmgr_close(self->rm);
}

TEST_F(core, conn_phases)
{
	struct rcmgr_scope *c;

	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, true,
					   "/ip4/10.0.0.1/tcp/4001", &c));
	OWN(c, ((struct want){ .cin = 1, .fd = 1 }));
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .cin = 1, .fd = 1 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .cin = 1, .fd = 1 }));
	EXPECT_EQ(NULL, rcmgr_conn_peer_scope(c));

	ASSERT_EQ(0, rcmgr_conn_set_peer(c, P1));
	ASSERT_NE(NULL, rcmgr_conn_peer_scope(c));
	EXPECT_STREQ(P1, rcmgr_scope_name(rcmgr_conn_peer_scope(c)));
	SHARED(self->rm, rcmgr_view_transient, none);
	NAMED(self->rm, rcmgr_view_peer, P1, ((struct want){ .cin = 1, .fd = 1 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .cin = 1, .fd = 1 }));

	/* Memory on the conn: conn, peer, system; never transient. */
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(c, 1000, RCMGR_PRIO_ALWAYS));
	OWN(c, ((struct want){ .cin = 1, .fd = 1, .mem = 1000 }));
	NAMED(self->rm, rcmgr_view_peer, P1, ((struct want){ .cin = 1, .fd = 1, .mem = 1000 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .cin = 1, .fd = 1, .mem = 1000 }));
	SHARED(self->rm, rcmgr_view_transient, none);

	/* Without usefd, no fd; outbound counts apart. */
	struct rcmgr_scope *o;

	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, false,
					   NULL, &o));
	SHARED(self->rm, rcmgr_view_system,
	       ((struct want){ .cin = 1, .cout = 1, .fd = 1, .mem = 1000 }));
	rcmgr_scope_done(o);

	rcmgr_scope_done(c);
	SHARED(self->rm, rcmgr_view_system, none);
	SHARED(self->rm, rcmgr_view_transient, none);
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, P1, NULL));
}

TEST_F(core, stream_phases)
{
	struct want one = { .sin = 1 }, mem = { .sin = 1, .mem = 4096 };
	struct rcmgr_scope *s;

	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	OWN(s, one);
	NAMED(self->rm, rcmgr_view_peer, P1, one);
	SHARED(self->rm, rcmgr_view_transient, one);
	SHARED(self->rm, rcmgr_view_system, one);
	EXPECT_EQ(NULL, rcmgr_stream_protocol_scope(s));
	EXPECT_STREQ(P1, rcmgr_scope_name(rcmgr_stream_peer_scope(s)));

	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, X));
	SHARED(self->rm, rcmgr_view_transient, none);
	NAMED(self->rm, rcmgr_view_protocol, X, one);
	PAIR(self->rm, RCMGR_KIND_PROTOCOL_PEER, X, P1, one);
	NAMED(self->rm, rcmgr_view_peer, P1, one);
	SHARED(self->rm, rcmgr_view_system, one);
	EXPECT_STREQ(X, rcmgr_scope_name(rcmgr_stream_protocol_scope(s)));

	ASSERT_EQ(0, rcmgr_stream_set_service(s, SVC));
	NAMED(self->rm, rcmgr_view_service, SVC, one);
	PAIR(self->rm, RCMGR_KIND_SERVICE_PEER, SVC, P1, one);
	SHARED(self->rm, rcmgr_view_system, one);
	EXPECT_STREQ(SVC, rcmgr_scope_name(rcmgr_stream_service_scope(s)));

	/* The reference ledger: memory on every edge, not on transient. */
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(s, 4096, RCMGR_PRIO_ALWAYS));
	OWN(s, mem);
	NAMED(self->rm, rcmgr_view_peer, P1, mem);
	PAIR(self->rm, RCMGR_KIND_PROTOCOL_PEER, X, P1, mem);
	PAIR(self->rm, RCMGR_KIND_SERVICE_PEER, SVC, P1, mem);
	NAMED(self->rm, rcmgr_view_protocol, X, mem);
	NAMED(self->rm, rcmgr_view_service, SVC, mem);
	SHARED(self->rm, rcmgr_view_system, mem);
	SHARED(self->rm, rcmgr_view_transient, none);

	rcmgr_scope_done(s);
	SHARED(self->rm, rcmgr_view_system, none);
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, NULL, NULL));
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PROTOCOL, NULL, NULL, NULL));
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PROTOCOL_PEER, NULL, NULL, NULL));
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_SERVICE_PEER, NULL, NULL, NULL));
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_SERVICE, NULL, NULL, NULL));
}

static void set_limit(struct __test_metadata *_metadata, struct rcmgr *rm,
		      enum rcmgr_limit_class c, const char *name,
		      struct rcmgr_limit l)
{
	ASSERT_EQ(0, rcmgr_limit_set(rm, c, name, &l));
}

/* The refusal this thread got last: which scope, which resource. */
static void refused(struct __test_metadata *_metadata, struct rcmgr *rm,
		    int ret, enum rcmgr_kind kind, enum rcmgr_resource res,
		    int64_t usage, int64_t limit)
{
	const struct rcmgr_error *e = rcmgr_last_error(rm);

	ASSERT_EQ(-EDQUOT, ret);
	EXPECT_EQ(EDQUOT, e->error);
	EXPECT_EQ(kind, e->kind) TH_LOG("%s", e->message);
	EXPECT_EQ(res, e->resource) TH_LOG("%s", e->message);
	EXPECT_EQ(usage, e->usage);
	EXPECT_EQ(limit, e->limit);
	EXPECT_NE(0, e->message[0]);
}

TEST_F(core, stream_check_order)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED);
	struct rcmgr_scope *s;

	/* Inbound before total, inside one scope. */
	l.streams_inbound = 0;
	l.streams = 0;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_STREAMS_INBOUND, 0, 0);
	EXPECT_EQ(RCMGR_DIR_INBOUND, rcmgr_last_error(self->rm)->direction);
	l.streams_inbound = 5;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_STREAMS, 0, 0);
	/* An outbound stream is not held by the inbound limit. */
	l.streams = 5;
	l.streams_inbound = 0;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_OUTBOUND, &s));
	rcmgr_scope_done(s);

	/* Edges in order: the peer refuses before transient and system. */
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, all(0));
	set_limit(_metadata, self->rm, RCMGR_LIMIT_SYSTEM, NULL, all(0));
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PEER, NULL, all(0));
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_OUTBOUND, &s),
		RCMGR_KIND_PEER, RCMGR_RESOURCE_STREAMS_OUTBOUND, 0, 0);
	EXPECT_STREQ(P1, rcmgr_last_error(self->rm)->peer);
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PEER, NULL, all(10));
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_OUTBOUND, &s),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_STREAMS_OUTBOUND, 0, 0);
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, all(10));
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_OUTBOUND, &s),
		RCMGR_KIND_SYSTEM, RCMGR_RESOURCE_STREAMS_OUTBOUND, 0, 0);
	/* Nothing stayed charged anywhere. */
	set_limit(_metadata, self->rm, RCMGR_LIMIT_SYSTEM, NULL, all(10));
	SHARED(self->rm, rcmgr_view_transient, none);
	SHARED(self->rm, rcmgr_view_system, none);
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, NULL, NULL));
}

TEST_F(core, conn_check_order)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED);
	struct rcmgr_scope *c;

	l.conns_outbound = 0;
	l.conns = 0;
	l.fd = 0;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	refused(_metadata, self->rm,
		rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, true, NULL, &c),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_CONNS_OUTBOUND, 0, 0);
	l.conns_outbound = 1;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	refused(_metadata, self->rm,
		rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, true, NULL, &c),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_CONNS, 0, 0);
	l.conns = 1;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	refused(_metadata, self->rm,
		rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, true, NULL, &c),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_FD, 0, 0);
	/* The fd limit is not consulted for a conn without an fd. */
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, false,
					   NULL, &c));
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .cout = 1 }));
	/* Now full: 1/1 conns. */
	l.fd = 5;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	struct rcmgr_scope *d;

	refused(_metadata, self->rm,
		rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, true, NULL, &d),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_CONNS_OUTBOUND, 1, 1);
	rcmgr_scope_done(c);
	SHARED(self->rm, rcmgr_view_system, none);
}

struct mem {
	int64_t size;
	uint8_t prio;
};

static int reserve_cb(struct rcmgr_scope *s, void *arg)
{
	struct mem *m = arg;

	return rcmgr_scope_reserve_memory(s, m->size, m->prio);
}

static int release_cb(struct rcmgr_scope *s, void *arg)
{
	struct mem *m = arg;

	return rcmgr_scope_release_memory(s, m->size);
}

static int sys_reserve(struct rcmgr *rm, int64_t size, uint8_t prio)
{
	struct mem m = { size, prio };

	return rcmgr_view_system(rm, reserve_cb, &m);
}

static int sys_release(struct rcmgr *rm, int64_t size)
{
	struct mem m = { size, 0 };

	return rcmgr_view_system(rm, release_cb, &m);
}

TEST_F(core, memory_priorities)
{
	static const struct { uint8_t prio; int64_t at; } t[] = {
		{ RCMGR_PRIO_LOW, 102000 },	/* 102/256 of 256000 */
		{ RCMGR_PRIO_MEDIUM, 153000 },
		{ RCMGR_PRIO_HIGH, 204000 },
		{ RCMGR_PRIO_ALWAYS, 256000 },
		{ 0, 1000 },
		{ 127, 128000 },
	};
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED);
	unsigned int i;

	l.memory = 256000;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_SYSTEM, NULL, l);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		/* Exactly at the threshold passes; one byte more does not. */
		EXPECT_EQ(0, sys_reserve(self->rm, t[i].at, t[i].prio));
		EXPECT_EQ(0, sys_release(self->rm, t[i].at));
		refused(_metadata, self->rm, sys_reserve(self->rm, t[i].at + 1, t[i].prio),
			RCMGR_KIND_SYSTEM, RCMGR_RESOURCE_MEMORY, 0, 256000);
		EXPECT_EQ(t[i].prio, rcmgr_last_error(self->rm)->priority);
		EXPECT_EQ(t[i].at + 1, rcmgr_last_error(self->rm)->attempted);
	}
	/* With usage: usage + size is what counts. */
	ASSERT_EQ(0, sys_reserve(self->rm, 100000, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(0, sys_reserve(self->rm, 2000, RCMGR_PRIO_LOW));
	refused(_metadata, self->rm, sys_reserve(self->rm, 1, RCMGR_PRIO_LOW),
		RCMGR_KIND_SYSTEM, RCMGR_RESOURCE_MEMORY, 102000, 256000);
	EXPECT_EQ(0, sys_reserve(self->rm, 1, RCMGR_PRIO_MEDIUM));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 102001 }));
	EXPECT_EQ(0, sys_release(self->rm, 102001));

	/* Zero is always allowed; negative never. */
	EXPECT_EQ(0, sys_reserve(self->rm, 0, RCMGR_PRIO_LOW));
	EXPECT_EQ(-ERANGE, sys_reserve(self->rm, -1, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(-ERANGE, sys_release(self->rm, -1));

	/* Unlimited always passes, even huge at low priority. */
	set_limit(_metadata, self->rm, RCMGR_LIMIT_SYSTEM, NULL, all(RCMGR_LIMIT_UNLIMITED));
	EXPECT_EQ(0, sys_reserve(self->rm, INT64_MAX / 2, RCMGR_PRIO_LOW));
	EXPECT_EQ(0, sys_reserve(self->rm, INT64_MAX / 2, RCMGR_PRIO_LOW));
	/* One more would overflow: refused, not wrapped. */
	EXPECT_EQ(-EDQUOT, sys_reserve(self->rm, 2, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(0, sys_release(self->rm, INT64_MAX / 2));
	EXPECT_EQ(0, sys_release(self->rm, INT64_MAX / 2));

	/* Near the top of the range the threshold is computed exactly. */
	l.memory = INT64_MAX - 1;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_SYSTEM, NULL, l);
	EXPECT_EQ(0, sys_reserve(self->rm, INT64_MAX - 1, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(-EDQUOT, sys_reserve(self->rm, 1, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(0, sys_release(self->rm, INT64_MAX - 1));
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, moves_fail_and_retry)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED);
	struct rcmgr_scope *s, *c;

	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	l.streams_inbound = 0;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PROTOCOL, X, l);
	refused(_metadata, self->rm, rcmgr_stream_set_protocol(s, X),
		RCMGR_KIND_PROTOCOL, RCMGR_RESOURCE_STREAMS_INBOUND, 0, 0);
	EXPECT_STREQ(X, rcmgr_last_error(self->rm)->protocol);
	/* Still in transient, no protocol: it may try another. */
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .sin = 1 }));
	EXPECT_EQ(NULL, rcmgr_stream_protocol_scope(s));
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PROTOCOL_PEER, NULL, NULL, NULL));

	/* The protocol-peer pair refuses: the protocol keeps nothing. */
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PROTOCOL_PEER, Y, l);
	refused(_metadata, self->rm, rcmgr_stream_set_protocol(s, Y),
		RCMGR_KIND_PROTOCOL_PEER, RCMGR_RESOURCE_STREAMS_INBOUND, 0, 0);
	EXPECT_STREQ(Y, rcmgr_last_error(self->rm)->protocol);
	EXPECT_STREQ(P1, rcmgr_last_error(self->rm)->peer);
	NAMED(self->rm, rcmgr_view_protocol, Y, none);
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .sin = 1 }));

	/* A service needs a protocol first. */
	EXPECT_EQ(-EINVAL, rcmgr_stream_set_service(s, SVC));

	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, "/third/1.0.0"));
	SHARED(self->rm, rcmgr_view_transient, none);
	EXPECT_EQ(-EALREADY, rcmgr_stream_set_protocol(s, "/third/1.0.0"));

	/* A service that refuses leaves the stream as it was. */
	set_limit(_metadata, self->rm, RCMGR_LIMIT_SERVICE, SVC, l);
	refused(_metadata, self->rm, rcmgr_stream_set_service(s, SVC),
		RCMGR_KIND_SERVICE, RCMGR_RESOURCE_STREAMS_INBOUND, 0, 0);
	EXPECT_EQ(NULL, rcmgr_stream_service_scope(s));
	ASSERT_EQ(0, rcmgr_stream_set_service(s, "other"));
	EXPECT_EQ(-EALREADY, rcmgr_stream_set_service(s, "other"));
	rcmgr_scope_done(s);

	/* A peer that refuses a conn leaves it in transient. */
	l = all(RCMGR_LIMIT_UNLIMITED);
	l.conns_inbound = 0;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PEER, P2, l);
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, true, NULL, &c));
	refused(_metadata, self->rm, rcmgr_conn_set_peer(c, P2),
		RCMGR_KIND_PEER, RCMGR_RESOURCE_CONNS_INBOUND, 0, 0);
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .cin = 1, .fd = 1 }));
	EXPECT_EQ(NULL, rcmgr_conn_peer_scope(c));
	ASSERT_EQ(0, rcmgr_conn_set_peer(c, P1));
	EXPECT_EQ(-EALREADY, rcmgr_conn_set_peer(c, P2));
	SHARED(self->rm, rcmgr_view_transient, none);
	NAMED(self->rm, rcmgr_view_peer, P1, ((struct want){ .cin = 1, .fd = 1 }));
	rcmgr_scope_done(c);
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, spans_nested)
{
	struct rcmgr_scope *s, *a, *b;

	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_OUTBOUND, &s));
	ASSERT_EQ(0, rcmgr_scope_begin_span(s, &a));
	ASSERT_EQ(0, rcmgr_scope_begin_span(a, &b));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(a, 100, RCMGR_PRIO_ALWAYS));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(b, 50, RCMGR_PRIO_ALWAYS));
	OWN(b, ((struct want){ .mem = 50 }));
	OWN(a, ((struct want){ .mem = 150 }));
	OWN(s, ((struct want){ .sout = 1, .mem = 150 }));
	NAMED(self->rm, rcmgr_view_peer, P1, ((struct want){ .sout = 1, .mem = 150 }));
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .sout = 1, .mem = 150 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .sout = 1, .mem = 150 }));

	/* A span checks its own use against its parent's limit (16 MiB). */
	refused(_metadata, self->rm,
		rcmgr_scope_reserve_memory(b, (16 << 20) - 49, RCMGR_PRIO_ALWAYS),
		RCMGR_KIND_SPAN, RCMGR_RESOURCE_MEMORY, 50, 16 << 20);
	/* The stream's own check refuses what the span alone allows. */
	refused(_metadata, self->rm,
		rcmgr_scope_reserve_memory(b, (16 << 20) - 150 + 1, RCMGR_PRIO_ALWAYS),
		RCMGR_KIND_SPAN, RCMGR_RESOURCE_MEMORY, 150, 16 << 20);
	EXPECT_EQ(rcmgr_scope_id(a), rcmgr_last_error(self->rm)->scope_id);

	rcmgr_scope_done(b);
	OWN(a, ((struct want){ .mem = 100 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .sout = 1, .mem = 100 }));
	ASSERT_EQ(0, rcmgr_scope_release_memory(a, 60));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .sout = 1, .mem = 40 }));
	/* More than it holds would take from others: refused. */
	EXPECT_EQ(-EINVAL, rcmgr_scope_release_memory(a, 41));
	rcmgr_scope_done(a);
	rcmgr_scope_done(s);
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, spans_on_shared_scopes)
{
	struct rcmgr_scope *sp;
	int ret;

	ASSERT_EQ(0, rcmgr_view_system(self->rm,
		(rcmgr_view_fn)rcmgr_scope_begin_span, &sp));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(sp, 777, RCMGR_PRIO_ALWAYS));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 777 }));
	rcmgr_scope_done(sp);
	SHARED(self->rm, rcmgr_view_system, none);

	/* A span keeps a peer scope alive; its memory goes with it. */
	ret = rcmgr_view_peer(self->rm, P1, (rcmgr_view_fn)rcmgr_scope_begin_span, &sp);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(sp, 10, RCMGR_PRIO_ALWAYS));
	NAMED(self->rm, rcmgr_view_peer, P1, ((struct want){ .mem = 10 }));
	EXPECT_EQ(1, find(self->rm, RCMGR_KIND_PEER, NULL, P1, NULL));
	rcmgr_scope_done(sp);
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, P1, NULL));
	SHARED(self->rm, rcmgr_view_system, none);

	/*
	 * A shared scope's edge follows from its kind: transient, protocol
	 * and service charge the system after themselves, and nothing else.
	 */
	ASSERT_EQ(0, rcmgr_view_transient(self->rm,
		(rcmgr_view_fn)rcmgr_scope_begin_span, &sp));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(sp, 20, RCMGR_PRIO_ALWAYS));
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .mem = 20 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 20 }));
	rcmgr_scope_done(sp);
	SHARED(self->rm, rcmgr_view_transient, none);
	SHARED(self->rm, rcmgr_view_system, none);

	ret = rcmgr_view_protocol(self->rm, "/p/1",
				  (rcmgr_view_fn)rcmgr_scope_begin_span, &sp);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(sp, 30, RCMGR_PRIO_ALWAYS));
	NAMED(self->rm, rcmgr_view_protocol, "/p/1", ((struct want){ .mem = 30 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 30 }));
	SHARED(self->rm, rcmgr_view_transient, none);
	rcmgr_scope_done(sp);

	ret = rcmgr_view_service(self->rm, "svc",
				 (rcmgr_view_fn)rcmgr_scope_begin_span, &sp);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(sp, 40, RCMGR_PRIO_ALWAYS));
	NAMED(self->rm, rcmgr_view_service, "svc", ((struct want){ .mem = 40 }));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 40 }));
	rcmgr_scope_done(sp);
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, zombie_span)
{
	struct rcmgr_scope *s, *sp;

	ASSERT_EQ(0, sys_reserve(self->rm, 500, RCMGR_PRIO_ALWAYS));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_scope_begin_span(s, &sp));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(sp, 100, RCMGR_PRIO_ALWAYS));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .sin = 1, .mem = 600 }));

	/* Done on the owner releases the span's charge too. */
	rcmgr_scope_done(s);
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 500 }));

	/* The span is a zombie: closed for reservations, listed as such. */
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(sp, 1, RCMGR_PRIO_ALWAYS));
	EXPECT_STREQ("scope closed", rcmgr_last_error(self->rm)->message);
	EXPECT_EQ(0, rcmgr_scope_release_memory(sp, 100));
	struct rcmgr_scope_info i;

	ASSERT_EQ(1, find(self->rm, RCMGR_KIND_SPAN, NULL, NULL, &i));
	EXPECT_TRUE(i.zombie);
	/* Its done releases nothing a second time. */
	rcmgr_scope_done(sp);
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 500 }));
	EXPECT_EQ(0, sys_release(self->rm, 500));
}

/*
 * A handle keeps a counter for memory alone: what else it holds is what
 * it opened with.  Dumps show that as its usage and peak, and count
 * refusals of its memory only.
 */
TEST_F(core, handles_report_what_they_hold)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED);
	struct rcmgr_scope *c, *s, *sp;
	struct rcmgr_scope_info i;

	l.memory = 1000;
	ASSERT_EQ(0, rcmgr_limit_set(self->rm, RCMGR_LIMIT_STREAM, NULL, &l));
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, true,
					   NULL, &c));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_OUTBOUND, &s));
	ASSERT_EQ(0, rcmgr_scope_begin_span(s, &sp));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(s, 600, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 600, RCMGR_PRIO_ALWAYS));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(sp, 100, RCMGR_PRIO_ALWAYS));

	ASSERT_EQ(1, find(self->rm, RCMGR_KIND_CONN, NULL, NULL, &i));
	EXPECT_EQ(1, i.usage.conns_inbound);
	EXPECT_EQ(0, i.usage.conns_outbound);
	EXPECT_EQ(1, i.usage.conns);
	EXPECT_EQ(1, i.usage.fd);
	EXPECT_EQ(0, i.usage.streams);
	EXPECT_EQ(1, i.peak.conns_inbound);
	EXPECT_EQ(1, i.peak.conns);
	EXPECT_EQ(1, i.peak.fd);
	EXPECT_EQ(0, i.peak.conns_outbound);
	EXPECT_EQ(0, i.blocked.conns);

	ASSERT_EQ(1, find(self->rm, RCMGR_KIND_STREAM, NULL, NULL, &i));
	EXPECT_EQ(0, i.usage.streams_inbound);
	EXPECT_EQ(1, i.usage.streams_outbound);
	EXPECT_EQ(1, i.usage.streams);
	EXPECT_EQ(0, i.usage.conns);
	EXPECT_EQ(0, i.usage.fd);
	EXPECT_EQ(700, i.usage.memory);
	EXPECT_EQ(1, i.peak.streams_outbound);
	EXPECT_EQ(1, i.peak.streams);
	EXPECT_EQ(0, i.peak.streams_inbound);
	EXPECT_EQ(700, i.peak.memory);
	EXPECT_EQ(1, i.blocked.memory);
	EXPECT_EQ(0, i.blocked.streams);
	EXPECT_EQ(0, i.blocked.streams_outbound);

	/* Done: the stream's units go back; its span keeps its own memory. */
	rcmgr_scope_done(s);
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .cin = 1, .fd = 1 }));
	ASSERT_EQ(1, find(self->rm, RCMGR_KIND_SPAN, NULL, NULL, &i));
	EXPECT_EQ(100, i.usage.memory);
	EXPECT_EQ(100, i.peak.memory);
	EXPECT_EQ(0, i.usage.streams);
	EXPECT_EQ(0, i.peak.streams);
	rcmgr_scope_done(sp);
	rcmgr_scope_done(c);
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, done_twice_and_closed)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_nl raw;
	struct raw_ans ans;
	uint64_t id, span;

	ASSERT_EQ(0, raw_open(&raw));
	nlh = raw_start(&raw, buf, raw.family, RCMGR_CMD_STREAM_OPEN);
	mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, strlen(P1), P1);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
	ASSERT_EQ(0, ans.error);
	id = raw_reply_u64(&ans, RCMGR_A_SCOPE_ID);
	ASSERT_NE(0, id);

	nlh = raw_start(&raw, buf, raw.family, RCMGR_CMD_SPAN_BEGIN);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
	ASSERT_EQ(0, ans.error);
	span = raw_reply_u64(&ans, RCMGR_A_SCOPE_ID);
	ASSERT_GT(span, id);

	nlh = raw_start(&raw, buf, raw.family, RCMGR_CMD_SCOPE_DONE);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
	ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
	EXPECT_EQ(0, ans.error);
	/* The id is gone: a second done, or a reservation, finds nothing. */
	ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
	EXPECT_EQ(-ENOENT, ans.error);
	EXPECT_STREQ("unknown handle", ans.msg);
	/* Its span is closed, and says so. */
	nlh = raw_start(&raw, buf, raw.family, RCMGR_CMD_SCOPE_RESERVE);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, span);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 1);
	mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 255);
	ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
	EXPECT_EQ(-ESTALE, ans.error);
	nlh = raw_start(&raw, buf, raw.family, RCMGR_CMD_SPAN_BEGIN);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, span);
	ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
	EXPECT_EQ(-ESTALE, ans.error);
	raw_close(&raw);
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, limits_change_live)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED), got_l, def;
	struct rcmgr_scope *s[3];

	l.streams_inbound = 1;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[0]));
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[1]),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_STREAMS_INBOUND, 1, 1);
	/* Raised: the next open passes at once. */
	l.streams_inbound = 2;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[1]));
	/* Lowered below usage: nothing held breaks, nothing new passes. */
	l.streams_inbound = 1;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	SHARED(self->rm, rcmgr_view_transient, ((struct want){ .sin = 2 }));
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[2]),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_STREAMS_INBOUND, 2, 1);
	/* Moves out of the over-full scope still work. */
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s[0], X));
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[2]),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_STREAMS_INBOUND, 1, 1);
	rcmgr_scope_done(s[1]);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[2]));

	/* A per-name limit reaches the live peer scope, and only it. */
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_PEER, NULL, &def));
	l = all(RCMGR_LIMIT_UNLIMITED);
	l.streams_inbound = 2;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, all(100));
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PEER, P1, l);
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_PEER, P1, &got_l));
	EXPECT_EQ(2, got_l.streams_inbound);
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_PEER, P2, &got_l));
	EXPECT_EQ(def.streams_inbound, got_l.streams_inbound);
	refused(_metadata, self->rm,
		rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[1]),
		RCMGR_KIND_PEER, RCMGR_RESOURCE_STREAMS_INBOUND, 2, 2);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P2, RCMGR_DIR_INBOUND, &s[1]));
	rcmgr_scope_done(s[1]);

	/* Reset: the module's defaults, and no per-name limit. */
	ASSERT_EQ(0, rcmgr_limit_reset(self->rm));
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_PEER, P1, &got_l));
	EXPECT_EQ(def.streams_inbound, got_l.streams_inbound);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s[1]));
	rcmgr_scope_done(s[1]);
	rcmgr_scope_done(s[2]);
	rcmgr_scope_done(s[0]);
	SHARED(self->rm, rcmgr_view_system, none);
}

static int list_count(const char *name, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

TEST_F(core, unused_scopes_freed)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED), got_l;
	struct mem m = { 10, RCMGR_PRIO_ALWAYS };
	struct rcmgr_scope *s;
	int n = 0;

	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, X));
	ASSERT_EQ(0, rcmgr_list_peers(self->rm, list_count, &n));
	EXPECT_EQ(1, n);
	n = 0;
	ASSERT_EQ(0, rcmgr_list_protocols(self->rm, list_count, &n));
	EXPECT_EQ(1, n);
	rcmgr_scope_done(s);
	n = 0;
	ASSERT_EQ(0, rcmgr_list_peers(self->rm, list_count, &n));
	ASSERT_EQ(0, rcmgr_list_protocols(self->rm, list_count, &n));
	EXPECT_EQ(0, n);

	/* Memory held directly keeps an unreferenced scope. */
	ASSERT_EQ(0, rcmgr_view_peer(self->rm, P2, reserve_cb, &m));
	EXPECT_EQ(1, find(self->rm, RCMGR_KIND_PEER, NULL, P2, NULL));
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .mem = 10 }));
	ASSERT_EQ(0, rcmgr_view_peer(self->rm, P2, release_cb, &m));
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, P2, NULL));

	/* A limit set for a name outlives its scope. */
	l.memory = 12345;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PEER, P1, l);
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, P1, NULL));
	ASSERT_EQ(0, rcmgr_view_peer(self->rm, P1,
		(rcmgr_view_fn)rcmgr_scope_limit, &got_l));
	EXPECT_EQ(12345, got_l.memory);
	SHARED(self->rm, rcmgr_view_system, none);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A stream on @peer with protocol @proto, done; the protocol scope's id. */
static uint64_t proto_come_and_go(struct __test_metadata *_metadata,
				  struct rcmgr *rm, const char *peer,
				  const char *proto)
{
	struct rcmgr_scope_info i;
	struct rcmgr_scope *s;

	if (rcmgr_open_stream(rm, peer, RCMGR_DIR_INBOUND, &s))
		return 0;
	if (rcmgr_stream_set_protocol(s, proto) ||
	    find(rm, RCMGR_KIND_PROTOCOL, proto, NULL, &i) != 1)
		i.id = 0;
	rcmgr_scope_done(s);
	return i.id;
}

/*
 * A named scope that went unused comes back as new: nothing held, no
 * peak, no refusal.  Within the second it is kept, it is the same scope
 * (its id), not a new one.
 */
TEST_F(core, idle_scope_comes_back_as_new)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED);
	struct rcmgr_config cfg;
	struct rcmgr_scope_info i;
	struct rcmgr_scope *s;
	double gone;
	uint64_t id;

	l.memory = 100;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PROTOCOL, X, l);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, X));
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(s, 60, RCMGR_PRIO_ALWAYS));
	ASSERT_EQ(-EDQUOT, rcmgr_scope_reserve_memory(s, 60, RCMGR_PRIO_ALWAYS));
	ASSERT_EQ(1, find(self->rm, RCMGR_KIND_PROTOCOL, X, NULL, &i));
	EXPECT_EQ(60, i.peak.memory);
	EXPECT_EQ(1, i.blocked.memory);
	id = i.id;
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(3, cfg.scopes);	/* peer, protocol, protocol-peer */
	rcmgr_scope_done(s);
	gone = now_s();
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PROTOCOL, X, NULL, NULL));
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, P1, NULL));
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(0, cfg.scopes);

	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_OUTBOUND, &s));
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, X));
	ASSERT_EQ(1, find(self->rm, RCMGR_KIND_PROTOCOL, X, NULL, &i));
	if (now_s() - gone < 0.5) {
		EXPECT_EQ(id, i.id);
	} else {
		TH_LOG("%.2f s between done and open: id not checked",
		       now_s() - gone);
	}
	EXPECT_EQ(0, i.peak.memory);
	EXPECT_EQ(0, i.blocked.memory);
	EXPECT_EQ(0, i.usage.memory);
	EXPECT_EQ(1, i.usage.streams_outbound);
	EXPECT_EQ(0, i.usage.streams_inbound);
	EXPECT_EQ(100, i.limit.memory);
	PAIR(self->rm, RCMGR_KIND_PROTOCOL_PEER, X, P1,
	     ((struct want){ .sout = 1 }));
	ASSERT_EQ(1, find(self->rm, RCMGR_KIND_PROTOCOL_PEER, X, P1, &i));
	EXPECT_EQ(0, i.peak.memory);
	EXPECT_EQ(1, i.peak.streams_outbound);
	EXPECT_EQ(0, i.peak.streams_inbound);
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(3, cfg.scopes);
	ASSERT_EQ(0, rcmgr_scope_reserve_memory(s, 100, RCMGR_PRIO_ALWAYS));
	rcmgr_scope_done(s);
	SHARED(self->rm, rcmgr_view_system, none);
}

/*
 * An idle scope is freed one to two seconds after it went idle (by the
 * second sweep): one asked for after that is a new scope, with a new id.
 * The wait is what is tested.
 */
TEST_F(core, idle_scope_freed_by_the_sweep)
{
	uint64_t a, b;

	a = proto_come_and_go(_metadata, self->rm, P1, X);
	ASSERT_NE(0, a);
	sleep(4);
	b = proto_come_and_go(_metadata, self->rm, P1, X);
	ASSERT_NE(0, b);
	EXPECT_GT(b, a);
}

/*
 * The protocol scope's memory limit, through a dump (0 if it is not
 * there); whether it is the scope of id @idle, brought back.
 */
static int64_t proto_limit(struct __test_metadata *_metadata, struct rcmgr *rm,
			   const char *proto, uint64_t idle, double since)
{
	struct rcmgr_scope_info i;

	if (find(rm, RCMGR_KIND_PROTOCOL, proto, NULL, &i) != 1)
		return 0;
	if (now_s() - since < 0.5) {
		EXPECT_EQ(idle, i.id);
	} else {
		TH_LOG("%.2f s since it went idle: id not checked",
		       now_s() - since);
	}
	return i.limit.memory;
}

/*
 * A per-name limit set or deleted while its scope is idle applies when
 * the scope comes back: idle scopes are relimited like the live ones (an
 * idle scope left pointing at a deleted limit would read freed memory).
 */
TEST_F(core, idle_scope_takes_limits_changed_meanwhile)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED), got_l;
	struct rcmgr_scope *pin, *s;
	int64_t class_mem;
	uint64_t id;
	double t;

	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_PROTOCOL, NULL, &got_l));
	class_mem = got_l.memory;
	ASSERT_NE(777, class_mem);
	/* The peer stays in use: the protocol and its pair go idle. */
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &pin));
	t = now_s();
	id = proto_come_and_go(_metadata, self->rm, P1, X);
	ASSERT_NE(0, id);

	l.memory = 777;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_PROTOCOL, X, l);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, X));
	EXPECT_EQ(777, proto_limit(_metadata, self->rm, X, id, t));
	t = now_s();
	rcmgr_scope_done(s);

	ASSERT_EQ(0, rcmgr_limit_delete(self->rm, RCMGR_LIMIT_PROTOCOL, X));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, X));
	EXPECT_EQ(class_mem, proto_limit(_metadata, self->rm, X, id, t));
	rcmgr_scope_done(s);
	rcmgr_scope_done(pin);
	SHARED(self->rm, rcmgr_view_system, none);
}

/* At most 1024 idle scopes are kept: beyond, the oldest go at once. */
TEST_F(core, idle_scopes_kept_at_most_1024)
{
	uint64_t first, last, again;
	struct rcmgr_scope *pin;
	char name[32];
	double t;
	int k;

	/* The peer stays in use: each stream idles a protocol and a pair. */
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &pin));
	first = proto_come_and_go(_metadata, self->rm, P1, "/p/0");
	ASSERT_NE(0, first);
	for (k = 1; k < 520; k++) {
		snprintf(name, sizeof(name), "/p/%d", k);
		ASSERT_NE(0, proto_come_and_go(_metadata, self->rm, P1, name));
	}
	/* 1040 idle, the first two of them freed. */
	t = now_s();
	last = proto_come_and_go(_metadata, self->rm, P1, "/p/520");
	ASSERT_NE(0, last);
	again = proto_come_and_go(_metadata, self->rm, P1, "/p/0");
	EXPECT_GT(again, last);
	again = proto_come_and_go(_metadata, self->rm, P1, "/p/520");
	if (now_s() - t < 0.5) {
		EXPECT_EQ(last, again);
	}
	rcmgr_scope_done(pin);
}

/*
 * Idle scopes are kept within max-scopes, not beside it: the bound (its
 * ceiling the host's) sizes what a namespace holds, and anyone may leave
 * scopes idle (a scope-get of a new name is enough).  With room for 4
 * and a peer in use, at most 3 are idle; the oldest went long before the
 * 8th protocol came and went, the newest is still there.
 */
TEST_F(core, idle_scopes_kept_within_max_scopes)
{
	uint64_t last, again;
	struct rcmgr_config cfg;
	struct rcmgr_scope *pin;
	char name[16];
	double t;
	int k;

	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	cfg.max_scopes = 4;
	ASSERT_EQ(0, rcmgr_config_set(self->rm, &cfg));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &pin));
	t = now_s();
	for (k = 0; k < 8; k++) {
		snprintf(name, sizeof(name), "/q/%d", k);
		last = proto_come_and_go(_metadata, self->rm, P1, name);
		ASSERT_NE(0, last);
	}
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(1, cfg.scopes);
	again = proto_come_and_go(_metadata, self->rm, P1, "/q/7");
	if (now_s() - t < 0.5) {
		EXPECT_EQ(last, again);
	} else {
		TH_LOG("%.2f s: idle ids not checked", now_s() - t);
	}
	again = proto_come_and_go(_metadata, self->rm, P1, "/q/0");
	EXPECT_GT(again, last) TH_LOG("/q/0 kept idle after %.2f s", now_s() - t);
	rcmgr_scope_done(pin);
}

/* Idle scopes do not count against max-scopes. */
TEST_F(core, idle_scopes_not_counted_in_max_scopes)
{
	struct rcmgr_scope *s, *t;
	struct rcmgr_config cfg;

	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	cfg.max_scopes = 3;
	ASSERT_EQ(0, rcmgr_config_set(self->rm, &cfg));
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_stream_set_protocol(s, X));
	EXPECT_EQ(-EDQUOT, rcmgr_open_stream(self->rm, P2, RCMGR_DIR_INBOUND, &t));
	EXPECT_STREQ("too many named scopes in this namespace (max-scopes)",
		     rcmgr_last_error(self->rm)->message);
	rcmgr_scope_done(s);
	/* Three idle now: three new ones fit, and the old ones stay gone. */
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P2, RCMGR_DIR_INBOUND, &t));
	ASSERT_EQ(0, rcmgr_stream_set_protocol(t, Y));
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(3, cfg.scopes);
	EXPECT_EQ(0, find(self->rm, RCMGR_KIND_PEER, NULL, P1, NULL));
	EXPECT_EQ(1, find(self->rm, RCMGR_KIND_PEER, NULL, P2, NULL));
	/* An idle one coming back counts again. */
	EXPECT_EQ(-EDQUOT, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	rcmgr_scope_done(t);
	ASSERT_EQ(0, rcmgr_open_stream(self->rm, P1, RCMGR_DIR_INBOUND, &s));
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(1, cfg.scopes);
	rcmgr_scope_done(s);
}

/* Child processes report over a pipe and wait to be told or killed. */
static pid_t child_holding(struct __test_metadata *_metadata, int *ids_fd,
			   bool conns, uint64_t *id)
{
	int up[2], down[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct rcmgr_scope *c, *s;
		struct rcmgr *rm;
		char x;

		close(up[0]);
		close(down[1]);
		if (rcmgr_open(&rm) ||
		    rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, true, NULL, &c) ||
		    (!conns && (rcmgr_conn_set_peer(c, P1) ||
				rcmgr_open_stream(rm, P1, RCMGR_DIR_INBOUND, &s) ||
				rcmgr_stream_set_protocol(s, X) ||
				rcmgr_scope_reserve_memory(s, 4096, RCMGR_PRIO_ALWAYS))))
			_exit(1);
		uint64_t cid = rcmgr_scope_id(c);

		if (write(up[1], &cid, sizeof(cid)) != sizeof(cid))
			_exit(1);
		/* No cleanup at all: exit or death must release it. */
		if (read(down[0], &x, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	ASSERT_EQ(sizeof(*id), read(up[0], id, sizeof(*id)));
	close(up[0]);
	*ids_fd = down[1];
	return pid;
}

TEST_F(core, two_processes_share_budget)
{
	struct rcmgr_limit l = all(RCMGR_LIMIT_UNLIMITED);
	struct rcmgr_scope *c;
	int status, fd;
	uint64_t id;
	pid_t pid;

	l.conns_inbound = 1;
	set_limit(_metadata, self->rm, RCMGR_LIMIT_TRANSIENT, NULL, l);
	pid = child_holding(_metadata, &fd, true, &id);
	refused(_metadata, self->rm,
		rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, true, NULL, &c),
		RCMGR_KIND_TRANSIENT, RCMGR_RESOURCE_CONNS_INBOUND, 1, 1);
	/* The other process exits without cleanup: the budget is back. */
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_INBOUND, true, NULL, &c));
	rcmgr_scope_done(c);
}

TEST_F(core, sigkill_releases_everything)
{
	int status, fd;
	uint64_t id;
	pid_t pid;

	pid = child_holding(_metadata, &fd, false, &id);
	SHARED(self->rm, rcmgr_view_system,
	       ((struct want){ .sin = 1, .cin = 1, .fd = 1, .mem = 4096 }));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status));
	close(fd);
	SHARED(self->rm, rcmgr_view_system, none);
	SHARED(self->rm, rcmgr_view_transient, none);
	/* The four fixed scopes alone. */
	EXPECT_EQ(0, find(self->rm, 0, NULL, NULL, NULL) - 4);
}

TEST_F(core, foreign_handle_not_found)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	static const int cmds[] = {
		RCMGR_CMD_SCOPE_GET, RCMGR_CMD_SCOPE_RESERVE, RCMGR_CMD_SCOPE_RELEASE,
		RCMGR_CMD_SCOPE_DONE, RCMGR_CMD_SPAN_BEGIN, RCMGR_CMD_CONN_SET_PEER,
	};
	struct nlmsghdr *nlh;
	struct raw_nl raw;
	struct raw_ans ans;
	unsigned int i;
	int status, fd;
	uint64_t id;
	pid_t pid;

	pid = child_holding(_metadata, &fd, true, &id);
	ASSERT_EQ(0, raw_open(&raw));
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		nlh = raw_start(&raw, buf, raw.family, cmds[i]);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id);
		if (cmds[i] == RCMGR_CMD_SCOPE_RESERVE || cmds[i] == RCMGR_CMD_SCOPE_RELEASE)
			mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 1);
		if (cmds[i] == RCMGR_CMD_SCOPE_RESERVE)
			mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 255);
		if (cmds[i] == RCMGR_CMD_CONN_SET_PEER)
			mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 2, "P3");
		ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
		EXPECT_EQ(-ENOENT, ans.error) TH_LOG("cmd %d", cmds[i]);
	}
	/* An id that never existed answers the same. */
	nlh = raw_start(&raw, buf, raw.family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, id + 1000);
	ASSERT_EQ(0, raw_talk(&raw, nlh, &ans));
	EXPECT_EQ(-ENOENT, ans.error);
	raw_close(&raw);
	/* The child's conn is untouched. */
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .cin = 1, .fd = 1 }));
	close(fd);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, limit_changes_need_privilege)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct rcmgr_limit l;
		struct rcmgr_config cfg;
		struct rcmgr *rm;

		/* Nobody: no CAP_NET_ADMIN in any namespace. */
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		if (rcmgr_open(&rm))
			_exit(11);
		if (rcmgr_limit_get(rm, RCMGR_LIMIT_SYSTEM, NULL, &l))
			_exit(12);
		if (rcmgr_limit_set(rm, RCMGR_LIMIT_SYSTEM, NULL, &l) != -EPERM)
			_exit(13);
		if (rcmgr_limit_reset(rm) != -EPERM)
			_exit(14);
		if (rcmgr_config_get(rm, &cfg) || rcmgr_config_set(rm, &cfg) != -EPERM)
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
}

struct intr {
	struct rcmgr *other;
	int seen, churned;
};

/* Scopes come and go: a stream (and its peer scope) opened and done. */
static int churn(struct rcmgr *rm)
{
	struct rcmgr_scope *s;

	if (rcmgr_open_stream(rm, "late-peer", RCMGR_DIR_INBOUND, &s))
		return 0;
	rcmgr_scope_done(s);
	return 1;
}

static int mutate_cb(const struct rcmgr_scope_info *i, void *arg)
{
	struct intr *in = arg;

	/* Another socket creates and ends scopes while the dump is delivered. */
	if (in->seen++ == 0)
		in->churned = churn(in->other);
	return 0;
}

static int count_cb(const struct rcmgr_scope_info *i, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

/*
 * A raw dump of every scope; after its first batch, @other changes a
 * scope.  Return: 1 if a later message was flagged NLM_F_DUMP_INTR, 0 if
 * none was, -1 if the dump did not end.
 */
static int raw_dump_intr(struct rcmgr *other)
{
	int n, intr = 0, done = 0, batches = 0;
	static char buf[32768];
	struct nlmsghdr *nlh;
	struct raw_nl r;

	if (raw_open(&r))
		return -1;
	nlh = raw_start(&r, buf, r.family, RCMGR_CMD_SCOPE_GET);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	if (mnl_socket_sendto(r.nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	while (!done) {
		n = mnl_socket_recvfrom(r.nl, buf, sizeof(buf));
		if (n <= 0)
			goto out;
		if (!batches++ && !churn(other))
			goto out;
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR)
				done = 1;
		}
	}
out:
	raw_close(&r);
	return done ? intr : -1;
}

TEST_F(core, dump_resumes_and_flags_changes)
{
	struct mem m = { 1, RCMGR_PRIO_ALWAYS };
	struct intr in = {};
	char name[32];
	int i, n = 0;

	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "peer-%03d", i);
		ASSERT_EQ(0, rcmgr_view_peer(self->rm, name, reserve_cb, &m));
	}
	/* Many recv batches: every scope exactly once. */
	ASSERT_EQ(0, rcmgr_dump(self->rm, RCMGR_KIND_PEER, count_cb, &n));
	EXPECT_EQ(300, n);
	n = 0;
	ASSERT_EQ(0, rcmgr_dump(self->rm, 0, count_cb, &n));
	EXPECT_EQ(304, n);

	/* The kernel flags the batches after a change with NLM_F_DUMP_INTR. */
	ASSERT_EQ(0, rcmgr_open(&in.other));
	EXPECT_EQ(1, raw_dump_intr(in.other));
	/*
	 * librcmgr reads a dump whole before its callbacks run, so what a
	 * callback changes does not interrupt it (an interrupted read is
	 * retried, then EINTR: see rcmgr_lib_test and ulib/tests).
	 */
	EXPECT_EQ(0, rcmgr_dump(self->rm, 0, mutate_cb, &in));
	EXPECT_EQ(304, in.seen);
	EXPECT_EQ(1, in.churned);
	rcmgr_close(in.other);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "peer-%03d", i);
		ASSERT_EQ(0, rcmgr_view_peer(self->rm, name, release_cb, &m));
	}

	SHARED(self->rm, rcmgr_view_system, none);
}

/* A peer scope's id, asked for while something keeps it live. */
static int64_t peer_id(struct raw_nl *r, const char *peer)
{
	struct req q;
	int ret;

	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	req_scope(q.nlh, RCMGR_SCOPE_KIND_PEER, peer);
	ret = req_do(&q, r);
	return ret ?: (int64_t)raw_reply_u64(&q.ans, RCMGR_A_SCOPE_ID);
}

/*
 * An idle scope that comes back does so under its old id, which a dump
 * may have passed already (hidden, as idle).  A scope made after it has a
 * new id, which the dump has yet to reach: a dump that shows the new one
 * but not the one that came back first shows a state that never was, and
 * must be flagged NLM_F_DUMP_INTR.
 */
TEST_F(core, dump_flags_idle_scope_coming_back)
{
	struct mem m = { 1, RCMGR_PRIO_ALWAYS };
	int n, batches = 0, intr = 0, done = 0;
	int seen_idle = 0, seen_late = 0;
	int64_t idle_id, late_id = 0;
	static char buf[32768];
	struct raw_nl d, o;
	struct nlmsghdr *nlh;
	char name[32];
	int i;

	ASSERT_EQ(0, raw_open(&o));
	/* The lowest named id, idle: hidden from the dump's first batch. */
	ASSERT_EQ(0, req_kind_mem(&o, RCMGR_SCOPE_KIND_PEER, "peer-idle", 1));
	idle_id = peer_id(&o, "peer-idle");
	ASSERT_GT(idle_id, 0);
	ASSERT_EQ(0, req_kind_mem(&o, RCMGR_SCOPE_KIND_PEER, "peer-idle", -1));
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "peer-%03d", i);
		ASSERT_EQ(0, rcmgr_view_peer(self->rm, name, reserve_cb, &m));
	}

	ASSERT_EQ(0, raw_open(&d));
	nlh = raw_start(&d, buf, d.family, RCMGR_CMD_SCOPE_GET);
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ASSERT_LT(0, mnl_socket_sendto(d.nl, nlh, nlh->nlmsg_len));
	while (!done) {
		n = mnl_socket_recvfrom(d.nl, buf, sizeof(buf));
		ASSERT_LT(0, n);
		if (!batches++) {
			/* Back (its id passed), then a new one (ahead). */
			ASSERT_EQ(0, req_kind_mem(&o, RCMGR_SCOPE_KIND_PEER,
						  "peer-idle", 1));
			ASSERT_EQ(idle_id, peer_id(&o, "peer-idle"));
			ASSERT_EQ(0, req_kind_mem(&o, RCMGR_SCOPE_KIND_PEER,
						  "peer-late", 1));
			late_id = peer_id(&o, "peer-late");
			ASSERT_GT(late_id, idle_id);
		}
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n)) {
			if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (nlh->nlmsg_type == NLMSG_DONE ||
			    nlh->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				continue;
			}
			if (raw_u64(nlh, RCMGR_A_SCOPE_ID) == (uint64_t)idle_id)
				seen_idle = 1;
			if (raw_u64(nlh, RCMGR_A_SCOPE_ID) == (uint64_t)late_id)
				seen_late = 1;
		}
	}
	raw_close(&d);
	/* The dump had not reached the new scope yet. */
	ASSERT_EQ(1, seen_late);
	EXPECT_TRUE(seen_idle || intr)
		TH_LOG("dump shows scope %lld, made after %lld came back, without it, unflagged",
		       (long long)late_id, (long long)idle_id);

	ASSERT_EQ(0, req_kind_mem(&o, RCMGR_SCOPE_KIND_PEER, "peer-idle", -1));
	ASSERT_EQ(0, req_kind_mem(&o, RCMGR_SCOPE_KIND_PEER, "peer-late", -1));
	raw_close(&o);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "peer-%03d", i);
		ASSERT_EQ(0, rcmgr_view_peer(self->rm, name, release_cb, &m));
	}
	SHARED(self->rm, rcmgr_view_system, none);
}

TEST_F(core, handle_bounds)
{
	struct rcmgr_config cfg;
	struct rcmgr_scope *c[3];

	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(0, cfg.handles);
	cfg.max_owner_handles = 2;
	ASSERT_EQ(0, rcmgr_config_set(self->rm, &cfg));
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, false, NULL, &c[0]));
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, false, NULL, &c[1]));
	EXPECT_EQ(-EDQUOT, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, false,
						 NULL, &c[2]));
	EXPECT_STREQ("too many handles on this socket (max-owner-handles)",
		     rcmgr_last_error(self->rm)->message);
	SHARED(self->rm, rcmgr_view_system, ((struct want){ .cout = 2 }));
	ASSERT_EQ(0, rcmgr_config_get(self->rm, &cfg));
	EXPECT_EQ(2, cfg.handles);
	rcmgr_scope_done(c[0]);
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, false, NULL, &c[2]));
	rcmgr_scope_done(c[1]);
	rcmgr_scope_done(c[2]);
}

/* In a child: 0, or the line of the first check that failed. */
#define WALK_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: child: %s\n", __FILE__, __LINE__, #c); \
		return __LINE__;					\
	}								\
} while (0)

/*
 * In a namespace of its own: open conns one by one up to id 4097, keep
 * those at the ends of xarray leaves and levels, end the others at once.
 */
static int walk_ids(void)
{
	static const int64_t keep[] = { 63, 64, 127, 128, 4095, 4096, 4097 };
	const int n = sizeof(keep) / sizeof(keep[0]);
	struct rcmgr_stat st;
	int64_t id, prev = 0;
	struct raw_nl r;
	struct rcmgr *rm;
	int i, k = 0;

	WALK_CHECK(!unshare(CLONE_NEWNET));
	WALK_CHECK(!rcmgr_open(&rm));
	WALK_CHECK(!raw_open(&r));
	while (prev < keep[n - 1]) {
		id = req_conn(&r, -1);
		WALK_CHECK(id > 0);
		/* One by one: none skipped, none given twice. */
		WALK_CHECK(!prev || id == prev + 1);
		prev = id;
		if (k < n && id == keep[k])
			k++;
		else
			WALK_CHECK(!req_done(&r, id));
	}
	WALK_CHECK(k == n);
	/* Each kept handle is found by its id. */
	for (i = 0; i < n; i++) {
		WALK_CHECK(!req_mem(&r, keep[i], 100));
		WALK_CHECK(!req_mem(&r, keep[i], -100));
	}
	/* The next id's slot is reserved, and nobody's; so are ended ids. */
	WALK_CHECK(req_mem(&r, prev + 1, 100) == -ENOENT);
	WALK_CHECK(req_done(&r, prev + 1) == -ENOENT);
	WALK_CHECK(req_done(&r, keep[0] + 2) == -ENOENT);
	/* A dump walks past it: the four fixed scopes and the conns. */
	WALK_CHECK(find(rm, RCMGR_KIND_CONN, NULL, NULL, NULL) == n);
	WALK_CHECK(find(rm, 0, NULL, NULL, NULL) == 4 + n);
	WALK_CHECK(!rcmgr_view_system(rm, stat_cb, &st));
	WALK_CHECK(st.num_conns_inbound == n && st.num_fd == n);
	/* The socket goes: its ids erased in one walk, across leaves. */
	raw_close(&r);
	WALK_CHECK(!rcmgr_view_system(rm, stat_cb, &st));
	WALK_CHECK(!st.num_conns_inbound && !st.num_fd);
	WALK_CHECK(find(rm, 0, NULL, NULL, NULL) == 4);
	/* Numbering goes on after the reserved slot. */
	WALK_CHECK(!raw_open(&r));
	WALK_CHECK(req_conn(&r, -1) == prev + 1);
	raw_close(&r);
	rcmgr_close(rm);
	return 0;
}

/*
 * Ids are handed out one by one, and the slot of the next one is reserved
 * as each is: a step in the same xarray leaf, or a walk where the next id
 * starts a new leaf or a new level (64, 128, 4096).  Handles that live
 * across those ends are found by id, the reserved slot is nobody's, a
 * dump walks past it, a closed socket's handles go in one walk that steps
 * across leaves; and the namespace exits, under panic_on_warn, without
 * finding a scope left (rcmgr_net_exit()).
 */
TEST_F_TIMEOUT(core, ids_across_xarray_leaves_and_levels, 120)
{
	int status, before, i;
	pid_t pid;

	/* Namespaces of earlier tests die on a workqueue: let them go. */
	for (i = 0; i < 300 && nr_namespaces() > 2; i++)
		usleep(100 * 1000);
	before = nr_namespaces();
	if (before != 2)
		SKIP(return, "other namespaces live on this host (%d)", before);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(walk_ids() ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* Its cleanup runs on a workqueue after its last user: up to 30 s. */
	for (i = 0; i < 300 && nr_namespaces() != before; i++)
		usleep(100 * 1000);
	EXPECT_EQ(before, nr_namespaces());
}

TEST_HARNESS_MAIN
