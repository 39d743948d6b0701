// SPDX-License-Identifier: GPL-2.0
/*
 * A snapshot of every scope (one consistent dump), kept after the dump's
 * callbacks return, for the views that need all of it at once: the tree,
 * top and metrics.  Also how full a scope is, and sizes for people.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static char *dup_bytes(const char *p, size_t len)
{
	char *s;

	if (!p)
		return NULL;
	s = malloc(len + 1);
	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

static int take_fn(const struct rcmgr_scope_info *i, void *arg)
{
	struct snap *sn = arg;
	struct rcmgr_scope_info *c;

	if (sn->n == sn->size) {
		size_t size = sn->size ? 2 * sn->size : 64;
		struct rcmgr_scope_info *s;

		s = realloc(sn->s, size * sizeof(*s));
		if (!s)
			return -ENOMEM;
		sn->s = s;
		sn->size = size;
	}
	c = &sn->s[sn->n++];
	*c = *i;
	/* Names are bytes: copied with their length, NUL-terminated too. */
	c->peer = dup_bytes(i->peer, i->peer_len);
	c->protocol = dup_bytes(i->protocol, i->protocol_len);
	c->service = dup_bytes(i->service, i->service_len);
	c->endpoint = i->endpoint ? strdup(i->endpoint) : NULL;
	c->sock_local = i->sock_local ? strdup(i->sock_local) : NULL;
	c->sock_remote = i->sock_remote ? strdup(i->sock_remote) : NULL;
	if ((i->peer && !c->peer) || (i->protocol && !c->protocol) ||
	    (i->service && !c->service))
		return -ENOMEM;
	return 0;
}

/* Return: 0, or the library's negative errno (rcmgr_last_error() says). */
int snap_take(struct rcmgr *rm, struct snap *sn)
{
	int ret;

	memset(sn, 0, sizeof(*sn));
	ret = rcmgr_dump(rm, 0, take_fn, sn);
	if (ret < 0)
		snap_free(sn);
	return ret < 0 ? ret : 0;
}

void snap_free(struct snap *sn)
{
	size_t k;

	for (k = 0; k < sn->n; k++) {
		free((char *)sn->s[k].peer);
		free((char *)sn->s[k].protocol);
		free((char *)sn->s[k].service);
		free((char *)sn->s[k].endpoint);
		free((char *)sn->s[k].sock_local);
		free((char *)sn->s[k].sock_remote);
	}
	free(sn->s);
	memset(sn, 0, sizeof(*sn));
}

/* Per mille of @limit that @used is: an unlimited limit is never full. */
int util_permille(int64_t used, int64_t limit)
{
	double u;

	if (limit == RCMGR_LIMIT_UNLIMITED || used <= 0)
		return 0;
	if (limit <= 0)
		return 1000;
	u = (double)used * 1000.0 / (double)limit;
	return u > 1000000.0 ? 1000000 : (int)u;
}

/*
 * How full a scope is: the highest per mille over its resources, and
 * which (an index of res_keys[]); @res gets -1 when nothing is held.
 */
int scope_util(const struct rcmgr_scope_info *i, int *res)
{
	const int64_t *u[] = RES_FIELDS(&i->usage);
	const int64_t *l[] = RES_FIELDS(&i->limit);
	int best = 0, k, p;

	*res = -1;
	for (k = 0; k < (int)ARRAY_SIZE(u); k++) {
		p = util_permille(*u[k], *l[k]);
		if (*u[k] > 0 && (*res < 0 || p > best)) {
			best = p;
			*res = k;
		}
	}
	return best;
}

int64_t scope_blocked(const struct rcmgr_scope_info *i)
{
	const int64_t *b[] = RES_FIELDS(&i->blocked);
	int64_t sum = 0;
	size_t k;

	for (k = 0; k < ARRAY_SIZE(b); k++)
		sum += *b[k];
	return sum;
}

/* "0 B", "512 B", "4 KiB", "1.5 MiB"; "max" for unlimited. */
const char *human_bytes(int64_t v, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double d = v;
	int u = -1;

	if (v == RCMGR_LIMIT_UNLIMITED) {
		snprintf(buf, size, "max");
		return buf;
	}
	if (v < 1024) {
		snprintf(buf, size, "%lld B", (long long)v);
		return buf;
	}
	while (d >= 1024 && u < (int)ARRAY_SIZE(units) - 1) {
		d /= 1024;
		u++;
	}
	if (d == (double)(int64_t)d)
		snprintf(buf, size, "%.0f %s", d, units[u]);
	else
		snprintf(buf, size, "%.1f %s", d, units[u]);
	return buf;
}

/* "3/2048"; memory in human units; "max" for unlimited. */
const char *used_limit(int64_t used, int64_t limit, bool bytes, char *buf,
		       size_t size)
{
	char a[32], b[32];

	if (bytes) {
		human_bytes(used, a, sizeof(a));
		human_bytes(limit, b, sizeof(b));
	} else {
		snprintf(a, sizeof(a), "%lld", (long long)used);
		if (limit == RCMGR_LIMIT_UNLIMITED)
			snprintf(b, sizeof(b), "max");
		else
			snprintf(b, sizeof(b), "%lld", (long long)limit);
	}
	snprintf(buf, size, "%s/%s", a, b);
	return buf;
}

/* What a person calls the scope: "peer 12D3...", "conn 4". */
void scope_label(const struct rcmgr_scope_info *i, char *buf, size_t size)
{
	char esc[ESC_SIZE];
	int n = snprintf(buf, size, "%s", kind_name(i->kind));

	switch (i->kind) {
	case RCMGR_KIND_SERVICE:
	case RCMGR_KIND_SERVICE_PEER:
		escape(i->service, i->service_len, true, esc, sizeof(esc));
		n += snprintf(buf + n, size - n, " %s", esc);
		break;
	case RCMGR_KIND_PROTOCOL:
	case RCMGR_KIND_PROTOCOL_PEER:
		escape(i->protocol, i->protocol_len, true, esc, sizeof(esc));
		n += snprintf(buf + n, size - n, " %s", esc);
		break;
	case RCMGR_KIND_SYSTEM:
	case RCMGR_KIND_TRANSIENT:
	case RCMGR_KIND_ALLOWLISTED_SYSTEM:
	case RCMGR_KIND_ALLOWLISTED_TRANSIENT:
	case RCMGR_KIND_PEER:
		break;
	default:
		n += snprintf(buf + n, size - n, " %llu",
			      (unsigned long long)i->id);
		break;
	}
	if (i->peer && n < (int)size) {
		escape(i->peer, i->peer_len, true, esc, sizeof(esc));
		snprintf(buf + n, size - n, " %s", esc);
	}
}
