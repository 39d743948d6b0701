// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors tied to real sockets, over real TCP on loopback: what
 * binding checks, and that a conn ends exactly when its socket's last file
 * reference goes (close, dup, fork, SCM_RIGHTS, SIGKILL), that limits are
 * exact at decision time, that processes share one budget, and that
 * namespaces stay apart and really go away.
 */
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

#include "kselftest_harness.h"
#include "rcmgr_net.h"
#include "rcmgr_test.h"

static int stat_cb(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_stat(s, arg);
}

/* The system scope: conns in, conns out, fds. */
#define SYSTEM(rm, cin, cout, fds) do {					\
	struct rcmgr_stat __st;						\
	ASSERT_EQ(0, rcmgr_view_system(rm, stat_cb, &__st));		\
	EXPECT_EQ(cin, __st.num_conns_inbound);				\
	EXPECT_EQ(cout, __st.num_conns_outbound);			\
	EXPECT_EQ(fds, __st.num_fd);					\
} while (0)

struct seen {
	uint64_t id, ino;
	bool bound;
	char remote[64];
};

static int seen_cb(const struct rcmgr_scope_info *i, void *arg)
{
	struct seen *s = arg;

	if (i->id != s->id)
		return 0;
	s->bound = i->fd_bound;
	s->ino = i->sock_ino;
	snprintf(s->remote, sizeof(s->remote), "%s", i->sock_remote ?: "");
	return 0;
}

FIXTURE(sock) {
	struct rcmgr *rm;
	int lfd;
};

FIXTURE_SETUP(sock)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, net_lo_up());
	self->lfd = net_listener();
	ASSERT_GE(self->lfd, 0);
	ASSERT_EQ(0, rcmgr_open(&self->rm));
}

FIXTURE_TEARDOWN(sock)
{
	rcmgr_close(self->rm);
	close(self->lfd);
}

TEST_F(sock, accept_bind_close)
{
	struct seen s = {};
	struct rcmgr_scope *c;
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int cli, srv;
	struct stat st;
	char want[64], ep[64];

	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	/* The endpoint declared is the dialler's: its ephemeral port. */
	ASSERT_EQ(0, getsockname(cli, (void *)&a, &len));
	snprintf(ep, sizeof(ep), "/ip4/127.0.0.1/tcp/%u", ntohs(a.sin_port));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      ep, &c));
	SYSTEM(self->rm, 1, 0, 1);
	/* The dump names the very socket: inode, and the peer's address. */
	s.id = rcmgr_scope_id(c);
	ASSERT_EQ(0, rcmgr_dump(self->rm, RCMGR_KIND_CONN, seen_cb, &s));
	ASSERT_EQ(0, fstat(srv, &st));
	EXPECT_TRUE(s.bound);
	EXPECT_EQ(st.st_ino, s.ino);
	snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(a.sin_port));
	EXPECT_STREQ(want, s.remote);

	/* The last close ends the conn: nobody sees its units after. */
	close(srv);
	SYSTEM(self->rm, 0, 0, 0);
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(c, 1, RCMGR_PRIO_ALWAYS));
	EXPECT_EQ(-ESTALE, rcmgr_conn_set_peer(c, "late"));
	rcmgr_scope_done(c);
	close(cli);
}

TEST_F(sock, dial_then_bind)
{
	struct seen s = {};
	struct rcmgr_scope *c;
	int cli, srv;

	/* go-libp2p reserves before it dials: the fd unit waits unbound. */
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, true,
					   NULL, &c));
	ASSERT_EQ(0, rcmgr_conn_set_peer(c, "12D3KooWDialled"));
	SYSTEM(self->rm, 0, 1, 1);
	s.id = rcmgr_scope_id(c);
	ASSERT_EQ(0, rcmgr_dump(self->rm, RCMGR_KIND_CONN, seen_cb, &s));
	EXPECT_FALSE(s.bound);
	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, rcmgr_conn_bind_fd(c, cli));
	ASSERT_EQ(0, rcmgr_dump(self->rm, RCMGR_KIND_CONN, seen_cb, &s));
	EXPECT_TRUE(s.bound);
	close(cli);
	SYSTEM(self->rm, 0, 0, 0);
	rcmgr_scope_done(c);
	close(srv);
}

TEST_F(sock, dup_keeps_binding)
{
	struct rcmgr_scope *c;
	int cli, srv, d;

	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      NULL, &c));
	d = dup(srv);
	ASSERT_GE(d, 0);
	close(srv);
	SYSTEM(self->rm, 1, 0, 1);
	close(d);
	SYSTEM(self->rm, 0, 0, 0);
	rcmgr_scope_done(c);
	close(cli);
}

