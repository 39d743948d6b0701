// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Building and parsing rcmgr messages.  Parsers validate every attribute
 * they know before reading it and skip the ones they do not, so an old
 * library keeps working against a newer kernel.
 */
#include <errno.h>
#include <stddef.h>
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

struct nlmsghdr *rcmgr_msg_request(void *buf, uint16_t family, uint8_t cmd)
{
	return rcmgr_msg_start(buf, family, cmd, RCMGR_FAMILY_VERSION,
			       NLM_F_ACK, 0);
}

static int name_attr(uint32_t kind)
{
	switch (kind) {
	case RCMGR_SCOPE_KIND_SERVICE:
		return RCMGR_A_SCOPE_SERVICE;
	case RCMGR_SCOPE_KIND_PROTOCOL:
		return RCMGR_A_SCOPE_PROTOCOL;
	case RCMGR_SCOPE_KIND_PEER:
		return RCMGR_A_SCOPE_PEER;
	}
	return 0;
}

/* Names go without their NUL: the kernel takes them as opaque bytes. */
void rcmgr_msg_put_target(struct nlmsghdr *nlh, const struct rcmgr_target *t)
{
	int attr = name_attr(t->kind);

	if (t->cookie) {
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_COOKIE, t->cookie);
		return;
	}
	if (t->id) {
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, t->id);
		return;
	}
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, t->kind);
	if (attr && t->name)
		mnl_attr_put(nlh, attr, strlen(t->name), t->name);
}

/* The resources' attributes, in struct rcmgr_limit's field order. */
static const struct {
	uint16_t type;
	size_t off;
} res_fields[] = {
	{ RCMGR_A_RESOURCES_MEMORY, offsetof(struct rcmgr_limit, memory) },
	{ RCMGR_A_RESOURCES_STREAMS_INBOUND, offsetof(struct rcmgr_limit, streams_inbound) },
	{ RCMGR_A_RESOURCES_STREAMS_OUTBOUND, offsetof(struct rcmgr_limit, streams_outbound) },
	{ RCMGR_A_RESOURCES_STREAMS, offsetof(struct rcmgr_limit, streams) },
	{ RCMGR_A_RESOURCES_CONNS_INBOUND, offsetof(struct rcmgr_limit, conns_inbound) },
	{ RCMGR_A_RESOURCES_CONNS_OUTBOUND, offsetof(struct rcmgr_limit, conns_outbound) },
	{ RCMGR_A_RESOURCES_CONNS, offsetof(struct rcmgr_limit, conns) },
	{ RCMGR_A_RESOURCES_FD, offsetof(struct rcmgr_limit, fd) },
};

/*
 * The values of @l whose RCMGR_RESOURCE_BIT() is in @which; the kernel
 * leaves the others as they are.  Resource attribute types are the
 * enum rcmgr_resource values.
 */
void rcmgr_msg_put_values(struct nlmsghdr *nlh, uint16_t type,
			  const struct rcmgr_limit *l, unsigned int which)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	size_t i;

	for (i = 0; i < sizeof(res_fields) / sizeof(res_fields[0]); i++) {
		if (!(which & RCMGR_RESOURCE_BIT(res_fields[i].type)))
			continue;
		mnl_attr_put_u64(nlh, res_fields[i].type,
				 *(const int64_t *)((const char *)l +
						    res_fields[i].off));
	}
	mnl_attr_nest_end(nlh, nest);
}

/*
 * A multiaddr's text as its binary attribute; nothing for NULL.  Return:
 * 0, or -EINVAL (the thread's last error names the bad component).
 */
int rcmgr_msg_put_multiaddr(struct nlmsghdr *nlh, uint16_t type,
			    const char *text)
{
	uint8_t b[RCMGR_MULTIADDR_MAX];
	int len;

	if (!text)
		return 0;
	len = rcmgr_multiaddr_parse(text, b, sizeof(b));
	if (len == -ERANGE)
		len = rcmgr_thread_error_set(EINVAL,
			"multiaddr: longer than %d bytes in binary",
			RCMGR_MULTIADDR_MAX);
	if (len < 0)
		return len;
	mnl_attr_put(nlh, type, len, b);
	return 0;
}

