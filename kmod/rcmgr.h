/* SPDX-License-Identifier: GPL-2.0 */
/*
 * rcmgr: private declarations shared by the module's files, grouped by the
 * file that defines them.
 *
 * Lock order (each arrow: held while taking):
 *   &rcmgr_net.reap_lock -> a handle tree's lock -> &rcmgr_net.bind_lock
 *   &rcmgr_net.reap_lock -> &rcmgr_net.lock (a reaped conn's last put)
 *   &rcmgr_net.reap_lock -> the events' notify_sem (netlink.c)
 *   a handle tree's lock -> &rcmgr_net.lock
 *   &rcmgr_owner.lock -> &rcmgr_net.lock
 *   &rcmgr_owner.lock -> a bucket lock of &rcmgr_owner.cookies (naming)
 *   a handle tree's lock -> &rcmgr_netlimit.lock (a conn's counters)
 *   a dump's cb_mutex (netlink core) -> &rcmgr_net.reap_lock
 *   the netlink notifier chain's rwsem (URELEASE) -> all of the above
 * No two tree locks nest, and nothing reaps holding a tree or owner lock.
 * The idle sweep (&rcmgr_net.gc, a work on system_wq) takes &rcmgr_net.lock
 * alone; it is cancelled (and waited for) only by namespace exit, which
 * holds no lock then.
 * A handle tree's lock is rcmgr_scope_tree(): one of a pool of mutexes,
 * picked by the address of the tree's root, that unrelated trees may share
 * (so no tree lock is ever taken under another).  Counters are
 * atomics and are charged under no lock at all.
 */
#ifndef _RCMGR_H
#define _RCMGR_H

#include <linux/atomic.h>
#include <linux/in6.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <linux/rcmgr.h>

#include "compat/compat.h"

/*
 * The accounted resources, in the order a scope checks them (go-libp2p:
 * memory alone; streams inbound, outbound, total; connections inbound,
 * outbound, total, then file descriptors).
 */
enum rcmgr_res {
	RCMGR_RES_MEMORY,
	RCMGR_RES_STREAMS_IN,
	RCMGR_RES_STREAMS_OUT,
	RCMGR_RES_STREAMS,
	RCMGR_RES_CONNS_IN,
	RCMGR_RES_CONNS_OUT,
	RCMGR_RES_CONNS,
	RCMGR_RES_FD,
	RCMGR_NR_RES,
};

#define RCMGR_UNLIMITED		S64_MAX
#define RCMGR_PRIO_ALWAYS	255
#define RCMGR_NR_CLASSES	(RCMGR_CLASS_ALLOWLISTED_TRANSIENT + 1)
#define RCMGR_NR_KINDS		(RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT + 1)
#define RCMGR_MAX_EDGES		6

struct rcmgr_allowlist;
struct rcmgr_bind;
struct rcmgr_endpoint;
struct rcmgr_maddr;
struct rcmgr_net;
struct rcmgr_scope;

/**
 * struct rcmgr_key - what names a named scope or a per-name limit
 * @node: in &rcmgr_net.named or &rcmgr_net.overrides.
 * @kind: &enum rcmgr_scope_kind, or &enum rcmgr_class for limits.
 * @name_len: length of @name.
 * @peer_len: length of @peer.
 * @name: the service or protocol, or NULL.
 * @peer: the peer, or NULL.
 *
 * First member of a per-name limit, so the hash functions can treat its
 * pointer as a key pointer.
 */
struct rcmgr_key {
	struct rhash_head node;
	u32 kind;
	u16 name_len;
	u16 peer_len;
	const u8 *name;
	const u8 *peer;
};

/* limit.c */

/**
 * struct rcmgr_autoscale - what the class defaults were scaled from
 * @ram: present RAM in bytes, rounded up to 128 MiB.
 * @memory: the memory budget (go-libp2p's Scale() memory), in bytes.
 * @fds: the file descriptor budget (Scale()'s numFD).
 */
struct rcmgr_autoscale {
	u64 ram;
	u64 memory;
	u64 fds;
};

/**
 * struct rcmgr_limit - limits of a class, or of one name
 * @max: per resource; %RCMGR_UNLIMITED is unlimited, 0 blocks all.  Written
 *	with WRITE_ONCE() under &rcmgr_net.lock, read with READ_ONCE() at
 *	every check, so a change applies at once to live scopes.
 */
struct rcmgr_limit {
	s64 max[RCMGR_NR_RES];
};

/**
 * struct rcmgr_override - the limits of one name of a class
 * @key: the class (as kind) and the name.
 * @limit: the limits.
 * @list: in &rcmgr_net.override_list.
 * @rcu: frees it.
 * @data: storage of @key.name.
 */
struct rcmgr_override {
	struct rcmgr_key key;
	struct rcmgr_limit limit;
	struct list_head list;
	struct rcu_head rcu;
	u8 data[];
};

