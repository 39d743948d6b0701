/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librcmgr: the libp2p resource manager interface (go-libp2p's
 * core/network/rcmgr.go), served by the rcmgr kernel module over generic
 * netlink.  Every process of a network namespace shares the module's
 * scopes: limits hold across processes.
 *
 * Every call returns 0 (or a documented non-negative value) on success and
 * a negative errno on failure, with errno set to its absolute value:
 *   EDQUOT  a limit refused the reservation (rcmgr_last_error() says which)
 *   ESTALE  the scope is closed (done, or a span whose parent is done)
 *   ENOENT  unknown handle
 *   EALREADY peer, protocol or service already set
 *   EINVAL, ERANGE  malformed input; EPERM  not allowed
 *   EINTR   a dump kept changing under us (see rcmgr_dump())
 *   ECHILD  the manager belongs to the parent process (see fork below)
 *   EOPNOTSUPP  not in a null manager, or not in this kernel module
 *
 * Threads and processes
 *
 * A manager is thread-safe: any thread may call anything on it, except
 * rcmgr_close(), which must be the last call on it and its objects.  One
 * request is in flight per manager at a time (a mutex, held only while the
 * request is sent and its whole answer read); no library lock is held
 * while a callback (view, dump, list) runs, so a callback may call any
 * rcmgr_*() function, on the same manager too, except rcmgr_close().
 * Separate managers never wait for each other.  A scope object may be used
 * from any thread, but rcmgr_scope_done() must not race other calls on the
 * same object.
 *
 * rcmgr_last_error() is per thread: the details of the calling thread's
 * last request that failed, on any manager.  A call that succeeds leaves
 * it alone, and rcmgr_scope_done() never touches it (nor errno), so it can
 * be read after cleaning up.  Failures found before reaching the kernel
 * (EINVAL for a NULL name...) do not touch it either, except a multiaddr
 * that does not parse: its message names the bad component.
 *
 * fork(): the kernel releases a manager's handles when its netlink socket
 * closes, so a child must not keep it open: in the child, the library
 * closes its copy of every manager's socket at once (pthread_atfork()), and
 * every call on an inherited manager or its objects fails with ECHILD,
 * touching nothing.  The child may rcmgr_close() them (to free memory;
 * the parent's handles are not affected) and rcmgr_open() its own.  When
 * the parent dies, its reservations go, whatever its children do.  The
 * sockets are also close-on-exec.  A monitor is not tied to any handle;
 * after fork() it is shared, and only one process should read it.
 *
 * rcmgr_close() frees every conn, stream and span object still open on the
 * manager (the kernel releases what they held when the socket closes);
 * pointers to them are invalid afterwards.
 */
#ifndef _RCMGR_RCMGR_H
#define _RCMGR_RCMGR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rcmgr;
struct rcmgr_scope;

enum rcmgr_dir {
	RCMGR_DIR_UNKNOWN,
	RCMGR_DIR_INBOUND,
	RCMGR_DIR_OUTBOUND,
};

/* Memory reservation priorities: fail above (1 + prio) / 256 of a limit. */
#define RCMGR_PRIO_LOW		101
#define RCMGR_PRIO_MEDIUM	152
#define RCMGR_PRIO_HIGH		203
#define RCMGR_PRIO_ALWAYS	255

/** Unlimited, for any field of struct rcmgr_limit. */
#define RCMGR_LIMIT_UNLIMITED	INT64_MAX

/** What a scope holds (go-libp2p ScopeStat). */
struct rcmgr_stat {
	int num_streams_inbound;
	int num_streams_outbound;
	int num_conns_inbound;
	int num_conns_outbound;
	int num_fd;
	int64_t memory;
};

/** A scope's limits (go-libp2p BaseLimit); 0 blocks all. */
/* RCMGR_LIMIT_UNLIMITED (S64_MAX) is unlimited. */
struct rcmgr_limit {
	int64_t streams;
	int64_t streams_inbound;
	int64_t streams_outbound;
	int64_t conns;
	int64_t conns_inbound;
	int64_t conns_outbound;
	int64_t fd;
	int64_t memory;
};

/** One value per resource: usage, peaks or refusal counts. */
struct rcmgr_resources {
	int64_t streams;
	int64_t streams_inbound;
	int64_t streams_outbound;
	int64_t conns;
	int64_t conns_inbound;
	int64_t conns_outbound;
	int64_t fd;
	int64_t memory;
};

enum rcmgr_limit_class {
	RCMGR_LIMIT_SYSTEM,
	RCMGR_LIMIT_TRANSIENT,
	RCMGR_LIMIT_SERVICE,
	RCMGR_LIMIT_SERVICE_PEER,
	RCMGR_LIMIT_PROTOCOL,
	RCMGR_LIMIT_PROTOCOL_PEER,
	RCMGR_LIMIT_PEER,
	RCMGR_LIMIT_CONN,
	RCMGR_LIMIT_STREAM,
	/* Since LIBRCMGR_1.3. */
	RCMGR_LIMIT_ALLOWLISTED_SYSTEM,
	RCMGR_LIMIT_ALLOWLISTED_TRANSIENT,
};

/** Scope kinds, as the kernel names them. */
enum rcmgr_kind {
	RCMGR_KIND_SYSTEM = 1,
	RCMGR_KIND_TRANSIENT,
	RCMGR_KIND_SERVICE,
	RCMGR_KIND_PROTOCOL,
	RCMGR_KIND_PEER,
	RCMGR_KIND_PROTOCOL_PEER,
	RCMGR_KIND_SERVICE_PEER,
	RCMGR_KIND_CONN,
	RCMGR_KIND_STREAM,
	RCMGR_KIND_SPAN,
	/* Since LIBRCMGR_1.3: where allowlisted conns go (rcmgr_allowlist_add()). */
	RCMGR_KIND_ALLOWLISTED_SYSTEM,
	RCMGR_KIND_ALLOWLISTED_TRANSIENT,
};

/** Resources, as named in refusals. */
enum rcmgr_resource {
	RCMGR_RESOURCE_NONE,
	RCMGR_RESOURCE_MEMORY,
	RCMGR_RESOURCE_STREAMS_INBOUND,
	RCMGR_RESOURCE_STREAMS_OUTBOUND,
	RCMGR_RESOURCE_STREAMS,
	RCMGR_RESOURCE_CONNS_INBOUND,
	RCMGR_RESOURCE_CONNS_OUTBOUND,
	RCMGR_RESOURCE_CONNS,
	RCMGR_RESOURCE_FD,
	/* Since LIBRCMGR_1.3: the per-address tables (rcmgr_netlimit_get()). */
	RCMGR_RESOURCE_SUBNET_CONNS,
	RCMGR_RESOURCE_CONN_RATE,
};

/* A bit per resource, to say which fields of a struct rcmgr_limit count. */
#define RCMGR_RESOURCE_BIT(r)	(1u << (r))
#define RCMGR_RESOURCES_ALL	0x1feu

/*
 * A rule of a per-address table (rcmgr_netlimit_get()), or the one that
 * refused a conn (struct rcmgr_error's subnet).  Since LIBRCMGR_1.3.
 */
struct rcmgr_netrule {
	int family;			/* AF_INET, AF_INET6, AF_UNSPEC */
	uint8_t prefix_len;
	bool network;			/* a network-prefix rule: addr */
	uint8_t addr[16];		/* the network, host bits zero */
	int64_t conns;			/* RCMGR_NETLIMIT_CONN */
	int64_t rate;			/* per 1000 s (RPS x 1000), rate tables */
	int64_t burst;			/* the bucket's size */
	uint64_t count;			/* get: prefixes or buckets tracked */
};

/**
 * Why the kernel refused this thread's last request.  For a limit
 * (error EDQUOT, resource set): which scope, which limit, and the numbers.
 */
struct rcmgr_error {
	int error;			/* positive errno */
	char message[256];		/* the kernel's message, or "" */
	enum rcmgr_kind kind;		/* refusing scope, 0 if none */
	uint64_t scope_id;		/* its id */
	char peer[129];			/* its names, NUL-terminated, or "" */
	char protocol[257];
	char service[129];
	enum rcmgr_resource resource;
	enum rcmgr_dir direction;	/* of the resource, if it has one */
	int64_t usage;			/* what the scope held */
	int64_t attempted;		/* what the request added */
	int64_t limit;			/* the scope's limit */
	uint8_t priority;		/* of a memory reservation */
	/*
	 * Since LIBRCMGR_1.3: for resource RCMGR_RESOURCE_SUBNET_CONNS or
	 * RCMGR_RESOURCE_CONN_RATE, the rule that refused, its network the
	 * refused address's subnet (kind and scope_id are 0 then: no scope
	 * refused; the numbers are the rule's conns, or rate and burst).
	 */
	struct rcmgr_netrule subnet;
};

/** A scope as a dump shows it; strings valid during the callback. */
struct rcmgr_scope_info {
	uint64_t id;
	enum rcmgr_kind kind;
	const char *peer;		/* NULL when none */
	const char *protocol;
	const char *service;
	enum rcmgr_dir dir;		/* conns and streams */
	bool usefd;
	const char *endpoint;
	uint64_t parent;		/* spans: what they charge */
	bool zombie;			/* a span whose parent is done */
	uint32_t owner;			/* handles: owning netlink port id */
	bool fd_bound;			/* conns: fd unit bound to a socket */
	uint64_t sock_ino;		/* its inode, as in /proc/PID/fd */
	const char *sock_local;		/* "10.0.0.1:4001", "[::1]:80" */
	const char *sock_remote;
	struct rcmgr_resources usage;
	struct rcmgr_limit limit;
	struct rcmgr_resources peak;
	struct rcmgr_resources blocked;
	/* Names are bytes: maybe not UTF-8, maybe holding a NUL. */
	size_t peer_len, protocol_len, service_len;
	/* Since LIBRCMGR_1.3: a conn in the allowlisted scopes. */
	bool allowlisted;
};

/** Bounds on what one namespace may hold in the kernel. */
struct rcmgr_config {
	uint32_t max_handles;
	uint32_t max_owner_handles;
	uint32_t max_scopes;
	uint32_t handles;		/* now (read only) */
	uint32_t scopes;		/* now (read only) */
	/* Per user, the creator of the owning sockets. */
	uint32_t max_user_handles;
	uint32_t max_user_scopes;
	uint32_t max_user_binds;	/* sockets bound to conns */
	uint32_t user_handles;		/* the caller's user now (read only) */
	uint32_t user_scopes;
	uint32_t user_binds;
	/* Since LIBRCMGR_1.3: the endpoint policy's tables. */
	uint32_t max_tracked;		/* prefix counters and buckets */
	uint32_t tracked;		/* now (read only) */
	uint32_t max_allowlist;		/* allowlist entries */
	uint32_t allowlist_entries;	/* now (read only) */
};

/* The resource manager; thread-safe.  ENOENT: the module is not loaded. */
int rcmgr_open(struct rcmgr **rm);
/*
 * The null manager (go-libp2p's NullResourceManager), for hosts without
 * the module: every reservation succeeds and nothing is accounted.  Scopes
 * stat as empty with unlimited limits, ids are 0, dumps and lists are
 * empty; limit and config changes fail with EOPNOTSUPP.  A daemon falls
 * back with:  if (rcmgr_open(&rm) == -ENOENT) rcmgr_open_null(&rm);
 */
int rcmgr_open_null(struct rcmgr **rm);
bool rcmgr_is_null(const struct rcmgr *rm);
/* Close: the kernel releases everything this manager still holds. */
void rcmgr_close(struct rcmgr *rm);
const struct rcmgr_error *rcmgr_last_error(struct rcmgr *rm);

/*
 * @endpoint: the remote end as a multiaddr ("/ip4/10.0.0.1/tcp/4001"), or
 * NULL.  Since LIBRCMGR_1.3 it is parsed (rcmgr_multiaddr_parse()) and
 * sent in binary: text that is not a multiaddr fails with EINVAL before
 * the kernel is asked, rcmgr_last_error() naming the bad component.  Its
 * address is what the allowlist and the per-address limits see, unless
 * the conn has a bound socket, whose remote address rules (a contradicting
 * endpoint: EINVAL).  A refusal by those limits is EDQUOT with resource
 * RCMGR_RESOURCE_SUBNET_CONNS or RCMGR_RESOURCE_CONN_RATE.
 */
int rcmgr_open_connection(struct rcmgr *rm, enum rcmgr_dir dir, bool usefd,
			  const char *endpoint, struct rcmgr_scope **conn);
int rcmgr_open_stream(struct rcmgr *rm, const char *peer, enum rcmgr_dir dir,
		      struct rcmgr_scope **stream);

/*
 * File descriptors tied to real sockets.  A conn's fd unit is bound to a
 * socket of the caller; when the socket's last file reference goes (close
 * of the last dup, exit, SIGKILL), the kernel ends the conn: its units
 * leave every scope, and the conn reports -ESTALE afterwards.
 *   inbound:  rcmgr_open_connection_fd() with the socket from accept();
 *   outbound: rcmgr_open_connection(usefd=true) before dialling, then
 *             rcmgr_conn_bind_fd() once socket()/connect() gave an fd.
 * Errors: EBADF, ENOTSOCK, EXDEV (another namespace), EINVAL (not
 * AF_INET/AF_INET6, listening, or a conn opened without usefd), EBUSY.
 */
int rcmgr_open_connection_fd(struct rcmgr *rm, enum rcmgr_dir dir, int sockfd,
			     const char *endpoint, struct rcmgr_scope **conn);
int rcmgr_conn_bind_fd(struct rcmgr_scope *conn, int sockfd);

/* Views: @fn gets a scope valid for the call; its return is passed back. */
typedef int (*rcmgr_view_fn)(struct rcmgr_scope *scope, void *arg);
int rcmgr_view_system(struct rcmgr *rm, rcmgr_view_fn fn, void *arg);
int rcmgr_view_transient(struct rcmgr *rm, rcmgr_view_fn fn, void *arg);
int rcmgr_view_service(struct rcmgr *rm, const char *service,
		       rcmgr_view_fn fn, void *arg);
int rcmgr_view_protocol(struct rcmgr *rm, const char *protocol,
			rcmgr_view_fn fn, void *arg);
int rcmgr_view_peer(struct rcmgr *rm, const char *peer, rcmgr_view_fn fn,
		    void *arg);

int rcmgr_scope_reserve_memory(struct rcmgr_scope *s, int64_t size,
			       uint8_t prio);
int rcmgr_scope_release_memory(struct rcmgr_scope *s, int64_t size);
int rcmgr_scope_stat(struct rcmgr_scope *s, struct rcmgr_stat *st);
int rcmgr_scope_limit(struct rcmgr_scope *s, struct rcmgr_limit *l);
int rcmgr_scope_begin_span(struct rcmgr_scope *s, struct rcmgr_scope **span);
/* Conn, stream, span: Done, then free the object. */
void rcmgr_scope_done(struct rcmgr_scope *s);
/*
 * Name()/Protocol()/Peer(): "system", the peer ID, "stream-42"...  A
 * handle's id (and so its name) is asked of the kernel the first time
 * either is wanted, a round trip; until a question succeeds the id is 0
 * and the name the kind alone ("stream").
 */
const char *rcmgr_scope_name(const struct rcmgr_scope *s);
enum rcmgr_kind rcmgr_scope_kind(const struct rcmgr_scope *s);
uint64_t rcmgr_scope_id(const struct rcmgr_scope *s);

int rcmgr_conn_set_peer(struct rcmgr_scope *conn, const char *peer);
struct rcmgr_scope *rcmgr_conn_peer_scope(struct rcmgr_scope *conn);
int rcmgr_stream_set_protocol(struct rcmgr_scope *stream, const char *protocol);
int rcmgr_stream_set_service(struct rcmgr_scope *stream, const char *service);
struct rcmgr_scope *rcmgr_stream_peer_scope(struct rcmgr_scope *stream);
struct rcmgr_scope *rcmgr_stream_protocol_scope(struct rcmgr_scope *stream);
struct rcmgr_scope *rcmgr_stream_service_scope(struct rcmgr_scope *stream);

/* Limits: per class (name NULL) or per service, protocol or peer name. */
int rcmgr_limit_set(struct rcmgr *rm, enum rcmgr_limit_class c,
		    const char *name, const struct rcmgr_limit *l);
int rcmgr_limit_get(struct rcmgr *rm, enum rcmgr_limit_class c,
		    const char *name, struct rcmgr_limit *l);
int rcmgr_limit_reset(struct rcmgr *rm);
/*
 * Set only the values whose RCMGR_RESOURCE_BIT() is in @which; the others
 * stay as they are (rcmgr_limit_set() is @which = RCMGR_RESOURCES_ALL).
 */
int rcmgr_limit_update(struct rcmgr *rm, enum rcmgr_limit_class c,
		       const char *name, const struct rcmgr_limit *l,
		       unsigned int which);
/*
 * Drop the per-name limits of @name in class @c: it follows the class
 * default again.  ENOENT if it had none; EOPNOTSUPP on a module without
 * the limit-del op.
 */
int rcmgr_limit_delete(struct rcmgr *rm, enum rcmgr_limit_class c,
		       const char *name);
/* Every class default, then every per-name limit (override set). */
struct rcmgr_limit_info {
	enum rcmgr_limit_class limit_class;	/* "class" is C++'s */
	const char *name;		/* NULL for a class default */
	size_t name_len;		/* names are bytes, maybe not UTF-8 */
	bool override;
	struct rcmgr_limit limit;
};
typedef int (*rcmgr_limit_fn)(const struct rcmgr_limit_info *info,
			      void *arg);
int rcmgr_limit_dump(struct rcmgr *rm, rcmgr_limit_fn fn, void *arg);

/* Listing: @fn per scope; a non-zero return stops and is passed back. */
typedef int (*rcmgr_list_fn)(const char *name, void *arg);
int rcmgr_list_peers(struct rcmgr *rm, rcmgr_list_fn fn, void *arg);
int rcmgr_list_protocols(struct rcmgr *rm, rcmgr_list_fn fn, void *arg);
int rcmgr_list_services(struct rcmgr *rm, rcmgr_list_fn fn, void *arg);
/*
 * The whole state: every scope (other sockets' handles need CAP_NET_ADMIN).
 * The library reads the whole dump before the first callback, so @fn sees
 * one consistent snapshot or nothing: when scopes come or go during a dump
 * (NLM_F_DUMP_INTR), it is retried, up to 4 times in all, then -EINTR with
 * nothing delivered.  A non-zero return of @fn stops and is passed back.
 */
typedef int (*rcmgr_dump_fn)(const struct rcmgr_scope_info *info, void *arg);
int rcmgr_dump(struct rcmgr *rm, enum rcmgr_kind kind /* 0: all */,
	       rcmgr_dump_fn fn, void *arg);

/*
 * Events: the kernel ended a handle because its bound socket died, or a
 * limit refused a request of any process of the namespace.  A monitor has
 * a socket of its own (poll rcmgr_monitor_fd() for input), with a 1 MiB
 * receive buffer; joining needs CAP_NET_ADMIN.
 */
struct rcmgr_monitor;
enum rcmgr_event_type {
	RCMGR_EVENT_SCOPE_CLOSED = 1,
	RCMGR_EVENT_REFUSAL,
};
struct rcmgr_event {
	uint64_t id;			/* the handle, or the refusing scope */
	enum rcmgr_kind kind;		/* RCMGR_KIND_CONN, or the scope's */
	uint32_t owner;			/* owning netlink port id; 0 */
	/*
	 * Since LIBRCMGR_1.2; binaries built against an older header get
	 * scope-closed events only, in the three fields above.
	 */
	enum rcmgr_event_type type;
	/* RCMGR_EVENT_REFUSAL: the limit and numbers, as a request's error. */
	struct rcmgr_error refusal;
	uint32_t pid;			/* the refused process (see rcmgr.rst) */
	uint32_t uid;			/* in the namespace's user namespace */
	char comm[16];			/* its thread's name, chosen by it */
	uint64_t dropped;		/* refusal events suppressed before */
	uint32_t pid_ns;		/* inode of pid's pid namespace; 0 */
	/*
	 * 1: pid is counted in the reader's pid namespace (pid_ns is that of
	 * /proc/self/ns/pid when the monitor was opened); 0: it names another
	 * namespace's process (or the kernel said none), not one of ours.
	 */
	int pid_local;
};
int rcmgr_monitor_open(struct rcmgr_monitor **mon);
int rcmgr_monitor_fd(const struct rcmgr_monitor *mon);
/*
 * The next event: 0, or a negative errno.  Blocks, unless the fd was made
 * O_NONBLOCK: then -EAGAIN when none is queued (poll() first; the fd is
 * readable only when a notification is queued).  -ENOBUFS: the kernel
 * dropped events because the socket's buffer was full; the monitor goes
 * on, rcmgr_monitor_lost() counts such overruns, and a client that mirrors
 * state should re-read it (rcmgr_dump()).  Refusal events the kernel's
 * rate limit suppressed are not lost that way: the next one counts them
 * in dropped, and rcmgr_stats_get() counts them all.
 */
int rcmgr_monitor_read(struct rcmgr_monitor *mon, struct rcmgr_event *ev);
unsigned long rcmgr_monitor_lost(const struct rcmgr_monitor *mon);
void rcmgr_monitor_close(struct rcmgr_monitor *mon);

/*
 * Refusal counts of the namespace since it was created, kept when the
 * scopes that refused are freed; anyone may read them.  blocked is indexed
 * by the refusing scope's enum rcmgr_kind ([0] unused).
 */
struct rcmgr_stats {
	uint64_t refusals;		/* requests a limit refused */
	uint64_t events;		/* refusal events sent */
	uint64_t events_dropped;	/* suppressed by the rate limit */
	struct rcmgr_resources blocked[RCMGR_KIND_SPAN + 1];
	/* Since LIBRCMGR_1.3. */
	uint64_t subnet_refusals;	/* by the conn-limit table */
	uint64_t rate_refusals;		/* by the rate-limit table */
	uint64_t verify_asked;		/* verify-source answers "verify" */
	/* blocked of RCMGR_KIND_ALLOWLISTED_SYSTEM, then _TRANSIENT. */
	struct rcmgr_resources allowlisted_blocked[2];
};
int rcmgr_stats_get(struct rcmgr *rm, struct rcmgr_stats *st);

/* What the default limits were scaled from (see rcmgr_limit_reset()). */
struct rcmgr_autoscale {
	uint64_t ram;			/* bytes, rounded up to 128 MiB */
	uint64_t memory;		/* the memory budget, bytes */
	uint64_t fds;			/* the file descriptor budget */
};
int rcmgr_autoscale_get(struct rcmgr *rm, struct rcmgr_autoscale *as);

int rcmgr_config_get(struct rcmgr *rm, struct rcmgr_config *cfg);
int rcmgr_config_set(struct rcmgr *rm, const struct rcmgr_config *cfg);
#define RCMGR_CONFIG_MAX_HANDLES	(1u << 0)
#define RCMGR_CONFIG_MAX_OWNER_HANDLES	(1u << 1)
#define RCMGR_CONFIG_MAX_SCOPES		(1u << 2)
#define RCMGR_CONFIG_MAX_USER_HANDLES	(1u << 3)
#define RCMGR_CONFIG_MAX_USER_SCOPES	(1u << 4)
#define RCMGR_CONFIG_MAX_USER_BINDS	(1u << 5)
#define RCMGR_CONFIG_MAX_TRACKED	(1u << 6)	/* since LIBRCMGR_1.3 */
#define RCMGR_CONFIG_MAX_ALLOWLIST	(1u << 7)
#define RCMGR_CONFIG_ALL		0xffu
/*
 * rcmgr_config_set() sets every bound (RCMGR_CONFIG_ALL): start from
 * rcmgr_config_get().  It leaves max_tracked and max_allowlist alone when
 * they are 0 (no valid value: a module without them read as 0).  rcmgr_config_update() sets only those in @which.
 * Above the module's ceilings needs the host's CAP_NET_ADMIN (EPERM).
 */
int rcmgr_config_update(struct rcmgr *rm, const struct rcmgr_config *cfg,
			unsigned int which);

/*
 * Multiaddrs (since LIBRCMGR_1.3): text to the multiformats binary form
 * and back, strictly (one spelling per address: no "//", no trailing "/",
 * no leading zeros, no IPv6 zone).  Protocols: ip4, ip6, ipcidr, tcp, udp,
 * quic, quic-v1, webtransport, certhash, webrtc-direct, webrtc, ws, wss,
 * tls, sni, noise, http, p2p-circuit, p2p (or its old name ipfs).  Parse
 * returns the binary's length, format the text's; -EINVAL with
 * rcmgr_last_error(NULL)'s message naming the bad component, or -ERANGE
 * when the buffer is short.  These set the thread's last error although
 * no kernel is asked.  The kernel decides which sequences it takes: an
 * endpoint is /ip4 or /ip6, transports, optionally /p2p last; an allowlist
 * entry /ip4 or /ip6, optionally /ipcidr, optionally /p2p.
 */
#define RCMGR_MULTIADDR_MAX		255	/* binary bytes the kernel takes */
#define RCMGR_MULTIADDR_TEXT_MAX	2048	/* the text of any of them, NUL */
#define RCMGR_PEER_ID_MAX		96	/* a peer ID's multihash, bytes */
int rcmgr_multiaddr_parse(const char *text, uint8_t *buf, size_t size);
int rcmgr_multiaddr_format(const uint8_t *buf, size_t len, char *text,
			   size_t size);
/*
 * A peer ID's text as go-libp2p's peer.Decode() takes it (a base58btc
 * multihash, or a CIDv1 of codec libp2p-key in a multibase): its
 * multihash's length, or -EINVAL (last error untouched), -ERANGE.
 */
int rcmgr_peer_id_parse(const char *text, uint8_t *buf, size_t size);

/*
 * go-libp2p's VerifySourceAddress(): should a connection from @multiaddr
 * prove its source address first (a QUIC Retry)?  *verify is set when the
 * namespace's verify-source table has no token left for the address; the
 * question takes a token.  As in go-libp2p, an address that does not
 * parse gets *verify = true and 0 (not an error); a null manager says
 * false.  Other failures (no module...) return a negative errno.
 */
int rcmgr_verify_source_address(struct rcmgr *rm, const char *multiaddr,
				bool *verify);

/*
 * The allowlist (go-libp2p's WithAllowlistedMultiaddrs), per network
 * namespace; changing it needs CAP_NET_ADMIN.  An entry is
 * /ip4/A.B.C.D[/ipcidr/N][/p2p/PEER] or /ip6/...[/ipcidr/N][/p2p/PEER].
 * When the system or transient scope refuses a conn from an allowlisted
 * address, it is charged to the allowlisted scopes instead; a peer entry
 * admits only that peer at rcmgr_conn_set_peer().  Add: EEXIST if there,
 * ENOSPC when full (rcmgr_config's max_allowlist); del: ENOENT if not.
 * List: @fn per entry, in the kernel's text, in the order added.
 */
int rcmgr_allowlist_add(struct rcmgr *rm, const char *multiaddr);
int rcmgr_allowlist_del(struct rcmgr *rm, const char *multiaddr);
typedef int (*rcmgr_allowlist_fn)(const char *multiaddr, void *arg);
int rcmgr_allowlist_list(struct rcmgr *rm, rcmgr_allowlist_fn fn, void *arg);

/*
 * Per-address connection limits (go-libp2p's connection limiter and rate
 * limiters), per network namespace.  A table is a list of rules:
 * network-prefix rules (network set: addr/prefix_len), most specific
 * first, of which the first holding an address limits it alone; else every
 * per-subnet rule of its family (each subnet of prefix_len bits counted on
 * its own), all or nothing, and for rate-limit then the global bucket
 * (family AF_UNSPEC, prefix_len 0).
 */
enum rcmgr_netlimit {
	RCMGR_NETLIMIT_CONN = 1,	/* live conns: conns */
	RCMGR_NETLIMIT_RATE,		/* new conns: rate and burst */
	RCMGR_NETLIMIT_VERIFY,		/* rcmgr_verify_source_address(); read only */
};
/* Unlimited conns or rate: RCMGR_LIMIT_UNLIMITED. */
typedef int (*rcmgr_netrule_fn)(const struct rcmgr_netrule *rule, void *arg);
int rcmgr_netlimit_get(struct rcmgr *rm, enum rcmgr_netlimit table,
		       rcmgr_netrule_fn fn, void *arg);
/*
 * Replace all the rules of conn-limit or rate-limit at once (needs
 * CAP_NET_ADMIN).  The module has no transaction across admins: a
 * read-modify-write (get, change, set) races another admin's.
 */
int rcmgr_netlimit_set(struct rcmgr *rm, enum rcmgr_netlimit table,
		       const struct rcmgr_netrule *rules, size_t n);
/* go-libp2p's default rules again; table 0: both. */
int rcmgr_netlimit_reset(struct rcmgr *rm, enum rcmgr_netlimit table);

/*
 * Batches: several requests in one sendmsg(), for a daemon that opens,
 * attaches and charges many handles at once.  The kernel carries them out
 * in the order queued, and each op gets its own result; one that fails
 * (a refusal in the middle) does not stop the others.
 *
 *	rcmgr_batch_new(rm, &b);
 *	for (i = 0; i < n; i++)
 *		rcmgr_batch_open_stream(b, peer[i], RCMGR_DIR_INBOUND, &s[i]);
 *	for (i = 0; i < n; i++) {
 *		rcmgr_batch_stream_set_protocol(b, s[i], "/ipfs/bitswap/1.2.0");
 *		rcmgr_batch_reserve_memory(b, s[i], 65536, RCMGR_PRIO_HIGH);
 *	}
 *	failed = rcmgr_batch_submit(b);
 *	... rcmgr_batch_result(b, op) per op ...
 *	rcmgr_batch_free(b);
 *
 * Handles a batch opens: the open gives the handle's object at once,
 * pending until rcmgr_batch_submit().  Later ops of the same batch may
 * name it; other calls on it fail with EINPROGRESS until the batch is
 * submitted.  After submit it is an open handle like any other if its
 * open succeeded; if not (or if the batch was freed or reset before
 * submit), it is dead: every call on it fails with ESTALE, and ops of the
 * batch that named it did nothing (ECANCELED).  Either way the object
 * is the caller's, to end with rcmgr_scope_done().  rcmgr_scope_done() of
 * a pending object cancels its open and the batch's ops on it, and the
 * batch frees it.
 *
 * How many sends: an open names its handle by a cookie the library chose,
 * so the ops on a handle go in the same send as its open, in the order
 * queued.  A send carries at most as many requests as the socket's receive
 * buffer holds the answers of (up to 64), so large batches take several.
 *
 * Threads: a batch and its pending objects belong to one thread until
 * rcmgr_batch_submit() returns; the manager stays usable by the others
 * (its lock is held per send, as for one request).  Objects a queued op
 * names must stay until the batch is submitted, reset or freed.  Free or
 * submit every batch before rcmgr_close() of its manager.  In a child of
 * fork(), every op of an inherited manager's batch fails with ECHILD.
 */
struct rcmgr_batch;
int rcmgr_batch_new(struct rcmgr *rm, struct rcmgr_batch **b);
/* Free: ops never submitted are dropped, their handles dead (above). */
void rcmgr_batch_free(struct rcmgr_batch *b);
/* Empty the batch, for the next round of ops; its memory is kept. */
void rcmgr_batch_reset(struct rcmgr_batch *b);

/*
 * Queue an op: its index in the batch (0, 1, ...), or a negative errno:
 * EINVAL (a NULL argument, a scope of another manager or the wrong kind,
 * or a batch already submitted: reset it first), ENOMEM, ERANGE (a name
 * longer than 512 bytes), EINPROGRESS (a handle pending in another batch),
 * ESTALE (a dead handle, or one whose done is queued).  Nothing reaches
 * the kernel before rcmgr_batch_submit().
 */
int rcmgr_batch_open_connection(struct rcmgr_batch *b, enum rcmgr_dir dir,
				bool usefd, const char *endpoint,
				struct rcmgr_scope **conn);
int rcmgr_batch_open_stream(struct rcmgr_batch *b, const char *peer,
			    enum rcmgr_dir dir, struct rcmgr_scope **stream);
/* On a handle or a named scope's view (the view may go once queued). */
int rcmgr_batch_begin_span(struct rcmgr_batch *b, struct rcmgr_scope *s,
			   struct rcmgr_scope **span);
int rcmgr_batch_conn_set_peer(struct rcmgr_batch *b, struct rcmgr_scope *conn,
			      const char *peer);
int rcmgr_batch_stream_set_protocol(struct rcmgr_batch *b,
				    struct rcmgr_scope *stream,
				    const char *protocol);
int rcmgr_batch_stream_set_service(struct rcmgr_batch *b,
				   struct rcmgr_scope *stream,
				   const char *service);
int rcmgr_batch_reserve_memory(struct rcmgr_batch *b, struct rcmgr_scope *s,
			       int64_t size, uint8_t prio);
int rcmgr_batch_release_memory(struct rcmgr_batch *b, struct rcmgr_scope *s,
			       int64_t size);
/* Done, and the object is freed when the batch is submitted, as by
 * rcmgr_scope_done() (whatever the op's result). */
int rcmgr_batch_done(struct rcmgr_batch *b, struct rcmgr_scope *s);

/*
 * Send every queued op and read every answer.  Return: how many ops
 * failed (0: all done), or -EINVAL for an empty batch or one already
 * submitted.  When some failed, rcmgr_last_error() is the first failure's.
 * An op whose answer was lost (the socket failed: ENOBUFS) fails with
 * that errno and may have been carried out; an open whose id came is open.
 */
int rcmgr_batch_submit(struct rcmgr_batch *b);
unsigned int rcmgr_batch_count(const struct rcmgr_batch *b);
/*
 * Op @op's result: 0, or a negative errno as its call would have returned
 * (EDQUOT: refused; ECANCELED: not sent, its handle was not opened);
 * -EINPROGRESS before submit, -EINVAL for no such op.
 */
int rcmgr_batch_result(const struct rcmgr_batch *b, unsigned int op);
/*
 * Why op @op failed, as rcmgr_last_error() says it for a call (extack
 * message, refusing scope and limit); NULL if it did not fail (or no
 * memory was left for the details).  Valid until reset or free.
 */
const struct rcmgr_error *rcmgr_batch_error(const struct rcmgr_batch *b,
					    unsigned int op);

#ifdef __cplusplus
}
#endif

#endif /* _RCMGR_RCMGR_H */
