// SPDX-License-Identifier: GPL-2.0
/*
 * Per-address tables: go-libp2p's connection limiter (live conns per
 * network prefix or per subnet), its connection rate limiter (token
 * buckets) and the verify-source limiter derived from the first.
 *
 * A table's rules are replaced whole (RCU).  An address inside a
 * network-prefix rule is limited by the most specific such rule alone;
 * otherwise by every per-subnet rule of its family, all or nothing, and
 * for rate-limit then by the global bucket.  Rules with no limit are
 * skipped without a lock: loopback's, by default, so a loopback conn costs
 * one RCU walk of at most a few rules.
 *
 * Counters and buckets are entries of one hash table per namespace, made
 * at first use.  A counter goes when its last conn does; the conn holds
 * pointers to the counters it was counted in, so it releases exactly
 * those whatever the rules became.  A bucket that has refilled to full is
 * the same as none: buckets are kept least recently used last, the oldest
 * is freed when full as a new one comes, and at max-tracked the oldest is
 * freed anyway.  Counters never are: they are bounded by the conns.
 *
 * Token arithmetic is integer: a rate is in tokens per 1000 s, a bucket
 * holds pico-tokens (1e-12), and ns times the rate is exactly what ns add.
 */
#include <linux/jhash.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ipv6.h>

#include "rcmgr.h"

#define TOKEN		1000000000000ULL	/* pico-tokens per token */
#define RCMGR_ENDPOINT_TEXT_MAX	1024

enum netkey_kind {
	NETKEY_PREFIX = 1,	/* a network-prefix rule's network */
	NETKEY_SUBNET,		/* a subnet of a per-subnet rule */
	NETKEY_ALLOW,		/* an allowlisted network */
	NETKEY_GLOBAL,		/* rate-limit's global bucket */
};

/*
 * @domain: %RCMGR_NET_VERIFIED for addresses a socket gave; else the uid
 * that declared them, so a user's word limits only that user's conns.
 */
struct netkey {
	u8 table;
	u8 kind;
	u8 prefix_len;
	u8 pad;
	u16 family;
	u16 pad2;
	u32 domain;
	u8 addr[16];
};

/**
 * struct rcmgr_netcnt - a counter of conns or a token bucket
 * @node: in &rcmgr_netlimit.ht.
 * @key: table, kind of rule, family, prefix.
 * @lru: a bucket, in &rcmgr_netlimit.lru or .lru_declared.
 * @count: conn-limit: conns counted in it.
 * @tokens: a bucket: pico-tokens at @stamp.
 * @stamp: a bucket: ktime_get_ns() of its last refill.
 * @rate: a bucket: the rate of the rule that last took from it.
 * @burst: a bucket: that rule's burst.
 * @rcu: frees it.
 */
struct rcmgr_netcnt {
	struct rhash_head node;
	struct netkey key;
	struct list_head lru;
	s64 count;
	u64 tokens;
	u64 stamp;
	u64 rate;
	u64 burst;
	struct rcu_head rcu;
};

static const struct rhashtable_params netcnt_params = {
	.head_offset = offsetof(struct rcmgr_netcnt, node),
	.key_offset = offsetof(struct rcmgr_netcnt, key),
	.key_len = sizeof(struct netkey),
	.automatic_shrinking = true,
};

/* go-libp2p's defaults (conn_limiter.go, conn_rate_limiter.go). */
#define V4(a, b, c, d)	{ a, b, c, d }
static const struct rcmgr_netrule conn_defaults[] = {
	{ AF_INET6, 128, true, { [15] = 1 }, RCMGR_UNLIMITED },
	{ AF_INET, 8, true, V4(127, 0, 0, 0), RCMGR_UNLIMITED },
	{ AF_INET, 32, false, {}, 8 },
	{ AF_INET6, 56, false, {}, 8 },
	{ AF_INET6, 48, false, {}, 64 },
};