extern const struct rhashtable_params rcmgr_limit_params;
void rcmgr_limit_defaults(struct rcmgr_net *rn);
const struct rcmgr_limit *rcmgr_limit_find(struct rcmgr_net *rn, u32 class,
					   const u8 *name, u16 len);
int rcmgr_limit_set(struct rcmgr_net *rn, u32 class, const u8 *name, u16 len,
		    const s64 *max, const bool *present);
int rcmgr_limit_del(struct rcmgr_net *rn, u32 class, const u8 *name, u16 len);
void rcmgr_limit_reset(struct rcmgr_net *rn);
void rcmgr_limit_flush(struct rcmgr_net *rn);

/* scope.c */

/**
 * struct rcmgr_counter - usage of one resource in one scope
 * @usage: what is held now; at most the limit that applied when it was
 *	charged (a limit lowered later may leave it above).
 * @peak: high watermark of @usage.
 * @failcnt: reservations this counter refused.
 */
struct rcmgr_counter {
	atomic64_t usage;
	atomic64_t peak;
	atomic64_t failcnt;
};

/**
 * struct rcmgr_delta - what one request charges or uncharges
 * @v: per resource, >= 0.
 * @prio: priority of the memory part.
 */
struct rcmgr_delta {
	s64 v[RCMGR_NR_RES];
	u8 prio;
};

#define RCMGR_PEER_MAX		128
#define RCMGR_NAME_MAX		256

/**
 * struct rcmgr_netrefusal - which rule of a per-address table refused
 * @table: &enum rcmgr_netlimit_table; 0: none did.
 * @family: the rule's family (0: the global bucket).
 * @prefix_len: its prefix length.
 * @network: the rule is a network-prefix rule (else per subnet).
 * @addr: the refused prefix: the address masked to @prefix_len.
 * @conns: conn-limit: the rule's limit.
 * @rate: rate-limit: the rule's rate, tokens per 1000 s.
 * @burst: rate-limit: the rule's burst.
 */
struct rcmgr_netrefusal {
	u32 table;
	u16 family;
	u8 prefix_len;
	bool network;
	u8 addr[16];
	s64 conns;
	u64 rate;
	u64 burst;
};

/**
 * struct rcmgr_refusal - which limit refused a reservation
 * @refused: a limit refused; the rest is valid.
 * @id: the refusing scope's id.
 * @kind: its kind.
 * @res: the resource.
 * @usage: what the scope held of it.
 * @attempted: what the request tried to add.
 * @limit: the scope's limit for @res.
 * @prio: the request's memory priority.
 * @peer_len: length of @peer, 0 if none.
 * @name_len: length of @name, 0 if none.
 * @peer: the peer of a peer-named scope.
 * @name: the protocol or service of a scope of that kind (or its pair).
 * @net: a per-address table refused (@net.table set): no scope did, and
 *	@id, @kind and @res say nothing.
 *
 * A snapshot taken when the limit refused: the scope itself may be gone by
 * the time the refusal is reported (a scope made for the request that it
 * refuses is freed with it).  A handle is named by its id alone.
 */
struct rcmgr_refusal {
	bool refused;
	u64 id;
	u32 kind;
	enum rcmgr_res res;
	s64 usage;
	s64 attempted;
	s64 limit;
	u8 prio;
	u16 peer_len;
	u16 name_len;
	u8 peer[RCMGR_PEER_MAX];
	u8 name[RCMGR_NAME_MAX];
	struct rcmgr_netrefusal net;
};

enum {
	RCMGR_SCOPE_DONE,	/* flags: released everything, takes nothing */
	RCMGR_SCOPE_ALLOWLISTED, /* flags: a conn in the allowlisted scopes */
	RCMGR_SCOPE_IDLE,	/* flags: a named scope unused, kept a while */
	RCMGR_SCOPE_IDLE_OLD,	/* flags: idle when the last idle sweep ran */
	RCMGR_SCOPE_NR_FLAGS,
};

