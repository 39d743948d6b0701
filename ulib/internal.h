/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * librcmgr internals.  Message building and parsing (msg.c) are pure
 * functions over struct nlmsghdr, so tests/ exercise them with no kernel;
 * nl.c owns the socket.
 */
#ifndef _RCMGR_INTERNAL_H
#define _RCMGR_INTERNAL_H

#include <pthread.h>
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

/* A parsed scope message (RCMGR_CMD_SCOPE_GET reply). */
struct rcmgr_scope_msg {
	uint32_t kind;
	struct rcmgr_res usage;
	struct rcmgr_res limit;
	uint32_t present;	/* bit per RCMGR_A_SCOPE_* seen */
};

struct rcmgr {
	pthread_mutex_t lock;	/* one request in flight on @nl */
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	uint16_t family;
};

struct rcmgr_scope {
	struct rcmgr *rm;
	enum rcmgr_kind kind;
};

/* msg.c */
struct nlmsghdr *rcmgr_msg_start(void *buf, uint16_t type, uint8_t cmd,
				 uint8_t version, uint16_t flags, uint32_t seq);
struct nlmsghdr *rcmgr_msg_getfamily(void *buf, uint32_t seq, const char *name);
struct nlmsghdr *rcmgr_msg_scope_get(void *buf, uint16_t family, uint32_t seq,
				     uint32_t kind);
int rcmgr_parse_family(const struct nlmsghdr *nlh, uint16_t *id);
int rcmgr_parse_scope(const struct nlmsghdr *nlh, struct rcmgr_scope_msg *m);
int rcmgr_parse_error(const struct nlmsghdr *nlh, struct rcmgr_error *e);
void rcmgr_res_to_stat(const struct rcmgr_res *r, struct rcmgr_stat *st);
void rcmgr_res_to_limit(const struct rcmgr_res *r, struct rcmgr_limit *l);

/* nl.c */
typedef int (*rcmgr_msg_cb)(const struct nlmsghdr *nlh, void *data);
int rcmgr_nl_open(struct rcmgr *rm);
void rcmgr_nl_close(struct rcmgr *rm);
int rcmgr_nl_talk(struct rcmgr *rm, struct nlmsghdr *nlh, rcmgr_msg_cb cb,
		  void *data);
struct rcmgr_error *rcmgr_thread_error(void);

#endif /* _RCMGR_INTERNAL_H */
