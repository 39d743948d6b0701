// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr scope show, as a tree: the DAG drawn the way an admin thinks of
 * it, system at the root; transient, services, protocols and peers under
 * it; a service's or protocol's per-peer scopes under it; conns and
 * streams under their peer (under transient until they have one, or for a
 * stream, a protocol); spans under what they charge.  allowlisted-system
 * is a root of its own, with allowlisted-transient and the allowlisted
 * conns that have no peer yet under it.  A scope is charged
 * to more than its tree parent (a stream also to its protocol and
 * service): the tree is where to look, the limits are each scope's own.
 *
 * Columns: used/limit per resource (memory in KiB, MiB...), the highest
 * utilisation and its resource, and the scope's refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { G_SERVICES, G_PROTOCOLS, G_PEERS, NR_GROUPS };
static const char *const groups[NR_GROUPS] = { "services", "protocols", "peers" };

struct node {
	const struct rcmgr_scope_info *i;	/* NULL: a group */
	int group;
	int parent;				/* -1: a root */
	int rank;				/* among siblings */
};

static struct node *nodes;
static size_t nnodes;
static const struct rcmgr_scope_info *by_key_base;
static int *by_key;		/* scope indices by kind, then name */
static size_t nscopes;

static const char *key_name(const struct rcmgr_scope_info *i, size_t *len)
{
	switch (i->kind) {
	case RCMGR_KIND_SERVICE:
		*len = i->service_len;
		return i->service;
	case RCMGR_KIND_PROTOCOL:
		*len = i->protocol_len;
		return i->protocol;
	case RCMGR_KIND_PEER:
		*len = i->peer_len;
		return i->peer;
	default:
		*len = 0;
		return NULL;
	}
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl)
{
	int r = memcmp(a ? a : "", b ? b : "", al < bl ? al : bl);

	return r ? r : (al > bl) - (al < bl);
}

static int key_cmp(const void *x, const void *y)
{
	const struct rcmgr_scope_info *a = &by_key_base[*(const int *)x];
	const struct rcmgr_scope_info *b = &by_key_base[*(const int *)y];
	const char *an, *bn;
	size_t al, bl;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	an = key_name(a, &al);
	bn = key_name(b, &bl);
	return cmp_bytes(an, al, bn, bl);
}

