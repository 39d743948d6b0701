// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The seed interface: the resource manager, its scopes and their views,
 * limits, and listing.  Each call is one netlink round trip.
 */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "internal.h"

/* Big enough for any request: names are at most 256 bytes. */
#define REQ_SIZE 1024

static int fail(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

/*
 * In a child of fork(), another thread of the parent may have held a lock
 * of the manager's at the fork: it stays held forever there, so the few
 * calls that still work in a child (done, close) do not take it.
 */
static void scopes_lock(struct rcmgr *rm)
{
	if (!rcmgr_forked(rm))
		pthread_mutex_lock(&rm->scopes_lock);
}

static void scopes_unlock(struct rcmgr *rm)
{
	if (!rcmgr_forked(rm))
		pthread_mutex_unlock(&rm->scopes_lock);
}

void rcmgr_scope_track(struct rcmgr *rm, struct rcmgr_scope *s)
{
	scopes_lock(rm);
	s->next = rm->scopes;
	s->prev = NULL;
	if (rm->scopes)
		rm->scopes->prev = s;
	rm->scopes = s;
	scopes_unlock(rm);
}

void rcmgr_scope_untrack(struct rcmgr *rm, struct rcmgr_scope *s)
{
	scopes_lock(rm);
	if (s->prev)
		s->prev->next = s->next;
	else
		rm->scopes = s->next;
	if (s->next)
		s->next->prev = s->prev;
	scopes_unlock(rm);
}

void rcmgr_scope_free(struct rcmgr_scope *s)
{
	if (!s)
		return;
	rcmgr_scope_free(s->peer);
	rcmgr_scope_free(s->protocol);
	rcmgr_scope_free(s->service);
	free(s);
}

static struct rcmgr *manager_new(void)
{
	struct rcmgr *rm = calloc(1, sizeof(*rm));

	if (!rm)
		return NULL;
	pthread_mutex_init(&rm->lock, NULL);
	pthread_mutex_init(&rm->scopes_lock, NULL);
	rm->nl.fd = -1;
	rm->forks = rcmgr_forks;
	return rm;
}

static void manager_free(struct rcmgr *rm)
{
	/* A child's copy of a mutex may be held by a thread it does not have. */
	if (!rcmgr_forked(rm)) {
		pthread_mutex_destroy(&rm->lock);
		pthread_mutex_destroy(&rm->scopes_lock);
	}
	free(rm);
}

RCMGR_EXPORT int rcmgr_open(struct rcmgr **rmp)
{
	struct rcmgr *rm;
	int ret;

	rm = manager_new();
	if (!rm)
		return fail(-ENOMEM);
	ret = rcmgr_nl_open(&rm->nl);
	if (!ret) {
		ret = rcmgr_nl_family(&rm->nl, &rm->family, NULL, NULL);
		if (ret < 0)
			rcmgr_nl_close(&rm->nl);
	}
	if (ret < 0) {
		manager_free(rm);
		return fail(ret);
	}
	rcmgr_fork_register(rm);
	*rmp = rm;
	return 0;
}

/* A manager over a fake io, family already known: for the unit tests. */
int rcmgr_open_io(struct rcmgr **rmp, const struct rcmgr_io *io, void *ctx,
		  uint32_t portid, uint16_t family)
{
	struct rcmgr *rm;
	int ret;

	rm = manager_new();
	if (!rm)
		return fail(-ENOMEM);
	ret = rcmgr_nl_init(&rm->nl, io, ctx, portid);
	if (ret < 0) {
		manager_free(rm);
		return fail(ret);
	}
	rm->family = family;
	rcmgr_fork_register(rm);
	*rmp = rm;
	return 0;
}

RCMGR_EXPORT int rcmgr_open_null(struct rcmgr **rmp)
{
	struct rcmgr *rm = manager_new();

	if (!rm)
		return fail(-ENOMEM);
	rm->null = true;
	*rmp = rm;
	return 0;
}

RCMGR_EXPORT bool rcmgr_is_null(const struct rcmgr *rm)
{
	return rm->null;
}

RCMGR_EXPORT void rcmgr_close(struct rcmgr *rm)
{
	struct rcmgr_scope *s, *next;

	if (!rm)
		return;
	if (!rm->null)
		rcmgr_fork_unregister(rm);
	/* Closing the socket makes the kernel release all it held for us. */
	rcmgr_nl_close(&rm->nl);
	for (s = rm->scopes; s; s = next) {
		next = s->next;
		rcmgr_scope_free(s);
	}
	manager_free(rm);
}

RCMGR_EXPORT const struct rcmgr_error *rcmgr_last_error(struct rcmgr *rm)
{
	(void)rm;
	return rcmgr_thread_error();
}

/**
 * rcmgr_talk() - one request and its whole answer, then the callbacks
 * @rm: the manager
 * @nlh: the request
 * @cb: called per data message of the answer, after the lock is dropped;
 *	a non-zero return stops and is passed back
 * @data: for @cb
 *
 * The manager's lock covers sending and reading the answer up to its ack
 * or NLMSG_DONE, never @cb: a callback may call back into the library.  A
 * dump that changed under us (NLM_F_DUMP_INTR) is read again, at most
 * RCMGR_DUMP_TRIES times in all, so @cb sees one consistent answer.
 *
 * Return: 0, what @cb returned, or a negative errno (the thread's last
 * error filled in).
 */
int rcmgr_talk(struct rcmgr *rm, struct nlmsghdr *nlh, rcmgr_msg_cb cb,
	       void *data)
{
	const struct nlmsghdr *m;
	struct rcmgr_reply rep;
	int ret, len, tries = 0;

	if (rm->null)
		return -EOPNOTSUPP;
	if (rcmgr_forked(rm))
		return -ECHILD;
	rcmgr_reply_init(&rep);
	/* Nothing to hand a callback: only a failure needs an answer. */
	rep.quiet = !cb && !(nlh->nlmsg_flags & NLM_F_DUMP);
	pthread_mutex_lock(&rm->lock);
	for (;;) {
		ret = rcmgr_nl_request(&rm->nl, nlh, &rep);
		if (ret || !rep.intr || !(nlh->nlmsg_flags & NLM_F_DUMP) ||
		    ++tries == RCMGR_DUMP_TRIES)
			break;
		rcmgr_reply_free(&rep);
	}
	pthread_mutex_unlock(&rm->lock);
	if (!ret && rep.intr) {
		ret = -EINTR;
		rep.err.error = EINTR;
		snprintf(rep.err.message, sizeof(rep.err.message),
			 "dump interrupted %d times by changes", tries);
	}
	/* A do with a callback has a reply to give it; an ack alone is wrong. */
	if (!ret && cb && !(nlh->nlmsg_flags & NLM_F_DUMP) && !rep.len) {
		ret = -EBADMSG;
		rep.err.error = EBADMSG;
		snprintf(rep.err.message, sizeof(rep.err.message),
			 "answered without a reply");
	}
	if (ret < 0) {
		*rcmgr_thread_error() = rep.err;
		goto out;
	}
	m = (const struct nlmsghdr *)rep.data;
	len = rep.len;
	for (; cb && mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
		ret = cb(m, data);
		if (ret)
			break;
	}
out:
	rcmgr_reply_free(&rep);
	return ret;
}

/*
 * rcmgr_tell() - send a request whose result nobody is told (done), and
 * read nothing after it (rcmgr_nl_tell()).
 */
void rcmgr_tell(struct rcmgr *rm, struct nlmsghdr *nlh)
{
	if (rm->null || rcmgr_forked(rm))
		return;
	pthread_mutex_lock(&rm->lock);
	rcmgr_nl_tell(&rm->nl, nlh);
	pthread_mutex_unlock(&rm->lock);
}

/*
 * A scope object: a handle's, or a named scope's (a view, or a conn's or
 * stream's peer), its name after it in one allocation.
 */
struct rcmgr_scope *rcmgr_scope_new(struct rcmgr *rm, enum rcmgr_kind kind,
				    const char *name)
{
	size_t len = name ? strlen(name) + 1 : 0;
	struct rcmgr_scope *s = calloc(1, sizeof(*s) + len);

	if (!s)
		return NULL;
	s->rm = rm;
	s->kind = kind;
	if (name) {
		s->name = (char *)(s + 1);
		memcpy(s->name, name, len);
	}
	return s;
}

/*
 * A handle's object gets its id, and its name from it: the name first,
 * so whoever sees the id sees the name whole.  Once, under the manager's
 * scopes lock: a second thread that learned the id at the same time must
 * not write the name again while the first one's caller reads it
 * (snprintf() clears the buffer before it writes it).
 */
void rcmgr_handle_set_id(struct rcmgr_scope *s, uint64_t id)
{
	char label[sizeof(s->label)];

	snprintf(label, sizeof(label), "%s-%" PRIu64,
		 s->kind == RCMGR_KIND_CONN ? "conn" :
		 s->kind == RCMGR_KIND_STREAM ? "stream" : "span", id);
	scopes_lock(s->rm);
	if (!__atomic_load_n(&s->id, __ATOMIC_RELAXED)) {
		memcpy(s->label, label, sizeof(label));
		__atomic_store_n(&s->id, id, __ATOMIC_RELEASE);
	}
	scopes_unlock(s->rm);
}

/*
 * Handles are named by cookies the library gives them, so an open needs
 * no reply: the id is learned when somebody asks for it.  Unique per
 * manager (its socket), never 0, never reused: 64 bits do not wrap.
 */
uint64_t rcmgr_cookie_new(struct rcmgr *rm)
{
	return __atomic_add_fetch(&rm->last_cookie, 1, __ATOMIC_RELAXED);
}

/*
 * An open whose answer was lost (@error: ENOBUFS, EMSGSIZE) may have
 * happened: end the handle it may have made, so nothing stays charged
 * under a name nobody knows.  A handle that was never made is not found.
 */
void rcmgr_cookie_forget(struct rcmgr *rm, uint64_t cookie, int error)
{
	struct rcmgr_error last = *rcmgr_thread_error();
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;

	if (error != -ENOBUFS && error != -EMSGSIZE)
		return;
	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_SCOPE_DONE);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_COOKIE, cookie);
	rcmgr_talk(rm, nlh, NULL, NULL);
	*rcmgr_thread_error() = last;
}

