// SPDX-License-Identifier: GPL-2.0
/*
 * The privilege table of Documentation/rcmgr.rst, row by row, both ways:
 * as uid 65534 in the initial namespaces, and as root of a fresh user and
 * network namespace (what "unshare -Urn" gives a user).  Root of the test
 * holds handles, reservations and a peer meanwhile; nothing the other side
 * does may change them, and nothing it held may survive its exit.
 */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "rcmgr_req.h"

#define NOBODY		65534
#define ROOT_PEER	"12D3KooWRootsPeer"

#define CHILD_CHECK(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "%s:%d: %s: %s\n", __FILE__, __LINE__,	\
			who, #c);					\
		_exit(1);						\
	}								\
} while (0)

static const char *who = "child";

FIXTURE(priv) {
	struct raw_nl r;
	int64_t conn, stream, mem, handles, scopes;
};

FIXTURE_VARIANT(priv) {
	bool userns;
};

FIXTURE_VARIANT_ADD(priv, nobody) { .userns = false };
FIXTURE_VARIANT_ADD(priv, userns_root) { .userns = true };

FIXTURE_SETUP(priv)
{
	ASSERT_EQ(0, raw_open(&self->r));
	self->conn = req_conn(&self->r, -1);
	ASSERT_LT(0, self->conn);
	self->stream = req_stream(&self->r, ROOT_PEER);
	ASSERT_LT(0, self->stream);
	ASSERT_EQ(0, req_kind_mem(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, 4096));
	self->mem = req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
			      RCMGR_A_RESOURCES_MEMORY);
	self->handles = req_config(&self->r, RCMGR_A_CONFIG_HANDLES);
	self->scopes = req_config(&self->r, RCMGR_A_CONFIG_SCOPES);
}

FIXTURE_TEARDOWN(priv)
{
	req_done(&self->r, self->conn);
	req_done(&self->r, self->stream);
	req_kind_mem(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL, -4096);
	raw_close(&self->r);
}

static void write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);

	CHILD_CHECK(fd >= 0);
	CHILD_CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
	close(fd);
}

/* Become uid 65534, then, for the variant, root of new user+net namespaces. */
static void become(bool userns)
{
	char map[32];

	who = userns ? "userns root" : "nobody";
	CHILD_CHECK(req_become(NOBODY) == 0);
	if (!userns)
		return;
	CHILD_CHECK(unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0);
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %d 1", NOBODY);
	write_file("/proc/self/uid_map", map);
	write_file("/proc/self/gid_map", map);
	CHILD_CHECK(setresuid(0, 0, 0) == 0 && setresgid(0, 0, 0) == 0);
}

/* Dump every scope; count those of other sockets and peer-named ones. */
static int dump_foreign(struct raw_nl *r, int *foreign, int *peers, int *all)
{
	uint32_t portid = mnl_socket_get_portid(r->nl);
	char buf[32768];
	struct req q;
	int len, done = 0;

	*foreign = *peers = *all = 0;
	req_new(&q, r, RCMGR_CMD_SCOPE_GET);
	q.nlh->nlmsg_flags |= NLM_F_DUMP;
	if (req_send(r, q.nlh))
		return -errno;
	while (!done) {
		struct nlmsghdr *m = (struct nlmsghdr *)buf;

		len = mnl_socket_recvfrom(r->nl, buf, sizeof(buf));
		if (len < 0)
			return -errno;
		for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
			uint64_t kind, owner;

			if (m->nlmsg_type == NLMSG_DONE || m->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			kind = raw_u64(m, RCMGR_A_SCOPE_KIND);
			owner = raw_u64(m, RCMGR_A_SCOPE_OWNER);
			(*all)++;
			if (owner && owner != portid)
				(*foreign)++;
			if (kind == RCMGR_SCOPE_KIND_PEER ||
			    kind == RCMGR_SCOPE_KIND_PROTOCOL_PEER ||
			    kind == RCMGR_SCOPE_KIND_SERVICE_PEER)
				(*peers)++;
		}
	}
	return 0;
}

