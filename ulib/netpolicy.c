// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Endpoint policy: the allowlist, the per-address limit tables
 * (conn-limit, rate-limit, verify-source) and verify-source-address.
 * Addresses go to the kernel as binary multiaddrs; the kernel validates
 * them again and answers with its own text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "internal.h"

/* A request with a multiaddr, or a table of 64 rules (set refuses more). */
#define REQ_SIZE	8192
#define RULES_MAX	64

static int fail(int ret)
{
	if (ret < 0)
		errno = -ret;
	return ret;
}

static int verify_cb(const struct nlmsghdr *nlh, void *data)
{
	struct rcmgr_scope_msg m;
	int ret;

	ret = rcmgr_parse_scope(nlh, &m);
	if (!ret)
		*(bool *)data = m.present & (1ull << RCMGR_A_SCOPE_VERIFY);
	return ret;
}

RCMGR_EXPORT int rcmgr_verify_source_address(struct rcmgr *rm,
					     const char *multiaddr,
					     bool *verify)
{
	struct rcmgr_error last = *rcmgr_thread_error();
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	bool v = false;
	int ret;

	if (!rm || !verify)
		return fail(-EINVAL);
	nlh = rcmgr_msg_request(buf, rm->family,
				RCMGR_CMD_VERIFY_SOURCE_ADDRESS);
	if (!multiaddr ||
	    rcmgr_msg_put_endpoint(nlh, multiaddr)) {
		/* go-libp2p: an address it cannot read is verified. */
		*rcmgr_thread_error() = last;
		*verify = true;
		return 0;
	}
	if (rm->null) {
		*verify = false;
		return 0;
	}
	ret = rcmgr_talk(rm, nlh, verify_cb, &v);
	if (ret == -EINVAL) {
		/* The kernel's reading: no IP address in it, say. */
		*verify = true;
		return 0;
	}
	if (!ret)
		*verify = v;
	return fail(ret);
}

static int allowlist_op(struct rcmgr *rm, uint8_t cmd, const char *multiaddr)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	int ret;

	if (!rm || !multiaddr)
		return fail(-EINVAL);
	nlh = rcmgr_msg_request(buf, rm->family, cmd);
	ret = rcmgr_msg_put_multiaddr(nlh, RCMGR_A_ALLOWLIST_MULTIADDR,
				      multiaddr);
	if (ret)
		return fail(ret);
	return fail(rcmgr_talk(rm, nlh, NULL, NULL));
}

RCMGR_EXPORT int rcmgr_allowlist_add(struct rcmgr *rm, const char *multiaddr)
{
	return allowlist_op(rm, RCMGR_CMD_ALLOWLIST_ADD, multiaddr);
}

RCMGR_EXPORT int rcmgr_allowlist_del(struct rcmgr *rm, const char *multiaddr)
{
	return allowlist_op(rm, RCMGR_CMD_ALLOWLIST_DEL, multiaddr);
}

struct allowlist_entry {
	const char *text;
	const struct nlattr *bin;
};

static int allowlist_attr_cb(const struct nlattr *a, void *data)
{
	struct allowlist_entry *e = data;

	switch (mnl_attr_get_type(a)) {
	case RCMGR_A_ALLOWLIST_TEXT:
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0)
			return MNL_CB_ERROR;
		e->text = mnl_attr_get_str(a);
		break;
	case RCMGR_A_ALLOWLIST_MULTIADDR:
		e->bin = a;
		break;
	}
	return MNL_CB_OK;
}

/* An allowlist dump message: the entry's text, the kernel's or ours. */
int rcmgr_parse_allowlist(const struct nlmsghdr *nlh, char *text,
			  size_t size)
{
	struct allowlist_entry e = {};

	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), allowlist_attr_cb,
			   &e) < 0)
		return -EBADMSG;
	if (e.text) {
		snprintf(text, size, "%s", e.text);
		return 0;
	}
	if (!e.bin ||
	    rcmgr_multiaddr_format(mnl_attr_get_payload(e.bin),
				   mnl_attr_get_payload_len(e.bin),
				   text, size) < 0)
		return -EBADMSG;
	return 0;
}