/* A handle of ours, in a request about it: by cookie, else by id. */
void rcmgr_msg_put_handle(struct nlmsghdr *nlh, const struct rcmgr_scope *s)
{
	if (s->cookie)
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_COOKIE, s->cookie);
	else
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, s->id);
}

/*
 * A handle a batch opens is not there until the batch is submitted, and
 * not there at all if its open failed.
 */
static int usable(const struct rcmgr_scope *s)
{
	if (s->batch)
		return -EINPROGRESS;
	if (s->open_error)
		return -ESTALE;
	return 0;
}

/*
 * Send a request that opens a handle; make the handle's object.  The
 * handle is named by a cookie, so the open is a quiet request: only a
 * failure answers.
 */
static int open_handle(struct rcmgr *rm, struct nlmsghdr *nlh,
		       enum rcmgr_kind kind, struct rcmgr_scope **out)
{
	struct rcmgr_scope *s;
	int ret;

	s = rcmgr_scope_new(rm, kind, NULL);
	if (!s)
		return -ENOMEM;
	s->handle = true;
	if (rm->null) {
		/* A scope that accounts nothing, id 0. */
		rcmgr_handle_set_id(s, 0);
	} else {
		s->cookie = rcmgr_cookie_new(rm);
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_NEW_COOKIE, s->cookie);
		ret = rcmgr_talk(rm, nlh, NULL, NULL);
		if (ret) {
			rcmgr_cookie_forget(rm, s->cookie, ret);
			rcmgr_scope_free(s);
			return ret;
		}
	}
	rcmgr_scope_track(rm, s);
	*out = s;
	return 0;
}