static int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* What root holds is as it was. */
static void root_untouched(struct __test_metadata *_metadata,
			   FIXTURE_DATA(priv) *self)
{
	EXPECT_EQ(self->mem, req_usage(&self->r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
				       RCMGR_A_RESOURCES_MEMORY));
	EXPECT_EQ(self->handles, req_config(&self->r, RCMGR_A_CONFIG_HANDLES));
	EXPECT_EQ(self->scopes, req_config(&self->r, RCMGR_A_CONFIG_SCOPES));
	EXPECT_EQ(0, req_mem(&self->r, self->conn, 1));
	EXPECT_EQ(0, req_mem(&self->r, self->conn, -1));
}

/* Rows: scope-get, dumps, config-get, limit-get, stats-get: anyone. */
TEST_F(priv, reads)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		int foreign, peers, all;
		struct raw_nl r, r2;
		struct req q;

		become(variant->userns);
		CHILD_CHECK(raw_open(&r) == 0);
		CHILD_CHECK(req_usage(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
				      RCMGR_A_RESOURCES_MEMORY) >= 0);
		CHILD_CHECK(req_config(&r, RCMGR_A_CONFIG_MAX_HANDLES) > 0);
		req_new(&q, &r, RCMGR_CMD_LIMIT_GET);
		mnl_attr_put_u32(q.nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
		CHILD_CHECK(req_do(&q, &r) == 0);
		req_new(&q, &r, RCMGR_CMD_STATS_GET);
		CHILD_CHECK(req_do(&q, &r) == 0 && q.ans.reply_len > 0);
		/* Peer scopes are the namespace admin's to read. */
		if (variant->userns)
			CHILD_CHECK(req_usage(&r, RCMGR_SCOPE_KIND_PEER, ROOT_PEER,
					      RCMGR_A_RESOURCES_STREAMS) == 0);
		else
			CHILD_CHECK(req_usage(&r, RCMGR_SCOPE_KIND_PEER, ROOT_PEER,
					      RCMGR_A_RESOURCES_STREAMS) == -EPERM);

		/* Another socket of ours holds a stream to a peer. */
		CHILD_CHECK(raw_open(&r2) == 0);
		CHILD_CHECK(req_stream(&r2, "childs-peer") > 0);
		CHILD_CHECK(dump_foreign(&r, &foreign, &peers, &all) == 0);
		if (variant->userns) {
			/* The namespace's admin sees all of its namespace. */
			CHILD_CHECK(foreign == 1 && peers == 1);
		} else {
			/* Others' handles and everyone's peers are private. */
			CHILD_CHECK(foreign == 0 && peers == 0);
			CHILD_CHECK(all >= 2);
		}
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	root_untouched(_metadata, self);
}

/* Rows: conn-open, stream-open, span-begin, reserve, release, done,
 * conn-bind-fd: anyone, on its own handles only. */
TEST_F(priv, own_handles_only)
{
	int64_t conn = self->conn, stream = self->stream;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		int64_t c, s, sp;
		struct raw_nl r;
		int fd;

		become(variant->userns);
		CHILD_CHECK(raw_open(&r) == 0);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		CHILD_CHECK(fd >= 0);
		c = req_conn(&r, fd);
		CHILD_CHECK(c > 0);
		s = req_stream(&r, "childs-peer");
		CHILD_CHECK(s > 0);
		sp = req_span(&r, s);
		CHILD_CHECK(sp > 0);
		CHILD_CHECK(req_mem(&r, sp, 1000) == 0);
		CHILD_CHECK(req_mem(&r, sp, -1000) == 0);
		CHILD_CHECK(req_kind_mem(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL, 1 << 20) == 0);
		CHILD_CHECK(req_kind_mem(&r, RCMGR_SCOPE_KIND_PEER, ROOT_PEER, 10) == 0);
		/* Root's handles are not found (ids are per namespace). */
		if (!variant->userns) {
			CHILD_CHECK(req_done(&r, conn) == -ENOENT);
			CHILD_CHECK(req_done(&r, stream) == -ENOENT);
			CHILD_CHECK(req_mem(&r, conn, 1) == -ENOENT);
			CHILD_CHECK(req_span(&r, conn) == -ENOENT);
		}
		/* Nor root's reservation taken. */
		CHILD_CHECK(req_kind_mem(&r, RCMGR_SCOPE_KIND_SYSTEM, NULL,
					 -((1 << 20) + 1)) == -EINVAL);
		CHILD_CHECK(req_done(&r, sp) == 0);
		/* Exit holding the conn, its socket, the stream and 1 MiB. */
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	root_untouched(_metadata, self);
	EXPECT_EQ(1, req_usage(&self->r, RCMGR_SCOPE_KIND_PEER, ROOT_PEER,
			       RCMGR_A_RESOURCES_STREAMS));
	EXPECT_EQ(0, req_usage(&self->r, RCMGR_SCOPE_KIND_PEER, ROOT_PEER,
			       RCMGR_A_RESOURCES_MEMORY));
}

