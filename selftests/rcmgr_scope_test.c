// SPDX-License-Identifier: GPL-2.0
/*
 * The shared scopes over librcmgr and over raw netlink: what a fresh
 * namespace holds, the module's default limits, and the exact answer to
 * every malformed scope-get request.
 */
#include <sched.h>
#include <rcmgr/rcmgr.h>

#include "kselftest_harness.h"
#include "rcmgr_test.h"

FIXTURE(scope) {
	struct rcmgr *rm;
	struct raw_nl raw;
};

FIXTURE_SETUP(scope)
{
	/* A namespace of our own: nothing else charges its scopes. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, rcmgr_open(&self->rm)) TH_LOG("is rcmgr.ko loaded?");
	ASSERT_EQ(0, raw_open(&self->raw));
}

FIXTURE_TEARDOWN(scope)
{
	rcmgr_close(self->rm);
	raw_close(&self->raw);
}

struct seen {
	struct rcmgr_stat st;
	struct rcmgr_limit l;
	const char *name;
	int kind;
};

static int look(struct rcmgr_scope *s, void *arg)
{
	struct seen *v = arg;
	int ret;

	v->name = rcmgr_scope_name(s);
	v->kind = rcmgr_scope_kind(s);
	ret = rcmgr_scope_stat(s, &v->st);
	if (ret)
		return ret;
	return rcmgr_scope_limit(s, &v->l);
}

static void expect_empty(struct __test_metadata *_metadata,
			 const struct rcmgr_stat *st)
{
	EXPECT_EQ(0, st->memory);
	EXPECT_EQ(0, st->num_streams_inbound);
	EXPECT_EQ(0, st->num_streams_outbound);
	EXPECT_EQ(0, st->num_conns_inbound);
	EXPECT_EQ(0, st->num_conns_outbound);
	EXPECT_EQ(0, st->num_fd);
}

TEST_F(scope, system_defaults)
{
	struct rcmgr_limit def;
	struct seen v = {};

	ASSERT_EQ(0, rcmgr_view_system(self->rm, look, &v));
	EXPECT_STREQ("system", v.name);
	EXPECT_EQ(RCMGR_KIND_SYSTEM, v.kind);
	expect_empty(_metadata, &v.st);
	/* The class default, autoscaled (rcmgr_autoscale_test checks it). */
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &def));
	EXPECT_EQ(0, memcmp(&def, &v.l, sizeof(def)));
}

TEST_F(scope, transient_defaults)
{
	struct rcmgr_limit def;
	struct seen v = {};

	ASSERT_EQ(0, rcmgr_view_transient(self->rm, look, &v));
	EXPECT_STREQ("transient", v.name);
	EXPECT_EQ(RCMGR_KIND_TRANSIENT, v.kind);
	expect_empty(_metadata, &v.st);
	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_TRANSIENT, NULL, &def));
	EXPECT_EQ(0, memcmp(&def, &v.l, sizeof(def)));
}

static int give(struct rcmgr_scope *s, void *arg)
{
	return *(int *)arg;
}

TEST_F(scope, view_returns_callback_value)
{
	int v = 42;

	EXPECT_EQ(42, rcmgr_view_system(self->rm, give, &v));
	v = -EIO;
	EXPECT_EQ(-EIO, rcmgr_view_transient(self->rm, give, &v));
}

/* Raw requests: each malformed one gets its own errno and extack. */

TEST_F(scope, missing_kind)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct raw_ans ans;

	ASSERT_EQ(0, raw_talk(&self->raw, raw_start(&self->raw, buf,
			self->raw.family, RCMGR_CMD_SCOPE_GET), &ans));
	/* Either an id or a kind names the scope. */
	EXPECT_EQ(-EINVAL, ans.error);
	EXPECT_EQ(RCMGR_A_SCOPE_ID, ans.miss_type);
	EXPECT_STREQ("missing scope: give an id or a kind", ans.msg);
}

TEST_F(scope, kind_out_of_range)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	static const uint32_t bad[] = {
		0, RCMGR_SCOPE_KIND_ALLOWLISTED_TRANSIENT + 1, ~0u
	};
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nlh = raw_start(&self->raw, buf, self->raw.family,
				RCMGR_CMD_SCOPE_GET);
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, bad[i]);
		ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
		EXPECT_EQ(-ERANGE, ans.error) TH_LOG("kind %u", bad[i]);
		EXPECT_NE(0, ans.msg[0]);
		/* The offset names the kind attribute, right after genlmsghdr. */
		EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN, ans.bad_offs);
	}
}

TEST_F(scope, kind_wrong_size)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	nlh = raw_start(&self->raw, buf, self->raw.family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u16(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	EXPECT_EQ(-EINVAL, ans.error);
	EXPECT_NE(0, ans.msg[0]);
	EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN, ans.bad_offs);
}

TEST_F(scope, attribute_not_in_op_policy)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	nlh = raw_start(&self->raw, buf, self->raw.family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_MAX + 1, 1);
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	EXPECT_EQ(-EINVAL, ans.error);
	EXPECT_NE(0, ans.msg[0]);
	EXPECT_EQ(NLMSG_HDRLEN + GENL_HDRLEN + 8, ans.bad_offs);
}

TEST_F(scope, reserved_header_field)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	struct raw_ans ans;

	nlh = raw_start(&self->raw, buf, self->raw.family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	g = mnl_nlmsg_get_payload(nlh);
	g->reserved = 1;
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	EXPECT_EQ(-EINVAL, ans.error);
	EXPECT_NE(0, ans.msg[0]);
}

TEST_F(scope, unknown_command)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct raw_ans ans;

	ASSERT_EQ(0, raw_talk(&self->raw, raw_start(&self->raw, buf,
			self->raw.family, RCMGR_CMD_MAX + 1), &ans));
	EXPECT_EQ(-EOPNOTSUPP, ans.error);
}

TEST_F(scope, reply_carries_request_kind)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh, *rep;
	struct genlmsghdr *g;
	struct raw_ans ans;
	struct nlattr *a;
	int kinds = 0;

	nlh = raw_start(&self->raw, buf, self->raw.family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_TRANSIENT);
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	ASSERT_EQ(0, ans.error);
	ASSERT_NE(0, ans.reply_len);
	rep = (struct nlmsghdr *)ans.reply;
	g = mnl_nlmsg_get_payload(rep);
	/* New-family rule: the reply uses the request's command id. */
	EXPECT_EQ(RCMGR_CMD_SCOPE_GET, g->cmd);
	EXPECT_EQ(self->raw.family, rep->nlmsg_type);
	mnl_attr_for_each(a, rep, sizeof(*g)) {
		if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_KIND) {
			EXPECT_EQ(RCMGR_SCOPE_KIND_TRANSIENT, mnl_attr_get_u32(a));
			kinds++;
		}
	}
	EXPECT_EQ(1, kinds);
}

TEST_HARNESS_MAIN
