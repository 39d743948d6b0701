// SPDX-License-Identifier: GPL-2.0
/*
 * Scopes: counters and their limits.
 *
 * Each resource of a scope is an atomic counter in the page_counter style:
 * usage, a high watermark and a count of refusals.  Reads of a scope's
 * counters are lockless and may mix values from concurrent reservations;
 * every single value is exact.
 */
#include "rcmgr.h"

/**
 * rcmgr_scope_init() - initialise an empty scope
 * @s: the scope
 * @kind: what it accounts
 * @limit: the limits that apply to it; must outlive the scope
 */
void rcmgr_scope_init(struct rcmgr_scope *s, enum rcmgr_scope_kind kind,
		      const struct rcmgr_limit *limit)
{
	int r;

	s->kind = kind;
	s->limit = limit;
	for (r = 0; r < RCMGR_NR_RES; r++) {
		atomic64_set(&s->res[r].usage, 0);
		atomic64_set(&s->res[r].peak, 0);
		atomic64_set(&s->res[r].failcnt, 0);
	}
}

/**
 * rcmgr_scope_stat() - snapshot a scope's usage and limits
 * @s: the scope
 * @st: filled in
 *
 * Context: any; takes no lock.
 */
void rcmgr_scope_stat(const struct rcmgr_scope *s, struct rcmgr_stat *st)
{
	int r;

	for (r = 0; r < RCMGR_NR_RES; r++) {
		st->usage[r] = atomic64_read(&s->res[r].usage);
		st->limit[r] = READ_ONCE(s->limit->max[r]);
	}
}