/* A stream on @peer that its socket names @cookie: 0 or -errno. */
static int cookie_stream(struct raw_nl *r, const char *peer, uint64_t cookie)
{
	struct req q;

	req_new(&q, r, RCMGR_CMD_STREAM_OPEN);
	mnl_attr_put(q.nlh, RCMGR_A_SCOPE_PEER, strlen(peer), peer);
	mnl_attr_put_u32(q.nlh, RCMGR_A_SCOPE_DIR, RCMGR_DIRECTION_INBOUND);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_NEW_COOKIE, cookie);
	return req_do(&q, r);
}

/* @cmd on the handle named @cookie: 0 or -errno. */
static int cookie_do(struct raw_nl *r, int cmd, uint64_t cookie,
		     uint64_t new_cookie, int64_t size)
{
	struct req q;

	req_new(&q, r, cmd);
	mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_COOKIE, cookie);
	if (new_cookie)
		mnl_attr_put_u64(q.nlh, RCMGR_A_SCOPE_NEW_COOKIE, new_cookie);
	return size ? req_mem_do(&q, r, size) : req_do(&q, r);
}

static int cookie_mem(struct raw_nl *r, uint64_t cookie, int64_t size)
{
	return cookie_do(r, req_mem_cmd(size), cookie, 0, size);
}

/* Rows: new-cookie, and cookie in place of an id: a socket's names are its
 * own, whoever it runs as; another socket's cookies name nothing. */
TEST_F(priv, cookies)
{
	pid_t pid;

	ASSERT_EQ(0, cookie_stream(&self->r, ROOT_PEER, 7));
	ASSERT_EQ(0, cookie_mem(&self->r, 7, 100));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct raw_nl r;
		int i;

		become(variant->userns);
		CHILD_CHECK(raw_open(&r) == 0);
		/* Root's cookie names nothing on this socket. */
		CHILD_CHECK(cookie_mem(&r, 7, 1) == -ENOENT);
		CHILD_CHECK(cookie_mem(&r, 7, -100) == -ENOENT);
		CHILD_CHECK(cookie_do(&r, RCMGR_CMD_SCOPE_GET, 7, 0, 0) == -ENOENT);
		CHILD_CHECK(cookie_do(&r, RCMGR_CMD_SPAN_BEGIN, 7, 8, 0) == -ENOENT);
		CHILD_CHECK(cookie_do(&r, RCMGR_CMD_SCOPE_DONE, 7, 0, 0) == -ENOENT);
		/* The same value names this socket's own, once. */
		CHILD_CHECK(cookie_stream(&r, "childs-peer", 7) == 0);
		CHILD_CHECK(cookie_stream(&r, "childs-peer", 7) == -EEXIST);
		CHILD_CHECK(cookie_mem(&r, 7, 1000) == 0);
		CHILD_CHECK(cookie_mem(&r, 7, -1001) == -EINVAL);
		CHILD_CHECK(cookie_do(&r, RCMGR_CMD_SPAN_BEGIN, 7, 8, 0) == 0);
		CHILD_CHECK(cookie_mem(&r, 8, 10) == 0);
		CHILD_CHECK(cookie_do(&r, RCMGR_CMD_SCOPE_DONE, 7, 0, 0) == 0);
		CHILD_CHECK(cookie_do(&r, RCMGR_CMD_SCOPE_DONE, 7, 0, 0) == -ENOENT);
		/* Exit with enough named handles that the table grew. */
		for (i = 100; i < 200; i++)
			CHILD_CHECK(cookie_stream(&r, "childs-peer", i) == 0);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	/* Root's stream 7 is as it was, and still answers to its name. */
	EXPECT_EQ(100, req_usage(&self->r, RCMGR_SCOPE_KIND_PEER, ROOT_PEER,
				 RCMGR_A_RESOURCES_MEMORY));
	EXPECT_EQ(-EEXIST, cookie_stream(&self->r, ROOT_PEER, 7));
	EXPECT_EQ(0, cookie_do(&self->r, RCMGR_CMD_SCOPE_DONE, 7, 0, 0));
	EXPECT_EQ(0, req_usage(&self->r, RCMGR_SCOPE_KIND_PEER, ROOT_PEER,
			       RCMGR_A_RESOURCES_MEMORY));
	root_untouched(_metadata, self);
}

