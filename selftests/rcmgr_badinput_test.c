// SPDX-License-Identifier: GPL-2.0
/*
 * Bad input, request by request: every attribute missing, oversized, of the
 * wrong type or out of range, unknown handles, empty and oversized names,
 * negative sizes.  Each gets its documented errno with an extack message
 * (or the missing attribute named), and the system scope holds exactly
 * what it held before.
 */
#include <sched.h>

#include "kselftest_harness.h"
#include "rcmgr_test.h"

#define PEER "12D3KooWBadInput"

FIXTURE(bad) {
	struct raw_nl raw;
	uint64_t conn, stream, span;
	char before[4096];
	int before_len;
};

static uint64_t open_handle(struct __test_metadata *_metadata,
			    struct raw_nl *raw, int cmd, uint64_t parent)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	nlh = raw_start(raw, buf, raw->family, cmd);
	if (cmd == RCMGR_CMD_CONN_OPEN) {
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
		mnl_attr_put(nlh, RCMGR_A_SCOPE_USEFD, 0, NULL);
	} else if (cmd == RCMGR_CMD_STREAM_OPEN) {
		mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, strlen(PEER), PEER);
		mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_OUTBOUND);
	} else {
		mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, parent);
	}
	if (raw_talk(raw, nlh, &ans) || ans.error)
		return 0;
	return raw_reply_u64(&ans, RCMGR_A_SCOPE_ID);
}

/* The system scope's usage nest, as bytes: it must not move. */
static int system_usage(struct raw_nl *raw, char *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;
	struct nlattr *a;

	nlh = raw_start(raw, buf, raw->family, RCMGR_CMD_SCOPE_GET);
	mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
	if (raw_talk(raw, nlh, &ans) || ans.error)
		return -1;
	mnl_attr_for_each(a, (struct nlmsghdr *)ans.reply, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(a) == RCMGR_A_SCOPE_USAGE) {
			memcpy(out, a, mnl_attr_get_len(a));
			return mnl_attr_get_len(a);
		}
	return -1;
}

FIXTURE_SETUP(bad)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, raw_open(&self->raw));
	self->conn = open_handle(_metadata, &self->raw, RCMGR_CMD_CONN_OPEN, 0);
	self->stream = open_handle(_metadata, &self->raw, RCMGR_CMD_STREAM_OPEN, 0);
	self->span = open_handle(_metadata, &self->raw, RCMGR_CMD_SPAN_BEGIN,
				 self->stream);
	ASSERT_NE(0, self->conn);
	ASSERT_NE(0, self->stream);
	ASSERT_NE(0, self->span);
	nlh = raw_start(&self->raw, buf, self->raw.family, RCMGR_CMD_SCOPE_RESERVE);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->span);
	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 100);
	mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 255);
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	ASSERT_EQ(0, ans.error);
	self->before_len = system_usage(&self->raw, self->before);
	ASSERT_GT(self->before_len, 0);
}

FIXTURE_TEARDOWN(bad)
{
	raw_close(&self->raw);
}

/* One malformed request and the exact answer it must get. */
struct bad_case {
	const char *what;
	int cmd;
	void (*build)(struct nlmsghdr *nlh, const FIXTURE_DATA(bad) *self);
	int error;
	int miss;		/* the missing attribute named, or 0 */
};

#define ID(self)	mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, (self)->conn)
static char big[600] = { [0 ... 598] = 'x' };

#define CASE(_what, _cmd, _error, _miss, body)				\
	static void build_##_what(struct nlmsghdr *nlh,			\
				  const FIXTURE_DATA(bad) *self)	\
	{ (void)self; body; }						\
	static const struct bad_case case_##_what = {			\
		#_what, _cmd, build_##_what, _error, _miss,		\
	}

