// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr_endpoints [-h] ENDPOINT COUNT: open COUNT inbound conns (no fd)
 * with remote ENDPOINT, a multiaddr, for rcmgr_netpolicy.sh to see the
 * per-address limits and the allowlist at work through the tool.  Prints
 * "opened PID OPENED REFUSED ERRNO" (REFUSED: opens that failed, ERRNO:
 * the last failure's, 0 if none), then "message TEXT" with the last
 * failure's rcmgr_last_error() message, if any; with -h, holds the conns
 * until killed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

int main(int argc, char **argv)
{
	char message[sizeof(((struct rcmgr_error *)0)->message)] = "";
	int i, n, opened = 0, refused = 0, last = 0, ret;
	struct rcmgr_scope *c;
	bool hold = false;
	struct rcmgr *rm;

	if (argc > 1 && !strcmp(argv[1], "-h")) {
		hold = true;
		argc--, argv++;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: rcmgr_endpoints [-h] ENDPOINT COUNT\n");
		return 1;
	}
	n = atoi(argv[2]);
	ret = rcmgr_open(&rm);
	if (ret) {
		fprintf(stderr, "rcmgr_endpoints: open: %d\n", ret);
		return 1;
	}
	for (i = 0; i < n; i++) {
		ret = rcmgr_open_connection(rm, RCMGR_DIR_INBOUND, false,
					    argv[1], &c);
		if (!ret) {
			opened++;
			continue;
		}
		refused++;
		last = -ret;
		snprintf(message, sizeof(message), "%s",
			 rcmgr_last_error(rm)->message);
	}
	printf("opened %d %d %d %d\n", getpid(), opened, refused, last);
	if (message[0])
		printf("message %s\n", message);
	fflush(stdout);
	if (hold)
		pause();
	rcmgr_close(rm);
	return 0;
}
