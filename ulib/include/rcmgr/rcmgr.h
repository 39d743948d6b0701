/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librcmgr: the libp2p resource manager interface, served by the rcmgr
 * kernel module over generic netlink.
 *
 * Every call returns 0 (or a documented non-negative value) on success and a
 * negative errno on failure, with errno set to its absolute value.  After a
 * refusal by the kernel, rcmgr_last_error() tells this thread why.
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

/** Scope kinds, as the kernel names them. */
enum rcmgr_kind {
	RCMGR_KIND_SYSTEM = 1,
	RCMGR_KIND_TRANSIENT,
};

/** Why the kernel refused the last request of this thread. */
struct rcmgr_error {
	int error;		/* positive errno */
	char message[256];	/* the kernel's extack message, or "" */
};

int rcmgr_open(struct rcmgr **rm);
void rcmgr_close(struct rcmgr *rm);
const struct rcmgr_error *rcmgr_last_error(struct rcmgr *rm);

/*
 * View a shared scope: @fn runs with a scope that is valid only during the
 * call; its return value is passed back.
 */
typedef int (*rcmgr_view_fn)(struct rcmgr_scope *scope, void *arg);
int rcmgr_view_system(struct rcmgr *rm, rcmgr_view_fn fn, void *arg);
int rcmgr_view_transient(struct rcmgr *rm, rcmgr_view_fn fn, void *arg);

enum rcmgr_kind rcmgr_scope_kind(const struct rcmgr_scope *s);
const char *rcmgr_scope_name(const struct rcmgr_scope *s);
int rcmgr_scope_stat(struct rcmgr_scope *s, struct rcmgr_stat *st);
int rcmgr_scope_limit(struct rcmgr_scope *s, struct rcmgr_limit *l);

#ifdef __cplusplus
}
#endif

#endif /* _RCMGR_RCMGR_H */