/* scope-get and the other ops that address any scope. */
CASE(get_no_target, RCMGR_CMD_SCOPE_GET, -EINVAL, RCMGR_A_SCOPE_ID, ;);
CASE(get_id_and_kind, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     ID(self); mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, 1));
CASE(get_kind_by_id_only, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_CONN));
CASE(get_pair_by_kind, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PROTOCOL_PEER));
CASE(get_peer_without_name, RCMGR_CMD_SCOPE_GET, -EINVAL, RCMGR_A_SCOPE_PEER,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PEER));
CASE(get_service_without_name, RCMGR_CMD_SCOPE_GET, -EINVAL, RCMGR_A_SCOPE_SERVICE,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SERVICE));
CASE(get_protocol_without_name, RCMGR_CMD_SCOPE_GET, -EINVAL, RCMGR_A_SCOPE_PROTOCOL,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PROTOCOL));
CASE(get_system_with_name, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SYSTEM);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 1, "p"));
CASE(get_peer_with_protocol, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PEER);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 1, "p");
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PROTOCOL, 1, "x"));
CASE(get_id_with_name, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     ID(self); mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 1, "p"));
CASE(get_peer_empty, RCMGR_CMD_SCOPE_GET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PEER);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 0, NULL));
CASE(get_peer_oversized, RCMGR_CMD_SCOPE_GET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PEER);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 129, big));
CASE(get_protocol_oversized, RCMGR_CMD_SCOPE_GET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_PROTOCOL);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PROTOCOL, 257, big));
CASE(get_service_oversized, RCMGR_CMD_SCOPE_GET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_SERVICE);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_SERVICE, 129, big));
CASE(get_id_wrong_type, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_ID, 3));
CASE(get_unknown_id, RCMGR_CMD_SCOPE_GET, -ENOENT, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 1ull << 40));
CASE(get_shared_scope_id, RCMGR_CMD_SCOPE_GET, -ENOENT, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 1));
CASE(get_unknown_attr, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, 1);
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_MAX + 1, 0));
CASE(get_attr_of_other_op, RCMGR_CMD_SCOPE_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, 1);
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 1));

/* conn-open. */
CASE(conn_no_dir, RCMGR_CMD_CONN_OPEN, -EINVAL, RCMGR_A_SCOPE_DIR, ;);
CASE(conn_dir_zero, RCMGR_CMD_CONN_OPEN, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 0));
CASE(conn_dir_three, RCMGR_CMD_CONN_OPEN, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 3));
CASE(conn_dir_wrong_type, RCMGR_CMD_CONN_OPEN, -EINVAL, 0,
     mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_DIR, 1));
CASE(conn_usefd_payload, RCMGR_CMD_CONN_OPEN, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 1);
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_USEFD, 1));
CASE(conn_endpoint_oversized, RCMGR_CMD_CONN_OPEN, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 1);
     mnl_attr_put_strz(nlh, RCMGR_A_SCOPE_ENDPOINT, big + 300));
CASE(conn_endpoint_no_nul, RCMGR_CMD_CONN_OPEN, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 1);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_ENDPOINT, 4, "/ip4"));

/* conn-set-peer. */
CASE(set_peer_no_id, RCMGR_CMD_CONN_SET_PEER, -EINVAL, RCMGR_A_SCOPE_ID,
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 1, "p"));
CASE(set_peer_no_peer, RCMGR_CMD_CONN_SET_PEER, -EINVAL, RCMGR_A_SCOPE_PEER,
     ID(self));
CASE(set_peer_empty, RCMGR_CMD_CONN_SET_PEER, -ERANGE, 0,
     ID(self); mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 0, NULL));
CASE(set_peer_on_stream, RCMGR_CMD_CONN_SET_PEER, -EINVAL, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->stream);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 1, "p"));
CASE(set_peer_unknown, RCMGR_CMD_CONN_SET_PEER, -ENOENT, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 1ull << 40);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 1, "p"));

/* stream-open and its moves. */
CASE(stream_no_peer, RCMGR_CMD_STREAM_OPEN, -EINVAL, RCMGR_A_SCOPE_PEER,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 1));
CASE(stream_no_dir, RCMGR_CMD_STREAM_OPEN, -EINVAL, RCMGR_A_SCOPE_DIR,
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 1, "p"));
CASE(stream_peer_oversized, RCMGR_CMD_STREAM_OPEN, -ERANGE, 0,
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PEER, 200, big);
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR, 1));
CASE(protocol_missing, RCMGR_CMD_STREAM_SET_PROTOCOL, -EINVAL,
     RCMGR_A_SCOPE_PROTOCOL,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->stream));
CASE(protocol_empty, RCMGR_CMD_STREAM_SET_PROTOCOL, -ERANGE, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->stream);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PROTOCOL, 0, NULL));
CASE(protocol_on_conn, RCMGR_CMD_STREAM_SET_PROTOCOL, -EINVAL, 0,
     ID(self); mnl_attr_put(nlh, RCMGR_A_SCOPE_PROTOCOL, 1, "x"));
CASE(protocol_on_span, RCMGR_CMD_STREAM_SET_PROTOCOL, -EINVAL, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->span);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_PROTOCOL, 1, "x"));
CASE(service_missing, RCMGR_CMD_STREAM_SET_SERVICE, -EINVAL,
     RCMGR_A_SCOPE_SERVICE,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->stream));