int rcmgr_msg_put_endpoint(struct nlmsghdr *nlh, const char *endpoint)
{
	return rcmgr_msg_put_multiaddr(nlh, RCMGR_A_SCOPE_ENDPOINT_BIN,
				       endpoint);
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

struct group_find {
	const char *name;
	uint32_t id;
	int found;
};

static int group_attr_cb(const struct nlattr *a, void *data)
{
	struct group_find *g = data;
	const struct nlattr *f;
	uint32_t id = 0;
	int match = 0;

	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	mnl_attr_for_each_nested(f, a) {
		if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_ID &&
		    mnl_attr_validate(f, MNL_TYPE_U32) >= 0)
			id = mnl_attr_get_u32(f);
		if (mnl_attr_get_type(f) == CTRL_ATTR_MCAST_GRP_NAME &&
		    mnl_attr_validate(f, MNL_TYPE_NUL_STRING) >= 0)
			match = !strcmp(mnl_attr_get_str(f), g->name);
	}
	if (match && id) {
		g->id = id;
		g->found = 1;
	}
	return MNL_CB_OK;
}

static int groups_attr_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) != CTRL_ATTR_MCAST_GROUPS)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(a, group_attr_cb, data) < 0)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

/* The id of a family's multicast group, from a get-family reply. */
int rcmgr_parse_mcast_group(const struct nlmsghdr *nlh, const char *name,
			    uint32_t *group)
{
	struct group_find g = { .name = name };

	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), groups_attr_cb,
			   &g) < 0)
		return -EINVAL;
	if (!g.found)
		return -ENOENT;
	*group = g.id;
	return 0;
}

/* A scope-closed notification. */
int rcmgr_parse_event(const struct nlmsghdr *nlh, struct rcmgr_event *ev)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	struct rcmgr_scope_msg m;
	int ret;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*g)) ||
	    g->cmd != RCMGR_CMD_SCOPE_CLOSED_NTF)
		return -ENOMSG;
	ret = rcmgr_parse_scope(nlh, &m);
	if (ret)
		return ret;
	if (!(m.present & (1ull << RCMGR_A_SCOPE_ID)))
		return -EBADMSG;
	ev->id = m.id;
	ev->kind = m.kind;
	ev->owner = m.owner;
	return 0;
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

static int parse_res(const struct nlattr *a, struct rcmgr_res *r)
{
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(a, res_attr_cb, r) < 0)
		return -1;
	return 0;
}

static int get_bytes(const struct nlattr *a, struct rcmgr_bytes *b)
{
	b->data = mnl_attr_get_payload(a);
	b->len = mnl_attr_get_payload_len(a);
	return 0;
}