static uint32_t kernel_dir(enum rcmgr_dir dir)
{
	/* The library's values are the kernel's; unknown is refused there. */
	return dir;
}

RCMGR_EXPORT int rcmgr_open_connection(struct rcmgr *rm, enum rcmgr_dir dir,
				       bool usefd, const char *endpoint,
				       struct rcmgr_scope **conn)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;

	int ret;

	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_CONN_OPEN);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, kernel_dir(dir));
	if (usefd)
		mnl_attr_put(nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
	ret = rcmgr_msg_put_endpoint(nlh, endpoint);
	if (ret)
		return fail(ret);
	return fail(open_handle(rm, nlh, RCMGR_KIND_CONN, conn));
}

RCMGR_EXPORT int rcmgr_open_connection_fd(struct rcmgr *rm, enum rcmgr_dir dir,
					  int sockfd, const char *endpoint,
					  struct rcmgr_scope **conn)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;

	int ret;

	if (sockfd < 0)
		return fail(-EBADF);
	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_CONN_OPEN);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, kernel_dir(dir));
	mnl_attr_put(nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_FD, sockfd);
	ret = rcmgr_msg_put_endpoint(nlh, endpoint);
	if (ret)
		return fail(ret);
	return fail(open_handle(rm, nlh, RCMGR_KIND_CONN, conn));
}

RCMGR_EXPORT int rcmgr_conn_bind_fd(struct rcmgr_scope *conn, int sockfd)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;

	if (conn->kind != RCMGR_KIND_CONN)
		return fail(-EINVAL);
	if (sockfd < 0)
		return fail(-EBADF);
	if (usable(conn))
		return fail(usable(conn));
	if (conn->rm->null)
		return 0;
	nlh = rcmgr_msg_request(buf, conn->rm->family, RCMGR_CMD_CONN_BIND_FD);
	rcmgr_msg_put_handle(nlh, conn);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_FD, sockfd);
	return fail(rcmgr_talk(conn->rm, nlh, NULL, NULL));
}

static int put_name(struct nlmsghdr *nlh, uint16_t type, const char *name)
{
	if (!name)
		return -EINVAL;
	/* Empty and oversized names reach the kernel, which says why not. */
	if (strlen(name) > 512)
		return -ERANGE;
	mnl_attr_put(nlh, type, strlen(name), name);
	return 0;
}

RCMGR_EXPORT int rcmgr_open_stream(struct rcmgr *rm, const char *peer,
				   enum rcmgr_dir dir,
				   struct rcmgr_scope **stream)
{
	struct rcmgr_scope *s;
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_STREAM_OPEN);
	ret = put_name(nlh, RCMGR_A_SCOPE_PEER, peer);
	if (ret)
		return fail(ret);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, kernel_dir(dir));
	ret = open_handle(rm, nlh, RCMGR_KIND_STREAM, &s);
	if (ret)
		return fail(ret);
	s->peer = rcmgr_scope_new(rm, RCMGR_KIND_PEER, peer);
	if (!s->peer) {
		rcmgr_scope_done(s);
		return fail(-ENOMEM);
	}
	*stream = s;
	return 0;
}

static int view(struct rcmgr *rm, enum rcmgr_kind kind, const char *name,
		rcmgr_view_fn fn, void *arg)
{
	struct rcmgr_scope s = { .rm = rm, .kind = kind, .name = (char *)name };

	if (kind >= RCMGR_KIND_SERVICE && !name)
		return fail(-EINVAL);
	return fn(&s, arg);
}

RCMGR_EXPORT int rcmgr_view_system(struct rcmgr *rm, rcmgr_view_fn fn,
				   void *arg)
{
	return view(rm, RCMGR_KIND_SYSTEM, NULL, fn, arg);
}

