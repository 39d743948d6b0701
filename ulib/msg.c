// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Building and parsing rcmgr messages.  Parsers validate every attribute
 * they know before reading it and skip the ones they do not, so an old
 * library keeps working against a newer kernel.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

struct nlmsghdr *rcmgr_msg_start(void *buf, uint16_t type, uint8_t cmd,
				 uint8_t version, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *genl;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = seq;
	genl = mnl_nlmsg_put_extra_header(nlh, sizeof(*genl));
	genl->cmd = cmd;
	genl->version = version;
	return nlh;
}

struct nlmsghdr *rcmgr_msg_getfamily(void *buf, uint32_t seq, const char *name)
{
	struct nlmsghdr *nlh;

	nlh = rcmgr_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
			      NLM_F_ACK, seq);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, name);
	return nlh;
}

struct nlmsghdr *rcmgr_msg_scope_get(void *buf, uint16_t family, uint32_t seq,
				     uint32_t kind)
{
	struct nlmsghdr *nlh;

	nlh = rcmgr_msg_start(buf, family, RCMGR_CMD_SCOPE_GET,
			      RCMGR_FAMILY_VERSION, NLM_F_ACK, seq);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, kind);
	return nlh;
}

static int family_attr_cb(const struct nlattr *a, void *data)
{
	uint16_t *id = data;

	if (mnl_attr_get_type(a) != CTRL_ATTR_FAMILY_ID)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
		return MNL_CB_ERROR;
	*id = mnl_attr_get_u16(a);
	return MNL_CB_OK;
}

int rcmgr_parse_family(const struct nlmsghdr *nlh, uint16_t *id)
{
	*id = 0;
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			   id) < 0)
		return -EINVAL;
	return *id ? 0 : -ENOENT;
}

static int res_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_res *r = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type > RCMGR_A_RESOURCES_MAX || type == RCMGR_A_RESOURCES_PAD)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return MNL_CB_ERROR;
	r->v[type] = mnl_attr_get_u64(a);
	r->present |= 1u << type;
	return MNL_CB_OK;
}

static int scope_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_scope_msg *m = data;
	uint16_t type = mnl_attr_get_type(a);

	switch (type) {
	case RCMGR_A_SCOPE_KIND:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		m->kind = mnl_attr_get_u32(a);
		break;
	case RCMGR_A_SCOPE_USAGE:
	case RCMGR_A_SCOPE_LIMIT:
		if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
		    mnl_attr_parse_nested(a, res_attr_cb,
					  type == RCMGR_A_SCOPE_USAGE ?
					  &m->usage : &m->limit) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	m->present |= 1u << type;
	return MNL_CB_OK;
}

int rcmgr_parse_scope(const struct nlmsghdr *nlh, struct rcmgr_scope_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), scope_attr_cb,
			   m) < 0)
		return -EINVAL;
	if (!(m->present & (1u << RCMGR_A_SCOPE_KIND)))
		return -EINVAL;
	return 0;
}

static int err_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_error *e = data;

	if (mnl_attr_get_type(a) != NLMSGERR_ATTR_MSG)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
		return MNL_CB_ERROR;
	snprintf(e->message, sizeof(e->message), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

/* Return the message's negative errno (0 for an ACK) and its extack text. */
int rcmgr_parse_error(const struct nlmsghdr *nlh, struct rcmgr_error *e)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	unsigned int off = sizeof(*err);

	memset(e, 0, sizeof(*e));
	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return -EBADMSG;
	e->error = -err->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return err->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	if (mnl_nlmsg_size(off) < nlh->nlmsg_len)
		mnl_attr_parse(nlh, off, err_attr_cb, e);
	return err->error;
}

static int64_t res_val(const struct rcmgr_res *r, int type)
{
	uint64_t v = r->v[type];

	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

void rcmgr_res_to_stat(const struct rcmgr_res *r, struct rcmgr_stat *st)
{
	st->num_streams_inbound = res_val(r, RCMGR_A_RESOURCES_STREAMS_INBOUND);
	st->num_streams_outbound = res_val(r, RCMGR_A_RESOURCES_STREAMS_OUTBOUND);
	st->num_conns_inbound = res_val(r, RCMGR_A_RESOURCES_CONNS_INBOUND);
	st->num_conns_outbound = res_val(r, RCMGR_A_RESOURCES_CONNS_OUTBOUND);
	st->num_fd = res_val(r, RCMGR_A_RESOURCES_FD);
	st->memory = res_val(r, RCMGR_A_RESOURCES_MEMORY);
}

void rcmgr_res_to_limit(const struct rcmgr_res *r, struct rcmgr_limit *l)
{
	l->streams = res_val(r, RCMGR_A_RESOURCES_STREAMS);
	l->streams_inbound = res_val(r, RCMGR_A_RESOURCES_STREAMS_INBOUND);
	l->streams_outbound = res_val(r, RCMGR_A_RESOURCES_STREAMS_OUTBOUND);
	l->conns = res_val(r, RCMGR_A_RESOURCES_CONNS);
	l->conns_inbound = res_val(r, RCMGR_A_RESOURCES_CONNS_INBOUND);
	l->conns_outbound = res_val(r, RCMGR_A_RESOURCES_CONNS_OUTBOUND);
	l->fd = res_val(r, RCMGR_A_RESOURCES_FD);
	l->memory = res_val(r, RCMGR_A_RESOURCES_MEMORY);
}