static int scope_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_scope_msg *m = data;
	uint16_t type = mnl_attr_get_type(a);
	int ret = 0;

	switch (type) {
	case RCMGR_A_SCOPE_ID:
	case RCMGR_A_SCOPE_PARENT:
	case RCMGR_A_SCOPE_SOCK_INO:
		ret = mnl_attr_validate(a, MNL_TYPE_U64);
		if (!ret)
			*(type == RCMGR_A_SCOPE_ID ? &m->id :
			  type == RCMGR_A_SCOPE_PARENT ? &m->parent :
			  &m->sock_ino) = mnl_attr_get_u64(a);
		break;
	case RCMGR_A_SCOPE_SOCK_LOCAL:
	case RCMGR_A_SCOPE_SOCK_REMOTE:
		ret = mnl_attr_validate(a, MNL_TYPE_NUL_STRING);
		if (!ret)
			*(type == RCMGR_A_SCOPE_SOCK_LOCAL ? &m->sock_local :
			  &m->sock_remote) = mnl_attr_get_str(a);
		break;
	case RCMGR_A_SCOPE_KIND:
	case RCMGR_A_SCOPE_DIR:
	case RCMGR_A_SCOPE_OWNER:
		ret = mnl_attr_validate(a, MNL_TYPE_U32);
		if (!ret)
			*(type == RCMGR_A_SCOPE_KIND ? &m->kind :
			  type == RCMGR_A_SCOPE_DIR ? &m->dir : &m->owner) =
				mnl_attr_get_u32(a);
		break;
	case RCMGR_A_SCOPE_PEER:
		ret = get_bytes(a, &m->peer);
		break;
	case RCMGR_A_SCOPE_PROTOCOL:
		ret = get_bytes(a, &m->protocol);
		break;
	case RCMGR_A_SCOPE_SERVICE:
		ret = get_bytes(a, &m->service);
		break;
	case RCMGR_A_SCOPE_ENDPOINT:
		ret = mnl_attr_validate(a, MNL_TYPE_NUL_STRING);
		if (!ret)
			m->endpoint = mnl_attr_get_str(a);
		break;
	case RCMGR_A_SCOPE_USEFD:
	case RCMGR_A_SCOPE_ZOMBIE:
	case RCMGR_A_SCOPE_BOUND:
	case RCMGR_A_SCOPE_ALLOWLISTED:
	case RCMGR_A_SCOPE_VERIFY:
		ret = mnl_attr_validate(a, MNL_TYPE_FLAG);
		break;
	case RCMGR_A_SCOPE_USAGE:
		ret = parse_res(a, &m->usage);
		break;
	case RCMGR_A_SCOPE_LIMIT:
		ret = parse_res(a, &m->limit);
		break;
	case RCMGR_A_SCOPE_PEAK:
		ret = parse_res(a, &m->peak);
		break;
	case RCMGR_A_SCOPE_BLOCKED:
		ret = parse_res(a, &m->blocked);
		break;
	default:
		return MNL_CB_OK;
	}
	if (ret < 0)
		return MNL_CB_ERROR;
	m->present |= 1ull << type;
	return MNL_CB_OK;
}

int rcmgr_parse_scope(const struct nlmsghdr *nlh, struct rcmgr_scope_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), scope_attr_cb,
			   m) < 0)
		return -EINVAL;
	return 0;
}

static int limit_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_limit_msg *m = data;
	uint16_t type = mnl_attr_get_type(a);
	int ret;

	switch (type) {
	case RCMGR_A_LIMIT_CLASS:
		ret = mnl_attr_validate(a, MNL_TYPE_U32);
		if (!ret)
			m->class = mnl_attr_get_u32(a);
		break;
	case RCMGR_A_LIMIT_NAME:
		ret = get_bytes(a, &m->name);
		break;
	case RCMGR_A_LIMIT_VALUES:
		ret = parse_res(a, &m->values);
		break;
	case RCMGR_A_LIMIT_OVERRIDE:
		ret = mnl_attr_validate(a, MNL_TYPE_FLAG);
		break;
	default:
		return MNL_CB_OK;
	}
	if (ret < 0)
		return MNL_CB_ERROR;
	m->present |= 1u << type;
	return MNL_CB_OK;
}

int rcmgr_parse_limit(const struct nlmsghdr *nlh, struct rcmgr_limit_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), limit_attr_cb,
			   m) < 0 ||
	    !(m->present & (1u << RCMGR_A_LIMIT_VALUES)))
		return -EINVAL;
	return 0;
}

