/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rcmgr tool's internals: argument parsing (parse.c), the one print
 * path for text and JSON (print.c), and one file per object.
 *
 * Every command parses its whole command line before the module is
 * reached, so a usage error never half-applies anything.
 */
#ifndef _RCMGR_CLI_H
#define _RCMGR_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rcmgr/rcmgr.h>

/* Exit codes, as rcmgr(8) documents them. */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the kernel refused, or was not reached */
#define EXIT_WRITE	2	/* the output could not be written */
#define EXIT_USAGE	255

extern bool json, pretty, show_stats, show_details;

/* parse.c */
#define NO_MATCH	(-1)
#define AMBIGUOUS	(-2)
int match_word(const char *arg, const char *const *words, size_t n);
int pick(const char *what, const char *arg, const char *const *words,
	 size_t n);
int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int parse_u64(const char *what, const char *arg, uint64_t max, uint64_t *v);
int parse_limit(const char *what, const char *arg, bool size, int64_t *v);
int parse_rate(const char *what, const char *arg, int64_t *v);
int parse_name(const char *what, const char *arg, char *out, size_t size);
size_t escape(const char *p, size_t len, bool text, char *out, size_t size);
int kernel_err(struct rcmgr *rm, int ret);

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
/* Names are at most 256 bytes in the kernel; escaped, four times that. */
#define NAME_MAX_LEN	512
#define ESC_SIZE	(4 * NAME_MAX_LEN + 1)

/* print.c */
void out_begin_list(void);
void out_open(void);
void out_close(void);
void out_nest(const char *key);
void out_unnest(void);
void out_text(const char *s);
void out_str(const char *key, const char *val, bool with_key);
void out_name(const char *key, const char *p, size_t len);
void out_u64(const char *key, uint64_t v);
void out_rate(const char *key, int64_t v);
void out_limit(const char *key, int64_t v);
void out_flag(const char *key, bool v);
int out_end_list(void);
int out_flush(void);

/* Resources, in the kernel's order: keywords and struct fields. */
extern const char *const res_keys[8];
#define RES_FIELDS(s) {							\
	&(s)->memory, &(s)->streams_inbound, &(s)->streams_outbound,	\
	&(s)->streams, &(s)->conns_inbound, &(s)->conns_outbound,	\
	&(s)->conns, &(s)->fd,						\
}

/* One object's commands: parse argv, then run against the module. */
struct cmd {
	int (*run)(struct rcmgr *rm, struct cmd *c);
	bool no_module;			/* help: runs without the module */
	union {
		struct {
			enum rcmgr_kind kind;
			bool by_id, by_name;
			uint64_t id;
			char name[NAME_MAX_LEN + 1];
			size_t name_len;
		} scope;
		struct {
			int class;		/* -1: all */
			bool named;
			char name[NAME_MAX_LEN + 1];
			size_t name_len;
			struct rcmgr_limit l;
			unsigned int which;
		} limit;
		struct {
			struct rcmgr_config cfg;
			unsigned int which;
		} config;
		struct {
			bool add;
			char multiaddr[RCMGR_MULTIADDR_TEXT_MAX];
		} allowlist;
		struct {
			int table;		/* enum rcmgr_netlimit */
			struct rcmgr_netrule rule;
			unsigned int which;	/* 1 rate, 2 burst, 4 conns */
			bool del;
		} net;
		struct {
			uint64_t count;		/* frames; 0: until interrupted */
			unsigned int delay_ms;
		} top;
	};
};

int scope_parse(int argc, char **argv, struct cmd *c);
int limit_parse(int argc, char **argv, struct cmd *c);
int config_parse(int argc, char **argv, struct cmd *c);
int monitor_parse(int argc, char **argv, struct cmd *c);
int monitor_run(void);
int limitfile_cmd(bool load, const char *file, struct cmd *c);
int allowlist_parse(int argc, char **argv, struct cmd *c);
int parse_multiaddr(const char *arg, char *out, size_t size);
int netlimit_table(const char *word);
int netlimit_parse(int cmd, int table, int argc, char **argv, struct cmd *c);

/* snap.c: every scope at once, for the tree, top and metrics. */
struct snap {
	struct rcmgr_scope_info *s;	/* strings owned by the snapshot */
	size_t n, size;
};
int snap_take(struct rcmgr *rm, struct snap *sn);
void snap_free(struct snap *sn);
int util_permille(int64_t used, int64_t limit);
int scope_util(const struct rcmgr_scope_info *i, int *res);
int64_t scope_blocked(const struct rcmgr_scope_info *i);
const char *human_bytes(int64_t v, char *buf, size_t size);
const char *used_limit(int64_t used, int64_t limit, bool bytes, char *buf,
		       size_t size);
void scope_label(const struct rcmgr_scope_info *i, char *buf, size_t size);

/* tree.c, top.c, metrics.c */
int scope_tree(struct rcmgr *rm, struct cmd *c);
int top_parse(int argc, char **argv, struct cmd *c);
int metrics_parse(int argc, char **argv, struct cmd *c);
const char *kind_name(enum rcmgr_kind k);

#endif /* _RCMGR_CLI_H */
