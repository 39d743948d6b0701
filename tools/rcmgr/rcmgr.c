// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr: inspect and tune the kernel resource manager.
 *
 *   rcmgr [ OPTIONS ] OBJECT { COMMAND | help }
 *
 * iproute2 grammar: options, objects, commands and keywords are taken by
 * unique prefix (an ambiguous prefix is an error, everywhere); an object
 * without a command shows it; one print path renders text or JSON.
 * The whole command line is checked before the module is reached.
 */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

bool json, pretty, show_stats, show_details;

static int help(FILE *f, int ret)
{
	fprintf(f,
		"Usage: rcmgr [ OPTIONS ] OBJECT { COMMAND | help }\n"
		"       rcmgr [ -j ] monitor\n"
		"       rcmgr [ -j ] top [ -n COUNT ] [ -d SECONDS ]\n"
		"       rcmgr metrics\n"
		"OBJECT := { scope | limit | allowlist | config | monitor | top |\n"
		"            metrics }\n"
		"OPTIONS := { -j[son] | -p[retty] | -d[etails] | -s[tatistics] |\n"
		"             -n[etns] NETNS | -V[ersion] | -h[elp] }\n");
	return ret;
}

/* -n NETNS: a name under /run/netns, as ip(8) makes them, or a path. */
static int enter_netns(const char *name)
{
	char path[4096];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "Error: cannot enter network namespace \"%s\": %m.\n",
			name);
		if (fd >= 0)
			close(fd);
		return EXIT_FAIL;
	}
	close(fd);
	return 0;
}

static int run(int argc, char **argv)
{
	static const char *const opts[] = {
		"-json", "-pretty", "-details", "-statistics", "-netns",
		"-Version", "-help", "-version",	/* wg's --version */
	};
	static const char *const objects[] = {
		"scope", "limit", "config", "monitor", "help", "top",
		"metrics", "allowlist",
	};
	const char *netns = NULL;
	struct cmd c = {};
	struct rcmgr *rm;
	int i, ret;

	for (; argc && argv[0][0] == '-'; argc--, argv++) {
		const char *opt = argv[0];

		if (!strcmp(opt, "--")) {
			argc--, argv++;
			break;
		}
		/* "--json" as well as "-json", as iproute2 takes them. */
		if (opt[1] == '-')
			opt++;
		i = pick("option", opt, opts, ARRAY_SIZE(opts));
		if (i < 0)
			return EXIT_USAGE;
		switch (i) {
		case 0:
			json = true;
			break;
		case 1:
			pretty = true;
			break;
		case 2:
			show_details = true;
			break;
		case 3:
			show_stats = true;
			break;
		case 4:
			if (argc < 2)
				return usage_err("\"-netns\" needs a namespace name");
			netns = argv[1];
			argc--, argv++;
			break;
		case 5:
		case 7:
			printf("rcmgr %s\n", RCMGR_VERSION);
			return out_flush();
		default:
			help(stdout, EXIT_OK);
			return out_flush();
		}
	}
	if (!argc)
		return help(stderr, EXIT_USAGE);
	i = pick("object", argv[0], objects, ARRAY_SIZE(objects));
	if (i < 0)
		return EXIT_USAGE;
	argc--, argv++;
	switch (i) {
	case 0:
		ret = scope_parse(argc, argv, &c);
		break;
	case 1:
		ret = limit_parse(argc, argv, &c);
		break;
	case 2:
		ret = config_parse(argc, argv, &c);
		break;
	case 3:
		ret = monitor_parse(argc, argv, &c);
		break;
	case 5:
		ret = top_parse(argc, argv, &c);
		break;
	case 6:
		ret = metrics_parse(argc, argv, &c);
		break;
	case 7:
		ret = allowlist_parse(argc, argv, &c);
		break;
	default:
		if (argc)
			return usage_err("\"help\" takes no arguments");
		help(stdout, EXIT_OK);
		return out_flush();
	}
	if (ret)
		return ret;
	if (c.no_module && !c.run)
		return out_flush();	/* monitor help */
	if (c.no_module) {
		ret = c.run(NULL, &c);
		return ret ? ret : out_flush();
	}
	if (netns && enter_netns(netns))
		return EXIT_FAIL;
	if (i == 3 && !c.run) {
		ret = monitor_run();
		return ret ? ret : out_flush();
	}
	ret = rcmgr_open(&rm);
	if (ret) {
		fprintf(stderr, "Error: cannot reach the rcmgr module: %s.\n",
			strerror(-ret));
		return EXIT_FAIL;
	}
	ret = c.run(rm, &c);
	rcmgr_close(rm);
	if (ret)
		return ret;
	return out_flush();
}

int main(int argc, char **argv)
{
	int ret = run(argc - 1, argv + 1);

	/* What is still buffered, and errors a flush did not see. */
	if (fclose(stdout) && ret == EXIT_OK) {
		fprintf(stderr, "Error: cannot write the output: %m.\n");
		ret = EXIT_WRITE;
	}
	return ret;
}