RCMGR_EXPORT int rcmgr_view_transient(struct rcmgr *rm, rcmgr_view_fn fn,
				      void *arg)
{
	return view(rm, RCMGR_KIND_TRANSIENT, NULL, fn, arg);
}

RCMGR_EXPORT int rcmgr_view_service(struct rcmgr *rm, const char *service,
				    rcmgr_view_fn fn, void *arg)
{
	return view(rm, RCMGR_KIND_SERVICE, service, fn, arg);
}

RCMGR_EXPORT int rcmgr_view_protocol(struct rcmgr *rm, const char *protocol,
				     rcmgr_view_fn fn, void *arg)
{
	return view(rm, RCMGR_KIND_PROTOCOL, protocol, fn, arg);
}

RCMGR_EXPORT int rcmgr_view_peer(struct rcmgr *rm, const char *peer,
				 rcmgr_view_fn fn, void *arg)
{
	return view(rm, RCMGR_KIND_PEER, peer, fn, arg);
}

static struct nlmsghdr *scope_request(void *buf, const struct rcmgr_scope *s,
				      uint8_t cmd)
{
	struct rcmgr_target t = {
		.cookie = s->cookie, .id = s->id, .kind = s->kind, .name = s->name,
	};
	struct nlmsghdr *nlh = rcmgr_msg_request(buf, s->rm->family, cmd);

	rcmgr_msg_put_target(nlh, &t);
	return nlh;
}

RCMGR_EXPORT int rcmgr_scope_reserve_memory(struct rcmgr_scope *s,
					    int64_t size, uint8_t prio)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;

	if (usable(s))
		return fail(usable(s));
	if (s->rm->null)
		return 0;
	nlh = scope_request(buf, s, RCMGR_CMD_SCOPE_RESERVE);
	/* A negative size reaches the kernel's policy, which refuses it. */
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, (uint64_t)size);
	mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, prio);
	return fail(rcmgr_talk(s->rm, nlh, NULL, NULL));
}

RCMGR_EXPORT int rcmgr_scope_release_memory(struct rcmgr_scope *s,
					    int64_t size)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;

	if (usable(s))
		return fail(usable(s));
	if (s->rm->null)
		return 0;
	nlh = scope_request(buf, s, RCMGR_CMD_SCOPE_RELEASE);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, (uint64_t)size);
	return fail(rcmgr_talk(s->rm, nlh, NULL, NULL));
}

static int scope_cb(const struct nlmsghdr *nlh, void *data)
{
	return rcmgr_parse_scope(nlh, data);
}

static int scope_get(struct rcmgr_scope *s, struct rcmgr_scope_msg *m)
{
	char buf[REQ_SIZE];

	memset(m, 0, sizeof(*m));
	if (usable(s))
		return usable(s);
	if (s->rm->null) {
		/* Holds nothing, limited by nothing. */
		for (int r = 1; r <= RCMGR_A_RESOURCES_FD; r++)
			m->limit.v[r] = RCMGR_LIMIT_UNLIMITED;
		return 0;
	}
	return rcmgr_talk(s->rm, scope_request(buf, s, RCMGR_CMD_SCOPE_GET),
			     scope_cb, m);
}

RCMGR_EXPORT int rcmgr_scope_stat(struct rcmgr_scope *s, struct rcmgr_stat *st)
{
	struct rcmgr_scope_msg m;
	int ret;

	ret = scope_get(s, &m);
	if (ret < 0)
		return fail(ret);
	rcmgr_res_to_stat(&m.usage, st);
	return 0;
}

RCMGR_EXPORT int rcmgr_scope_limit(struct rcmgr_scope *s, struct rcmgr_limit *l)
{
	struct rcmgr_scope_msg m;
	int ret;

	ret = scope_get(s, &m);
	if (ret < 0)
		return fail(ret);
	rcmgr_res_to_limit(&m.limit, l);
	return 0;
}

RCMGR_EXPORT int rcmgr_scope_begin_span(struct rcmgr_scope *s,
					struct rcmgr_scope **span)
{
	char buf[REQ_SIZE];

	if (usable(s))
		return fail(usable(s));
	return fail(open_handle(s->rm, scope_request(buf, s, RCMGR_CMD_SPAN_BEGIN),
				RCMGR_KIND_SPAN, span));
}

RCMGR_EXPORT void rcmgr_scope_done(struct rcmgr_scope *s)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	int saved = errno;

	/* Views and borrowed scopes are not ours to end. */
	if (!s || !s->handle)
		return;
	/* Queued in a batch: its open is cancelled, the batch frees it. */
	if (s->batch) {
		s->abandoned = true;
		return;
	}
	/* A queued batch op ends it, and frees it. */
	if (s->done_queued)
		return;
	/* A batch's open failed: the kernel never had it. */
	if (!s->rm->null && !s->open_error) {
		nlh = rcmgr_msg_request(buf, s->rm->family,
					RCMGR_CMD_SCOPE_DONE);
		rcmgr_msg_put_handle(nlh, s);
		/*
		 * Done after the kernel ended it, or in a child: nothing
		 * left.  Its result is nobody's: not waited for.
		 */
		rcmgr_tell(s->rm, nlh);
	}
	rcmgr_scope_untrack(s->rm, s);
	rcmgr_scope_free(s);
	/*
	 * Cleaning up must not hide why the caller is cleaning up: nothing
	 * here writes the thread's last error (rcmgr_tell() reads no
	 * answer into it), and errno is put back.
	 */
	errno = saved;
}