/* Rows: limit-set, limit-del, limit-reset, config-set: the namespace's
 * CAP_NET_ADMIN; above a ceiling, the host's.  Joining events: the
 * namespace's CAP_NET_ADMIN. */
TEST_F(priv, admin_ops)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		int want = variant->userns ? 0 : -EPERM;
		unsigned int ceiling;
		struct raw_nl r;
		struct req q;
		FILE *f;

		/* Read as root: the parameter file is the host's. */
		f = fopen("/sys/module/rcmgr/parameters/max_handles", "r");
		CHILD_CHECK(f && fscanf(f, "%u", &ceiling) == 1);
		fclose(f);
		become(variant->userns);
		CHILD_CHECK(raw_open(&r) == 0);
		CHILD_CHECK(req_limit(&r, RCMGR_CLASS_PEER, "some-peer",
				      RCMGR_A_RESOURCES_MEMORY, 1 << 20) == want);
		req_new(&q, &r, RCMGR_CMD_LIMIT_DEL);
		mnl_attr_put_u32(q.nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_PEER);
		mnl_attr_put_strz(q.nlh, RCMGR_A_LIMIT_NAME, "some-peer");
		CHILD_CHECK(req_do(&q, &r) == (variant->userns ? -ENOENT : -EPERM));
		CHILD_CHECK(req_limit_reset(&r) == want);
		CHILD_CHECK(req_config_set(&r, RCMGR_A_CONFIG_MAX_HANDLES, 1000) == want);
		/* Even a namespace's admin stays under the host's ceiling. */
		req_new(&q, &r, RCMGR_CMD_CONFIG_SET);
		mnl_attr_put_u32(q.nlh, RCMGR_A_CONFIG_MAX_HANDLES, ceiling + 1);
		CHILD_CHECK(req_do(&q, &r) == -EPERM);
		if (variant->userns)
			CHILD_CHECK(strstr(q.ans.msg, "ceiling") != NULL);
		CHILD_CHECK(req_config_set(&r, RCMGR_A_CONFIG_MAX_USER_BINDS,
					   ceiling + 1) == -EPERM);
		CHILD_CHECK(raw_join_events(&r) == want);
		CHILD_CHECK(raw_join(&r, RCMGR_MCGRP_REFUSALS) == want);
		_exit(0);
	}
	ASSERT_EQ(0, wait_child(pid));
	root_untouched(_metadata, self);
	/* Nothing changed in root's namespace either way. */
	EXPECT_NE(1000, req_config(&self->r, RCMGR_A_CONFIG_MAX_HANDLES));
}

TEST_HARNESS_MAIN