static const struct rcmgr_netrule rate_defaults[] = {
	{ AF_INET6, 128, true, { [15] = 1 }, 0, RCMGR_UNLIMITED, 0 },
	{ AF_INET, 8, true, V4(127, 0, 0, 0), 0, RCMGR_UNLIMITED, 0 },
	{ AF_INET, 32, false, {}, 0, 200, 16 },
	{ AF_INET6, 56, false, {}, 0, 200, 16 },
	{ AF_INET6, 48, false, {}, 0, 500, 80 },
	{ 0, 0, false, {}, 0, RCMGR_UNLIMITED, 0 },
};

/* go-libp2p: 1 s / (2 x the 5 s handshake): 0.1 token per second. */
#define VERIFY_RATE	100
#define VERIFY_BURST_MAX	1000000

static void mask(u8 *a, unsigned int bits)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (bits >= 8) {
			bits -= 8;
			continue;
		}
		a[i] &= (u8)(0xff00 >> bits);
		bits = 0;
	}
}

/* The address limits see: IPv4-mapped IPv6 is IPv4, as go-libp2p sees it. */
static u16 limit_addr(const struct rcmgr_maddr *ma, u8 *addr)
{
	memset(addr, 0, 16);
	if (ma->family == AF_INET6 && ipv6_addr_v4mapped(&ma->addr.v6)) {
		memcpy(addr, &ma->addr.v6.s6_addr32[3], 4);
		return AF_INET;
	}
	memcpy(addr, ma->addr.b, ma->family == AF_INET ? 4 : 16);
	return ma->family;
}

static bool rule_contains(const struct rcmgr_netrule *r, u16 family,
			  const u8 *addr)
{
	u8 a[16];

	if (r->family != family)
		return false;
	memcpy(a, addr, 16);
	mask(a, r->prefix_len);
	return !memcmp(a, r->addr, 16);
}

static void fill_key(struct netkey *k, u32 table, u8 kind, u16 family,
		     u8 prefix_len, const u8 *addr, u32 domain)
{
	memset(k, 0, sizeof(*k));
	k->domain = domain;
	k->table = table;
	k->kind = kind;
	k->family = family;
	k->prefix_len = prefix_len;
	if (addr) {
		memcpy(k->addr, addr, 16);
		mask(k->addr, prefix_len);
	}
}

static struct rcmgr_netrules *rules_of(struct rcmgr_net *rn, u32 table)
{
	return rcu_dereference(rn->netlimit.rules[table - 1]);
}

static void netcnt_free(struct rcmgr_netlimit *nl, struct rcmgr_netcnt *c)
{
	lockdep_assert_held(&nl->lock);
	rhashtable_remove_fast(&nl->ht, &c->node, netcnt_params);
	if (!list_empty(&c->lru))
		list_del(&c->lru);
	nl->tracked--;
	kfree_rcu(c, rcu);
}

/*
 * Refill a bucket to @now, read under &rcmgr_netlimit.lock like every
 * stamp (a stamp ahead of it adds nothing rather than wrapping around).
 * Return: whether it is full (idle).
 */
static bool bucket_refill(struct rcmgr_netcnt *c, u64 rate, u64 burst, u64 now)
{
	u64 cap = burst * TOKEN, dt = 0;

	if (now > c->stamp) {
		dt = now - c->stamp;
		c->stamp = now;
	}
	if (c->tokens >= cap) {
		c->tokens = cap;
		return true;
	}
	if (!rate)
		return false;
	if (dt >= div64_u64(cap - c->tokens + rate - 1, rate)) {
		c->tokens = cap;
		return true;
	}
	c->tokens += dt * rate;
	return false;
}

static struct list_head *lru_of(struct rcmgr_netlimit *nl,
				const struct netkey *k)
{
	return k->domain == RCMGR_NET_VERIFIED ? &nl->lru : &nl->lru_declared;
}

/* The buckets a request holds, which making room for it must not free. */
struct held {
	struct rcmgr_netcnt **c;
	unsigned int n;
};

static bool is_held(const struct held *h, const struct rcmgr_netcnt *c)
{
	unsigned int i;

	for (i = 0; i < h->n; i++)
		if (h->c[i] == c)
			return true;
	return false;
}

