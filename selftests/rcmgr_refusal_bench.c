// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr_refusal_bench: what a refusal costs the refused request, with no
 * listener on the events group, with one and every event suppressed by
 * the rate limit, and with one and every event sent; beside a request
 * that succeeds (config-get) as the floor.  Not a test: it prints numbers
 * (median of 5 rounds, ns per request).  Run as root; it sets and
 * restores the rate limit's module parameters.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "rcmgr_test.h"

#define ROUNDS	5
#define ITERS	2000
#define PARAM	"/sys/module/rcmgr/parameters/event_burst"

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "rcmgr_refusal_bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void set_burst(const char *v)
{
	int fd = open(PARAM, O_WRONLY);

	if (fd < 0 || write(fd, v, strlen(v)) < 0)
		die(PARAM);
	close(fd);
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median ns of one request: a refused conn-open, or a config-get. */
static double measure(struct raw_nl *r, bool refused, struct raw_nl *lis)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], drain[MNL_SOCKET_BUFFER_SIZE];
	double t[ROUNDS], t0;
	struct nlmsghdr *nlh;
	struct raw_ans ans;
	int i, j;

	for (i = 0; i < ROUNDS; i++) {
		t0 = now_ns();
		for (j = 0; j < ITERS; j++) {
			nlh = raw_start(r, buf, r->family, refused ?
					RCMGR_CMD_CONN_OPEN : RCMGR_CMD_CONFIG_GET);
			if (refused)
				mnl_attr_put_u32(nlh, RCMGR_A_SCOPE_DIR,
						 RCMGR_DIRECTION_INBOUND);
			if (raw_talk(r, nlh, &ans) ||
			    ans.error != (refused ? -EDQUOT : 0))
				die("request");
		}
		t[i] = (now_ns() - t0) / ITERS;
		/* The listener's queue, emptied outside the timing. */
		while (lis && recv(mnl_socket_get_fd(lis->nl), drain,
				   sizeof(drain), MSG_DONTWAIT) > 0)
			;
	}
	qsort(t, ROUNDS, sizeof(t[0]), cmp);
	return t[ROUNDS / 2];
}

int main(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], burst[32] = "100";
	struct raw_nl r, lis;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct raw_ans ans;
	double floor, none, dropped, sent;
	int fd, n, size = 1 << 24;

	fd = open(PARAM, O_RDONLY);
	if (fd < 0)
		die(PARAM);
	n = read(fd, burst, sizeof(burst) - 1);
	burst[n > 0 ? n - 1 : 0] = '\0';
	close(fd);
	if (unshare(CLONE_NEWNET) || raw_open(&r))
		die("namespace");
	nlh = raw_start(&r, buf, r.family, RCMGR_CMD_LIMIT_SET);
	mnl_attr_put_u32(nlh, RCMGR_A_LIMIT_CLASS, RCMGR_CLASS_TRANSIENT);
	nest = mnl_attr_nest_start(nlh, RCMGR_A_LIMIT_VALUES);
	mnl_attr_put_u64(nlh, RCMGR_A_RESOURCES_CONNS_INBOUND, 0);
	mnl_attr_nest_end(nlh, nest);
	if (raw_talk(&r, nlh, &ans) || ans.error)
		die("limit-set");

	floor = measure(&r, false, NULL);
	none = measure(&r, true, NULL);
	if (raw_open(&lis) || raw_join(&lis, RCMGR_MCGRP_REFUSALS) ||
	    setsockopt(mnl_socket_get_fd(lis.nl), SOL_SOCKET, SO_RCVBUFFORCE,
		       &size, sizeof(size)))
		die("listener");
	set_burst("0");
	dropped = measure(&r, true, &lis);
	set_burst("1000000000");
	sent = measure(&r, true, &lis);
	set_burst(burst);

	printf("# refusal cost, ns per request (median of %d x %d)\n", ROUNDS, ITERS);
	printf("# config-get (floor)            %8.0f\n", floor);
	printf("# refused, no listener          %8.0f\n", none);
	printf("# refused, listener, suppressed %8.0f\n", dropped);
	printf("# refused, listener, event sent %8.0f\n", sent);
	raw_close(&lis);
	raw_close(&r);
	return 0;
}