/**
 * struct rcmgr_scope - an accounting scope
 * @kind: &enum rcmgr_scope_kind.
 * @ref: references; for named scopes a count of users: handles charging
 *	it, spans on it, owners' reservations on it, requests on it.
 * @id: never another scope's within the namespace (an idle named scope
 *	that comes back keeps its own); the handle of conns, streams and
 *	spans; index in &rcmgr_net.scopes.
 * @flags: %RCMGR_SCOPE_DONE; %RCMGR_SCOPE_ALLOWLISTED (changed under the
 *	tree lock, read locklessly by dumps); %RCMGR_SCOPE_IDLE (changed
 *	under &rcmgr_net.lock, read locklessly by dumps);
 *	%RCMGR_SCOPE_IDLE_OLD (under &rcmgr_net.lock).
 * @rn: the namespace state.
 * @rcu: frees the scope.
 * @idle_node: a named scope while %RCMGR_SCOPE_IDLE: in &rcmgr_net.idle
 *	(under &rcmgr_net.lock).  Shares @rcu's room, which only freeing
 *	uses, after the scope left the list.
 *
 * Conns, streams and spans (handles) only:
 * @owner: the owner of the handle.
 * @cookie: the owner's name for the handle (0: none); the key of
 *	@cookie_node.
 * @cookie_node: a handle with a cookie, in &rcmgr_owner.cookies until its
 *	id is forgotten or the owner goes.
 * @portid: port id of @owner, kept for events sent after it went.
 * @owner_node: in &rcmgr_owner.handles.
 * @own: memory reserved directly on the handle (not by its spans), under
 *	the tree lock: what a release may take back.
 * @dir: &enum rcmgr_direction of a conn or stream.
 * @usefd: a conn holding a file descriptor.
 * @peer: the peer scope of a conn or stream (referenced).
 * @mem: the memory counter.
 * @protocol_peer: the protocol-peer scope of a stream (referenced).
 * @protocol: the protocol scope of a stream (referenced).
 * @service_peer: the service-peer scope of a stream (referenced).
 * @service: the service scope of a stream (referenced).
 * @ep: a conn's remote endpoint and the per-address counters it holds,
 *	or NULL; replaced under the tree lock, freed after a grace period
 *	(dumps read it under RCU).
 * @bind: a conn's socket binding, or NULL (under the tree lock; RCU).
 * @reap_node: a conn whose socket died, on its way to done.
 * @parent: what a span charges (referenced).
 *
 * Named scopes and the system, transient and allowlisted ones only (a
 * handle's limits are its class's, a span's those of what it charges):
 * @key: kind and names; in &rcmgr_net.named for named scopes.
 * @limit: the limits that apply (RCU).  Changed under &rcmgr_net.lock.
 * @res: one counter per &enum rcmgr_res.
 * @names: storage of the names of a named scope, allocated apart so
 *	a scope's size does not depend on them.
 *
 * A tree of handles (a conn, a stream, or any scope spans hang off, and
 * its spans) is serialised by rcmgr_scope_tree(): reservations, moves and
 * done, so edges and done flags are stable while the tree charges.
 *
 * Each kind of handle is allocated short, from its own cache, up to the
 * end of what its kind holds; a named scope up to @names.  The only thing
 * a handle holds that changes is memory: what else it holds follows from
 * its kind, direction and @usefd (one stream or conn, one file
 * descriptor) until it is done, and is what it charged when it opened
 * (rcmgr_scope_usage()).
 */
struct rcmgr_scope {
	u32 kind;
	refcount_t ref;
	u64 id;
	unsigned long flags;
	struct rcmgr_net *rn;
	union {
		struct rcu_head rcu;
		struct list_head idle_node;
	};
	union {
		struct {
			struct rcmgr_owner *owner;
			u64 cookie;
			struct rhash_head cookie_node;
			struct list_head owner_node;
			s64 own;
			u32 portid;
			u8 dir;
			bool usefd;
			struct rcmgr_scope *peer;
			struct rcmgr_counter mem;
			union {
				struct {
					struct rcmgr_scope *protocol_peer;
					struct rcmgr_scope *protocol;
					struct rcmgr_scope *service_peer;
					struct rcmgr_scope *service;
				};
				struct {
					struct rcmgr_endpoint __rcu *ep;
					struct rcmgr_bind *bind;
					struct list_head reap_node;
				};
				struct rcmgr_scope *parent;
			};
		};
		struct {
			struct rcmgr_key key;
			const struct rcmgr_limit __rcu *limit;
			struct rcmgr_counter res[RCMGR_NR_RES];
			u8 *names;
		};
	};
};

static inline bool rcmgr_scope_is_handle(const struct rcmgr_scope *s)
{
	return s->kind == RCMGR_SCOPE_KIND_CONN ||
	       s->kind == RCMGR_SCOPE_KIND_STREAM ||
	       s->kind == RCMGR_SCOPE_KIND_SPAN;
}

/*
 * The scopes embedded in &struct rcmgr_net: never referenced nor freed
 * while the namespace lives.
 */
static inline bool rcmgr_kind_is_fixed(u32 kind)
{
	return kind == RCMGR_SCOPE_KIND_SYSTEM ||
	       kind == RCMGR_SCOPE_KIND_TRANSIENT ||
	       kind == RCMGR_SCOPE_KIND_ALLOWLISTED_SYSTEM ||
	       kind == RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT;
}

static inline bool rcmgr_scope_done(const struct rcmgr_scope *s)
{
	return test_bit(RCMGR_SCOPE_DONE, &s->flags);
}

void __init rcmgr_scope_locks_init(void);
void rcmgr_scope_locks_exit(void);
struct mutex *rcmgr_scope_tree(const struct rcmgr_scope *s);
unsigned int rcmgr_scope_edges(struct rcmgr_scope *s, struct rcmgr_scope **e);
void rcmgr_scope_init(struct rcmgr_scope *s, struct rcmgr_net *rn, u32 kind,
		      const struct rcmgr_limit *limit);