/*
 * A handle's id: asked of the kernel, by the handle's cookie, the first
 * time somebody wants it.  Return: the id, or 0 (a null manager's handle,
 * or one the kernel no longer knows, or the question failed).
 */
static uint64_t handle_id(const struct rcmgr_scope *cs)
{
	struct rcmgr_scope *s = (struct rcmgr_scope *)cs;
	uint64_t id = __atomic_load_n(&s->id, __ATOMIC_ACQUIRE);
	struct rcmgr_error last;
	struct rcmgr_scope_msg m;
	int saved;

	if (id || !s->handle || !s->cookie || usable(s))
		return id;
	/* A getter: asking must not hide the caller's last error. */
	last = *rcmgr_thread_error();
	saved = errno;
	if (!scope_get(s, &m) && (m.present & (1ull << RCMGR_A_SCOPE_ID))) {
		id = m.id;
		rcmgr_handle_set_id(s, id);
	}
	*rcmgr_thread_error() = last;
	errno = saved;
	return id;
}

RCMGR_EXPORT const char *rcmgr_scope_name(const struct rcmgr_scope *s)
{
	switch (s->kind) {
	case RCMGR_KIND_SYSTEM:
		return "system";
	case RCMGR_KIND_TRANSIENT:
		return "transient";
	case RCMGR_KIND_CONN:
	case RCMGR_KIND_STREAM:
	case RCMGR_KIND_SPAN:
		if (handle_id(s) || !s->cookie)
			return s->label;
		return s->kind == RCMGR_KIND_CONN ? "conn" :
		       s->kind == RCMGR_KIND_STREAM ? "stream" : "span";
	default:
		return s->name ? s->name : "";
	}
}

RCMGR_EXPORT enum rcmgr_kind rcmgr_scope_kind(const struct rcmgr_scope *s)
{
	return s->kind;
}

RCMGR_EXPORT uint64_t rcmgr_scope_id(const struct rcmgr_scope *s)
{
	return s->handle ? handle_id(s) : s->id;
}

/* Attach a handle to a named scope; on success remember it as a view. */
static int attach(struct rcmgr_scope *h, uint8_t cmd, uint16_t attr,
		  enum rcmgr_kind kind, const char *name,
		  struct rcmgr_scope **slot)
{
	struct rcmgr_scope *view;
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	if (usable(h))
		return fail(usable(h));
	nlh = rcmgr_msg_request(buf, h->rm->family, cmd);
	rcmgr_msg_put_handle(nlh, h);
	ret = put_name(nlh, attr, name);
	if (ret)
		return fail(ret);
	view = rcmgr_scope_new(h->rm, kind, name);
	if (!view)
		return fail(-ENOMEM);
	ret = h->rm->null ? 0 : rcmgr_talk(h->rm, nlh, NULL, NULL);
	if (ret) {
		rcmgr_scope_free(view);
		return fail(ret);
	}
	rcmgr_scope_free(*slot);
	*slot = view;
	return 0;
}

RCMGR_EXPORT int rcmgr_conn_set_peer(struct rcmgr_scope *conn, const char *peer)
{
	if (conn->kind != RCMGR_KIND_CONN)
		return fail(-EINVAL);
	return attach(conn, RCMGR_CMD_CONN_SET_PEER, RCMGR_A_SCOPE_PEER,
		      RCMGR_KIND_PEER, peer, &conn->peer);
}

RCMGR_EXPORT struct rcmgr_scope *rcmgr_conn_peer_scope(struct rcmgr_scope *conn)
{
	return conn->peer;
}

RCMGR_EXPORT int rcmgr_stream_set_protocol(struct rcmgr_scope *stream,
					   const char *protocol)
{
	if (stream->kind != RCMGR_KIND_STREAM)
		return fail(-EINVAL);
	return attach(stream, RCMGR_CMD_STREAM_SET_PROTOCOL,
		      RCMGR_A_SCOPE_PROTOCOL, RCMGR_KIND_PROTOCOL, protocol,
		      &stream->protocol);
}

RCMGR_EXPORT int rcmgr_stream_set_service(struct rcmgr_scope *stream,
					  const char *service)
{
	if (stream->kind != RCMGR_KIND_STREAM)
		return fail(-EINVAL);
	return attach(stream, RCMGR_CMD_STREAM_SET_SERVICE,
		      RCMGR_A_SCOPE_SERVICE, RCMGR_KIND_SERVICE, service,
		      &stream->service);
}

RCMGR_EXPORT struct rcmgr_scope *rcmgr_stream_peer_scope(struct rcmgr_scope *stream)
{
	return stream->peer;
}

RCMGR_EXPORT struct rcmgr_scope *rcmgr_stream_protocol_scope(struct rcmgr_scope *stream)
{
	return stream->protocol;
}

RCMGR_EXPORT struct rcmgr_scope *rcmgr_stream_service_scope(struct rcmgr_scope *stream)
{
	return stream->service;
}

