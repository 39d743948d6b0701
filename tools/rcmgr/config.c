// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr config show
 * rcmgr config set BOUND NUMBER [ BOUND NUMBER ]...
 */
#include <stdio.h>

#include "cli.h"

/* In RCMGR_CONFIG_* bit order. */
static const char *const bound_words[] = {
	"max_handles", "max_owner_handles", "max_scopes",
	"max_user_handles", "max_user_scopes", "max_user_binds",
	"max_tracked", "max_allowlist",
};

static int config_show(struct rcmgr *rm, struct cmd *c)
{
	struct rcmgr_autoscale as;
	struct rcmgr_config cfg;
	int ret;

	ret = rcmgr_config_get(rm, &cfg);
	if (ret)
		return kernel_err(rm, ret);
	out_open();
	out_text("config");
	out_u64("max_handles", cfg.max_handles);
	out_u64("max_owner_handles", cfg.max_owner_handles);
	out_u64("max_scopes", cfg.max_scopes);
	out_u64("max_user_handles", cfg.max_user_handles);
	out_u64("max_user_scopes", cfg.max_user_scopes);
	out_u64("max_user_binds", cfg.max_user_binds);
	out_u64("handles", cfg.handles);
	out_u64("scopes", cfg.scopes);
	out_u64("user_handles", cfg.user_handles);
	out_u64("user_scopes", cfg.user_scopes);
	out_u64("user_binds", cfg.user_binds);
	/* A module without the endpoint policy says 0: no bound there. */
	if (cfg.max_tracked || cfg.max_allowlist) {
		out_u64("max_tracked", cfg.max_tracked);
		out_u64("tracked", cfg.tracked);
		out_u64("max_allowlist", cfg.max_allowlist);
		out_u64("allowlist_entries", cfg.allowlist_entries);
	}
	/* What the default limits are scaled from, if the module scales. */
	if (!rcmgr_autoscale_get(rm, &as) && (as.ram || as.memory || as.fds)) {
		out_u64("autoscale_ram", as.ram);
		out_u64("autoscale_memory", as.memory);
		out_u64("autoscale_fds", as.fds);
	}
	out_close();
	return EXIT_OK;
}

static int config_set(struct rcmgr *rm, struct cmd *c)
{
	int ret = rcmgr_config_update(rm, &c->config.cfg, c->config.which);

	return ret ? kernel_err(rm, ret) : EXIT_OK;
}

static int config_help(struct rcmgr *rm, struct cmd *c)
{
	printf("Usage: rcmgr config show\n"
	       "       rcmgr config set BOUND NUMBER [ BOUND NUMBER ]...\n"
	       "       rcmgr config help\n"
	       "BOUND := { max_handles | max_owner_handles | max_scopes |\n"
	       "           max_user_handles | max_user_scopes | max_user_binds |\n"
	       "           max_tracked | max_allowlist }\n"
	       "NUMBER := 1 .. 4294967295\n");
	return EXIT_OK;
}

int config_parse(int argc, char **argv, struct cmd *c)
{
	static const char *const cmds[] = { "show", "set", "help" };
	uint32_t *v[] = {
		&c->config.cfg.max_handles, &c->config.cfg.max_owner_handles,
		&c->config.cfg.max_scopes, &c->config.cfg.max_user_handles,
		&c->config.cfg.max_user_scopes, &c->config.cfg.max_user_binds,
		&c->config.cfg.max_tracked, &c->config.cfg.max_allowlist,
	};
	uint64_t n;
	int i = 0, k;

	if (argc) {
		i = pick("command", argv[0], cmds, ARRAY_SIZE(cmds));
		if (i < 0)
			return EXIT_USAGE;
		argc--, argv++;
	}
	if (i == 0) {
		c->run = config_show;
		return argc ? usage_err("\"config show\" takes no arguments") : 0;
	}
	if (i == 2) {
		c->run = config_help;
		c->no_module = true;
		return argc ? usage_err("\"config help\" takes no arguments") : 0;
	}
	c->run = config_set;
	if (!argc)
		return usage_err("nothing to set; give BOUND NUMBER pairs");
	for (; argc; argc -= 2, argv += 2) {
		k = pick("bound", argv[0], bound_words, ARRAY_SIZE(bound_words));
		if (k < 0)
			return EXIT_USAGE;
		if (argc < 2)
			return usage_err("\"%s\" needs a value", bound_words[k]);
		if (c->config.which & (1u << k))
			return usage_err("\"%s\" given twice", bound_words[k]);
		if (parse_u64(bound_words[k], argv[1], UINT32_MAX, &n))
			return EXIT_USAGE;
		if (!n)
			return usage_err("invalid %s \"0\": a bound is at least 1",
					 bound_words[k]);
		*v[k] = n;
		c->config.which |= 1u << k;
	}
	return 0;
}
