// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The seed interface: the resource manager, its views and scopes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "internal.h"

static int fail(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

RCMGR_EXPORT int rcmgr_open(struct rcmgr **rmp)
{
	struct rcmgr *rm;
	int ret;

	rm = calloc(1, sizeof(*rm));
	if (!rm)
		return fail(-ENOMEM);
	pthread_mutex_init(&rm->lock, NULL);
	ret = rcmgr_nl_open(rm);
	if (ret < 0) {
		pthread_mutex_destroy(&rm->lock);
		free(rm);
		return fail(ret);
	}
	*rmp = rm;
	return 0;
}

RCMGR_EXPORT void rcmgr_close(struct rcmgr *rm)
{
	if (!rm)
		return;
	rcmgr_nl_close(rm);
	pthread_mutex_destroy(&rm->lock);
	free(rm);
}

RCMGR_EXPORT const struct rcmgr_error *rcmgr_last_error(struct rcmgr *rm)
{
	(void)rm;
	return rcmgr_thread_error();
}

static int view(struct rcmgr *rm, enum rcmgr_kind kind,
		rcmgr_view_fn fn, void *arg)
{
	struct rcmgr_scope s = { .rm = rm, .kind = kind };

	return fn(&s, arg);
}

RCMGR_EXPORT int rcmgr_view_system(struct rcmgr *rm, rcmgr_view_fn fn,
				   void *arg)
{
	return view(rm, RCMGR_KIND_SYSTEM, fn, arg);
}

RCMGR_EXPORT int rcmgr_view_transient(struct rcmgr *rm, rcmgr_view_fn fn,
				      void *arg)
{
	return view(rm, RCMGR_KIND_TRANSIENT, fn, arg);
}

RCMGR_EXPORT enum rcmgr_kind rcmgr_scope_kind(const struct rcmgr_scope *s)
{
	return s->kind;
}

RCMGR_EXPORT const char *rcmgr_scope_name(const struct rcmgr_scope *s)
{
	switch (s->kind) {
	case RCMGR_KIND_SYSTEM:
		return "system";
	case RCMGR_KIND_TRANSIENT:
		return "transient";
	}
	return "unknown";
}

static int scope_cb(const struct nlmsghdr *nlh, void *data)
{
	return rcmgr_parse_scope(nlh, data);
}

static int scope_get(struct rcmgr_scope *s, struct rcmgr_scope_msg *m)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = rcmgr_msg_scope_get(buf, s->rm->family, 0, s->kind);
	return rcmgr_nl_talk(s->rm, nlh, scope_cb, m);
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

_Static_assert((int)RCMGR_KIND_SYSTEM == (int)RCMGR_SCOPE_KIND_SYSTEM &&
	       (int)RCMGR_KIND_TRANSIENT == (int)RCMGR_SCOPE_KIND_TRANSIENT,
	       "library scope kinds follow the uapi");