static int config_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_config *c = data;
	uint32_t *v;

	switch (mnl_attr_get_type(a)) {
	case RCMGR_A_CONFIG_MAX_HANDLES:
		v = &c->max_handles;
		break;
	case RCMGR_A_CONFIG_MAX_OWNER_HANDLES:
		v = &c->max_owner_handles;
		break;
	case RCMGR_A_CONFIG_MAX_SCOPES:
		v = &c->max_scopes;
		break;
	case RCMGR_A_CONFIG_HANDLES:
		v = &c->handles;
		break;
	case RCMGR_A_CONFIG_SCOPES:
		v = &c->scopes;
		break;
	case RCMGR_A_CONFIG_MAX_USER_HANDLES:
		v = &c->max_user_handles;
		break;
	case RCMGR_A_CONFIG_MAX_USER_SCOPES:
		v = &c->max_user_scopes;
		break;
	case RCMGR_A_CONFIG_MAX_USER_BINDS:
		v = &c->max_user_binds;
		break;
	case RCMGR_A_CONFIG_USER_HANDLES:
		v = &c->user_handles;
		break;
	case RCMGR_A_CONFIG_USER_SCOPES:
		v = &c->user_scopes;
		break;
	case RCMGR_A_CONFIG_USER_BINDS:
		v = &c->user_binds;
		break;
	case RCMGR_A_CONFIG_MAX_TRACKED:
		v = &c->max_tracked;
		break;
	case RCMGR_A_CONFIG_TRACKED:
		v = &c->tracked;
		break;
	case RCMGR_A_CONFIG_MAX_ALLOWLIST:
		v = &c->max_allowlist;
		break;
	case RCMGR_A_CONFIG_ALLOWLIST_ENTRIES:
		v = &c->allowlist_entries;
		break;
	default:
		return MNL_CB_OK;
	}
	if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
		return MNL_CB_ERROR;
	*v = mnl_attr_get_u32(a);
	return MNL_CB_OK;
}

int rcmgr_parse_config(const struct nlmsghdr *nlh, struct rcmgr_config *c)
{
	memset(c, 0, sizeof(*c));
	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), config_attr_cb,
			   c) < 0)
		return -EINVAL;
	return 0;
}

static void copy_name(char *dst, size_t size, const struct nlattr *a)
{
	size_t n = mnl_attr_get_payload_len(a);

	if (n >= size)
		n = size - 1;
	memcpy(dst, mnl_attr_get_payload(a), n);
	dst[n] = '\0';
}

static int64_t clamp64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static int refusal_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_error *e = data;
	uint16_t type = mnl_attr_get_type(a);

	switch (type) {
	case RCMGR_A_REFUSAL_PEER:
		copy_name(e->peer, sizeof(e->peer), a);
		return MNL_CB_OK;
	case RCMGR_A_REFUSAL_PROTOCOL:
		copy_name(e->protocol, sizeof(e->protocol), a);
		return MNL_CB_OK;
	case RCMGR_A_REFUSAL_SERVICE:
		copy_name(e->service, sizeof(e->service), a);
		return MNL_CB_OK;
	case RCMGR_A_REFUSAL_MESSAGE:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		snprintf(e->message, sizeof(e->message), "%s",
			 mnl_attr_get_str(a));
		return MNL_CB_OK;
	case RCMGR_A_REFUSAL_KIND:
	case RCMGR_A_REFUSAL_RESOURCE:
		if (mnl_attr_validate(a, MNL_TYPE_U32) < 0)
			return MNL_CB_ERROR;
		if (type == RCMGR_A_REFUSAL_KIND)
			e->kind = mnl_attr_get_u32(a);
		else
			e->resource = mnl_attr_get_u32(a);
		return MNL_CB_OK;
	case RCMGR_A_REFUSAL_SUBNET:
		if (rcmgr_parse_netrule(a, &e->subnet) < 0)
			return MNL_CB_ERROR;
		return MNL_CB_OK;
	case RCMGR_A_REFUSAL_PRIORITY:
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		e->priority = mnl_attr_get_u8(a);
		return MNL_CB_OK;
	case RCMGR_A_REFUSAL_ID:
	case RCMGR_A_REFUSAL_USAGE:
	case RCMGR_A_REFUSAL_ATTEMPTED:
	case RCMGR_A_REFUSAL_LIMIT:
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		break;
	default:
		return MNL_CB_OK;
	}
	if (type == RCMGR_A_REFUSAL_ID)
		e->scope_id = mnl_attr_get_u64(a);
	else if (type == RCMGR_A_REFUSAL_USAGE)
		e->usage = clamp64(mnl_attr_get_u64(a));
	else if (type == RCMGR_A_REFUSAL_ATTEMPTED)
		e->attempted = clamp64(mnl_attr_get_u64(a));
	else
		e->limit = clamp64(mnl_attr_get_u64(a));
	return MNL_CB_OK;
}

