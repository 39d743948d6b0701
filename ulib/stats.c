// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Stats: the namespace's refusal counts (stats-get), and what its default
 * limits were scaled from (config-get's autoscale attributes).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

#define REQ_SIZE 256

static int fail(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

static int put_blocked(struct rcmgr_resources *v, uint16_t type, uint64_t n)
{
	int64_t x = n > INT64_MAX ? INT64_MAX : (int64_t)n;

	switch (type) {
	case RCMGR_A_RESOURCES_MEMORY:
		v->memory = x;
		break;
	case RCMGR_A_RESOURCES_STREAMS_INBOUND:
		v->streams_inbound = x;
		break;
	case RCMGR_A_RESOURCES_STREAMS_OUTBOUND:
		v->streams_outbound = x;
		break;
	case RCMGR_A_RESOURCES_STREAMS:
		v->streams = x;
		break;
	case RCMGR_A_RESOURCES_CONNS_INBOUND:
		v->conns_inbound = x;
		break;
	case RCMGR_A_RESOURCES_CONNS_OUTBOUND:
		v->conns_outbound = x;
		break;
	case RCMGR_A_RESOURCES_CONNS:
		v->conns = x;
		break;
	case RCMGR_A_RESOURCES_FD:
		v->fd = x;
		break;
	}
	return MNL_CB_OK;
}

static int values_cb(const struct nlattr *a, void *data)
{
	uint16_t type = mnl_attr_get_type(a);

	if (type > RCMGR_A_RESOURCES_MAX || type == RCMGR_A_RESOURCES_PAD)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return MNL_CB_ERROR;
	return put_blocked(data, type, mnl_attr_get_u64(a));
}

/* One kind's counts: its kind first, then values, in either order. */
struct blocked {
	uint32_t kind;
	const struct nlattr *values;
};

static int blocked_cb(const struct nlattr *a, void *data)
{
	struct blocked *b = data;

	switch (mnl_attr_get_type(a)) {
	case RCMGR_A_STATS_BLOCKED_KIND:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		b->kind = mnl_attr_get_u32(a);
		break;
	case RCMGR_A_STATS_BLOCKED_VALUES:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
			return MNL_CB_ERROR;
		b->values = a;
		break;
	}
	return MNL_CB_OK;
}

static uint64_t *counter(struct rcmgr_stats *st, uint16_t type)
{
	switch (type) {
	case RCMGR_A_STATS_REFUSALS:
		return &st->refusals;
	case RCMGR_A_STATS_EVENTS:
		return &st->events;
	case RCMGR_A_STATS_EVENTS_DROPPED:
		return &st->events_dropped;
	case RCMGR_A_STATS_SUBNET_REFUSALS:
		return &st->subnet_refusals;
	case RCMGR_A_STATS_RATE_REFUSALS:
		return &st->rate_refusals;
	default:
		return &st->verify_asked;
	}
}

static int stats_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_stats *st = data;
	struct rcmgr_resources *r;
	struct blocked b = {};

	switch (mnl_attr_get_type(a)) {
	case RCMGR_A_STATS_REFUSALS:
	case RCMGR_A_STATS_EVENTS:
	case RCMGR_A_STATS_EVENTS_DROPPED:
	case RCMGR_A_STATS_SUBNET_REFUSALS:
	case RCMGR_A_STATS_RATE_REFUSALS:
	case RCMGR_A_STATS_VERIFY_ASKED:
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		*counter(st, mnl_attr_get_type(a)) = mnl_attr_get_u64(a);
		break;
	case RCMGR_A_STATS_BLOCKED:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(a, blocked_cb, &b) < 0)
			return MNL_CB_ERROR;
		if (!b.values || !b.kind)
			break;
		if (b.kind <= RCMGR_KIND_SPAN)
			r = &st->blocked[b.kind];
		else if (b.kind <= RCMGR_KIND_ALLOWLISTED_TRANSIENT)
			r = &st->allowlisted_blocked[b.kind -
						     RCMGR_KIND_ALLOWLISTED_SYSTEM];
		else	/* A kind this library does not know: skipped. */
			break;
		if (mnl_attr_parse_nested(b.values, values_cb, r) < 0)
			return MNL_CB_ERROR;
		break;
	}
	return MNL_CB_OK;
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), stats_attr_cb,
			   data) < 0)
		return -EBADMSG;
	return 0;
}

static int stats_get(struct rcmgr *rm, struct rcmgr_stats *st)
{
	char buf[REQ_SIZE];

	memset(st, 0, sizeof(*st));
	if (rm->null)
		return 0;
	return fail(rcmgr_talk(rm, rcmgr_msg_request(buf, rm->family,
				  RCMGR_CMD_STATS_GET), stats_cb, st));
}

/*
 * struct rcmgr_stats grew the endpoint policy's counters in LIBRCMGR_1.3;
 * a binary built before passes the smaller struct and gets
 * rcmgr_stats_get@LIBRCMGR_1.2, which fills no more than it has.
 */
__asm__(".symver rcmgr_stats_get_v1_3, rcmgr_stats_get@@LIBRCMGR_1.3");
RCMGR_EXPORT int rcmgr_stats_get_v1_3(struct rcmgr *rm,
				      struct rcmgr_stats *st);
RCMGR_EXPORT int rcmgr_stats_get_v1_3(struct rcmgr *rm,
				      struct rcmgr_stats *st)
{
	return stats_get(rm, st);
}

#define STATS_V1_2_SIZE	offsetof(struct rcmgr_stats, subnet_refusals)

__asm__(".symver rcmgr_stats_get_v1_2, rcmgr_stats_get@LIBRCMGR_1.2");
RCMGR_EXPORT int rcmgr_stats_get_v1_2(struct rcmgr *rm, void *st);
RCMGR_EXPORT int rcmgr_stats_get_v1_2(struct rcmgr *rm, void *st)
{
	struct rcmgr_stats s;
	int ret = stats_get(rm, &s);

	memcpy(st, &s, STATS_V1_2_SIZE);
	return ret;
}

static int autoscale_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_autoscale *as = data;
	uint64_t *v;

	switch (mnl_attr_get_type(a)) {
	case RCMGR_A_CONFIG_AUTOSCALE_RAM:
		v = &as->ram;
		break;
	case RCMGR_A_CONFIG_AUTOSCALE_MEMORY:
		v = &as->memory;
		break;
	case RCMGR_A_CONFIG_AUTOSCALE_FDS:
		v = &as->fds;
		break;
	default:
		return MNL_CB_OK;
	}
	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return MNL_CB_ERROR;
	*v = mnl_attr_get_u64(a);
	return MNL_CB_OK;
}

static int autoscale_cb(const struct nlmsghdr *nlh, void *data)
{
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), autoscale_attr_cb,
			   data) < 0)
		return -EBADMSG;
	return 0;
}

RCMGR_EXPORT int rcmgr_autoscale_get(struct rcmgr *rm,
				     struct rcmgr_autoscale *as)
{
	char buf[REQ_SIZE];

	memset(as, 0, sizeof(*as));
	return fail(rcmgr_talk(rm, rcmgr_msg_request(buf, rm->family,
				  RCMGR_CMD_CONFIG_GET), autoscale_cb, as));
}