s64 rcmgr_scope_max(const struct rcmgr_scope *s, enum rcmgr_res r);
int rcmgr_charge(struct rcmgr_scope **chain, unsigned int n,
		 const struct rcmgr_delta *d, struct rcmgr_refusal *why);
void rcmgr_uncharge(struct rcmgr_scope **chain, unsigned int n,
		    const struct rcmgr_delta *d);
void rcmgr_scope_usage(const struct rcmgr_scope *s, struct rcmgr_delta *d);
void rcmgr_handle_usage(const struct rcmgr_scope *s, struct rcmgr_delta *d);
void rcmgr_scope_stats(const struct rcmgr_scope *s, s64 *usage, s64 *peak,
		       s64 *blocked);
void rcmgr_scope_names(const struct rcmgr_scope *s,
		       const struct rcmgr_key **peer,
		       const struct rcmgr_key **proto,
		       const struct rcmgr_key **svc);
bool rcmgr_scope_empty(const struct rcmgr_scope *s);
const char *rcmgr_kind_name(u32 kind);
const char *rcmgr_res_name(enum rcmgr_res r);

/* named.c */

extern const struct rhashtable_params rcmgr_named_params;
u32 rcmgr_key_hash(const struct rcmgr_key *k, u32 seed);
int rcmgr_key_cmp(const struct rcmgr_key *a, const struct rcmgr_key *b);
u32 rcmgr_key_hashfn(const void *data, u32 len, u32 seed);
int rcmgr_key_cmpfn(struct rhashtable_compare_arg *arg, const void *obj);
struct rcmgr_scope *rcmgr_named_get(struct rcmgr_net *rn,
				    const struct rcmgr_key *k,
				    struct netlink_ext_ack *extack);
struct rcmgr_scope *rcmgr_named_find(struct rcmgr_net *rn,
				     const struct rcmgr_key *k);
void rcmgr_scope_get(struct rcmgr_scope *s);
void rcmgr_scope_put(struct rcmgr_scope *s);
void rcmgr_named_relimit(struct rcmgr_net *rn);
void rcmgr_named_init_net(struct rcmgr_net *rn);
void rcmgr_named_flush(struct rcmgr_net *rn);
int __init rcmgr_named_init(void);
void rcmgr_named_exit(void);

/* handle.c */

/**
 * struct rcmgr_user - what one user (by uid) holds in a namespace
 * @uid: the user: the creator of the netlink sockets it owns through.
 * @ref: owners of that user.
 * @rn: the namespace state.
 * @nr_handles: its conns, streams and spans.
 * @nr_scopes: shared scopes it holds reservations on (views).
 * @nr_binds: its socket bindings.
 * @rcu: frees it.
 *
 * Counted like inotify instances or POSIX message queues, so one user
 * cannot use up a namespace's bounds for every other user.
 */
struct rcmgr_user {
	kuid_t uid;
	refcount_t ref;
	struct rcmgr_net *rn;
	atomic_t nr_handles;
	atomic_t nr_scopes;
	atomic_t nr_binds;
	struct rcu_head rcu;
};

struct rcmgr_user *rcmgr_user_get(struct rcmgr_net *rn, kuid_t uid);
void rcmgr_user_put(struct rcmgr_user *u);
bool rcmgr_user_charge(atomic_t *nr, u32 max);

/**
 * struct rcmgr_owner - the netlink socket owning handles and reservations
 * @sk: the socket (held), told apart from a later socket that reuses
 *	its port id by %SOCK_DEAD once it is released.
 * @portid: its port id; index in &rcmgr_net.owners.
 * @rn: the namespace state.
 * @user: the user who created @sk (referenced).
 * @lock: protects @handles and @views; names handles by cookie
 *	(rcmgr_handle_name()).
 * @handles: the live handles it opened.
 * @views: &struct rcmgr_view by scope id: what it reserved directly on
 *	shared scopes.
 * @cookies: its handles by cookie (&rcmgr_scope.cookie); its own, so
 *	another socket finds nothing by them, and it goes whole with the
 *	owner.  Made on the first naming: valid once @named is.
 * @named: @cookies is set up (under @lock; read with acquire).
 * @nr_handles: entries in @handles, against &rcmgr_net.max_owner_handles.
 * @dead: handles its teardown let go, freed with it (rcmgr_owner_free()).
 * @free_work: frees the owner and @dead after a grace period.
 */
struct rcmgr_owner {
	struct sock *sk;
	u32 portid;
	struct rcmgr_net *rn;
	struct rcmgr_user *user;
	struct mutex lock;		/* @handles, @views, cookies */
	struct list_head handles;
	struct xarray views;
	struct rhashtable cookies;
	bool named;
	atomic_t nr_handles;
	struct list_head dead;
	struct rcu_work free_work;
};

struct rcmgr_owner *rcmgr_owner_find(struct rcmgr_net *rn,
				     const struct sock *sk, u32 portid);