/* Limits. */

static struct nlmsghdr *limit_request(void *buf, struct rcmgr *rm, uint8_t cmd,
				      enum rcmgr_limit_class c, const char *name)
{
	struct nlmsghdr *nlh = rcmgr_msg_request(buf, rm->family, cmd);

	mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, (uint32_t)c + 1);
	if (name)
		mnl_attr_put(nlh, RCMGR_A_LIMIT_NAME, strlen(name), name);
	return nlh;
}

RCMGR_EXPORT int rcmgr_limit_update(struct rcmgr *rm,
				   enum rcmgr_limit_class c, const char *name,
				   const struct rcmgr_limit *l,
				   unsigned int which)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;

	if (name && strlen(name) > 512)
		return fail(-ERANGE);
	if (which & ~RCMGR_RESOURCES_ALL)
		return fail(-EINVAL);
	nlh = limit_request(buf, rm, RCMGR_CMD_LIMIT_SET, c, name);
	rcmgr_msg_put_values(nlh, RCMGR_A_LIMIT_VALUES, l, which);
	return fail(rcmgr_talk(rm, nlh, NULL, NULL));
}

RCMGR_EXPORT int rcmgr_limit_set(struct rcmgr *rm, enum rcmgr_limit_class c,
				 const char *name, const struct rcmgr_limit *l)
{
	return rcmgr_limit_update(rm, c, name, l, RCMGR_RESOURCES_ALL);
}

RCMGR_EXPORT int rcmgr_limit_delete(struct rcmgr *rm, enum rcmgr_limit_class c,
				    const char *name)
{
	char buf[REQ_SIZE];

	if (!name)
		return fail(-EINVAL);
	if (strlen(name) > 512)
		return fail(-ERANGE);
	/* A module without the op answers EOPNOTSUPP. */
	return fail(rcmgr_talk(rm, limit_request(buf, rm, RCMGR_CMD_LIMIT_DEL,
						 c, name), NULL, NULL));
}

static int limit_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rcmgr_limit_msg m;
	int ret;

	ret = rcmgr_parse_limit(nlh, &m);
	if (!ret)
		rcmgr_res_to_limit(&m.values, data);
	return ret;
}

RCMGR_EXPORT int rcmgr_limit_get(struct rcmgr *rm, enum rcmgr_limit_class c,
				 const char *name, struct rcmgr_limit *l)
{
	char buf[REQ_SIZE];

	if (name && strlen(name) > 512)
		return fail(-ERANGE);
	if (rm->null) {
		struct rcmgr_res r = {};

		for (int i = 1; i <= RCMGR_A_RESOURCES_FD; i++)
			r.v[i] = RCMGR_LIMIT_UNLIMITED;
		rcmgr_res_to_limit(&r, l);
		return 0;
	}
	return fail(rcmgr_talk(rm, limit_request(buf, rm, RCMGR_CMD_LIMIT_GET,
						    c, name), limit_cb, l));
}

RCMGR_EXPORT int rcmgr_limit_reset(struct rcmgr *rm)
{
	char buf[REQ_SIZE];

	return fail(rcmgr_talk(rm, rcmgr_msg_request(buf, rm->family,
				  RCMGR_CMD_LIMIT_RESET), NULL, NULL));
}

struct limit_dump {
	rcmgr_limit_fn fn;
	void *arg;
};

static int limit_dump_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rcmgr_limit_info info = {};
	struct limit_dump *d = data;
	struct rcmgr_limit_msg m;
	char name[513];
	int ret;

	ret = rcmgr_parse_limit(nlh, &m);
	if (ret)
		return ret;
	if (!m.class)
		return -EBADMSG;
	info.limit_class = m.class - 1;
	if (m.name.data) {
		info.name_len = m.name.len < sizeof(name) ? m.name.len :
			sizeof(name) - 1;
		memcpy(name, m.name.data, info.name_len);
		name[info.name_len] = '\0';
		info.name = name;
	}
	info.override = m.present & (1u << RCMGR_A_LIMIT_OVERRIDE);
	rcmgr_res_to_limit(&m.values, &info.limit);
	return d->fn(&info, d->arg);
}

RCMGR_EXPORT int rcmgr_limit_dump(struct rcmgr *rm, rcmgr_limit_fn fn,
				  void *arg)
{
	struct limit_dump d = { .fn = fn, .arg = arg };
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	if (rm->null)
		return 0;
	nlh = rcmgr_msg_start(buf, rm->family, RCMGR_CMD_LIMIT_GET,
			      RCMGR_FAMILY_VERSION, NLM_F_DUMP, 0);
	ret = rcmgr_talk(rm, nlh, limit_dump_cb, &d);
	return ret < 0 ? fail(ret) : ret;
}

/* Listing and dumps. */

struct dump {
	rcmgr_dump_fn fn;
	void *arg;
};

