/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librcmgr internals.  Message building and parsing (msg.c) are pure
 * functions over struct nlmsghdr, so tests/ exercise them with no kernel;
 * nl.c owns the socket; rcmgr.c is the interface.
 */
#ifndef _RCMGR_INTERNAL_H
#define _RCMGR_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <linux/netlink.h>
#include <linux/rcmgr.h>
#include <rcmgr/rcmgr.h>

#define RCMGR_EXPORT __attribute__((visibility("default")))

/* One value per resource attribute, indexed by RCMGR_A_RESOURCES_*. */
struct rcmgr_res {
	uint64_t v[RCMGR_A_RESOURCES_MAX + 1];
	uint32_t present;	/* bit per attribute type seen */
};

/* A name attribute: points into the message. */
struct rcmgr_bytes {
	const char *data;
	uint16_t len;
};

/* A parsed scope message (RCMGR_CMD_SCOPE_GET reply, or an op's reply). */
struct rcmgr_scope_msg {
	uint64_t id;
	uint32_t kind;
	struct rcmgr_bytes peer, protocol, service;
	uint32_t dir;
	const char *endpoint;
	uint64_t parent;
	uint32_t owner;
	uint64_t sock_ino;
	const char *sock_local, *sock_remote;
	struct rcmgr_res usage, limit, peak, blocked;
	uint64_t present;	/* bit per RCMGR_A_SCOPE_* seen */
};

/* A parsed limit message (RCMGR_CMD_LIMIT_GET reply). */
struct rcmgr_limit_msg {
	uint32_t class;
	struct rcmgr_bytes name;
	struct rcmgr_res values;
	uint32_t present;	/* bit per RCMGR_A_LIMIT_* seen */
};

/* A request's target: a handle by id, or a scope by kind and name. */
struct rcmgr_target {
	uint64_t cookie;	/* a handle of ours by its cookie; 0: by id */
	uint64_t id;		/* 0: by kind */
	uint32_t kind;
	const char *name;	/* service, protocol or peer, by kind */
};

/*
 * How the netlink core reaches the kernel: a generic netlink socket, or a
 * unit test's fake.  Both run the same receive loop.
 */
struct rcmgr_io {
	/* Like send(2): bytes sent, or -1 with errno. */
	ssize_t (*send)(void *ctx, const void *buf, size_t len);
	/*
	 * Like recv(2) with MSG_TRUNC: the datagram's full length (more than
	 * @len if it did not fit), or -1 with errno.  Only the kernel's
	 * datagrams are returned.
	 */
	ssize_t (*recv)(void *ctx, void *buf, size_t len);
	/* Like @recv, but -1 with EAGAIN when nothing is queued; optional. */
	ssize_t (*recv_nowait)(void *ctx, void *buf, size_t len);
	/*
	 * Whether a datagram is queued, without reading it and without
	 * blocking: > 0 yes, 0 no, or -1 with errno (the socket's error,
	 * which this consumes as a read would).  Optional; with
	 * @recv_nowait.
	 */
	ssize_t (*queued)(void *ctx);
};

/* Receive buffers: the kernel fills dump batches up to 32 KiB. */
#define RCMGR_NL_BUFSIZE	32768

/*
 * Batches (batch.c): the most one request's answers can take of the
 * socket's receive buffer (a refusal's details in an NLMSG_GOODSIZE skb,
 * then its error with the extack), and the most requests in one send.
 */
#define RCMGR_ANSWER_MAX	12288
#define RCMGR_BATCH_OPS_MAX	64
/* The receive buffer a manager's socket asks for, for its batches. */
#define RCMGR_NL_RCVBUF		(1 << 20)

struct rcmgr_nl {
	int fd;				/* -1 with a fake io */
	uint32_t portid;
	uint32_t seq;			/* of the last request */
	const struct rcmgr_io *io;
	void *ctx;
	char *buf;			/* RCMGR_NL_BUFSIZE bytes */
	unsigned int batch_ops;		/* requests per batch send (batch.c) */
	bool drain;			/* answers given up on may be queued */
	unsigned int untold;		/* requests sent unread (rcmgr_nl_tell()) */
};

/* Requests rcmgr_nl_tell() sends unread before it reads again. */
#define RCMGR_NL_UNTOLD_MAX	32

/* A request's answer: copies of its data messages, and how it ended. */
struct rcmgr_reply {
	char *data;
	size_t len, size;
	bool intr;			/* a message had NLM_F_DUMP_INTR */
	bool quiet;			/* sent without NLM_F_ACK, no reply */
	bool refused;			/* a refusal's details came */
	struct rcmgr_error err;		/* refusal and extack, on failure */
	char inline_buf[2048];		/* most answers are one message */
};