/* The least recently used bucket of @lru not held, or NULL. */
static struct rcmgr_netcnt *oldest(struct list_head *lru, const struct held *h)
{
	struct rcmgr_netcnt *c;

	list_for_each_entry_reverse(c, lru, lru)
		if (!is_held(h, c))
			return c;
	return NULL;
}

/* Free the least recently used bucket of @lru if it refilled to full. */
static bool free_idle(struct rcmgr_netlimit *nl, struct list_head *lru,
		      const struct held *h, u64 now)
{
	struct rcmgr_netcnt *old = oldest(lru, h);

	if (!old || !bucket_refill(old, old->rate, old->burst, now))
		return false;
	netcnt_free(nl, old);
	return true;
}

/* Declared buckets a user's need for room looks through for its own. */
#define RCMGR_OWN_SCAN	8

/*
 * Make room for one more bucket of @domain: free a least recently used
 * bucket that refilled to full (it is the same as none).  At max-tracked,
 * a declared address's bucket goes for one of its own user's (among the
 * oldest few), and a socket's address's for the oldest declared one, else
 * the oldest at all: nobody's word evicts what another user or a real
 * socket drained.  Return: false if there is no room: the bucket is not
 * made and limits nothing (a bucket never refuses for want of room).
 */
static bool make_room(struct rcmgr_net *rn, u32 domain, const struct held *h,
		      u64 now)
{
	struct rcmgr_netlimit *nl = &rn->netlimit;
	struct rcmgr_netcnt *c;
	unsigned int n = 0;

	if (free_idle(nl, &nl->lru_declared, h, now) ||
	    free_idle(nl, &nl->lru, h, now) ||
	    nl->tracked < READ_ONCE(rn->bounds.max_tracked))
		return true;
	list_for_each_entry_reverse(c, &nl->lru_declared, lru) {
		if (c->key.domain == domain && !is_held(h, c)) {
			netcnt_free(nl, c);
			return true;
		}
		if (++n == RCMGR_OWN_SCAN)
			break;
	}
	if (domain != RCMGR_NET_VERIFIED)
		return false;
	c = oldest(&nl->lru_declared, h) ?: oldest(&nl->lru, h);
	if (!c)
		return false;
	netcnt_free(nl, c);
	return true;
}

static struct rcmgr_netcnt *netcnt_get(struct rcmgr_net *rn,
				       const struct netkey *k)
{
	struct rcmgr_netlimit *nl = &rn->netlimit;
	struct rcmgr_netcnt *c;

	lockdep_assert_held(&nl->lock);
	c = rhashtable_lookup_fast(&nl->ht, k, netcnt_params);
	if (c)
		return c;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	c->key = *k;
	INIT_LIST_HEAD(&c->lru);
	if (rhashtable_insert_fast(&nl->ht, &c->node, netcnt_params)) {
		kfree(c);
		return NULL;
	}
	nl->tracked++;
	return c;
}

/*
 * A rule an address falls under: its counter's or bucket's key, and its
 * limit (rates and bursts are bounded well below 2^32 when set).
 */
struct mrule {
	struct netkey key;
	union {
		s64 conns;
		struct {
			u32 rate;
			u32 burst;
		};
	};
};

/* The rules an address falls under in a table; none if unlimited. */
struct match {
	unsigned int n;
	struct mrule r[RCMGR_NETRULES_MAX + 1];
};

static void refuse(struct rcmgr_refusal *why, u32 table,
		   const struct mrule *mr)
{
	const struct netkey *k = &mr->key;
	bool conns = table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT;

	why->refused = true;
	why->net.table = table;
	why->net.family = k->family;
	why->net.prefix_len = k->prefix_len;
	why->net.network = k->kind == NETKEY_PREFIX || k->kind == NETKEY_ALLOW;
	memcpy(why->net.addr, k->addr, 16);
	why->net.conns = conns ? mr->conns : 0;
	why->net.rate = conns ? 0 : mr->rate;
	why->net.burst = conns ? 0 : mr->burst;
}