TEST_F(sock, fork_keeps_binding)
{
	struct rcmgr_scope *c;
	int cli, srv, p[2], status;
	pid_t pid;
	char x;

	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      NULL, &c));
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		close(p[1]);
		/* Holds its copy of srv until told. */
		_exit(read(p[0], &x, 1) < 0);
	}
	close(p[0]);
	close(srv);
	SYSTEM(self->rm, 1, 0, 1);
	close(p[1]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	SYSTEM(self->rm, 0, 0, 0);
	rcmgr_scope_done(c);
	close(cli);
}

static int send_fd(int us, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = {}, b = 'f';
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(us, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int us)
{
	char cbuf[CMSG_SPACE(sizeof(int))], b;
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
			    .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	int fd = -1;

	if (recvmsg(us, &m, 0) != 1 || !CMSG_FIRSTHDR(&m))
		return -1;
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	return fd;
}

TEST_F(sock, scm_rights_keeps_binding)
{
	struct rcmgr_scope *c;
	int cli, srv, us[2], status, fd;
	pid_t pid;
	char x = 0;

	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      NULL, &c));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, us));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		close(us[0]);
		close(srv);
		fd = recv_fd(us[1]);
		if (fd < 0 || write(us[1], "k", 1) != 1)
			_exit(1);
		/* Holds the passed socket until told, then closes it. */
		if (read(us[1], &x, 1) < 0)
			_exit(1);
		close(fd);
		_exit(0);
	}
	close(us[1]);
	ASSERT_EQ(0, send_fd(us[0], srv));
	ASSERT_EQ(1, read(us[0], &x, 1));
	close(srv);
	SYSTEM(self->rm, 1, 0, 1);
	ASSERT_EQ(1, write(us[0], "x", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status)) TH_LOG("status %#x", status);
	EXPECT_EQ(0, WEXITSTATUS(status));
	SYSTEM(self->rm, 0, 0, 0);
	close(us[0]);
	rcmgr_scope_done(c);
	close(cli);
}

TEST_F(sock, bind_refusals)
{
	struct rcmgr_scope *c, *d, *nofd;
	int cli, srv, p[2], u, dg;
	struct rcmgr *other;

	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, true, NULL, &c));
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, true, NULL, &d));
	ASSERT_EQ(0, rcmgr_open_connection(self->rm, RCMGR_DIR_OUTBOUND, false, NULL, &nofd));

	EXPECT_EQ(-EBADF, rcmgr_conn_bind_fd(c, 9999));
	EXPECT_STREQ("fd is not open", rcmgr_last_error(self->rm)->message);
	EXPECT_EQ(-ENOTSOCK, rcmgr_conn_bind_fd(c, p[0]));
	EXPECT_STREQ("fd is not a socket", rcmgr_last_error(self->rm)->message);
	EXPECT_EQ(-EINVAL, rcmgr_conn_bind_fd(c, self->lfd));
	EXPECT_STREQ("socket is listening", rcmgr_last_error(self->rm)->message);
	u = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT_EQ(-EINVAL, rcmgr_conn_bind_fd(c, u));
	EXPECT_EQ(-EINVAL, rcmgr_conn_bind_fd(nofd, cli));
	EXPECT_STREQ("connection was opened without usefd",
		     rcmgr_last_error(self->rm)->message);

	ASSERT_EQ(0, rcmgr_conn_bind_fd(c, cli));
	EXPECT_EQ(-EBUSY, rcmgr_conn_bind_fd(c, srv));
	EXPECT_STREQ("connection is bound already", rcmgr_last_error(self->rm)->message);
	EXPECT_EQ(-EBUSY, rcmgr_conn_bind_fd(d, cli));
	EXPECT_STREQ("socket is bound to another connection",
		     rcmgr_last_error(self->rm)->message);
	/* A datagram socket (a QUIC-style transport) may be bound too. */
	dg = socket(AF_INET6, SOCK_DGRAM, 0);
	EXPECT_EQ(0, rcmgr_conn_bind_fd(d, dg));
	/* An inbound open whose bind fails leaves nothing behind. */
	EXPECT_EQ(-ENOTSOCK, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND,
						      p[1], NULL, &nofd));
	SYSTEM(self->rm, 0, 3, 2);

	/* A socket of another namespace. */
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, rcmgr_open(&other));
	struct rcmgr_scope *e;

	ASSERT_EQ(0, rcmgr_open_connection(other, RCMGR_DIR_INBOUND, true, NULL, &e));
	EXPECT_EQ(-EXDEV, rcmgr_conn_bind_fd(e, srv));
	EXPECT_STREQ("socket is in another network namespace",
		     rcmgr_last_error(other)->message);
	rcmgr_close(other);

	close(dg);
	close(u);
	close(cli);
	close(srv);
	close(p[0]);
	close(p[1]);
	SYSTEM(self->rm, 0, 1, 0);
	rcmgr_scope_done(c);
	rcmgr_scope_done(d);
	rcmgr_scope_done(nofd);
	SYSTEM(self->rm, 0, 0, 0);
}

