// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr monitor: the handles the kernel ends, one line (or one JSON
 * object) each, flushed at once, until interrupted.  Events the kernel
 * dropped because we were slow are reported as a "lost" line, and the
 * monitor goes on.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int monitor_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = { "help" };

	if (!argc)
		return 0;
	if (pick("command", argv[0], cmds, ARRAY_SIZE(cmds)) < 0)
		return EXIT_USAGE;
	if (argc > 1)
		return usage_err("\"monitor help\" takes no arguments");
	printf("Usage: rcmgr [ -j ] monitor\n"
	       "       rcmgr monitor help\n");
	c->no_module = true;
	return 0;
}

int monitor_run(void)
{
	struct rcmgr_monitor *mon;
	struct rcmgr_event ev;
	int ret;

	ret = rcmgr_monitor_open(&mon);
	if (ret) {
		fprintf(stderr, "Error: cannot join the rcmgr events group: %s.\n",
			strerror(-ret));
		return EXIT_FAIL;
	}
	for (;;) {
		ret = rcmgr_monitor_read(mon, &ev);
		if (ret == -ENOBUFS) {
			out_open();
			out_str("event", "lost", false);
			out_u64("overruns", rcmgr_monitor_lost(mon));
			out_close();
		} else if (ret) {
			break;
		} else {
			out_open();
			out_str("event", "closed", false);
			out_text(" ");
			out_str("kind", kind_name(ev.kind), false);
			out_u64("id", ev.id);
			out_u64("owner", ev.owner);
			out_close();
		}
		if (out_flush()) {
			rcmgr_monitor_close(mon);
			return EXIT_WRITE;
		}
	}
	rcmgr_monitor_close(mon);
	fprintf(stderr, "Error: %s.\n", strerror(-ret));
	return EXIT_FAIL;
}