static void match_add(struct match *m, u32 table, u8 kind, u16 family,
		      const struct rcmgr_netrule *r, const u8 *addr, u32 domain)
{
	struct mrule *mr = &m->r[m->n++];

	fill_key(&mr->key, table, kind, family, r->prefix_len, addr, domain);
	if (table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT) {
		mr->conns = r->conns;
	} else {
		mr->rate = r->rate;
		mr->burst = r->burst;
	}
}

static bool limited(u32 table, const struct rcmgr_netrule *r)
{
	return table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT ?
	       r->conns != RCMGR_UNLIMITED : r->rate != RCMGR_UNLIMITED;
}

/*
 * The rules an address falls under, most specific first: in conn-limit
 * the most specific network-prefix rule containing it alone (go-libp2p's
 * connLimiter), in the token-bucket tables every one containing it (its
 * x/rate Limiter); subnet rules and the global bucket only outside them.
 * Return: true if a network-prefix rule contains the address (then @m
 * holds the limited ones, or nothing).
 */
static bool match_rules(struct rcmgr_net *rn, u32 table, u16 family,
			const u8 *addr, u32 domain, struct match *m)
{
	const struct rcmgr_netrules *rules;
	const struct rcmgr_netrule *r;
	bool in_prefix = false;
	unsigned int i;

	m->n = 0;
	rcu_read_lock();
	rules = rules_of(rn, table);
	for (i = 0; rules && i < rules->n; i++) {
		r = &rules->r[i];
		if (r->network) {
			if (!rule_contains(r, family, addr))
				continue;
			in_prefix = true;
			if (limited(table, r))
				match_add(m, table, NETKEY_PREFIX, family, r,
					  r->addr, domain);
			/* A count is kept in the most specific alone. */
			if (table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT)
				break;
			continue;
		}
		/* Inside a network prefix: no subnet, no global. */
		if (in_prefix)
			break;
		if ((r->family && r->family != family) || !limited(table, r))
			continue;
		match_add(m, table, r->family ? NETKEY_SUBNET : NETKEY_GLOBAL,
			  r->family, r, r->family ? addr : NULL, domain);
	}
	rcu_read_unlock();
	return in_prefix;
}

static s64 allowlisted_conns(struct rcmgr_net *rn)
{
	unsigned int c = RCMGR_CLASS_ALLOWLISTED_SYSTEM;

	/* Until the allowlisted classes exist, nothing is allowlisted. */
	if (c >= ARRAY_SIZE(rn->class_limit))
		return RCMGR_UNLIMITED;
	return READ_ONCE(rn->class_limit[c].max[RCMGR_RES_CONNS]);
}

/*
 * An address in no network-prefix rule but in an allowlisted network is
 * counted in that network alone (go-libp2p adds these networks to its
 * limiter at construction; here they are looked up live).  Apart, so the
 * network's maddr is not on the caller's stack.
 */
static noinline void match_allowlisted(struct rcmgr_net *rn,
				       const struct rcmgr_endpoint *ep,
				       struct match *m)
{
	struct rcmgr_maddr network;

	if (!rcmgr_allowlist_network(rn, &ep->ma, &network))
		return;
	m->n = 0;
	fill_key(&m->r[0].key, RCMGR_NETLIMIT_TABLE_CONN_LIMIT, NETKEY_ALLOW,
		 network.family, network.prefix_len, network.addr.b, ep->domain);
	m->r[0].conns = allowlisted_conns(rn);
	m->n = m->r[0].conns != RCMGR_UNLIMITED;
}

/**
 * rcmgr_netlimit_count() - count a conn in the conn-limit table
 * @rn: the namespace state
 * @ep: the conn's endpoint, with an address, counted in nothing yet
 * @why: filled in when a rule refuses
 *
 * An address in no network-prefix rule but in an allowlisted network
 * (an entry without a peer) is counted in that network alone, against
 * the allowlisted-system class's conns limit as it is now.
 *
 * Context: process; may take &rcmgr_netlimit.lock.
 * Return: 0, -EDQUOT (@why says which rule), -ENOMEM.
 */