/* Attempts at a dump that changed under us, before -EINTR. */
#define RCMGR_DUMP_TRIES	4

struct rcmgr {
	pthread_mutex_t lock;		/* one request in flight on @nl */
	struct rcmgr_nl nl;
	uint16_t family;
	bool null;			/* rcmgr_open_null(): no kernel */
	unsigned int forks;		/* rcmgr_forks when opened */
	pthread_mutex_t scopes_lock;	/* @scopes */
	struct rcmgr_scope *scopes;	/* live conns, streams, spans */
	struct rcmgr *next_rm;		/* in the fork registry (nl.c) */
	uint64_t last_cookie;		/* the last handle's name (atomic) */
};

struct rcmgr_scope {
	struct rcmgr *rm;
	enum rcmgr_kind kind;
	bool handle;			/* a conn, stream or span we own */
	uint64_t cookie;		/* handles: our name for it, 0: none */
	uint64_t id;			/* handles: learned lazily (atomic) */
	char *name;			/* named scopes: their name, after it */
	char label[32];			/* what rcmgr_scope_name() returns */
	struct rcmgr_scope *peer;	/* conns and streams: borrowed views */
	struct rcmgr_scope *protocol;
	struct rcmgr_scope *service;
	struct rcmgr_scope *next, *prev;	/* in rcmgr.scopes */
	/*
	 * Batches (batch.c): a handle opened by a queued op is pending until
	 * the op is answered; if the open failed (or never went out) the
	 * object stays, dead, until rcmgr_scope_done().
	 */
	struct rcmgr_batch *batch;	/* pending in this batch */
	unsigned int batch_op;		/* the op that opens it */
	int open_error;			/* dead: why (positive errno) */
	bool abandoned;			/* done while pending */
	bool done_queued;		/* a batch op ends it */
};

/* msg.c */
struct nlmsghdr *rcmgr_msg_start(void *buf, uint16_t type, uint8_t cmd,
				 uint8_t version, uint16_t flags, uint32_t seq);
struct nlmsghdr *rcmgr_msg_getfamily(void *buf, uint32_t seq, const char *name);
struct nlmsghdr *rcmgr_msg_request(void *buf, uint16_t family, uint8_t cmd);
void rcmgr_msg_put_target(struct nlmsghdr *nlh, const struct rcmgr_target *t);
void rcmgr_msg_put_values(struct nlmsghdr *nlh, uint16_t type,
			  const struct rcmgr_limit *l, unsigned int which);
int rcmgr_msg_put_multiaddr(struct nlmsghdr *nlh, uint16_t type,
			    const char *text);
int rcmgr_msg_put_endpoint(struct nlmsghdr *nlh, const char *endpoint);
int rcmgr_parse_family(const struct nlmsghdr *nlh, uint16_t *id);
int rcmgr_parse_mcast_group(const struct nlmsghdr *nlh, const char *name,
			    uint32_t *group);
int rcmgr_parse_event(const struct nlmsghdr *nlh, struct rcmgr_event *ev);
int rcmgr_parse_scope(const struct nlmsghdr *nlh, struct rcmgr_scope_msg *m);
int rcmgr_parse_limit(const struct nlmsghdr *nlh, struct rcmgr_limit_msg *m);
int rcmgr_parse_config(const struct nlmsghdr *nlh, struct rcmgr_config *c);
int rcmgr_parse_refusal(const struct nlmsghdr *nlh, struct rcmgr_error *e);
int rcmgr_parse_error(const struct nlmsghdr *nlh, struct rcmgr_error *e);
int rcmgr_parse_done(const struct nlmsghdr *nlh, struct rcmgr_error *e);
void rcmgr_res_to_stat(const struct rcmgr_res *r, struct rcmgr_stat *st);
void rcmgr_res_to_limit(const struct rcmgr_res *r, struct rcmgr_limit *l);
void rcmgr_res_to_resources(const struct rcmgr_res *r,
			    struct rcmgr_resources *v);

/* nl.c */
extern const struct rcmgr_io rcmgr_socket_io;
int rcmgr_nl_open(struct rcmgr_nl *nl);
int rcmgr_nl_init(struct rcmgr_nl *nl, const struct rcmgr_io *io, void *ctx,
		  uint32_t portid);
void rcmgr_nl_close(struct rcmgr_nl *nl);
int rcmgr_nl_request(struct rcmgr_nl *nl, struct nlmsghdr *req,
		     struct rcmgr_reply *rep);