/* A name's bytes, NUL-terminated in @buf; its length in @len. */
static char *dup_bytes(const struct rcmgr_bytes *b, char *buf, size_t size,
		       size_t *len)
{
	size_t n = b->len < size ? b->len : size - 1;

	*len = 0;
	if (!b->data)
		return NULL;
	memcpy(buf, b->data, n);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int dump_cb(const struct nlmsghdr *nlh, void *data)
{
	char peer[129], proto[257], svc[129];
	struct rcmgr_scope_info info = {};
	struct dump *d = data;
	struct rcmgr_scope_msg m;
	int ret;

	ret = rcmgr_parse_scope(nlh, &m);
	if (ret)
		return ret;
	info.id = m.id;
	info.kind = m.kind;
	info.peer = dup_bytes(&m.peer, peer, sizeof(peer), &info.peer_len);
	info.protocol = dup_bytes(&m.protocol, proto, sizeof(proto),
				  &info.protocol_len);
	info.service = dup_bytes(&m.service, svc, sizeof(svc),
				 &info.service_len);
	info.dir = m.dir;
	info.usefd = m.present & (1ull << RCMGR_A_SCOPE_USEFD);
	info.endpoint = m.endpoint;
	info.parent = m.parent;
	info.zombie = m.present & (1ull << RCMGR_A_SCOPE_ZOMBIE);
	info.owner = m.owner;
	info.fd_bound = m.present & (1ull << RCMGR_A_SCOPE_BOUND);
	info.sock_ino = m.sock_ino;
	info.sock_local = m.sock_local;
	info.sock_remote = m.sock_remote;
	info.allowlisted = m.present & (1ull << RCMGR_A_SCOPE_ALLOWLISTED);
	rcmgr_res_to_resources(&m.usage, &info.usage);
	rcmgr_res_to_limit(&m.limit, &info.limit);
	rcmgr_res_to_resources(&m.peak, &info.peak);
	rcmgr_res_to_resources(&m.blocked, &info.blocked);
	return d->fn(&info, d->arg);
}

RCMGR_EXPORT int rcmgr_dump(struct rcmgr *rm, enum rcmgr_kind kind,
			    rcmgr_dump_fn fn, void *arg)
{
	struct dump d = { .fn = fn, .arg = arg };
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	nlh = rcmgr_msg_start(buf, rm->family, RCMGR_CMD_SCOPE_GET,
			      RCMGR_FAMILY_VERSION, NLM_F_DUMP, 0);
	if (kind)
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, kind);
	if (rm->null)
		return 0;	/* a null manager has no scopes to show */
	ret = rcmgr_talk(rm, nlh, dump_cb, &d);
	return ret < 0 ? fail(ret) : ret;
}

struct list {
	rcmgr_list_fn fn;
	void *arg;
	enum rcmgr_kind kind;
};

static int list_cb(const struct rcmgr_scope_info *info, void *arg)
{
	struct list *l = arg;

	switch (l->kind) {
	case RCMGR_KIND_PEER:
		return l->fn(info->peer, l->arg);
	case RCMGR_KIND_PROTOCOL:
		return l->fn(info->protocol, l->arg);
	default:
		return l->fn(info->service, l->arg);
	}
}

static int list(struct rcmgr *rm, enum rcmgr_kind kind, rcmgr_list_fn fn,
		void *arg)
{
	struct list l = { .fn = fn, .arg = arg, .kind = kind };

	return rcmgr_dump(rm, kind, list_cb, &l);
}

RCMGR_EXPORT int rcmgr_list_peers(struct rcmgr *rm, rcmgr_list_fn fn, void *arg)
{
	return list(rm, RCMGR_KIND_PEER, fn, arg);
}

RCMGR_EXPORT int rcmgr_list_protocols(struct rcmgr *rm, rcmgr_list_fn fn,
				      void *arg)
{
	return list(rm, RCMGR_KIND_PROTOCOL, fn, arg);
}

RCMGR_EXPORT int rcmgr_list_services(struct rcmgr *rm, rcmgr_list_fn fn,
				     void *arg)
{
	return list(rm, RCMGR_KIND_SERVICE, fn, arg);
}

/* Bounds. */

static int config_cb(const struct nlmsghdr *nlh, void *data)
{
	return rcmgr_parse_config(nlh, data);
}

static int config_get(struct rcmgr *rm, struct rcmgr_config *cfg)
{
	char buf[REQ_SIZE];

	return fail(rcmgr_talk(rm, rcmgr_msg_request(buf, rm->family,
				  RCMGR_CMD_CONFIG_GET), config_cb, cfg));
}

/*
 * struct rcmgr_config grew the endpoint policy's bounds in LIBRCMGR_1.3;
 * a binary built before passes the smaller struct and gets the
 * LIBRCMGR_1 versions of get and set, which touch no more than it has.
 */
#define CONFIG_V1_SIZE	offsetof(struct rcmgr_config, max_tracked)
#define CONFIG_V1_ALL	0x3fu

__asm__(".symver rcmgr_config_get_v1_3, rcmgr_config_get@@LIBRCMGR_1.3");
RCMGR_EXPORT int rcmgr_config_get_v1_3(struct rcmgr *rm,
				       struct rcmgr_config *cfg);
RCMGR_EXPORT int rcmgr_config_get_v1_3(struct rcmgr *rm,
				       struct rcmgr_config *cfg)
{
	return config_get(rm, cfg);
}