struct rcmgr_owner *rcmgr_owner_get(struct rcmgr_net *rn, struct sock *sk,
				    u32 portid);
void rcmgr_owner_release(struct rcmgr_net *rn, u32 portid);
void rcmgr_owner_flush(struct rcmgr_net *rn);
void rcmgr_owner_free(struct rcmgr_owner *o);
struct rcmgr_scope *rcmgr_handle_get(struct rcmgr_net *rn,
				     struct rcmgr_owner *owner, u64 id);
struct rcmgr_scope *rcmgr_handle_by_cookie(struct rcmgr_owner *owner,
					   u64 cookie);
extern const struct rhashtable_params rcmgr_cookie_params;
int rcmgr_handle_name(struct rcmgr_scope *s, u64 cookie);
struct rcmgr_scope *rcmgr_conn_open(struct rcmgr_net *rn, struct sock *sk,
				    u32 portid, u8 dir, bool usefd,
				    struct rcmgr_endpoint *ep,
				    struct rcmgr_refusal *why,
				    struct netlink_ext_ack *extack);
struct rcmgr_scope *rcmgr_stream_open(struct rcmgr_net *rn, struct sock *sk,
				      u32 portid, const struct rcmgr_key *peer,
				      u8 dir, struct rcmgr_refusal *why,
				      struct netlink_ext_ack *extack);
struct rcmgr_scope *rcmgr_span_begin(struct rcmgr_scope *parent,
				     struct sock *sk, u32 portid,
				     struct netlink_ext_ack *extack);
int rcmgr_conn_set_peer(struct rcmgr_scope *conn, const struct rcmgr_key *peer,
			struct rcmgr_refusal *why,
			struct netlink_ext_ack *extack);
int rcmgr_stream_set_protocol(struct rcmgr_scope *stream,
			      const struct rcmgr_key *proto,
			      struct rcmgr_refusal *why,
			      struct netlink_ext_ack *extack);
int rcmgr_stream_set_service(struct rcmgr_scope *stream,
			     const struct rcmgr_key *svc,
			     struct rcmgr_refusal *why,
			     struct netlink_ext_ack *extack);
int rcmgr_reserve_memory(struct rcmgr_scope *s, s64 size, u8 prio,
			 struct rcmgr_refusal *why);
int rcmgr_release_memory(struct rcmgr_scope *s, s64 size,
			 struct netlink_ext_ack *extack);
int rcmgr_shared_reserve(struct rcmgr_owner *o, struct rcmgr_scope *s,
			 s64 size, u8 prio, struct rcmgr_refusal *why,
			 struct netlink_ext_ack *extack);
int rcmgr_shared_release(struct rcmgr_owner *o, u64 id, s64 size,
			 struct netlink_ext_ack *extack);
bool rcmgr_handle_done(struct rcmgr_scope *s);
int __init rcmgr_handle_init(void);
void rcmgr_handle_exit(void);
void rcmgr_handle_free(struct rcmgr_scope *s);
void rcmgr_handle_drop(struct rcmgr_scope *s);
void rcmgr_owner_drop_handles(struct rcmgr_owner *o);

/* sock.c */

int rcmgr_conn_bind(struct rcmgr_scope *conn, int fd,
		    struct rcmgr_refusal *why, struct netlink_ext_ack *extack);
int rcmgr_sock_remote(struct rcmgr_net *rn, int fd, struct rcmgr_maddr *ma);
void rcmgr_conn_unbind(struct rcmgr_scope *conn);
int rcmgr_reap(struct rcmgr_net *rn);
int rcmgr_sock_init(struct rcmgr_net *rn);
void rcmgr_sock_stop(struct rcmgr_net *rn);
void rcmgr_sock_exit(struct rcmgr_net *rn);
int rcmgr_put_bind(struct sk_buff *skb, const struct rcmgr_scope *conn);

/* refuse.c */

/**
 * struct rcmgr_window - one rate limit's window
 * @start: jiffies at which the window began.
 * @taken: events taken in the window (and refusals beyond, not sent).
 */
struct rcmgr_window {
	atomic_long_t start;
	atomic_long_t taken;
};

/* Windows per kind of refusal (own handle, shared scope): users hash into them. */
#define RCMGR_EVENT_USER_BITS	5

/**
 * struct rcmgr_stats - refusals in a namespace, kept when scopes go
 * @blocked: refusals per kind of refusing scope and per resource.
 * @refusals: requests a limit refused.
 * @events: refusal events sent.
 * @dropped: refusal events suppressed or not allocated, with listeners.
 * @pending: of @dropped, those since the last event sent.
 * @subnet_refusals: conns the conn-limit table refused.
 * @rate_refusals: conns the rate-limit table refused.
 * @verify_asked: verify-source-address answers asking to verify.
 * @seed: random, hashed with the refused process's kuid to pick its window.
 * @all: the namespace's ceiling, above what one user alone can take.
 * @own: per user (hashed): refusals by the user's own handles.
 * @shared: per user (hashed): refusals by shared scopes.
 *
 * All atomics, taken under no lock.
 */
