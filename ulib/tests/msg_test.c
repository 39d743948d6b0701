// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * librcmgr message building and parsing, with no kernel: requests are
 * checked byte by byte, replies are forged the way the kernel builds them.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

#include "kselftest_harness.h"
#include "internal.h"

#define FAMILY 0x1234

static struct nlmsghdr *reply_start(void *buf)
{
	return rcmgr_msg_start(buf, FAMILY, RCMGR_CMD_SCOPE_GET,
			       RCMGR_FAMILY_VERSION, 0, 7);
}

static void put_res(struct nlmsghdr *nlh, int type, uint64_t base)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	for (int a = RCMGR_A_RESOURCES_MEMORY; a <= RCMGR_A_RESOURCES_FD; a++)
		mnl_attr_put_u64(nlh, a, base + a);
	mnl_attr_put_u32(nlh, 200, 1);	/* from a newer kernel: skipped */
	mnl_attr_nest_end(nlh, nest);
}

TEST(scope_get_request)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct nlattr *a;
	int n = 0;

	struct rcmgr_target t = { .kind = RCMGR_SCOPE_KIND_TRANSIENT };

	nlh = rcmgr_msg_request(buf, FAMILY, RCMGR_CMD_SCOPE_GET);
	rcmgr_msg_put_target(nlh, &t);
	EXPECT_EQ(FAMILY, nlh->nlmsg_type);
	EXPECT_EQ(NLM_F_REQUEST | NLM_F_ACK, nlh->nlmsg_flags);
	g = mnl_nlmsg_get_payload(nlh);
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, g->cmd);
	EXPECT_EQ(RCMGR_FAMILY_VERSION, g->version);
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		EXPECT_EQ(RCMGR_A_SCOPE_KIND, mnl_attr_get_type(a));
		EXPECT_EQ(RCMGR_SCOPE_KIND_TRANSIENT, mnl_attr_get_u32(a));
		n++;
	}
	EXPECT_EQ(1, n);
	EXPECT_EQ(mnl_nlmsg_size(sizeof(*g) + MNL_ALIGN(sizeof(*a) + 4)),
		  nlh->nlmsg_len);
}

TEST(scope_reply_parsed_unknown_skipped)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_scope_msg m;
	struct nlmsghdr *nlh;
	struct rcmgr_limit l;
	struct rcmgr_stat st;

	nlh = reply_start(buf);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	mnl_attr_put_strz(nlh, 300, "future");
	put_res(nlh, RCMGR_A_SCOPE_USAGE, 100);
	put_res(nlh, RCMGR_A_SCOPE_LIMIT, 1000);

	ASSERT_EQ(0, rcmgr_parse_scope(nlh, &m));
	EXPECT_EQ(RCMGR_SCOPE_KIND_SYSTEM, m.kind);
	rcmgr_res_to_stat(&m.usage, &st);
	EXPECT_EQ(100 + RCMGR_A_RESOURCES_MEMORY, st.memory);
	EXPECT_EQ(100 + RCMGR_A_RESOURCES_STREAMS_INBOUND, st.num_streams_inbound);
	EXPECT_EQ(100 + RCMGR_A_RESOURCES_STREAMS_OUTBOUND, st.num_streams_outbound);
	EXPECT_EQ(100 + RCMGR_A_RESOURCES_CONNS_INBOUND, st.num_conns_inbound);
	EXPECT_EQ(100 + RCMGR_A_RESOURCES_CONNS_OUTBOUND, st.num_conns_outbound);
	EXPECT_EQ(100 + RCMGR_A_RESOURCES_FD, st.num_fd);
	rcmgr_res_to_limit(&m.limit, &l);
	EXPECT_EQ(1000 + RCMGR_A_RESOURCES_STREAMS, l.streams);
	EXPECT_EQ(1000 + RCMGR_A_RESOURCES_CONNS, l.conns);
	EXPECT_EQ(1000 + RCMGR_A_RESOURCES_FD, l.fd);
	EXPECT_EQ(1000 + RCMGR_A_RESOURCES_MEMORY, l.memory);
}

TEST(scope_reply_unlimited_clamped)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_scope_msg m;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct rcmgr_limit l;

	nlh = reply_start(buf);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_LIMIT);
	mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_MEMORY, INT64_MAX);
	mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_FD, UINT64_MAX);
	mnl_attr_nest_end(nlh, nest);
	ASSERT_EQ(0, rcmgr_parse_scope(nlh, &m));
	rcmgr_res_to_limit(&m.limit, &l);
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, l.memory);
	EXPECT_EQ(RCMGR_LIMIT_UNLIMITED, l.fd);
}

