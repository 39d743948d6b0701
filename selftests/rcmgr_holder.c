// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr_holder: hold bound sockets and scopes until killed.  The VM's init
 * runs it and unloads the module meanwhile, to show that rmmod with live
 * bindings is clean.  Prints "ready" once everything is held.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

int main(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct rcmgr_scope *in, *out, *s;
	socklen_t len = sizeof(a);
	int l, cli, srv;
	struct rcmgr *rm;

	l = socket(AF_INET, SOCK_STREAM, 0);
	cli = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || cli < 0 || bind(l, (void *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (void *)&a, &len) || connect(cli, (void *)&a, len))
		return 1;
	srv = accept(l, NULL, NULL);
	if (srv < 0 || rcmgr_open(&rm) ||
	    rcmgr_open_connection_fd(rm, RCMGR_DIR_INBOUND, srv, NULL, &in) ||
	    rcmgr_conn_set_peer(in, "12D3KooWHolder") ||
	    rcmgr_open_connection(rm, RCMGR_DIR_OUTBOUND, true, NULL, &out) ||
	    rcmgr_conn_bind_fd(out, cli) ||
	    rcmgr_open_stream(rm, "12D3KooWHolder", RCMGR_DIR_INBOUND, &s) ||
	    rcmgr_scope_reserve_memory(s, 4096, RCMGR_PRIO_ALWAYS)) {
		perror("rcmgr_holder");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