struct rcmgr_stats {
	atomic64_t blocked[RCMGR_NR_KINDS][RCMGR_NR_RES];
	atomic64_t refusals;
	atomic64_t events;
	atomic64_t dropped;
	atomic64_t pending;
	atomic64_t subnet_refusals;
	atomic64_t rate_refusals;
	atomic64_t verify_asked;
	u32 seed;
	struct rcmgr_window all;
	struct rcmgr_window own[1 << RCMGR_EVENT_USER_BITS];
	struct rcmgr_window shared[1 << RCMGR_EVENT_USER_BITS];
};

void rcmgr_stats_init(struct rcmgr_stats *st);

/* multiaddr.c */

/* What rcmgr_maddr_parse() accepts. */
enum rcmgr_maddr_use {
	RCMGR_MADDR_ENDPOINT,	/* /ip4|/ip6, transports, optional /p2p last */
	RCMGR_MADDR_ENTRY,	/* /ip4|/ip6, optional /ipcidr, optional /p2p */
};

/**
 * struct rcmgr_maddr - a validated binary multiaddr, as the kernel uses it
 * @family: AF_INET or AF_INET6.
 * @prefix_len: /ipcidr's bits; 32 or 128 without it.
 * @addr: the address (for an entry: the network, host bits zero).
 * @peer_len: length of @peer, 0 without /p2p.
 * @peer: /p2p's peer id in base58btc text, as conn-set-peer names peers.
 * @port: /tcp's or /udp's port (network order), if @ipproto.
 * @ipproto: IPPROTO_TCP or IPPROTO_UDP with /tcp or /udp, else 0.
 */
struct rcmgr_maddr {
	u16 family;
	u8 prefix_len;
	union {
		__be32 v4;
		struct in6_addr v6;
		u8 b[16];
	} addr;
	u16 peer_len;
	u8 peer[RCMGR_PEER_MAX];
	__be16 port;
	u8 ipproto;
};

int rcmgr_maddr_parse(const u8 *buf, int len, enum rcmgr_maddr_use use,
		      struct rcmgr_maddr *ma, struct netlink_ext_ack *extack);
int rcmgr_maddr_text(const u8 *buf, int len, char *out, size_t size);
int rcmgr_maddr_encode(u16 family, const u8 *addr, u8 ipproto, __be16 port,
		       u8 *out);

/* allowlist.c */

bool rcmgr_allowlist_allowed(struct rcmgr_net *rn,
			     const struct rcmgr_maddr *remote);
bool rcmgr_allowlist_allowed_peer(struct rcmgr_net *rn,
				  const struct rcmgr_maddr *remote,
				  const struct rcmgr_key *peer);
bool rcmgr_allowlist_network(struct rcmgr_net *rn,
			     const struct rcmgr_maddr *remote,
			     struct rcmgr_maddr *network);
int rcmgr_allowlist_add(struct rcmgr_net *rn, const u8 *bin, int len,
			struct netlink_ext_ack *extack);
int rcmgr_allowlist_del(struct rcmgr_net *rn, const u8 *bin, int len,
			struct netlink_ext_ack *extack);
u32 rcmgr_allowlist_count(struct rcmgr_net *rn);
void rcmgr_allowlist_flush(struct rcmgr_net *rn);

/* netlimit.c */

/* Rules per family in a table; the global bucket comes on top. */
#define RCMGR_NETRULES_MAX	16
/* The longest binary endpoint (the spec's max-len). */
#define RCMGR_ENDPOINT_MAX	255

struct rcmgr_netcnt;

/**
 * struct rcmgr_netrule - one rule of a per-address table
 * @family: AF_INET, AF_INET6, or 0 for rate-limit's global bucket.
 * @prefix_len: bits of the prefix.
 * @network: a network-prefix rule (@addr, host bits zero); else per subnet.
 * @addr: the network of a network-prefix rule.
 * @conns: conn-limit: connections, %RCMGR_UNLIMITED unlimited.
 * @rate: rate-limit: tokens per 1000 s, %RCMGR_UNLIMITED unlimited.
 * @burst: rate-limit: the bucket's size.
 */
struct rcmgr_netrule {
	u16 family;
	u8 prefix_len;
	bool network;
	u8 addr[16];
	s64 conns;
	u64 rate;
	u64 burst;
};

/**
 * struct rcmgr_netrules - a table's rules, replaced whole (RCU)
 * @rcu: frees it.
 * @n: entries in @r: network-prefix rules first, most specific first,
 *	then per-subnet rules, most specific first, then the global bucket.
 * @r: the rules.
 */
struct rcmgr_netrules {
	struct rcu_head rcu;
	unsigned int n;
	struct rcmgr_netrule r[];
};