int rcmgr_netlimit_count(struct rcmgr_net *rn, struct rcmgr_endpoint *ep,
			 struct rcmgr_refusal *why)
{
	const u32 table = RCMGR_NETLIMIT_TABLE_CONN_LIMIT;
	struct rcmgr_netlimit *nl = &rn->netlimit;
	struct match m;
	unsigned int i;
	u8 addr[16];
	u16 family;
	int ret = 0;

	family = limit_addr(&ep->ma, addr);
	if (!match_rules(rn, table, family, addr, ep->domain, &m))
		match_allowlisted(rn, ep, &m);
	if (!m.n)
		return 0;

	mutex_lock(&nl->lock);
	for (i = 0; i < m.n; i++) {
		ep->cnt[i] = netcnt_get(rn, &m.r[i].key);
		if (!ep->cnt[i]) {
			ret = -ENOMEM;
			break;
		}
		if (ep->cnt[i]->count >= m.r[i].conns) {
			refuse(why, table, &m.r[i]);
			ret = -EDQUOT;
			i++;
			break;
		}
	}
	if (!ret) {
		for (i = 0; i < m.n; i++)
			ep->cnt[i]->count++;
		ep->nr_cnt = m.n;
	} else {
		/* All or nothing: counters made for this conn alone go. */
		while (i--)
			if (ep->cnt[i] && !ep->cnt[i]->count)
				netcnt_free(nl, ep->cnt[i]);
	}
	mutex_unlock(&nl->lock);
	return ret;
}

/**
 * rcmgr_netlimit_uncount() - release the counters a conn was counted in
 * @rn: the namespace state
 * @ep: the conn's endpoint
 *
 * Idempotent: once released, @ep holds nothing.
 *
 * Context: process, with the conn's tree lock held or the conn unseen.
 */
void rcmgr_netlimit_uncount(struct rcmgr_net *rn, struct rcmgr_endpoint *ep)
{
	struct rcmgr_netlimit *nl = &rn->netlimit;
	unsigned int i;

	if (!ep || !ep->nr_cnt)
		return;
	mutex_lock(&nl->lock);
	for (i = 0; i < ep->nr_cnt; i++)
		if (!--ep->cnt[i]->count)
			netcnt_free(nl, ep->cnt[i]);
	ep->nr_cnt = 0;
	mutex_unlock(&nl->lock);
}

/*
 * Take a token from every bucket of @m, all or nothing; no bucket is
 * drained for a conn another refuses.
 */
static int take_tokens(struct rcmgr_net *rn, u32 table, struct match *m,
		       u32 domain, struct rcmgr_refusal *why)
{
	struct rcmgr_netlimit *nl = &rn->netlimit;
	struct rcmgr_netcnt *c[RCMGR_NETRULES_MAX + 1];
	struct held h = { c, m->n };
	unsigned int i;
	int ret = 0;
	u64 now;

	mutex_lock(&nl->lock);
	/* Under the lock, so no stamp is ever ahead of it. */
	now = ktime_get_ns();
	/* This conn's buckets first, so making room evicts none of them. */
	for (i = 0; i < m->n; i++) {
		c[i] = rhashtable_lookup_fast(&nl->ht, &m->r[i].key,
					      netcnt_params);
		if (c[i])
			list_move(&c[i]->lru, lru_of(nl, &c[i]->key));
	}
	for (i = 0; i < m->n; i++) {
		/* A bucket never refuses for want of room or memory. */
		if (!c[i] && make_room(rn, domain, &h, now))
			c[i] = netcnt_get(rn, &m->r[i].key);
		if (!c[i])
			continue;
		if (!c[i]->stamp) {
			/* Made full, as go-libp2p's. */
			c[i]->stamp = now;
			c[i]->tokens = m->r[i].burst * TOKEN;
		}
		c[i]->rate = m->r[i].rate;
		c[i]->burst = m->r[i].burst;
		bucket_refill(c[i], c[i]->rate, c[i]->burst, now);
		list_move(&c[i]->lru, lru_of(nl, &c[i]->key));
		if (c[i]->tokens < TOKEN && !ret) {
			if (why)
				refuse(why, table, &m->r[i]);
			ret = -EDQUOT;
		}
	}
	for (i = 0; !ret && i < m->n; i++)
		if (c[i])
			c[i]->tokens -= TOKEN;
	mutex_unlock(&nl->lock);
	return ret;
}

