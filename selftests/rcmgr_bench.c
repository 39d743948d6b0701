// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr_bench: what a netlink round trip to rcmgr costs, as a ratio to the
 * floor (the generic netlink controller's get-family for "rcmgr", on the
 * same kind of socket, in the same run), with 10 and with 100,000 live
 * peers.  Not a test: it prints numbers.
 *
 *   reserve+release   2 round trips on a stream
 *   stream lifecycle  open, set-protocol, done: 3 round trips
 *   conn lifecycle    open, set-peer, done: 3 round trips
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <rcmgr/rcmgr.h>

#define ROUNDS	5
#define ITERS	1000

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what, int ret)
{
	fprintf(stderr, "rcmgr_bench: %s: %s\n", what, strerror(ret < 0 ? -ret : ret));
	exit(1);
}

static struct mnl_socket *nl;
static uint32_t seq;

static void floor_once(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	int n, done = 0;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "rcmgr");
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		die("send", errno);
	/* The reply, then the ACK, as for every rcmgr request. */
	while (!done) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			die("recv", errno);
		for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, n);
		     nlh = mnl_nlmsg_next(nlh, &n))
			if (nlh->nlmsg_type == NLMSG_ERROR)
				done = 1;
	}
}

static struct rcmgr *rm;
static struct rcmgr_scope *stream;

static void reserve_release(void)
{
	int ret = rcmgr_scope_reserve_memory(stream, 4096, RCMGR_PRIO_ALWAYS);

	if (ret)
		die("reserve", ret);
	ret = rcmgr_scope_release_memory(stream, 4096);
	if (ret)
		die("release", ret);
}

static void stream_life(void)
{
	struct rcmgr_scope *s;
	int ret;

	ret = rcmgr_open_stream(rm, "bench-peer", RCMGR_DIR_OUTBOUND, &s);
	if (ret)
		die("open stream", ret);
	ret = rcmgr_stream_set_protocol(s, "/bench/1.0.0");
	if (ret)
		die("set protocol", ret);
	rcmgr_scope_done(s);
}

static void conn_life(void)
{
	struct rcmgr_scope *c;
	int ret;

	ret = rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, true, NULL, &c);
	if (ret)
		die("open conn", ret);
	ret = rcmgr_conn_set_peer(c, "bench-peer");
	if (ret)
		die("set peer", ret);
	rcmgr_scope_done(c);
}

/* The best of ROUNDS means of ITERS calls: ns per call. */
static double measure(void (*fn)(void))
{
	double best = 0, t;
	int r, i;

	for (i = 0; i < ITERS / 10; i++)	/* warm caches and slabs */
		fn();
	for (r = 0; r < ROUNDS; r++) {
		t = now_ns();
		for (i = 0; i < ITERS; i++)
			fn();
		t = (now_ns() - t) / ITERS;
		if (!r || t < best)
			best = t;
	}
	return best;
}

static int pin(struct rcmgr_scope *s, void *arg)
{
	return rcmgr_scope_reserve_memory(s, 1, RCMGR_PRIO_ALWAYS);
}

/* Make the namespace hold @n live peers (each keeps one byte). */
static void grow_peers(int from, int n)
{
	char name[32];
	int i, ret;

	for (i = from; i < n; i++) {
		snprintf(name, sizeof(name), "12D3KooWlive%07d", i);
		ret = rcmgr_view_peer(rm, name, pin, NULL);
		if (ret)
			die("grow peers", ret);
	}
}

struct row {
	double floor, rr, st, cn;
};

static void run(struct row *r)
{
	r->floor = measure(floor_once);
	r->rr = measure(reserve_release) / 2;
	r->st = measure(stream_life) / 3;
	r->cn = measure(conn_life) / 3;
}

static void print(const char *label, const struct row *r)
{
	printf("%-14s floor %7.0f ns | reserve+release %7.0f ns/rt %.2fx | "
	       "stream %7.0f ns/rt %.2fx | conn %7.0f ns/rt %.2fx\n", label,
	       r->floor, r->rr, r->rr / r->floor, r->st, r->st / r->floor,
	       r->cn, r->cn / r->floor);
}

int main(int argc, char **argv)
{
	int peers = argc > 1 ? atoi(argv[1]) : 100000;
	struct rcmgr_config cfg;
	struct row few, many;
	int one = 1, ret;
	char label[32];

	if (unshare(CLONE_NEWNET))
		die("unshare", errno);
	ret = rcmgr_open(&rm);
	if (ret)
		die("rcmgr_open", ret);
	ret = rcmgr_config_get(rm, &cfg);
	if (ret)
		die("config", ret);
	cfg.max_scopes = peers + 1000;
	ret = rcmgr_config_set(rm, &cfg);
	if (ret)
		die("config", ret);
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		die("socket", errno);
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	ret = rcmgr_open_stream(rm, "bench-peer", RCMGR_DIR_OUTBOUND, &stream);
	if (ret)
		die("open stream", ret);

	grow_peers(0, 10);
	run(&few);
	grow_peers(10, peers);
	run(&many);

	printf("rcmgr_bench: per netlink round trip, best of %d x %d\n",
	       ROUNDS, ITERS);
	print("10 peers", &few);
	snprintf(label, sizeof(label), "%d peers", peers);
	print(label, &many);
	printf("rcmgr_bench: %d peers vs 10: reserve+release %.2fx, stream %.2fx, "
	       "conn %.2fx, floor %.2fx\n", peers, many.rr / few.rr,
	       many.st / few.st, many.cn / few.cn, many.floor / few.floor);
	rcmgr_scope_done(stream);
	mnl_socket_close(nl);
	rcmgr_close(rm);
	return 0;
}