int rcmgr_nl_tell(struct rcmgr_nl *nl, struct nlmsghdr *req);
ssize_t rcmgr_nl_recv(struct rcmgr_nl *nl);
ssize_t rcmgr_nl_recv_nowait(struct rcmgr_nl *nl);
void rcmgr_nl_drain(struct rcmgr_nl *nl);
void rcmgr_reply_init(struct rcmgr_reply *rep);
void rcmgr_reply_free(struct rcmgr_reply *rep);
int rcmgr_nl_family(struct rcmgr_nl *nl, uint16_t *family, uint32_t *group,
		    uint32_t *refusals);
struct rcmgr_error *rcmgr_thread_error(void);
int rcmgr_thread_error_set(int error, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void rcmgr_fork_register(struct rcmgr *rm);
void rcmgr_fork_unregister(struct rcmgr *rm);
bool rcmgr_forked(const struct rcmgr *rm);
extern unsigned int rcmgr_forks;

/* rcmgr.c: scope objects, shared with batch.c. */
struct rcmgr_scope *rcmgr_scope_new(struct rcmgr *rm, enum rcmgr_kind kind,
				    const char *name);
void rcmgr_scope_free(struct rcmgr_scope *s);
void rcmgr_scope_track(struct rcmgr *rm, struct rcmgr_scope *s);
void rcmgr_scope_untrack(struct rcmgr *rm, struct rcmgr_scope *s);
void rcmgr_handle_set_id(struct rcmgr_scope *s, uint64_t id);
uint64_t rcmgr_cookie_new(struct rcmgr *rm);
void rcmgr_cookie_forget(struct rcmgr *rm, uint64_t cookie, int error);
void rcmgr_msg_put_handle(struct nlmsghdr *nlh, const struct rcmgr_scope *s);

/* rcmgr.c: a manager over any io, for the unit tests. */
int rcmgr_open_io(struct rcmgr **rm, const struct rcmgr_io *io, void *ctx,
		  uint32_t portid, uint16_t family);
typedef int (*rcmgr_msg_cb)(const struct nlmsghdr *nlh, void *data);
int rcmgr_talk(struct rcmgr *rm, struct nlmsghdr *nlh, rcmgr_msg_cb cb,
	       void *data);
void rcmgr_tell(struct rcmgr *rm, struct nlmsghdr *nlh);

/* multibase.c: the encodings inside multiaddrs. */
int rcmgr_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *v);
size_t rcmgr_varint_put(uint8_t *p, size_t size, uint64_t v);
bool rcmgr_multihash_ok(const uint8_t *p, size_t len);
bool rcmgr_peer_multihash_ok(const uint8_t *p, size_t len);
int rcmgr_multibase_decode(const char *s, size_t n, uint8_t *out, size_t size);
int rcmgr_multibase_b64url(const uint8_t *p, size_t len, char *out,
			   size_t size);
int rcmgr_peer_id_text(const uint8_t *p, size_t len, char *out, size_t size);
int rcmgr_peer_id_decode(const char *s, size_t n, uint8_t *out, size_t size);

/* netpolicy.c: the allowlist and the per-address tables. */
int rcmgr_parse_allowlist(const struct nlmsghdr *nlh, char *text,
			  size_t size);
int rcmgr_parse_netrule(const struct nlattr *nest, struct rcmgr_netrule *r);
void rcmgr_msg_put_netrule(struct nlmsghdr *nlh, uint16_t type,
			   enum rcmgr_netlimit table,
			   const struct rcmgr_netrule *r);

/* monitor.c */
/* struct rcmgr_error and struct rcmgr_event as LIBRCMGR_1.2 had them. */
struct rcmgr_error_v1_2 {
	int error;
	char message[256];
	enum rcmgr_kind kind;
	uint64_t scope_id;
	char peer[129];
	char protocol[257];
	char service[129];
	enum rcmgr_resource resource;
	enum rcmgr_dir direction;
	int64_t usage;
	int64_t attempted;
	int64_t limit;
	uint8_t priority;
};

struct rcmgr_event_v1_2 {
	uint64_t id;
	enum rcmgr_kind kind;
	uint32_t owner;
	enum rcmgr_event_type type;
	struct rcmgr_error_v1_2 refusal;
	uint32_t pid;
	uint32_t uid;
	char comm[16];
	uint64_t dropped;
	uint32_t pid_ns;
	int pid_local;
};

int rcmgr_monitor_open_io(struct rcmgr_monitor **mon,
			  const struct rcmgr_io *io, void *ctx,
			  uint32_t portid);

#endif /* _RCMGR_INTERNAL_H */