static int refusal_top_cb(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) != RCMGR_A_SCOPE_REFUSAL)
		return MNL_CB_OK;
	if (mnl_attr_validate(a, MNL_TYPE_NESTED) < 0)
		return MNL_CB_ERROR;
	*(const struct nlattr **)data = a;
	return MNL_CB_OK;
}

/*
 * A refusal the kernel sends before an EDQUOT error.  Return: 1 and @e
 * filled in if @nlh carries one, 0 if it does not, -EINVAL if malformed.
 */
int rcmgr_parse_refusal(const struct nlmsghdr *nlh, struct rcmgr_error *e)
{
	const struct nlattr *nest = NULL;

	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), refusal_top_cb,
			   &nest) < 0)
		return -EINVAL;
	if (!nest)
		return 0;
	memset(e, 0, sizeof(*e));
	if (mnl_attr_parse_nested(nest, refusal_attr_cb, e) < 0)
		return -EINVAL;
	switch (e->resource) {
	case RCMGR_RESOURCE_STREAMS_INBOUND:
	case RCMGR_RESOURCE_CONNS_INBOUND:
		e->direction = RCMGR_DIR_INBOUND;
		break;
	case RCMGR_RESOURCE_STREAMS_OUTBOUND:
	case RCMGR_RESOURCE_CONNS_OUTBOUND:
		e->direction = RCMGR_DIR_OUTBOUND;
		break;
	default:
		e->direction = RCMGR_DIR_UNKNOWN;
		break;
	}
	return 1;
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

/*
 * The end of a request: an ack or error (NLMSG_ERROR), or the end of a
 * dump (NLMSG_DONE, whose payload is an int error, then extack TLVs).
 * Return: the negative errno, 0 for success; @e gets the extack text.
 */
int rcmgr_parse_done(const struct nlmsghdr *nlh, struct rcmgr_error *e)
{
	struct rcmgr_error x;
	int err;

	if (nlh->nlmsg_type == NLMSG_ERROR) {
		err = rcmgr_parse_error(nlh, &x);
	} else {
		memset(&x, 0, sizeof(x));
		if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(int)))
			return 0;	/* old kernels: no error, no TLVs */
		err = *(const int *)mnl_nlmsg_get_payload(nlh);
		if (err > 0)
			err = -EPROTO;
		if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
			mnl_attr_parse(nlh, sizeof(int), err_attr_cb, &x);
	}
	if (err >= 0)
		return err;
	e->error = -err;
	/* A refusal's own words are whole; keep them. */
	if (!e->resource)
		memcpy(e->message, x.message, sizeof(e->message));
	return err;
}

static int64_t res_val(const struct rcmgr_res *r, int type)
{
	return clamp64(r->v[type]);
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

/* Both struct rcmgr_limit and struct rcmgr_resources have these fields. */
#define RES_FILL(d, r) do {							\
	(d)->streams = res_val(r, RCMGR_A_RESOURCES_STREAMS);			\
	(d)->streams_inbound = res_val(r, RCMGR_A_RESOURCES_STREAMS_INBOUND);	\
	(d)->streams_outbound = res_val(r, RCMGR_A_RESOURCES_STREAMS_OUTBOUND);	\
	(d)->conns = res_val(r, RCMGR_A_RESOURCES_CONNS);			\
	(d)->conns_inbound = res_val(r, RCMGR_A_RESOURCES_CONNS_INBOUND);	\
	(d)->conns_outbound = res_val(r, RCMGR_A_RESOURCES_CONNS_OUTBOUND);	\
	(d)->fd = res_val(r, RCMGR_A_RESOURCES_FD);				\
	(d)->memory = res_val(r, RCMGR_A_RESOURCES_MEMORY);			\
} while (0)

void rcmgr_res_to_limit(const struct rcmgr_res *r, struct rcmgr_limit *l)
{
	RES_FILL(l, r);
}

void rcmgr_res_to_resources(const struct rcmgr_res *r,
			    struct rcmgr_resources *v)
{
	RES_FILL(v, r);
}
