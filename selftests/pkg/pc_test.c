// SPDX-License-Identifier: GPL-2.0
/*
 * A program a P2P daemon's author would write, built only from what
 * "make install" laid out: cc pc_test.c $(pkg-config --cflags --libs
 * librcmgr).  Run where rcmgr.ko is loaded, it opens a manager, reads the
 * system scope, and says "pc_test: ok".
 */
#include <stdio.h>
#include <string.h>
#include <rcmgr/rcmgr.h>
#include <linux/rcmgr.h>

static int show(struct rcmgr_scope *s, void *arg)
{
	struct rcmgr_stat st;
	int err;

	err = rcmgr_scope_stat(s, &st);
	if (err)
		return err;
	printf("pc_test: %s memory %lld conns_inbound %d\n",
	       rcmgr_scope_name(s), (long long)st.memory, st.num_conns_inbound);
	return 0;
}

int main(void)
{
	struct rcmgr *rm;
	int err;

	/* The uapi header is installed too. */
	if (strcmp(RCMGR_FAMILY_NAME, "rcmgr")) {
		fprintf(stderr, "pc_test: wrong family name\n");
		return 1;
	}
	err = rcmgr_open(&rm);
	if (err) {
		fprintf(stderr, "pc_test: rcmgr_open: %s\n", strerror(-err));
		return 1;
	}
	err = rcmgr_view_system(rm, show, NULL);
	rcmgr_close(rm);
	if (err) {
		fprintf(stderr, "pc_test: system scope: %s\n", strerror(-err));
		return 1;
	}
	printf("pc_test: ok\n");
	return 0;
}
