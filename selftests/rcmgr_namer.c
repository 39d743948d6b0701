// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr_namer NAME...: hold one stream per NAME (raw bytes, any but NUL),
 * with NAME as its peer and its protocol, so the CLI tests can show scopes
 * whose names are not text.  Prints "ready", then holds until killed.
 */
#include <stdio.h>
#include <unistd.h>
#include <rcmgr/rcmgr.h>

int main(int argc, char **argv)
{
	struct rcmgr_scope *s;
	struct rcmgr *rm;
	int i;

	if (rcmgr_open(&rm)) {
		perror("rcmgr_namer: rcmgr_open");
		return 1;
	}
	for (i = 1; i < argc; i++) {
		if (rcmgr_open_stream(rm, argv[i], RCMGR_DIR_INBOUND, &s) ||
		    rcmgr_stream_set_protocol(s, argv[i])) {
			perror("rcmgr_namer");
			return 1;
		}
	}
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}