/**
 * struct rcmgr_netlimit - a namespace's per-address tables
 * @rules: per &enum rcmgr_netlimit_table (index table - 1), RCU; replaced
 *	under &rcmgr_net.lock.
 * @lock: protects @ht, @lru, @tracked and every counter's count and
 *	bucket's tokens.  Taken only for addresses some limited rule
 *	covers: an unlimited network-prefix rule (loopback) takes no lock.
 * @ht: &struct rcmgr_netcnt by table, rule and prefix.
 * @lru: token buckets of sockets' addresses, least recently used last
 *	(counters are not on it: they go when their last conn does).
 * @lru_declared: token buckets of declared addresses, likewise.
 * @tracked: entries in @ht.
 */
struct rcmgr_netlimit {
	struct rcmgr_netrules __rcu *rules[RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE];
	struct mutex lock;		/* see @lock above */
	struct rhashtable ht;
	struct list_head lru;
	struct list_head lru_declared;
	unsigned int tracked;
};

/*
 * The domain of an address a socket gave (&rcmgr_endpoint.domain): no uid
 * is (uid_t)-1.  An address a user declared is counted in that user's.
 */
#define RCMGR_NET_VERIFIED	U32_MAX

/**
 * struct rcmgr_endpoint - a conn's remote endpoint
 * @ma: the parsed address, if @has_addr.
 * @has_addr: from endpoint-bin or the bound socket; else @text is a label
 *	given as text alone, which limits nothing.
 * @domain: %RCMGR_NET_VERIFIED if a connected socket gave or confirmed
 *	the address; else the uid of the owner who declared it, whose conns
 *	alone it is counted with.
 * @nr_cnt: entries in @cnt.
 * @bin_len: length of @bin.
 * @cnt: the conn-limit counters the conn is counted in (under
 *	&rcmgr_netlimit.lock): what it releases at done, whatever the
 *	rules are by then.
 * @bin: the binary multiaddr.
 * @rcu: frees it when replaced (at conn-bind-fd).
 * @text: its text, or the label.
 */
struct rcmgr_endpoint {
	struct rcmgr_maddr ma;
	bool has_addr;
	u8 nr_cnt;
	u32 domain;
	u8 bin_len;
	struct rcmgr_netcnt *cnt[RCMGR_NETRULES_MAX];
	u8 bin[RCMGR_ENDPOINT_MAX];
	struct rcu_head rcu;
	char text[];
};

struct rcmgr_endpoint *rcmgr_endpoint_new(const u8 *bin, int len,
					  const struct rcmgr_maddr *ma,
					  const char *label);
struct rcmgr_endpoint *rcmgr_endpoint_relabel(struct rcmgr_endpoint *ep,
					      const char *label);
bool rcmgr_endpoint_matches(const struct rcmgr_maddr *decl,
			    const struct rcmgr_maddr *sock);
int rcmgr_netlimit_rate(struct rcmgr_net *rn, const struct rcmgr_endpoint *ep,
			struct rcmgr_refusal *why);
int rcmgr_netlimit_count(struct rcmgr_net *rn, struct rcmgr_endpoint *ep,
			 struct rcmgr_refusal *why);
void rcmgr_netlimit_uncount(struct rcmgr_net *rn, struct rcmgr_endpoint *ep);
bool rcmgr_netlimit_verify(struct rcmgr_net *rn, const struct rcmgr_maddr *ma,
			   kuid_t uid);
int rcmgr_netlimit_set(struct rcmgr_net *rn, u32 table,
		       const struct rcmgr_netrule *r, unsigned int n);
int rcmgr_netlimit_reset(struct rcmgr_net *rn, u32 table);
unsigned int rcmgr_netlimit_get(struct rcmgr_net *rn, u32 table,
				struct rcmgr_netrule *r, u64 *count);
u32 rcmgr_netlimit_tracked(struct rcmgr_net *rn);
int rcmgr_netlimit_init(struct rcmgr_net *rn);
void rcmgr_netlimit_exit(struct rcmgr_net *rn);

/* net.c */

/**
 * struct rcmgr_bounds - module-wide ceilings of a namespace's bounds
 * @max_handles: live conns, streams and spans in the namespace.
 * @max_owner_handles: of one owning socket.
 * @max_scopes: live named scopes in the namespace.
 * @max_user_handles: &rcmgr_user.nr_handles of one user.
 * @max_user_scopes: &rcmgr_user.nr_scopes of one user.
 * @max_user_binds: &rcmgr_user.nr_binds of one user.
 * @max_tracked: &rcmgr_netlimit.tracked.
 * @max_allowlist: allowlist entries in the namespace.
 *
 * What a namespace's bounds are, read with READ_ONCE() and written under
 * &rcmgr_net.lock; and, as module parameters (&rcmgr_ceiling), the
 * ceilings: a new namespace starts at them, and only CAP_NET_ADMIN in the
 * initial user namespace may raise a namespace's bounds above them.
 */