CASE(service_before_protocol, RCMGR_CMD_STREAM_SET_SERVICE, -EINVAL, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->stream);
     mnl_attr_put(nlh, RCMGR_A_SCOPE_SERVICE, 1, "s"));
CASE(span_no_target, RCMGR_CMD_SPAN_BEGIN, -EINVAL, RCMGR_A_SCOPE_ID, ;);

/* Memory. */
CASE(reserve_no_size, RCMGR_CMD_SCOPE_RESERVE, -EINVAL, RCMGR_A_SCOPE_SIZE,
     ID(self); mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 1));
CASE(reserve_no_prio, RCMGR_CMD_SCOPE_RESERVE, -EINVAL, RCMGR_A_SCOPE_PRIO,
     ID(self); mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 1));
CASE(reserve_negative, RCMGR_CMD_SCOPE_RESERVE, -ERANGE, 0,
     ID(self); mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, -1ull);
     mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 1));
CASE(reserve_size_wrong_type, RCMGR_CMD_SCOPE_RESERVE, -EINVAL, 0,
     ID(self); mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_SIZE, 1);
     mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 1));
CASE(reserve_prio_wrong_type, RCMGR_CMD_SCOPE_RESERVE, -EINVAL, 0,
     ID(self); mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 1);
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_PRIO, 1));
CASE(reserve_unknown_id, RCMGR_CMD_SCOPE_RESERVE, -ENOENT, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 1ull << 40);
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 1);
     mnl_attr_put_u8(nlh, RCMGR_A_SCOPE_PRIO, 1));
CASE(release_no_size, RCMGR_CMD_SCOPE_RELEASE, -EINVAL, RCMGR_A_SCOPE_SIZE,
     ID(self));
CASE(release_negative, RCMGR_CMD_SCOPE_RELEASE, -ERANGE, 0,
     ID(self); mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, -5ull));
CASE(release_more_than_held, RCMGR_CMD_SCOPE_RELEASE, -EINVAL, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, self->span);
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 101));
CASE(release_from_system_unheld, RCMGR_CMD_SCOPE_RELEASE, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, RCMGR_SCOPE_KIND_TRANSIENT);
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_SIZE, 101));
CASE(done_no_id, RCMGR_CMD_SCOPE_DONE, -EINVAL, RCMGR_A_SCOPE_ID, ;);
CASE(done_unknown, RCMGR_CMD_SCOPE_DONE, -ENOENT, 0,
     mnl_attr_put_u64(nlh, RCMGR_A_SCOPE_ID, 1ull << 40));
CASE(done_by_kind, RCMGR_CMD_SCOPE_DONE, -EINVAL, 0,
     ID(self); mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_KIND, 1));

/* Limits and bounds. */
CASE(limit_get_no_class, RCMGR_CMD_LIMIT_GET, -EINVAL, RCMGR_A_LIMIT_CLASS, ;);
CASE(limit_get_class_zero, RCMGR_CMD_LIMIT_GET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, 0));
CASE(limit_get_class_twelve, RCMGR_CMD_LIMIT_GET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, 12));
CASE(limit_get_name_of_system, RCMGR_CMD_LIMIT_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_SYSTEM);
     mnl_attr_put(nlh, RCMGR_A_LIMIT_NAME, 1, "n"));
CASE(limit_get_name_oversized, RCMGR_CMD_LIMIT_GET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
     mnl_attr_put(nlh, RCMGR_A_LIMIT_NAME, 257, big));
CASE(limit_set_no_values, RCMGR_CMD_LIMIT_SET, -EINVAL, RCMGR_A_LIMIT_VALUES,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER));
CASE(limit_set_no_class, RCMGR_CMD_LIMIT_SET, -EINVAL, RCMGR_A_LIMIT_CLASS,
     struct nlattr *n = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
     mnl_attr_nest_end(nlh, n));
CASE(limit_set_value_too_big, RCMGR_CMD_LIMIT_SET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
     struct nlattr *n = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
     mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_MEMORY, 1ull << 63);
     mnl_attr_nest_end(nlh, n));
CASE(limit_set_value_wrong_type, RCMGR_CMD_LIMIT_SET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
     struct nlattr *n = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
     mnl_attr_put_u32(nlh, RCMGR_A_RESOURCES_FD, 1);
     mnl_attr_nest_end(nlh, n));
CASE(limit_set_pad_in_values, RCMGR_CMD_LIMIT_SET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
     struct nlattr *n = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
     mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_PAD, 1);
     mnl_attr_nest_end(nlh, n));
CASE(limit_set_name_of_conn, RCMGR_CMD_LIMIT_SET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_CONN);
     mnl_attr_put(nlh, RCMGR_A_LIMIT_NAME, 1, "n");
     struct nlattr *n = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
     mnl_attr_nest_end(nlh, n));