/**
 * rcmgr_netlimit_rate() - take a token of the rate-limit table
 * @rn: the namespace state
 * @ep: the conn's endpoint, with an address
 * @why: filled in when a bucket is empty
 *
 * Context: process; may take &rcmgr_netlimit.lock.
 * Return: 0 or -EDQUOT.
 */
int rcmgr_netlimit_rate(struct rcmgr_net *rn, const struct rcmgr_endpoint *ep,
			struct rcmgr_refusal *why)
{
	const u32 table = RCMGR_NETLIMIT_TABLE_RATE_LIMIT;
	struct match m;
	u8 addr[16];
	u16 family;

	family = limit_addr(&ep->ma, addr);
	match_rules(rn, table, family, addr, ep->domain, &m);
	if (!m.n)
		return 0;
	return take_tokens(rn, table, &m, ep->domain, why);
}

/**
 * rcmgr_netlimit_verify() - whether a source address should be verified
 * @rn: the namespace state
 * @ma: the remote address
 * @uid: who asks: its word is counted apart from anyone else's
 *
 * Takes a token of the verify-source table.
 *
 * Return: true when a bucket of it is empty.
 */
bool rcmgr_netlimit_verify(struct rcmgr_net *rn, const struct rcmgr_maddr *ma,
			   kuid_t uid)
{
	const u32 table = RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE;
	u32 domain = __kuid_val(uid);
	struct match m;
	u8 addr[16];
	u16 family;

	family = limit_addr(ma, addr);
	match_rules(rn, table, family, addr, domain, &m);
	return m.n && take_tokens(rn, table, &m, domain, NULL);
}

/**
 * rcmgr_endpoint_matches() - whether a declared endpoint agrees with a
 *	socket's remote address
 * @decl: the declared endpoint
 * @sock: the socket's (family, address, port and transport)
 *
 * Return: true if the addresses are equal, and the ports and transports
 * too when @decl has /tcp or /udp.
 */
bool rcmgr_endpoint_matches(const struct rcmgr_maddr *decl,
			    const struct rcmgr_maddr *sock)
{
	u8 a[16], b[16];

	if (limit_addr(decl, a) != limit_addr(sock, b) || memcmp(a, b, 16))
		return false;
	return !decl->ipproto ||
	       (decl->ipproto == sock->ipproto && decl->port == sock->port);
}

/**
 * rcmgr_endpoint_new() - a conn's endpoint
 * @bin: a binary multiaddr rcmgr_maddr_parse() accepted, or NULL
 * @len: its length
 * @ma: what it parsed to (with @bin)
 * @label: without @bin, the text given, which limits nothing
 *
 * Return: the endpoint, or NULL without memory.
 */
struct rcmgr_endpoint *rcmgr_endpoint_new(const u8 *bin, int len,
					  const struct rcmgr_maddr *ma,
					  const char *label)
{
	struct rcmgr_endpoint *ep;
	char *text = NULL;
	int n;

	if (bin) {
		/* Every byte may double, plus names: ample. */
		text = kmalloc(RCMGR_ENDPOINT_TEXT_MAX, GFP_KERNEL);
		if (!text)
			return NULL;
		n = rcmgr_maddr_text(bin, len, text, RCMGR_ENDPOINT_TEXT_MAX);
		if (n < 0)
			text[0] = '\0';
		label = text;
	}
	n = strlen(label);
	ep = kzalloc(struct_size(ep, text, n + 1), GFP_KERNEL_ACCOUNT);
	if (ep) {
		memcpy(ep->text, label, n);
		if (bin) {
			ep->ma = *ma;
			ep->has_addr = true;
			ep->bin_len = len;
			memcpy(ep->bin, bin, len);
		}
	}
	kfree(text);
	return ep;
}