TEST_F(sock, exact_at_decision)
{
	struct rcmgr_limit l;
	struct rcmgr_scope *a, *b;
	int cli[2], srv[2];

	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_TRANSIENT, NULL, &l));
	l.conns_inbound = 1;
	ASSERT_EQ(0, rcmgr_limit_set(self->rm, RCMGR_LIMIT_TRANSIENT, NULL, &l));
	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli[0], &srv[0]));
	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli[1], &srv[1]));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv[0],
					      NULL, &a));
	EXPECT_EQ(-EDQUOT, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND,
						    srv[1], NULL, &b));
	/* Refused only because of a dead socket: must pass, at once. */
	close(srv[0]);
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv[1],
					      NULL, &b));
	EXPECT_EQ(-ESTALE, rcmgr_scope_reserve_memory(a, 1, RCMGR_PRIO_ALWAYS));
	rcmgr_scope_done(a);
	rcmgr_scope_done(b);
	close(srv[1]);
	close(cli[0]);
	close(cli[1]);
}

TEST_F(sock, close_notifies)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rcmgr_scope *c;
	struct nlmsghdr *nlh;
	struct raw_nl ev;
	int cli, srv, n;

	ASSERT_EQ(0, raw_open(&ev));
	ASSERT_EQ(0, raw_join_events(&ev));
	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      NULL, &c));
	close(srv);
	SYSTEM(self->rm, 0, 0, 0);
	/* The reap that stat did announced it; nothing else was sent. */
	n = recv(mnl_socket_get_fd(ev.nl), buf, sizeof(buf), MSG_DONTWAIT);
	ASSERT_GT(n, 0);
	nlh = (struct nlmsghdr *)buf;
	EXPECT_EQ(ev.family, nlh->nlmsg_type);
	EXPECT_EQ(RCMGR_CMD_SCOPE_CLOSED_NTF,
		  ((struct genlmsghdr *)mnl_nlmsg_get_payload(nlh))->cmd);
	EXPECT_EQ(rcmgr_scope_id(c), raw_u64(nlh, RCMGR_A_SCOPE_ID));
	EXPECT_EQ(RCMGR_SCOPE_KIND_CONN, raw_u64(nlh, RCMGR_A_SCOPE_KIND));
	EXPECT_LT(recv(mnl_socket_get_fd(ev.nl), buf, sizeof(buf), MSG_DONTWAIT), 0);
	/* Done after the kernel ended it: no second release, no event. */
	rcmgr_scope_done(c);
	SYSTEM(self->rm, 0, 0, 0);
	EXPECT_LT(recv(mnl_socket_get_fd(ev.nl), buf, sizeof(buf), MSG_DONTWAIT), 0);
	raw_close(&ev);
	close(cli);
}

TEST_F(sock, monitor_sees_close)
{
	struct rcmgr_monitor *mon;
	struct rcmgr_scope *c;
	struct rcmgr_event ev;
	int cli, srv;

	ASSERT_EQ(0, rcmgr_monitor_open(&mon));
	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      NULL, &c));
	close(cli);
	close(srv);
	/* A dump reaps first: the event is queued by the time it returns. */
	SYSTEM(self->rm, 0, 0, 0);
	ASSERT_EQ(0, rcmgr_monitor_read(mon, &ev));
	EXPECT_EQ(rcmgr_scope_id(c), ev.id);
	EXPECT_EQ(RCMGR_KIND_CONN, ev.kind);
	EXPECT_NE(0, ev.owner);
	rcmgr_scope_done(c);
	rcmgr_monitor_close(mon);
}