TEST(scope_reply_bad_width_rejected)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_scope_msg m;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = reply_start(buf);
	mnl_attr_put_u16(nlh, RCMGR_A_SCOPE_KIND, 1);
	EXPECT_EQ(-EINVAL, rcmgr_parse_scope(nlh, &m));

	nlh = reply_start(buf);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, 1);
	nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_USAGE);
	mnl_attr_put_u32(nlh, RCMGR_A_RESOURCES_MEMORY, 5);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, rcmgr_parse_scope(nlh, &m));
}

TEST(target_by_id_and_by_name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_target t = { .id = 77 };
	struct nlmsghdr *nlh;
	struct nlattr *a;
	int n = 0;

	nlh = rcmgr_msg_request(buf, FAMILY, RCMGR_CMD_SCOPE_RESERVE);
	rcmgr_msg_put_target(nlh, &t);
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		EXPECT_EQ(RCMGR_A_SCOPE_ID, mnl_attr_get_type(a));
		EXPECT_EQ(77, mnl_attr_get_u64(a));
		n++;
	}
	EXPECT_EQ(1, n);

	/* A name goes as its bytes, without the NUL. */
	t.id = 0;
	t.kind = RCMGR_SCOPE_KIND_PEER;
	t.name = "12D3KooW";
	nlh = rcmgr_msg_request(buf, FAMILY, RCMGR_CMD_SCOPE_RESERVE);
	rcmgr_msg_put_target(nlh, &t);
	n = 0;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_KIND) {
			EXPECT_EQ(RCMGR_SCOPE_KIND_PEER, mnl_attr_get_u32(a));
		} else {
			EXPECT_EQ(RCMGR_A_SCOPE_PEER, mnl_attr_get_type(a));
			EXPECT_EQ(8, mnl_attr_get_payload_len(a));
		}
		n++;
	}
	EXPECT_EQ(2, n);
}

TEST(refusal_parsed)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_error e;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = rcmgr_msg_start(buf, FAMILY, RCMGR_CMD_STREAM_OPEN, 1, 0, 1);
	EXPECT_EQ(0, rcmgr_parse_refusal(nlh, &e));

	nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_REFUSAL);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_ID, 9);
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_KIND, RCMGR_SCOPE_KIND_PEER);
	mnl_attr_put(nlh, RCMGR_A_REFUSAL_PEER, 3, "abc");
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_RESOURCE,
			 RCMGR_RESOURCE_TYPE_STREAMS_INBOUND);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_USAGE, 16);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_ATTEMPTED, 1);
	mnl_attr_put_u64(nlh, RCMGR_A_REFUSAL_LIMIT, 16);
	mnl_attr_put_u8(nlh, RCMGR_A_REFUSAL_PRIORITY, 255);
	mnl_attr_put_strz(nlh, RCMGR_A_REFUSAL_MESSAGE, "peer abc: inbound streams 16/16");
	mnl_attr_put_u32(nlh, 99, 0);	/* newer kernel: skipped */
	mnl_attr_nest_end(nlh, nest);
	ASSERT_EQ(1, rcmgr_parse_refusal(nlh, &e));
	EXPECT_EQ(9, e.scope_id);
	EXPECT_EQ(RCMGR_KIND_PEER, e.kind);
	EXPECT_STREQ("abc", e.peer);
	EXPECT_EQ(RCMGR_RESOURCE_STREAMS_INBOUND, e.resource);
	EXPECT_EQ(RCMGR_DIR_INBOUND, e.direction);
	EXPECT_EQ(16, e.usage);
	EXPECT_EQ(1, e.attempted);
	EXPECT_EQ(16, e.limit);
	EXPECT_EQ(255, e.priority);
	EXPECT_STREQ("peer abc: inbound streams 16/16", e.message);
}

TEST(refusal_bad_width_rejected)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_error e;
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	nlh = rcmgr_msg_start(buf, FAMILY, RCMGR_CMD_STREAM_OPEN, 1, 0, 1);
	nest = mnl_attr_nest_start(nlh, RCMGR_A_SCOPE_REFUSAL);
	mnl_attr_put_u32(nlh, RCMGR_A_REFUSAL_LIMIT, 16);
	mnl_attr_nest_end(nlh, nest);
	EXPECT_EQ(-EINVAL, rcmgr_parse_refusal(nlh, &e));
}

