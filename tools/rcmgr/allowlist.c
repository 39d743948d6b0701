// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr allowlist add MULTIADDR
 * rcmgr allowlist del MULTIADDR
 * rcmgr allowlist show
 *
 * The namespace's allowlist (go-libp2p's WithAllowlistedMultiaddrs).  A
 * MULTIADDR is checked by the library before the module is reached; show
 * prints each entry as the kernel understood it, one per line, in a form
 * "allowlist add" and "allowlist del" take back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static int show_fn(const char *multiaddr, void *arg)
{
	out_open();
	out_str("multiaddr", multiaddr, false);
	out_close();
	return 0;
}

static int allowlist_show(struct rcmgr *rm, struct cmd *c)
{
	int ret;

	out_begin_list();
	ret = rcmgr_allowlist_list(rm, show_fn, NULL);
	out_end_list();
	if (ret == -EPERM) {
		fprintf(stderr, "Error: reading the allowlist needs CAP_NET_ADMIN in the network namespace's user namespace.\n");
		return EXIT_FAIL;
	}
	return ret < 0 ? kernel_err(rm, ret) : EXIT_OK;
}

static int allowlist_change(struct rcmgr *rm, struct cmd *c)
{
	int ret = c->allowlist.add ?
		rcmgr_allowlist_add(rm, c->allowlist.multiaddr) :
		rcmgr_allowlist_del(rm, c->allowlist.multiaddr);

	return ret ? kernel_err(rm, ret) : EXIT_OK;
}

static int allowlist_help(struct rcmgr *rm, struct cmd *c)
{
	printf("Usage: rcmgr allowlist { add | delete } MULTIADDR\n"
	       "       rcmgr allowlist show\n"
	       "       rcmgr allowlist help\n"
	       "MULTIADDR := { /ip4/ADDRESS | /ip6/ADDRESS }[/ipcidr/BITS][/p2p/PEER]\n");
	return EXIT_OK;
}

/* A multiaddr the library parses, or a usage error naming the bad part. */
int parse_multiaddr(const char *arg, char *out, size_t size)
{
	uint8_t bin[RCMGR_MULTIADDR_MAX];
	char esc[ESC_SIZE];

	if (rcmgr_multiaddr_parse(arg, bin, sizeof(bin)) < 0) {
		escape(rcmgr_last_error(NULL)->message,
		       strlen(rcmgr_last_error(NULL)->message), false, esc,
		       sizeof(esc));
		return usage_err("%s", esc);
	}
	if (strlen(arg) >= size)
		return usage_err("the multiaddr is too long");
	strcpy(out, arg);
	return 0;
}

int allowlist_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = {
		"add", "delete", "show", "list", "help",
	};
	int i = 2;

	if (argc) {
		i = pick("command", argv[0], cmds, ARRAY_SIZE(cmds));
		if (i < 0)
			return EXIT_USAGE;
		argc--, argv++;
	}
	switch (i) {
	case 0:
	case 1:
		c->run = allowlist_change;
		c->allowlist.add = !i;
		if (argc != 1)
			return usage_err("\"allowlist %s\" takes one MULTIADDR",
					 cmds[i]);
		return parse_multiaddr(argv[0], c->allowlist.multiaddr,
				       sizeof(c->allowlist.multiaddr));
	case 2:
	case 3:
		c->run = allowlist_show;
		if (argc)
			return usage_err("\"allowlist show\" takes no arguments");
		return 0;
	default:
		c->run = allowlist_help;
		c->no_module = true;
		if (argc)
			return usage_err("\"allowlist help\" takes no arguments");
		return 0;
	}
}