struct list_ctx {
	rcmgr_allowlist_fn fn;
	void *arg;
};

static int allowlist_cb(const struct nlmsghdr *nlh, void *data)
{
	char text[RCMGR_MULTIADDR_TEXT_MAX];
	struct list_ctx *c = data;
	int ret;

	ret = rcmgr_parse_allowlist(nlh, text, sizeof(text));
	return ret ? ret : c->fn(text, c->arg);
}

RCMGR_EXPORT int rcmgr_allowlist_list(struct rcmgr *rm, rcmgr_allowlist_fn fn,
				      void *arg)
{
	struct list_ctx c = { .fn = fn, .arg = arg };
	char buf[256];
	struct nlmsghdr *nlh;
	int ret;

	if (!rm || !fn)
		return fail(-EINVAL);
	if (rm->null)
		return 0;
	nlh = rcmgr_msg_start(buf, rm->family, RCMGR_CMD_ALLOWLIST_GET,
			      RCMGR_FAMILY_VERSION, NLM_F_DUMP, 0);
	ret = rcmgr_talk(rm, nlh, allowlist_cb, &c);
	return ret < 0 ? fail(ret) : ret;
}

/* Tables. */

static int64_t clamp(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

static int rule_attr_cb(const struct nlattr *a, void *data)
{
	struct rcmgr_netrule *r = data;
	uint16_t type = mnl_attr_get_type(a);
	size_t len;

	switch (type) {
	case RCMGR_A_NETRULE_FAMILY:
		if (mnl_attr_validate(a, MNL_TYPE_U16) < 0)
			return MNL_CB_ERROR;
		r->family = mnl_attr_get_u16(a);
		break;
	case RCMGR_A_NETRULE_PREFIX_LEN:
		if (mnl_attr_validate(a, MNL_TYPE_U8) < 0)
			return MNL_CB_ERROR;
		r->prefix_len = mnl_attr_get_u8(a);
		break;
	case RCMGR_A_NETRULE_NETWORK:
		len = mnl_attr_get_payload_len(a);
		if (len != 4 && len != 16)
			return MNL_CB_ERROR;
		memcpy(r->addr, mnl_attr_get_payload(a), len);
		r->network = true;
		break;
	case RCMGR_A_NETRULE_CONNS:
	case RCMGR_A_NETRULE_RATE:
	case RCMGR_A_NETRULE_BURST:
	case RCMGR_A_NETRULE_COUNT:
		if (mnl_attr_validate(a, MNL_TYPE_U64) < 0)
			return MNL_CB_ERROR;
		if (type == RCMGR_A_NETRULE_CONNS)
			r->conns = clamp(mnl_attr_get_u64(a));
		else if (type == RCMGR_A_NETRULE_RATE)
			r->rate = clamp(mnl_attr_get_u64(a));
		else if (type == RCMGR_A_NETRULE_BURST)
			r->burst = clamp(mnl_attr_get_u64(a));
		else
			r->count = mnl_attr_get_u64(a);
		break;
	}
	return MNL_CB_OK;
}

/* A netrule nest (a table's rule, or a refusal's subnet). */
int rcmgr_parse_netrule(const struct nlattr *nest, struct rcmgr_netrule *r)
{
	memset(r, 0, sizeof(*r));
	if (mnl_attr_validate(nest, MNL_TYPE_NESTED) < 0 ||
	    mnl_attr_parse_nested(nest, rule_attr_cb, r) < 0)
		return -EBADMSG;
	return 0;
}

struct table_ctx {
	rcmgr_netrule_fn fn;
	void *arg;
	int ret;
};

static int table_attr_cb(const struct nlattr *a, void *data)
{
	struct table_ctx *c = data;
	struct rcmgr_netrule r;

	if (mnl_attr_get_type(a) != RCMGR_A_NETLIMIT_RULE)
		return MNL_CB_OK;
	c->ret = rcmgr_parse_netrule(a, &r);
	if (!c->ret)
		c->ret = c->fn(&r, c->arg);
	return c->ret ? MNL_CB_STOP : MNL_CB_OK;
}

static int table_cb(const struct nlmsghdr *nlh, void *data)
{
	struct table_ctx *c = data;

	if (mnl_attr_parse(nlh, sizeof(struct genlmsghdr), table_attr_cb,
			   c) < 0)
		return -EBADMSG;
	return c->ret;
}

RCMGR_EXPORT int rcmgr_netlimit_get(struct rcmgr *rm,
				    enum rcmgr_netlimit table,
				    rcmgr_netrule_fn fn, void *arg)
{
	struct table_ctx c = { .fn = fn, .arg = arg };
	char buf[256];
	struct nlmsghdr *nlh;
	int ret;

	if (!rm || !fn || table < RCMGR_NETLIMIT_CONN ||
	    table > RCMGR_NETLIMIT_VERIFY)
		return fail(-EINVAL);
	if (rm->null)
		return 0;
	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_NETLIMIT_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_NETLIMIT_TABLE, table);
	ret = rcmgr_talk(rm, nlh, table_cb, &c);
	return ret < 0 ? fail(ret) : ret;
}