/**
 * rcmgr_endpoint_relabel() - an endpoint shown as a label given as text
 * @ep: the endpoint, with an address; consumed
 * @label: the text dumps show instead of the kernel's
 *
 * Return: the same address and domain under @label, or NULL without
 * memory (@ep is freed either way).
 */
struct rcmgr_endpoint *rcmgr_endpoint_relabel(struct rcmgr_endpoint *ep,
					      const char *label)
{
	struct rcmgr_endpoint *named = rcmgr_endpoint_new(NULL, 0, NULL, label);

	if (named) {
		named->ma = ep->ma;
		named->domain = ep->domain;
		named->has_addr = ep->has_addr;
		named->bin_len = ep->bin_len;
		memcpy(named->bin, ep->bin, ep->bin_len);
	}
	kfree(ep);
	return named;
}

static struct rcmgr_netrules *rules_new(const struct rcmgr_netrule *r,
					unsigned int n)
{
	struct rcmgr_netrules *rules;

	rules = kzalloc(struct_size(rules, r, n), GFP_KERNEL_ACCOUNT);
	if (!rules)
		return NULL;
	rules->n = n;
	memcpy(rules->r, r, n * sizeof(*r));
	return rules;
}

/* go-libp2p's verify-source limiter: every conn-limit rule, 0.1/s. */
static struct rcmgr_netrules *verify_from(const struct rcmgr_netrules *conn)
{
	struct rcmgr_netrules *v = rules_new(conn->r, conn->n);
	unsigned int i;

	if (!v)
		return NULL;
	for (i = 0; i < v->n; i++) {
		struct rcmgr_netrule *r = &v->r[i];

		r->rate = r->conns == RCMGR_UNLIMITED ? RCMGR_UNLIMITED :
			  VERIFY_RATE;
		/* A bucket holds at most a million, as a rule's may. */
		r->burst = r->conns == RCMGR_UNLIMITED ? 0 :
			   min_t(u64, r->conns / 2, VERIFY_BURST_MAX);
		r->conns = 0;
	}
	return v;
}

static void rules_swap(struct rcmgr_net *rn, u32 table,
		       struct rcmgr_netrules *rules)
{
	struct rcmgr_netrules *old;

	old = rcu_replace_pointer(rn->netlimit.rules[table - 1], rules,
				  lockdep_is_held(&rn->lock));
	if (old)
		kfree_rcu(old, rcu);
}

/**
 * rcmgr_netlimit_set() - replace the rules of a table
 * @rn: the namespace state
 * @table: conn-limit or rate-limit
 * @r: the rules, validated and sorted
 * @n: how many
 *
 * Live conns keep what they were counted in.  verify-source follows
 * conn-limit.
 *
 * Context: process; takes &rcmgr_net.lock.
 * Return: 0 or -ENOMEM.
 */
int rcmgr_netlimit_set(struct rcmgr_net *rn, u32 table,
		       const struct rcmgr_netrule *r, unsigned int n)
{
	struct rcmgr_netrules *rules, *verify = NULL;

	rules = rules_new(r, n);
	if (!rules)
		return -ENOMEM;
	if (table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT) {
		verify = verify_from(rules);
		if (!verify) {
			kfree(rules);
			return -ENOMEM;
		}
	}
	mutex_lock(&rn->lock);
	rules_swap(rn, table, rules);
	if (verify)
		rules_swap(rn, RCMGR_NETLIMIT_TABLE_VERIFY_SOURCE, verify);
	mutex_unlock(&rn->lock);
	return 0;
}

/**
 * rcmgr_netlimit_reset() - go-libp2p's default rules for a table
 * @rn: the namespace state
 * @table: conn-limit or rate-limit
 *
 * Return: 0 or -ENOMEM.
 */
int rcmgr_netlimit_reset(struct rcmgr_net *rn, u32 table)
{
	if (table == RCMGR_NETLIMIT_TABLE_CONN_LIMIT)
		return rcmgr_netlimit_set(rn, table, conn_defaults,
					  ARRAY_SIZE(conn_defaults));
	return rcmgr_netlimit_set(rn, table, rate_defaults,
				  ARRAY_SIZE(rate_defaults));
}

