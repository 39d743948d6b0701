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
 * rcmgr_last_error() holds the calling thread's last kernel refusal.
 */
#ifndef _RCMGR_RCMGR_H
#define _RCMGR_RCMGR_H

#include <stdbool.h>
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
};

/** Bounds on what one namespace may hold in the kernel. */
struct rcmgr_config {
	uint32_t max_handles;
	uint32_t max_owner_handles;
	uint32_t max_scopes;
	uint32_t handles;		/* now (read only) */
	uint32_t scopes;		/* now (read only) */
};

/* The resource manager; thread-safe. */
int rcmgr_open(struct rcmgr **rm);
/* Close: the kernel releases everything this manager still holds. */
void rcmgr_close(struct rcmgr *rm);
const struct rcmgr_error *rcmgr_last_error(struct rcmgr *rm);

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
/* Name()/Protocol()/Peer(): "system", the peer ID, "stream-42"... */
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

/* Listing: @fn per scope; a non-zero return stops and is passed back. */
typedef int (*rcmgr_list_fn)(const char *name, void *arg);
int rcmgr_list_peers(struct rcmgr *rm, rcmgr_list_fn fn, void *arg);
int rcmgr_list_protocols(struct rcmgr *rm, rcmgr_list_fn fn, void *arg);
int rcmgr_list_services(struct rcmgr *rm, rcmgr_list_fn fn, void *arg);
/* The whole state: every scope (other sockets' handles need CAP_NET_ADMIN). */
typedef int (*rcmgr_dump_fn)(const struct rcmgr_scope_info *info, void *arg);
int rcmgr_dump(struct rcmgr *rm, enum rcmgr_kind kind /* 0: all */,
	       rcmgr_dump_fn fn, void *arg);

/*
 * Events: the kernel ended a handle because its bound socket died.  A
 * monitor has a socket of its own (poll rcmgr_monitor_fd() for input);
 * joining needs CAP_NET_ADMIN.
 */
struct rcmgr_monitor;
struct rcmgr_event {
	uint64_t id;			/* the handle */
	enum rcmgr_kind kind;		/* RCMGR_KIND_CONN */
	uint32_t owner;			/* owning netlink port id */
};
int rcmgr_monitor_open(struct rcmgr_monitor **mon);
int rcmgr_monitor_fd(const struct rcmgr_monitor *mon);
/* Wait for the next event; 0, or a negative errno. */
int rcmgr_monitor_read(struct rcmgr_monitor *mon, struct rcmgr_event *ev);
void rcmgr_monitor_close(struct rcmgr_monitor *mon);

int rcmgr_config_get(struct rcmgr *rm, struct rcmgr_config *cfg);
int rcmgr_config_set(struct rcmgr *rm, const struct rcmgr_config *cfg);

#ifdef __cplusplus
}
#endif

#endif /* _RCMGR_RCMGR_H */