/* A server in a child: accepts once, binds, reports, waits to be killed. */
static pid_t server(struct __test_metadata *_metadata, int lfd, int *ready)
{
	int p[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct rcmgr_scope *c;
		struct rcmgr *rm;
		int srv;
		char r;

		close(p[0]);
		srv = accept(lfd, NULL, NULL);
		r = srv >= 0 && !rcmgr_open(&rm) &&
		    !rcmgr_open_connection_fd(rm, RCMGR_DIR_INBOUND, srv, NULL, &c) &&
		    !rcmgr_conn_set_peer(c, "12D3KooWServerOne") ? 'y' : 'n';
		if (write(p[1], &r, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	*ready = p[0];
	return pid;
}

TEST_F(sock, servers_share_budget_sigkill)
{
	struct rcmgr_limit l;
	struct rcmgr_scope *c;
	int cli[2], srv, ready, status;
	pid_t pid;
	char r;

	ASSERT_EQ(0, rcmgr_limit_get(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &l));
	l.conns_inbound = 1;
	ASSERT_EQ(0, rcmgr_limit_set(self->rm, RCMGR_LIMIT_SYSTEM, NULL, &l));
	pid = server(_metadata, self->lfd, &ready);
	cli[0] = socket(AF_INET, SOCK_STREAM, 0);
	{
		struct sockaddr_in a;
		socklen_t len = sizeof(a);

		ASSERT_EQ(0, getsockname(self->lfd, (void *)&a, &len));
		ASSERT_EQ(0, connect(cli[0], (void *)&a, len));
	}
	ASSERT_EQ(1, read(ready, &r, 1));
	ASSERT_EQ('y', r);
	SYSTEM(self->rm, 1, 0, 1);

	/* The second server is refused: the first holds the budget. */
	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli[1], &srv));
	EXPECT_EQ(-EDQUOT, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND,
						    srv, NULL, &c));
	EXPECT_EQ(RCMGR_KIND_SYSTEM, rcmgr_last_error(self->rm)->kind);
	EXPECT_EQ(RCMGR_RESOURCE_CONNS_INBOUND, rcmgr_last_error(self->rm)->resource);
	/* SIGKILL, no cleanup: its netlink socket and its TCP socket die. */
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      NULL, &c));
	SYSTEM(self->rm, 1, 0, 1);
	rcmgr_scope_done(c);
	SYSTEM(self->rm, 0, 0, 0);
	close(srv);
	close(cli[0]);
	close(cli[1]);
	close(ready);
}

TEST_F_TIMEOUT(sock, namespaces_apart_and_gone, 60)
{
	struct rcmgr_scope *c;
	int cli, srv, p[2], status, before, i;
	pid_t pid;
	char r;

	ASSERT_EQ(0, net_tcp_pair(self->lfd, &cli, &srv));
	ASSERT_EQ(0, rcmgr_open_connection_fd(self->rm, RCMGR_DIR_INBOUND, srv,
					      NULL, &c));
	/*
	 * Namespaces of earlier tests die on a workqueue: let them go first,
	 * so that the count moves only with ours (init_net and this test's).
	 */
	for (i = 0; i < 300 && nr_namespaces() > 2; i++)
		usleep(100 * 1000);
	before = nr_namespaces();
	if (before != 2)
		SKIP(return, "other namespaces live on this host (%d)", before);
	ASSERT_EQ(0, pipe(p));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct rcmgr_scope *cc;
		struct rcmgr_stat st;
		struct rcmgr *rm;
		int l, a, b;

		/* A namespace of its own sees nothing of ours... */
		if (unshare(CLONE_NEWNET) || net_lo_up() || rcmgr_open(&rm) ||
		    rcmgr_view_system(rm, stat_cb, &st) || st.num_fd ||
		    st.num_conns_inbound)
			_exit(1);
		/* ...and holds bindings of its own when it dies. */
		l = net_listener();
		if (l < 0 || net_tcp_pair(l, &a, &b) ||
		    rcmgr_open_connection_fd(rm, RCMGR_DIR_INBOUND, b, NULL, &cc) ||
		    rcmgr_open_connection(rm, RCMGR_DIR_OUTBOUND, true, NULL, &cc) ||
		    rcmgr_conn_bind_fd(cc, a))
			_exit(2);
		r = 'y';
		if (write(p[1], &r, 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &r, 1));
	EXPECT_EQ(before + 1, nr_namespaces());
	/* Our scopes are untouched by theirs. */
	SYSTEM(self->rm, 1, 0, 1);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/*
	 * The namespace's cleanup runs on a workqueue after its last user;
	 * its held sockets must not keep it: wait for it, up to 30 s.
	 */
	for (i = 0; i < 300 && nr_namespaces() != before; i++)
		usleep(100 * 1000);
	EXPECT_EQ(before, nr_namespaces());
	SYSTEM(self->rm, 1, 0, 1);
	rcmgr_scope_done(c);
	close(srv);
	close(cli);
	close(p[0]);
}

TEST_HARNESS_MAIN