struct rcmgr_bounds {
	u32 max_handles;
	u32 max_owner_handles;
	u32 max_scopes;
	u32 max_user_handles;
	u32 max_user_scopes;
	u32 max_user_binds;
	u32 max_tracked;
	u32 max_allowlist;
};

extern struct rcmgr_bounds rcmgr_ceiling;

/**
 * struct rcmgr_net - the per network namespace state
 * @lock: serialises creating, idling and freeing named scopes and users,
 *	and changes of limits, bounds and the allowlist.
 * @system: the root scope.
 * @transient: where conns and streams wait for a peer or protocol.
 * @allowlisted_system: the root of conns from allowlisted addresses that
 *	@system or @transient refused; not a child of @system.
 * @allowlisted_transient: where those wait for a peer.
 * @class_limit: the default limits of each &enum rcmgr_class.
 * @named: named scopes by &rcmgr_key.
 * @users: &struct rcmgr_user by uid.
 * @overrides: per-name limits by &rcmgr_key.
 * @override_list: the same, in the order they were set.
 * @scopes: every scope by id, for handles and dumps; named scopes are
 *	marked %RCMGR_SCOPE_NAMED, for walks by admins and at exit (under
 *	@lock, which keeps them).
 * @owners: &struct rcmgr_owner by port id.
 * @next_id: the last id handed out (under @scopes' lock); the slot of the
 *	next one is reserved in @scopes (rcmgr_net_add()).
 * @gen: bumped whenever a scope goes, an idle one comes back under its old
 *	id, or per-name limits change; dumps flag what changed meanwhile.
 * @nr_handles: live conns, streams and spans.
 * @nr_scopes: live named scopes (not the idle ones).
 * @idle: named scopes nothing uses and that hold nothing, kept a while
 *	in case they come back, the oldest first (under @lock).
 * @nr_idle: entries in @idle (under @lock).
 * @gc: frees the idle scopes, one to two seconds after they went idle.
 * @bounds: on @nr_handles, @nr_scopes, an owner's and a user's counts.
 * @autoscale: what @class_limit was scaled from (under @lock).
 * @stats: refusal counts.
 * @netlimit: the per-address tables.
 * @net: the namespace.
 * @bind_lock: protects @binds and changes of @bind_list.
 * @binds: socket bindings by socket.
 * @bind_list: the same, for the reaper, which walks it under RCU.
 * @reap_lock: one reaper at a time; waiters find the work done.
 * @nr_binds: entries in @bind_list.
 * @reaper: reaps dead sockets every second while bindings exist.
 * @allowlist: the allowlist entries, in the order added (RCU; replaced
 *	under @lock).
 * @allowlist_seq: the sequence number of the last entry added (under
 *	@lock).
 * @allowlist_gen: bumped whenever @allowlist changes; dumps flag it.
 */
struct rcmgr_net {
	struct mutex lock;		/* see @lock above */
	struct rcmgr_scope system;
	struct rcmgr_scope transient;
	struct rcmgr_scope allowlisted_system;
	struct rcmgr_scope allowlisted_transient;
	struct rcmgr_limit class_limit[RCMGR_NR_CLASSES];
	struct rhashtable named;
	struct xarray users;
	struct rhashtable overrides;
	struct list_head override_list;
	struct xarray scopes;
	struct xarray owners;
	u64 next_id;
	atomic_t gen;
	atomic_t nr_handles;
	atomic_t nr_scopes;
	struct list_head idle;
	unsigned int nr_idle;
	struct delayed_work gc;
	struct rcmgr_bounds bounds;
	struct rcmgr_autoscale autoscale;
	struct rcmgr_stats stats;
	struct rcmgr_netlimit netlimit;
	struct net *net;
	struct mutex bind_lock;		/* see @bind_lock above */
	struct rhashtable binds;
	struct list_head bind_list;
	atomic_t nr_binds;
	struct mutex reap_lock;		/* see @reap_lock above */
	struct delayed_work reaper;
	struct rcmgr_allowlist __rcu *allowlist;
	u64 allowlist_seq;
	atomic_t allowlist_gen;
};

/* In &rcmgr_net.scopes: a named scope. */
#define RCMGR_SCOPE_NAMED	XA_MARK_0

extern struct pernet_operations rcmgr_net_ops;
struct rcmgr_net *rcmgr_net(const struct net *net);
int rcmgr_net_add(struct rcmgr_net *rn, struct rcmgr_scope *s);
void rcmgr_net_del(struct rcmgr_net *rn, struct rcmgr_scope *s);
void rcmgr_net_del_many(struct rcmgr_net *rn, struct rcmgr_scope **s,
			unsigned int n);

/* netlink.c */

int __init rcmgr_genl_register(void);
void rcmgr_genl_unregister(void);
int __init rcmgr_notifier_register(void);
void rcmgr_notify_closed(const struct rcmgr_scope *s);
void rcmgr_notifier_unregister(void);

#endif /* _RCMGR_H */