/**
 * rcmgr_netlimit_get() - copy a table's rules, with what each tracks
 * @rn: the namespace state
 * @table: the table
 * @r: RCMGR_NETRULES_MAX * 2 + 1 rules
 * @count: as many counts
 *
 * Return: how many rules.
 */
unsigned int rcmgr_netlimit_get(struct rcmgr_net *rn, u32 table,
				struct rcmgr_netrule *r, u64 *count)
{
	struct rcmgr_netlimit *nl = &rn->netlimit;
	const struct rcmgr_netrules *rules;
	struct rhashtable_iter it;
	struct rcmgr_netcnt *c;
	unsigned int n = 0, i;

	rcu_read_lock();
	rules = rules_of(rn, table);
	if (rules) {
		n = rules->n;
		memcpy(r, rules->r, n * sizeof(*r));
	}
	rcu_read_unlock();
	memset(count, 0, n * sizeof(*count));

	mutex_lock(&nl->lock);
	rhashtable_walk_enter(&nl->ht, &it);
	rhashtable_walk_start(&it);
	while ((c = rhashtable_walk_next(&it))) {
		if (IS_ERR(c) || c->key.table != table)
			continue;
		for (i = 0; i < n; i++) {
			u8 kind = r[i].network ? NETKEY_PREFIX :
				  r[i].family ? NETKEY_SUBNET : NETKEY_GLOBAL;

			/* Allowlisted networks' counters are no rule's. */
			if (c->key.kind != kind || r[i].family != c->key.family ||
			    r[i].prefix_len != c->key.prefix_len ||
			    (r[i].network && memcmp(r[i].addr, c->key.addr, 16)))
				continue;
			count[i]++;
			break;
		}
	}
	rhashtable_walk_stop(&it);
	rhashtable_walk_exit(&it);
	mutex_unlock(&nl->lock);
	return n;
}

/**
 * rcmgr_netlimit_tracked() - counters and buckets tracked now
 * @rn: the namespace state
 *
 * Return: the count.
 */
u32 rcmgr_netlimit_tracked(struct rcmgr_net *rn)
{
	u32 n;

	mutex_lock(&rn->netlimit.lock);
	n = rn->netlimit.tracked;
	mutex_unlock(&rn->netlimit.lock);
	return n;
}

/**
 * rcmgr_netlimit_init() - a namespace's tables, at go-libp2p's defaults
 * @rn: the namespace state
 *
 * Return: 0 or a negative errno.
 */
int rcmgr_netlimit_init(struct rcmgr_net *rn)
{
	struct rcmgr_netlimit *nl = &rn->netlimit;
	int ret;

	mutex_init(&nl->lock);
	INIT_LIST_HEAD(&nl->lru);
	INIT_LIST_HEAD(&nl->lru_declared);
	ret = rhashtable_init(&nl->ht, &netcnt_params);
	if (ret)
		return ret;
	ret = rcmgr_netlimit_reset(rn, RCMGR_NETLIMIT_TABLE_CONN_LIMIT);
	if (!ret)
		ret = rcmgr_netlimit_reset(rn, RCMGR_NETLIMIT_TABLE_RATE_LIMIT);
	if (ret)
		rcmgr_netlimit_exit(rn);
	return ret;
}

static void netcnt_destroy(void *ptr, void *arg)
{
	kfree(ptr);
}

/**
 * rcmgr_netlimit_exit() - free a namespace's tables; no conn is left
 * @rn: the namespace state
 */
void rcmgr_netlimit_exit(struct rcmgr_net *rn)
{
	struct rcmgr_netlimit *nl = &rn->netlimit;
	unsigned int t;

	for (t = 0; t < ARRAY_SIZE(nl->rules); t++)
		kfree(rcu_dereference_protected(nl->rules[t], true));
	rhashtable_free_and_destroy(&nl->ht, netcnt_destroy, NULL);
	mutex_destroy(&nl->lock);
}