CASE(limit_reset_with_attr, RCMGR_CMD_LIMIT_RESET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, 1));
CASE(config_zero_bound, RCMGR_CMD_CONFIG_SET, -ERANGE, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_HANDLES, 0));
CASE(config_get_with_attr, RCMGR_CMD_CONFIG_GET, -EINVAL, 0,
     mnl_attr_put_u32(nlh, RCMGR_A_CONFIG_MAX_HANDLES, 1));

FIXTURE_VARIANT(bad) {
	const struct bad_case *c;
};

#define VARIANT(_what) FIXTURE_VARIANT_ADD(bad, _what) { .c = &case_##_what }

VARIANT(get_no_target);
VARIANT(get_id_and_kind);
VARIANT(get_kind_by_id_only);
VARIANT(get_pair_by_kind);
VARIANT(get_peer_without_name);
VARIANT(get_service_without_name);
VARIANT(get_protocol_without_name);
VARIANT(get_system_with_name);
VARIANT(get_peer_with_protocol);
VARIANT(get_id_with_name);
VARIANT(get_peer_empty);
VARIANT(get_peer_oversized);
VARIANT(get_protocol_oversized);
VARIANT(get_service_oversized);
VARIANT(get_id_wrong_type);
VARIANT(get_unknown_id);
VARIANT(get_shared_scope_id);
VARIANT(get_unknown_attr);
VARIANT(get_attr_of_other_op);
VARIANT(conn_no_dir);
VARIANT(conn_dir_zero);
VARIANT(conn_dir_three);
VARIANT(conn_dir_wrong_type);
VARIANT(conn_usefd_payload);
VARIANT(conn_endpoint_oversized);
VARIANT(conn_endpoint_no_nul);
VARIANT(set_peer_no_id);
VARIANT(set_peer_no_peer);
VARIANT(set_peer_empty);
VARIANT(set_peer_on_stream);
VARIANT(set_peer_unknown);
VARIANT(stream_no_peer);
VARIANT(stream_no_dir);
VARIANT(stream_peer_oversized);
VARIANT(protocol_missing);
VARIANT(protocol_empty);
VARIANT(protocol_on_conn);
VARIANT(protocol_on_span);
VARIANT(service_missing);
VARIANT(service_before_protocol);
VARIANT(span_no_target);
VARIANT(reserve_no_size);
VARIANT(reserve_no_prio);
VARIANT(reserve_negative);
VARIANT(reserve_size_wrong_type);
VARIANT(reserve_prio_wrong_type);
VARIANT(reserve_unknown_id);
VARIANT(release_no_size);
VARIANT(release_negative);
VARIANT(release_more_than_held);
VARIANT(release_from_system_unheld);
VARIANT(done_no_id);
VARIANT(done_unknown);
VARIANT(done_by_kind);
VARIANT(limit_get_no_class);
VARIANT(limit_get_class_zero);
VARIANT(limit_get_class_twelve);
VARIANT(limit_get_name_of_system);
VARIANT(limit_get_name_oversized);
VARIANT(limit_set_no_values);
VARIANT(limit_set_no_class);
VARIANT(limit_set_value_too_big);
VARIANT(limit_set_value_wrong_type);
VARIANT(limit_set_pad_in_values);
VARIANT(limit_set_name_of_conn);
VARIANT(limit_reset_with_attr);
VARIANT(config_zero_bound);
VARIANT(config_get_with_attr);

TEST_F(bad, refused_precisely)
{
	const struct bad_case *c = variant->c;
	char buf[MNL_SOCKET_BUFFER_SIZE], after[4096];
	struct nlmsghdr *nlh;
	struct raw_ans ans;

	nlh = raw_start(&self->raw, buf, self->raw.family, c->cmd);
	c->build(nlh, self);
	ASSERT_EQ(0, raw_talk(&self->raw, nlh, &ans));
	EXPECT_EQ(c->error, ans.error) TH_LOG("%s: \"%s\"", c->what, ans.msg);
	if (c->miss) {
		EXPECT_EQ(c->miss, ans.miss_type) TH_LOG("%s", c->what);
	} else {
		EXPECT_NE(0, ans.msg[0]) TH_LOG("%s: no extack message", c->what);
	}
	/* Nothing was charged or released. */
	ASSERT_EQ(self->before_len, system_usage(&self->raw, after));
	EXPECT_EQ(0, memcmp(self->before, after, self->before_len)) TH_LOG("%s", c->what);
}

TEST_HARNESS_MAIN