/* The scope of @kind named @name, or -1. */
static int find_named(enum rcmgr_kind kind, const char *name, size_t len)
{
	size_t lo = 0, hi = nscopes;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct rcmgr_scope_info *m = &by_key_base[by_key[mid]];
		const char *mn;
		size_t ml;
		int r;

		if (m->kind != kind) {
			r = m->kind < kind ? -1 : 1;
		} else {
			mn = key_name(m, &ml);
			r = cmp_bytes(mn, ml, name, len);
		}
		if (!r)
			return by_key[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int find_id(const struct snap *sn, uint64_t id)
{
	size_t k;

	for (k = 0; k < sn->n; k++)
		if (sn->s[k].id == id)
			return k;
	return -1;
}

static int tree_parent(const struct snap *sn, size_t k, int sys, int trans)
{
	const struct rcmgr_scope_info *i = &sn->s[k];
	size_t g = sn->n;	/* the groups follow the scopes */
	int p = -1;

	switch (i->kind) {
	case RCMGR_KIND_SYSTEM:
	case RCMGR_KIND_ALLOWLISTED_SYSTEM:
		return -1;
	case RCMGR_KIND_TRANSIENT:
		return sys;
	case RCMGR_KIND_ALLOWLISTED_TRANSIENT:
		return find_named(RCMGR_KIND_ALLOWLISTED_SYSTEM, NULL, 0);
	case RCMGR_KIND_SERVICE:
		return g + G_SERVICES;
	case RCMGR_KIND_PROTOCOL:
		return g + G_PROTOCOLS;
	case RCMGR_KIND_PEER:
		return g + G_PEERS;
	case RCMGR_KIND_SERVICE_PEER:
		p = find_named(RCMGR_KIND_SERVICE, i->service, i->service_len);
		return p >= 0 ? p : (int)(g + G_SERVICES);
	case RCMGR_KIND_PROTOCOL_PEER:
		p = find_named(RCMGR_KIND_PROTOCOL, i->protocol, i->protocol_len);
		return p >= 0 ? p : (int)(g + G_PROTOCOLS);
	case RCMGR_KIND_CONN:
		if (i->peer)
			p = find_named(RCMGR_KIND_PEER, i->peer, i->peer_len);
		if (p < 0 && i->allowlisted)
			p = find_named(RCMGR_KIND_ALLOWLISTED_TRANSIENT, NULL, 0);
		return p >= 0 ? p : (trans >= 0 ? trans : sys);
	case RCMGR_KIND_STREAM:
		if (i->peer && i->protocol)
			p = find_named(RCMGR_KIND_PEER, i->peer, i->peer_len);
		return p >= 0 ? p : (trans >= 0 ? trans : sys);
	case RCMGR_KIND_SPAN:
		p = find_id(sn, i->parent);
		return p >= 0 ? p : sys;
	default:
		return sys;
	}
}

/* Siblings: groups in their order, then by kind, name, id. */
static int sibling_cmp(const void *x, const void *y)
{
	const struct node *a = &nodes[*(const int *)x];
	const struct node *b = &nodes[*(const int *)y];
	const char *an, *bn;
	size_t al, bl;
	int r;

	if (a->parent != b->parent)
		return a->parent < b->parent ? -1 : 1;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (!a->i || !b->i)
		return 0;
	an = key_name(a->i, &al);
	bn = key_name(b->i, &bl);
	if (!an && a->i->peer) {
		an = a->i->peer;
		al = a->i->peer_len;
	}
	if (!bn && b->i->peer) {
		bn = b->i->peer;
		bl = b->i->peer_len;
	}
	r = cmp_bytes(an, al, bn, bl);
	if (r)
		return r;
	return (a->i->id > b->i->id) - (a->i->id < b->i->id);
}

static int rank(const struct node *n)
{
	static const int kind_rank[] = {
		[RCMGR_KIND_SYSTEM] = 0, [RCMGR_KIND_TRANSIENT] = 1,
		[RCMGR_KIND_SERVICE] = 5, [RCMGR_KIND_PROTOCOL] = 5,
		[RCMGR_KIND_PEER] = 5, [RCMGR_KIND_SERVICE_PEER] = 6,
		[RCMGR_KIND_PROTOCOL_PEER] = 6, [RCMGR_KIND_CONN] = 7,
		[RCMGR_KIND_STREAM] = 8, [RCMGR_KIND_SPAN] = 9,
		[RCMGR_KIND_ALLOWLISTED_SYSTEM] = 0,
		[RCMGR_KIND_ALLOWLISTED_TRANSIENT] = 1,
	};

	if (!n->i)
		return 2 + n->group;
	if ((size_t)n->i->kind < ARRAY_SIZE(kind_rank))
		return kind_rank[n->i->kind];
	return 10;
}

/* The tree's label of a scope: its parent row says the rest. */
static void label(const struct rcmgr_scope_info *i, char *buf, size_t size)
{
	static const char *const dirs[] = { "", " inbound", " outbound" };
	const char *dir = dirs[i->dir <= 2 ? i->dir : 0];
	char esc[ESC_SIZE], pe[ESC_SIZE] = "";
	const char *name;
	size_t len;

	if (i->peer)
		escape(i->peer, i->peer_len, true, pe, sizeof(pe));
	switch (i->kind) {
	case RCMGR_KIND_SERVICE:
	case RCMGR_KIND_PROTOCOL:
	case RCMGR_KIND_PEER:
		name = key_name(i, &len);
		escape(name, len, true, esc, sizeof(esc));
		snprintf(buf, size, "%s", esc);
		break;
	case RCMGR_KIND_SERVICE_PEER:
	case RCMGR_KIND_PROTOCOL_PEER:
		snprintf(buf, size, "peer %s", pe);
		break;
	case RCMGR_KIND_CONN:
		snprintf(buf, size, "conn %llu%s%s%s", (unsigned long long)i->id,
			 dir, i->usefd ? " fd" : "",
			 i->allowlisted ? " allowlisted" : "");
		break;
	case RCMGR_KIND_STREAM:
		esc[0] = '\0';
		if (i->protocol)
			escape(i->protocol, i->protocol_len, true, esc,
			       sizeof(esc));
		snprintf(buf, size, "stream %llu%s%s%s%s%s",
			 (unsigned long long)i->id, dir,
			 esc[0] ? " " : "", esc,
			 i->protocol ? "" : " peer ", i->protocol ? "" : pe);
		break;
	case RCMGR_KIND_SPAN:
		snprintf(buf, size, "span %llu", (unsigned long long)i->id);
		break;
	default:
		snprintf(buf, size, "%s", kind_name(i->kind));
	}
}

#define NR_COLS		11
static const char *const heads[NR_COLS] = {
	"SCOPE", "MEMORY", "STREAMS", "CONNS", "FD", "UTIL", "BLOCKED",
	"S_IN", "S_OUT", "C_IN", "C_OUT",
};

struct row {
	char *col[NR_COLS];
};

static struct row *rows;
static size_t nrows;

static size_t width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		w += ((unsigned char)*s & 0xc0) != 0x80;	/* UTF-8 */
	return w;
}

static void add_row(const char *prefix, const struct node *n)
{
	const struct rcmgr_scope_info *i = n->i;
	struct row *r = &rows[nrows++];
	char lab[2 * ESC_SIZE + 64], buf[4096 + sizeof(lab)], cell[80];
	int res, p;

	memset(r, 0, sizeof(*r));
	if (!i) {
		snprintf(buf, sizeof(buf), "%s%s", prefix, groups[n->group]);
		r->col[0] = strdup(buf);
		return;
	}
	label(i, lab, sizeof(lab));
	snprintf(buf, sizeof(buf), "%s%s", prefix, lab);
	r->col[0] = strdup(buf);
	r->col[1] = strdup(used_limit(i->usage.memory, i->limit.memory, true,
				      cell, sizeof(cell)));
	r->col[2] = strdup(used_limit(i->usage.streams, i->limit.streams,
				      false, cell, sizeof(cell)));
	r->col[3] = strdup(used_limit(i->usage.conns, i->limit.conns, false,
				      cell, sizeof(cell)));
	r->col[4] = strdup(used_limit(i->usage.fd, i->limit.fd, false, cell,
				      sizeof(cell)));
	p = scope_util(i, &res);
	if (res < 0)
		snprintf(cell, sizeof(cell), "-");
	else if (p > 0 && p < 10)
		snprintf(cell, sizeof(cell), "<1%% %s", res_keys[res]);
	else
		snprintf(cell, sizeof(cell), "%d%% %s", p / 10, res_keys[res]);
	r->col[5] = strdup(cell);
	snprintf(cell, sizeof(cell), "%lld", (long long)scope_blocked(i));
	r->col[6] = strdup(cell);
	r->col[7] = strdup(used_limit(i->usage.streams_inbound,
				      i->limit.streams_inbound, false, cell,
				      sizeof(cell)));
	r->col[8] = strdup(used_limit(i->usage.streams_outbound,
				      i->limit.streams_outbound, false, cell,
				      sizeof(cell)));
	r->col[9] = strdup(used_limit(i->usage.conns_inbound,
				      i->limit.conns_inbound, false, cell,
				      sizeof(cell)));
	r->col[10] = strdup(used_limit(i->usage.conns_outbound,
				       i->limit.conns_outbound, false, cell,
				       sizeof(cell)));
}

static int *order, *first, *count;

static void walk(int k, const char *prefix, const char *branch, int depth)
{
	char here[4096], next[4096];
	int c;

	snprintf(here, sizeof(here), "%s%s", prefix, branch);
	add_row(here, &nodes[k]);
	if (depth > 64)
		return;		/* spans of spans, deeper than anyone reads */
	for (c = 0; c < count[k]; c++) {
		bool last = c == count[k] - 1;

		snprintf(next, sizeof(next), "%s%s", prefix,
			 !depth ? "" : (!strcmp(branch, "`- ") ? "   " : "|  "));
		walk(order[first[k] + c], next, last ? "`- " : "|- ",
		     depth + 1);
	}
}

static void print_rows(void)
{
	size_t w[NR_COLS] = {}, k, c, ncols = show_details ? NR_COLS : 7;

	for (c = 0; c < ncols; c++)
		w[c] = width(heads[c]);
	for (k = 0; k < nrows; k++)
		for (c = 0; c < ncols; c++)
			if (rows[k].col[c] && width(rows[k].col[c]) > w[c])
				w[c] = width(rows[k].col[c]);
	for (k = 0; k <= nrows; k++) {
		if (k && !rows[k - 1].col[1]) {		/* a group */
			puts(rows[k - 1].col[0]);
			continue;
		}
		for (c = 0; c < ncols; c++) {
			const char *s = k ? rows[k - 1].col[c] : heads[c];
			size_t pad;

			if (!s)
				s = "";
			pad = w[c] - width(s);
			/* Names left, numbers right, no trailing blanks. */
			if (c == 0 || c == 5) {
				fputs(s, stdout);
				if (c + 1 < ncols)
					printf("%*s", (int)(pad + 2), "");
			} else {
				printf("%*s%s%s", (int)pad, "", s,
				       c + 1 < ncols ? "  " : "");
			}
		}
		putchar('\n');
	}
}

int scope_tree(struct rcmgr *rm, struct cmd *c)
{
	int sys = -1, trans = -1, ret;
	struct snap sn;
	size_t k, nord = 0;

	ret = snap_take(rm, &sn);
	if (ret)
		return kernel_err(rm, ret);
	nscopes = sn.n;
	nnodes = sn.n + NR_GROUPS;
	nodes = calloc(nnodes, sizeof(*nodes));
	by_key = calloc(sn.n + 1, sizeof(*by_key));
	order = calloc(nnodes, sizeof(*order));
	first = calloc(nnodes + 1, sizeof(*first));
	count = calloc(nnodes + 1, sizeof(*count));
	rows = calloc(nnodes, sizeof(*rows));
	if (!nodes || !by_key || !order || !first || !count || !rows) {
		fprintf(stderr, "Error: out of memory.\n");
		return EXIT_FAIL;
	}
	by_key_base = sn.s;
	for (k = 0; k < sn.n; k++) {
		by_key[k] = k;
		if (sn.s[k].kind == RCMGR_KIND_SYSTEM)
			sys = k;
		if (sn.s[k].kind == RCMGR_KIND_TRANSIENT)
			trans = k;
	}
	qsort(by_key, sn.n, sizeof(*by_key), key_cmp);
	for (k = 0; k < sn.n; k++) {
		nodes[k].i = &sn.s[k];
		nodes[k].parent = tree_parent(&sn, k, sys, trans);
	}
	for (k = 0; k < NR_GROUPS; k++) {
		nodes[sn.n + k].group = k;
		nodes[sn.n + k].parent = sys;
	}
	/* Groups with no members are not drawn. */
	for (k = 0; k < nnodes; k++) {
		nodes[k].rank = rank(&nodes[k]);
		if (nodes[k].parent >= 0)
			count[nodes[k].parent]++;
	}
	for (k = 0; k < nnodes; k++)
		if (nodes[k].i || count[k])
			order[nord++] = k;
	qsort(order, nord, sizeof(*order), sibling_cmp);
	memset(count, 0, (nnodes + 1) * sizeof(*count));
	for (k = 0; k < nord; k++) {
		int p = nodes[order[k]].parent;

		if (p < 0)
			continue;
		if (!count[p])
			first[p] = k;
		count[p]++;
	}
	for (k = 0; k < nord; k++)
		if (nodes[order[k]].parent < 0)
			walk(order[k], "", "", 0);
	print_rows();
	for (k = 0; k < nrows; k++)
		for (int col = 0; col < NR_COLS; col++)
			free(rows[k].col[col]);
	free(rows);
	free(nodes);
	free(by_key);
	free(order);
	free(first);
	free(count);
	snap_free(&sn);
	return EXIT_OK;
}
