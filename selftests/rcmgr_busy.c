// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr_busy PEER1 PEER2: hold something in every kind of scope, for the
 * admin views to show: two peers' conns (one of each direction), a conn
 * still in transient, streams with a protocol and a service, one still in
 * transient, memory on a stream and on a span.  Then ask for one more
 * inbound conn in transient, which rcmgr_admin.sh has limited to one, so
 * that a refusal of this process is seen.  Prints "ready PID REFUSED"
 * (REFUSED: the errno of that last open, 0 if it was let through), then
 * holds until killed.
 *
 * rcmgr_busy -r N: ask N times for an inbound conn that transient, full,
 * refuses; print "refused PID COUNT" (COUNT: how many were refused), exit.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

static int fail(const char *what, int ret)
{
	fprintf(stderr, "rcmgr_busy: %s: %d\n", what, ret);
	return 1;
}

int main(int argc, char **argv)
{
	struct rcmgr_scope *c1, *c2, *c3, *c4, *s1, *s2, *s3, *span;
	struct rcmgr *rm;
	int ret;

	if (argc != 3)
		return fail("usage: rcmgr_busy { PEER1 PEER2 | -r N }", -1);
	ret = rcmgr_open(&rm);
	if (ret)
		return fail("open", ret);
	if (!strcmp(argv[1], "-r")) {
		int n = atoi(argv[2]), refused = 0;

		while (n--) {
			ret = rcmgr_open_connection(rm, RCMGR_DIR_INBOUND,
						    false, NULL, &c4);
			if (!ret)
				rcmgr_scope_done(c4);
			refused += ret == -EDQUOT;
		}
		printf("refused %d %d\n", (int)getpid(), refused);
		return 0;
	}
	if ((ret = rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, true,
					 "/ip4/10.0.0.1/tcp/4001", &c1)) ||
	    (ret = rcmgr_conn_set_peer(c1, argv[1])))
		return fail("conn 1", ret);
	if ((ret = rcmgr_open_connection(rm, RCMGR_DIR_OUTBOUND, false,
					 "/ip4/10.0.0.2/udp/4001/quic-v1", &c2)) ||
	    (ret = rcmgr_conn_set_peer(c2, argv[2])))
		return fail("conn 2", ret);
	ret = rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, false,
				    "/ip4/10.0.0.3/tcp/4001", &c3);
	if (ret)
		return fail("conn 3", ret);
	if ((ret = rcmgr_open_stream(rm, argv[1], RCMGR_DIR_INBOUND, &s1)) ||
	    (ret = rcmgr_stream_set_protocol(s1, "/ipfs/id/1.0.0")) ||
	    (ret = rcmgr_stream_set_service(s1, "libp2p.identify")) ||
	    (ret = rcmgr_scope_reserve_memory(s1, 4096, RCMGR_PRIO_ALWAYS)))
		return fail("stream 1", ret);
	if ((ret = rcmgr_open_stream(rm, argv[2], RCMGR_DIR_OUTBOUND, &s2)) ||
	    (ret = rcmgr_stream_set_protocol(s2, "/ipfs/ping/1.0.0")))
		return fail("stream 2", ret);
	ret = rcmgr_open_stream(rm, argv[1], RCMGR_DIR_OUTBOUND, &s3);
	if (ret)
		return fail("stream 3", ret);
	if ((ret = rcmgr_scope_begin_span(s1, &span)) ||
	    (ret = rcmgr_scope_reserve_memory(span, 1 << 20, RCMGR_PRIO_HIGH)))
		return fail("span", ret);
	ret = rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, false,
				    "/ip4/10.0.0.4/tcp/4001", &c4);
	printf("ready %d %d\n", (int)getpid(), -ret);
	fflush(stdout);
	for (;;)
		pause();
}