static struct nlmsghdr *error_msg(void *buf, int error, const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *err;

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (text ? NLM_F_ACK_TLVS : 0);
	err = mnl_nlmsg_put_extra_header(nlh, sizeof(*err));
	err->error = error;
	err->msg.nlmsg_len = 64;	/* the capped request's header */
	if (text)
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	return nlh;
}

TEST(error_with_extack)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_error e;

	EXPECT_EQ(-EDQUOT, rcmgr_parse_error(error_msg(buf, -EDQUOT,
				"peer x: inbound streams 16/16"), &e));
	EXPECT_EQ(EDQUOT, e.error);
	EXPECT_STREQ("peer x: inbound streams 16/16", e.message);
}

TEST(error_plain_and_ack)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_error e;

	EXPECT_EQ(-ENOENT, rcmgr_parse_error(error_msg(buf, -ENOENT, NULL), &e));
	EXPECT_STREQ("", e.message);
	EXPECT_EQ(0, rcmgr_parse_error(error_msg(buf, 0, NULL), &e));
	EXPECT_EQ(0, e.error);
}

TEST(error_truncated)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rcmgr_error e;

	nlh->nlmsg_type = NLMSG_ERROR;
	EXPECT_EQ(-EBADMSG, rcmgr_parse_error(nlh, &e));
}

TEST(getfamily_roundtrip)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct nlattr *a;
	uint16_t id;

	nlh = rcmgr_msg_getfamily(buf, 3, "rcmgr");
	EXPECT_EQ(GENL_ID_CTRL, nlh->nlmsg_type);
	a = mnl_nlmsg_get_payload_offset(nlh, sizeof(struct genlmsghdr));
	EXPECT_EQ(CTRL_ATTR_FAMILY_NAME, mnl_attr_get_type(a));
	EXPECT_STREQ("rcmgr", mnl_attr_get_str(a));

	nlh = rcmgr_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 3);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "rcmgr");
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x2a);
	EXPECT_EQ(0, rcmgr_parse_family(nlh, &id));
	EXPECT_EQ(0x2a, id);

	nlh = rcmgr_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 3);
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "rcmgr");
	EXPECT_EQ(-ENOENT, rcmgr_parse_family(nlh, &id));
}

TEST(mcast_group_found)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlattr *groups, *g;
	struct nlmsghdr *nlh;
	uint32_t id = 0;

	nlh = rcmgr_msg_start(buf, GENL_ID_CTRL, CTRL_CMD_NEWFAMILY, 2, 0, 3);
	mnl_attr_put_u16(nlh, CTRL_ATTR_FAMILY_ID, 0x2a);
	groups = mnl_attr_nest_start(nlh, CTRL_ATTR_MCAST_GROUPS);
	g = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, "other");
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 5);
	mnl_attr_nest_end(nlh, g);
	g = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_u32(nlh, CTRL_ATTR_MCAST_GRP_ID, 9);
	mnl_attr_put_strz(nlh, CTRL_ATTR_MCAST_GRP_NAME, RCMGR_MCGRP_EVENTS);
	mnl_attr_nest_end(nlh, g);
	mnl_attr_nest_end(nlh, groups);
	EXPECT_EQ(0, rcmgr_parse_mcast_group(nlh, RCMGR_MCGRP_EVENTS, &id));
	EXPECT_EQ(9, id);
	EXPECT_EQ(-ENOENT, rcmgr_parse_mcast_group(nlh, "none", &id));
}

TEST(event_parsed)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_event ev;
	struct nlmsghdr *nlh;

	nlh = rcmgr_msg_start(buf, FAMILY, RCMGR_CMD_SCOPE_CLOSED_NTF, 1, 0, 0);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 42);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_CONN);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_OWNER, 77);
	ASSERT_EQ(0, rcmgr_parse_event(nlh, &ev));
	EXPECT_EQ(42, ev.id);
	EXPECT_EQ(RCMGR_KIND_CONN, ev.kind);
	EXPECT_EQ(77, ev.owner);
	/* Another command is not an event. */
	nlh = rcmgr_msg_start(buf, FAMILY, RCMGR_CMD_SCOPE_GET, 1, 0, 0);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 42);
	EXPECT_EQ(-ENOMSG, rcmgr_parse_event(nlh, &ev));
}

TEST_HARNESS_MAIN
