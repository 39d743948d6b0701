// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr-demo-node: a tiny libp2p-like node for the demo.  It accepts or
 * dials real TCP connections and accounts each through librcmgr the way
 * go-libp2p does: open (and bind the socket), set-peer after the
 * "handshake" (a line carrying the peer ID), then a stream with its
 * protocol and service, and the memory the service reserves.
 *
 *   rcmgr-demo-node listen [ADDR:]PORT MY-ID COUNT
 *   rcmgr-demo-node dial [ADDR:]PORT MY-ID PEER-ID COUNT
 *
 * ADDR is an IPv4 address, 127.0.0.1 by default.
 *
 * Prints one line per connection, then "ready", then waits to be killed.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

static struct rcmgr *rm;
static const char *me;
static char endpoint[64];	/* dial: where to */

static int why(int ret, const char *what)
{
	const struct rcmgr_error *e = rcmgr_last_error(rm);

	printf("%s: %s refused: %s\n", me, what,
	       e->message[0] ? e->message : strerror(-ret));
	return ret;
}

/* After the handshake: peer, a stream, its protocol and service, memory. */
static int attach(struct rcmgr_scope *c, const char *peer, enum rcmgr_dir dir,
		  const char *proto, int64_t mem)
{
	struct rcmgr_scope *s;
	int ret;

	ret = rcmgr_conn_set_peer(c, peer);
	if (ret)
		return why(ret, "set-peer");
	ret = rcmgr_open_stream(rm, peer, dir, &s);
	if (ret)
		return why(ret, "stream");
	ret = rcmgr_stream_set_protocol(s, proto);
	if (!ret)
		ret = rcmgr_stream_set_service(s, "demo");
	if (!ret)
		ret = rcmgr_scope_reserve_memory(s, mem, RCMGR_PRIO_ALWAYS);
	if (ret)
		return why(ret, "stream setup");
	printf("%s: %s %s conn %s, stream %s %s, %lld bytes\n", me,
	       dir == RCMGR_DIR_INBOUND ? "accepted" : "dialled", peer,
	       rcmgr_scope_name(c), rcmgr_scope_name(s), proto, (long long)mem);
	return 0;
}

static struct sockaddr_in where;

static void parse_where(const char *arg)
{
	const char *colon = strchr(arg, ':');
	char host[64];

	where.sin_family = AF_INET;
	where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (colon && (size_t)(colon - arg) < sizeof(host)) {
		memcpy(host, arg, colon - arg);
		host[colon - arg] = '\0';
		inet_pton(AF_INET, host, &where.sin_addr);
		arg = colon + 1;
	}
	where.sin_port = htons(atoi(arg));
}

static int listen_loop(int count)
{
	struct sockaddr_in a = where, from;
	char peer[128], ep[64], remote[96];
	socklen_t len = sizeof(from);
	struct rcmgr_scope *c;
	int l, fd, i, ret, one = 1;
	ssize_t n;

	l = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 16))
		return 1;
	inet_ntop(AF_INET, &a.sin_addr, ep, sizeof(ep));
	printf("%s: listening on %s:%d\n", me, ep, ntohs(a.sin_port));
	fflush(stdout);
	for (i = 0; i < count; i++) {
		fd = accept(l, (void *)&from, &len);
		if (fd < 0)
			return 1;
		/*
		 * Inbound: open and bind the accepted socket in one go.  The
		 * endpoint is the dialler's address, as go-libp2p's is; the
		 * kernel refuses one that contradicts the socket.
		 */
		inet_ntop(AF_INET, &from.sin_addr, ep, sizeof(ep));
		snprintf(remote, sizeof(remote), "/ip4/%s/tcp/%d", ep,
			 ntohs(from.sin_port));
		ret = rcmgr_open_connection_fd(rm, RCMGR_DIR_INBOUND, fd, remote, &c);
		if (ret) {
			why(ret, "connection");
			close(fd);
			continue;
		}
		n = read(fd, peer, sizeof(peer) - 1);
		if (n <= 1)
			return 1;
		peer[n - 1] = '\0';
		attach(c, peer, RCMGR_DIR_INBOUND, "/ipfs/id/1.0.0", 65536);
		fflush(stdout);
	}
	return 0;
}

static int dial_loop(const char *peer, int count)
{
	struct sockaddr_in a = where;
	struct rcmgr_scope *c;
	char line[160];
	int i, fd, ret;

	for (i = 0; i < count; i++) {
		/* Outbound: reserve before dialling, bind once connected. */
		ret = rcmgr_open_connection(rm, RCMGR_DIR_OUTBOUND, true, endpoint, &c);
		if (ret)
			return why(ret, "connection");
		fd = socket(AF_INET, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (void *)&a, sizeof(a)))
			return 1;
		ret = rcmgr_conn_bind_fd(c, fd);
		if (ret)
			return why(ret, "bind");
		snprintf(line, sizeof(line), "%s\n", me);
		if (write(fd, line, strlen(line)) < 0)
			return 1;
		attach(c, peer, RCMGR_DIR_OUTBOUND, "/ipfs/ping/1.0.0", 4096);
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 5 || (strcmp(argv[1], "listen") && strcmp(argv[1], "dial")) ||
	    (!strcmp(argv[1], "dial") && argc < 6)) {
		fprintf(stderr, "usage: %s listen [ADDR:]PORT MY-ID COUNT\n"
			"       %s dial [ADDR:]PORT MY-ID PEER-ID COUNT\n", argv[0], argv[0]);
		return 255;
	}
	me = argv[3];
	ret = rcmgr_open(&rm);
	if (ret) {
		fprintf(stderr, "%s: rcmgr: %s\n", me, strerror(-ret));
		return 1;
	}
	parse_where(argv[2]);
	snprintf(endpoint, sizeof(endpoint), "/ip4/%s/tcp/%d",
		 inet_ntoa(where.sin_addr), ntohs(where.sin_port));
	if (!strcmp(argv[1], "listen"))
		ret = listen_loop(atoi(argv[4]));
	else
		ret = dial_loop(argv[4], atoi(argv[5]));
	printf("%s: ready\n", me);
	fflush(stdout);
	/* Hold everything until killed: no cleanup code at all. */
	for (;;)
		pause();
	return ret;
}