__asm__(".symver rcmgr_config_get_v1, rcmgr_config_get@LIBRCMGR_1");
RCMGR_EXPORT int rcmgr_config_get_v1(struct rcmgr *rm, void *cfg);
RCMGR_EXPORT int rcmgr_config_get_v1(struct rcmgr *rm, void *cfg)
{
	struct rcmgr_config c;
	int ret = config_get(rm, &c);

	if (!ret)
		memcpy(cfg, &c, CONFIG_V1_SIZE);
	return ret;
}

/* A settable bound: its RCMGR_CONFIG_* bit is 1 << its index. */
static const struct {
	uint16_t attr;
	size_t off;
} config_bounds[] = {
	{ RCMGR_A_CONFIG_MAX_HANDLES, offsetof(struct rcmgr_config, max_handles) },
	{ RCMGR_A_CONFIG_MAX_OWNER_HANDLES,
	  offsetof(struct rcmgr_config, max_owner_handles) },
	{ RCMGR_A_CONFIG_MAX_SCOPES, offsetof(struct rcmgr_config, max_scopes) },
	{ RCMGR_A_CONFIG_MAX_USER_HANDLES,
	  offsetof(struct rcmgr_config, max_user_handles) },
	{ RCMGR_A_CONFIG_MAX_USER_SCOPES,
	  offsetof(struct rcmgr_config, max_user_scopes) },
	{ RCMGR_A_CONFIG_MAX_USER_BINDS,
	  offsetof(struct rcmgr_config, max_user_binds) },
	{ RCMGR_A_CONFIG_MAX_TRACKED, offsetof(struct rcmgr_config, max_tracked) },
	{ RCMGR_A_CONFIG_MAX_ALLOWLIST,
	  offsetof(struct rcmgr_config, max_allowlist) },
};

RCMGR_EXPORT int rcmgr_config_update(struct rcmgr *rm,
				     const struct rcmgr_config *cfg,
				     unsigned int which)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	size_t i;

	if (which & ~RCMGR_CONFIG_ALL)
		return fail(-EINVAL);
	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_CONFIG_SET);
	for (i = 0; i < sizeof(config_bounds) / sizeof(config_bounds[0]); i++)
		if (which & (1u << i))
			mnl_attr_put_u32(nlh, config_bounds[i].attr,
					 *(const uint32_t *)((const char *)cfg +
							     config_bounds[i].off));
	return fail(rcmgr_talk(rm, nlh, NULL, NULL));
}

__asm__(".symver rcmgr_config_set_v1_3, rcmgr_config_set@@LIBRCMGR_1.3");
RCMGR_EXPORT int rcmgr_config_set_v1_3(struct rcmgr *rm,
				       const struct rcmgr_config *cfg);
RCMGR_EXPORT int rcmgr_config_set_v1_3(struct rcmgr *rm,
				       const struct rcmgr_config *cfg)
{
	unsigned int which = RCMGR_CONFIG_ALL;

	/* No valid value: read from a module without them. */
	if (!cfg->max_tracked)
		which &= ~RCMGR_CONFIG_MAX_TRACKED;
	if (!cfg->max_allowlist)
		which &= ~RCMGR_CONFIG_MAX_ALLOWLIST;
	return rcmgr_config_update(rm, cfg, which);
}

__asm__(".symver rcmgr_config_set_v1, rcmgr_config_set@LIBRCMGR_1");
RCMGR_EXPORT int rcmgr_config_set_v1(struct rcmgr *rm,
				     const struct rcmgr_config *cfg);
RCMGR_EXPORT int rcmgr_config_set_v1(struct rcmgr *rm,
				     const struct rcmgr_config *cfg)
{
	return rcmgr_config_update(rm, cfg, CONFIG_V1_ALL);
}

_Static_assert((int)RCMGR_KIND_SPAN == (int)RCMGR_SCOPE_KIND_SPAN &&
	       (int)RCMGR_KIND_ALLOWLISTED_TRANSIENT ==
	       (int)RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT &&
	       (int)RCMGR_KIND_SYSTEM == (int)RCMGR_SCOPE_KIND_SYSTEM,
	       "library scope kinds follow the uapi");
_Static_assert((int)RCMGR_DIR_INBOUND == (int)RCMGR_DIRECTION_INBOUND &&
	       (int)RCMGR_LIMIT_STREAM + 1 == (int)RCMGR_CLASS_STREAM &&
	       (int)RCMGR_LIMIT_ALLOWLISTED_TRANSIENT + 1 ==
	       (int)RCMGR_CLASS_ALLOWLISTED_TRANSIENT &&
	       (int)RCMGR_RESOURCE_CONN_RATE ==
	       (int)RCMGR_RESOURCE_TYPE_CONN_RATE &&
	       (int)RCMGR_RESOURCE_FD == (int)RCMGR_RESOURCE_TYPE_FD,
	       "library enums follow the uapi");
_Static_assert((int)RCMGR_RESOURCE_MEMORY == RCMGR_A_RESOURCES_MEMORY &&
	       (int)RCMGR_RESOURCE_STREAMS == RCMGR_A_RESOURCES_STREAMS &&
	       (int)RCMGR_RESOURCE_FD == RCMGR_A_RESOURCES_FD &&
	       RCMGR_RESOURCES_ALL == ((1u << (RCMGR_A_RESOURCES_FD + 1)) - 2),
	       "resource bits are the resource attribute types");