/* A rule as the kernel takes it: what its table counts, nothing more. */
void rcmgr_msg_put_netrule(struct nlmsghdr *nlh, uint16_t type,
			   enum rcmgr_netlimit table,
			   const struct rcmgr_netrule *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u16(nlh, RCMGR_A_NETRULE_FAMILY, r->family);
	mnl_attr_put_u8(nlh, RCMGR_A_NETRULE_PREFIX_LEN, r->prefix_len);
	if (r->network)
		mnl_attr_put(nlh, RCMGR_A_NETRULE_NETWORK,
			     r->family == AF_INET ? 4 : 16, r->addr);
	if (table == RCMGR_NETLIMIT_CONN) {
		mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_CONNS, r->conns);
	} else {
		mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_RATE, r->rate);
		mnl_attr_put_u64(nlh, RCMGR_A_NETRULE_BURST, r->burst);
	}
	mnl_attr_nest_end(nlh, nest);
}

RCMGR_EXPORT int rcmgr_netlimit_set(struct rcmgr *rm,
				    enum rcmgr_netlimit table,
				    const struct rcmgr_netrule *rules, size_t n)
{
	char buf[REQ_SIZE];
	struct nlmsghdr *nlh;
	size_t i;

	if (!rm || (n && !rules) ||
	    (table != RCMGR_NETLIMIT_CONN && table != RCMGR_NETLIMIT_RATE))
		return fail(-EINVAL);
	if (n > RULES_MAX)
		return fail(-E2BIG);
	for (i = 0; i < n; i++)
		if (rules[i].conns < 0 || rules[i].rate < 0 ||
		    rules[i].burst < 0)
			return fail(-EINVAL);
	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_NETLIMIT_SET);
	mnl_attr_put_u32(nlh, RCMGR_A_NETLIMIT_TABLE, table);
	for (i = 0; i < n; i++)
		rcmgr_msg_put_netrule(nlh, RCMGR_A_NETLIMIT_RULE, table,
				      &rules[i]);
	return fail(rcmgr_talk(rm, nlh, NULL, NULL));
}

RCMGR_EXPORT int rcmgr_netlimit_reset(struct rcmgr *rm,
				      enum rcmgr_netlimit table)
{
	char buf[256];
	struct nlmsghdr *nlh;

	if (!rm || (table && table != RCMGR_NETLIMIT_CONN &&
		    table != RCMGR_NETLIMIT_RATE))
		return fail(-EINVAL);
	nlh = rcmgr_msg_request(buf, rm->family, RCMGR_CMD_NETLIMIT_RESET);
	if (table)
		mnl_attr_put_u32(nlh, RCMGR_A_NETLIMIT_TABLE, table);
	return fail(rcmgr_talk(rm, nlh, NULL, NULL));
}
