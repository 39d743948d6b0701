// SPDX-License-Identifier: GPL-2.0
/*
 * The allowlist: networks (optionally restricted to one peer) whose
 * connections may use the allowlisted system and transient scopes when the
 * normal ones refuse them (go-libp2p's allowlist.go).
 *
 * A namespace's entries are an array of pointers to immutable entries, in
 * the order they were added, replaced as a whole (read-copy-update) by the
 * admin ops under &rcmgr_net.lock.  Lookups on the connection path take no
 * lock and scan the array linearly, as go-libp2p does: at most
 * max-allowlist entries (1024 by default) and consulted only once the
 * normal scopes refused a connection, or at set-peer of an allowlisted one.
 */
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "rcmgr.h"
#include "netlink.h"

/* Longest text of a multiaddr of at most 255 bytes, and its NUL. */
#define RCMGR_MADDR_TEXT_MAX	1024

/**
 * struct rcmgr_allow_entry - one allowlist entry, never changed once added
 * @seq: when it was added: increases in the order of the array, so a
 *	dump resumes after the last entry it showed.
 * @ma: the network (host bits zero) and the peer, if any.
 * @rcu: frees it.
 * @bin_len: length of the binary multiaddr at @data.
 * @text_len: length of the text at @data + @bin_len (NUL-terminated).
 * @data: the multiaddr as added, then its text.
 */
struct rcmgr_allow_entry {
	u64 seq;
	struct rcmgr_maddr ma;
	struct rcu_head rcu;
	u16 bin_len;
	u16 text_len;
	u8 data[];
};

/**
 * struct rcmgr_allowlist - the entries of a namespace, in the order added
 * @rcu: frees the array (not the entries).
 * @nr: entries in @e.
 * @e: the entries.
 */
struct rcmgr_allowlist {
	struct rcu_head rcu;
	u32 nr;
	struct rcmgr_allow_entry *e[];
};

/* An address as entries match it. */
struct allow_addr {
	u16 family;
	u8 b[16];
};

/*
 * The address of @remote, if it has one; an IPv4-mapped IPv6 address is
 * IPv4, as go-libp2p's net.IPNet.Contains() sees it.
 */
static bool allow_addr(const struct rcmgr_maddr *remote, struct allow_addr *a)
{
	if (!remote)
		return false;
	if (remote->family == AF_INET6 && ipv6_addr_v4mapped(&remote->addr.v6)) {
		a->family = AF_INET;
		memcpy(a->b, &remote->addr.v6.s6_addr32[3], 4);
		return true;
	}
	if (remote->family != AF_INET && remote->family != AF_INET6)
		return false;
	a->family = remote->family;
	memcpy(a->b, remote->addr.b, 16);
	return true;
}

/* Whether network @net (of prefix_len bits) contains the address @a. */
static bool contains(const struct rcmgr_maddr *net, const struct allow_addr *a)
{
	unsigned int bits = net->prefix_len, bytes = bits / 8;
	u8 mask;

	if (net->family != a->family)
		return false;
	if (memcmp(net->addr.b, a->b, bytes))
		return false;
	if (!(bits % 8))
		return true;
	mask = (u8)(0xff00 >> (bits % 8));
	return !((net->addr.b[bytes] ^ a->b[bytes]) & mask);
}

static bool same_peer(const struct rcmgr_maddr *ma, const u8 *peer, u16 len)
{
	return ma->peer_len == len && !memcmp(ma->peer, peer, len);
}

static bool same_entry(const struct rcmgr_maddr *a, const struct rcmgr_maddr *b)
{
	return a->family == b->family && a->prefix_len == b->prefix_len &&
	       !memcmp(a->addr.b, b->addr.b,
		       a->family == AF_INET ? 4 : 16) &&
	       same_peer(a, b->peer, b->peer_len);
}

/**
 * rcmgr_allowlist_allowed() - whether an address is in any entry
 * @rn: the namespace state
 * @remote: the connection's remote address, or NULL
 *
 * go-libp2p's Allowed(): an entry restricted to a peer counts too, whatever
 * the peer; set-peer checks the peer later.
 *
 * Context: any; takes the RCU read lock.
 * Return: true if allowlisted.
 */
bool rcmgr_allowlist_allowed(struct rcmgr_net *rn,
			     const struct rcmgr_maddr *remote)
{
	const struct rcmgr_allowlist *al;
	struct allow_addr a;
	bool ret = false;
	u32 i;

	if (!allow_addr(remote, &a))
		return false;
	rcu_read_lock();
	al = rcu_dereference(rn->allowlist);
	for (i = 0; al && i < al->nr && !ret; i++)
		ret = contains(&al->e[i]->ma, &a);
	rcu_read_unlock();
	return ret;
}

/**
 * rcmgr_allowlist_allowed_peer() - whether an address is allowlisted for
 *	a peer
 * @rn: the namespace state
 * @remote: the connection's remote address, or NULL
 * @peer: the peer's key (its peer name)
 *
 * go-libp2p's AllowedPeerAndMultiaddr(): an entry without a peer, or one
 * naming @peer, contains the address.
 *
 * Context: any; takes the RCU read lock.
 * Return: true if allowlisted for @peer.
 */
bool rcmgr_allowlist_allowed_peer(struct rcmgr_net *rn,
				  const struct rcmgr_maddr *remote,
				  const struct rcmgr_key *peer)
{
	const struct rcmgr_allowlist *al;
	const struct rcmgr_maddr *ma;
	struct allow_addr a;
	bool ret = false;
	u32 i;

	if (!allow_addr(remote, &a))
		return false;
	rcu_read_lock();
	al = rcu_dereference(rn->allowlist);
	for (i = 0; al && i < al->nr && !ret; i++) {
		ma = &al->e[i]->ma;
		ret = (!ma->peer_len ||
		       same_peer(ma, peer->peer, peer->peer_len)) &&
		      contains(ma, &a);
	}
	rcu_read_unlock();
	return ret;
}

/**
 * rcmgr_allowlist_network() - the most specific entry without a peer that
 *	contains an address
 * @rn: the namespace state
 * @remote: the address
 * @network: filled in with the entry's family, prefix and network, no peer
 *
 * Of entries equally specific, the first added.
 *
 * Context: any; takes the RCU read lock.
 * Return: true if there is one.
 */
bool rcmgr_allowlist_network(struct rcmgr_net *rn,
			     const struct rcmgr_maddr *remote,
			     struct rcmgr_maddr *network)
{
	const struct rcmgr_allowlist *al;
	const struct rcmgr_maddr *ma, *best = NULL;
	struct allow_addr a;
	u32 i;

	if (!allow_addr(remote, &a))
		return false;
	rcu_read_lock();
	al = rcu_dereference(rn->allowlist);
	for (i = 0; al && i < al->nr; i++) {
		ma = &al->e[i]->ma;
		if (!ma->peer_len && contains(ma, &a) &&
		    (!best || ma->prefix_len > best->prefix_len))
			best = ma;
	}
	if (best) {
		*network = *best;
		network->peer_len = 0;
	}
	rcu_read_unlock();
	return best;
}

static void allowlist_free_rcu(struct rcu_head *head)
{
	kvfree(container_of(head, struct rcmgr_allowlist, rcu));
}

static struct rcmgr_allowlist *allowlist_alloc(u32 nr)
{
	struct rcmgr_allowlist *al;

	al = kvmalloc(struct_size(al, e, nr), GFP_KERNEL_ACCOUNT);
	if (al)
		al->nr = nr;
	return al;
}

/* Publish @new in place of the array (under &rcmgr_net.lock). */
static void allowlist_replace(struct rcmgr_net *rn, struct rcmgr_allowlist *new)
{
	struct rcmgr_allowlist *old;

	old = rcu_replace_pointer(rn->allowlist, new,
				  lockdep_is_held(&rn->lock));
	/* Dumps flag the change. */
	atomic_inc(&rn->allowlist_gen);
	if (old)
		call_rcu(&old->rcu, allowlist_free_rcu);
}

/*
 * An entry as the kernel understood it: the address of the multiaddr is
 * the network's, host bits zero (/ip4 and /ip6 are one-byte codes, first).
 */
static struct rcmgr_allow_entry *entry_new(const u8 *bin, int len,
					   const struct rcmgr_maddr *ma)
{
	int alen = ma->family == AF_INET ? 4 : 16, n;
	struct rcmgr_allow_entry *e;
	char *text;

	if (len < 1 + alen)
		return ERR_PTR(-EINVAL);
	text = kmalloc(RCMGR_MADDR_TEXT_MAX, GFP_KERNEL);
	e = kmalloc(struct_size(e, data, len + RCMGR_MADDR_TEXT_MAX),
		    GFP_KERNEL_ACCOUNT);
	if (!text || !e) {
		kfree(text);
		kfree(e);
		return ERR_PTR(-ENOMEM);
	}
	memcpy(e->data, bin, len);
	memcpy(e->data + 1, ma->addr.b, alen);
	n = rcmgr_maddr_text(e->data, len, text, RCMGR_MADDR_TEXT_MAX);
	if (n < 0) {
		kfree(text);
		kfree(e);
		return ERR_PTR(-EINVAL);
	}
	memcpy(e->data + len, text, n + 1);
	kfree(text);
	e->ma = *ma;
	e->bin_len = len;
	e->text_len = n;
	/* Give back what the text did not take. */
	return krealloc(e, struct_size(e, data, len + n + 1),
			GFP_KERNEL_ACCOUNT) ?: e;
}

/**
 * rcmgr_allowlist_add() - add an entry at the end of the allowlist
 * @rn: the namespace state
 * @bin: the entry as a binary multiaddr
 * @len: its length
 * @extack: names what is wrong with it
 *
 * Context: process; takes &rcmgr_net.lock.
 * Return: 0, -EINVAL (not an entry), -EEXIST (an equal entry is there),
 * -ENOSPC (max-allowlist entries already), -ENOMEM.
 */
int rcmgr_allowlist_add(struct rcmgr_net *rn, const u8 *bin, int len,
			struct netlink_ext_ack *extack)
{
	struct rcmgr_allowlist *al, *new;
	struct rcmgr_allow_entry *e;
	struct rcmgr_maddr ma;
	u32 nr, i;
	int ret;

	ret = rcmgr_maddr_parse(bin, len, RCMGR_MADDR_ENTRY, &ma, extack);
	if (ret)
		return ret;
	e = entry_new(bin, len, &ma);
	if (IS_ERR(e))
		return PTR_ERR(e);

	mutex_lock(&rn->lock);
	al = rcu_dereference_protected(rn->allowlist,
				       lockdep_is_held(&rn->lock));
	nr = al ? al->nr : 0;
	for (i = 0; i < nr; i++) {
		if (same_entry(&al->e[i]->ma, &ma)) {
			NL_SET_ERR_MSG(extack, "allowlist: the entry is there already");
			ret = -EEXIST;
			goto err;
		}
	}
	if (nr >= READ_ONCE(rn->bounds.max_allowlist)) {
		NL_SET_ERR_MSG(extack, "allowlist: full (max-allowlist)");
		ret = -ENOSPC;
		goto err;
	}
	new = allowlist_alloc(nr + 1);
	if (!new) {
		ret = -ENOMEM;
		goto err;
	}
	if (nr)
		memcpy(new->e, al->e, nr * sizeof(*new->e));
	e->seq = ++rn->allowlist_seq;
	new->e[nr] = e;
	allowlist_replace(rn, new);
	mutex_unlock(&rn->lock);
	return 0;

err:
	mutex_unlock(&rn->lock);
	kfree(e);
	return ret;
}

/**
 * rcmgr_allowlist_del() - remove the entry equal to one given
 * @rn: the namespace state
 * @bin: the entry as a binary multiaddr
 * @len: its length
 * @extack: names what is wrong with it
 *
 * The others keep their order.  Connections already in the allowlisted
 * scopes stay there.
 *
 * Context: process; takes &rcmgr_net.lock.
 * Return: 0, -EINVAL, -ENOENT (no equal entry), -ENOMEM.
 */
int rcmgr_allowlist_del(struct rcmgr_net *rn, const u8 *bin, int len,
			struct netlink_ext_ack *extack)
{
	struct rcmgr_allowlist *al, *new = NULL;
	struct rcmgr_allow_entry *gone;
	struct rcmgr_maddr ma;
	u32 i;
	int ret;

	ret = rcmgr_maddr_parse(bin, len, RCMGR_MADDR_ENTRY, &ma, extack);
	if (ret)
		return ret;

	mutex_lock(&rn->lock);
	al = rcu_dereference_protected(rn->allowlist,
				       lockdep_is_held(&rn->lock));
	for (i = 0; al && i < al->nr; i++)
		if (same_entry(&al->e[i]->ma, &ma))
			break;
	if (!al || i == al->nr) {
		mutex_unlock(&rn->lock);
		NL_SET_ERR_MSG(extack, "allowlist: no such entry");
		return -ENOENT;
	}
	gone = al->e[i];
	if (al->nr > 1) {
		new = allowlist_alloc(al->nr - 1);
		if (!new) {
			mutex_unlock(&rn->lock);
			return -ENOMEM;
		}
		memcpy(new->e, al->e, i * sizeof(*new->e));
		memcpy(new->e + i, al->e + i + 1,
		       (al->nr - i - 1) * sizeof(*new->e));
	}
	allowlist_replace(rn, new);
	mutex_unlock(&rn->lock);
	kfree_rcu(gone, rcu);
	return 0;
}

/**
 * rcmgr_allowlist_count() - how many entries a namespace has
 * @rn: the namespace state
 *
 * Return: the count, as it was at some moment of the call.
 */
u32 rcmgr_allowlist_count(struct rcmgr_net *rn)
{
	const struct rcmgr_allowlist *al;
	u32 nr;

	rcu_read_lock();
	al = rcu_dereference(rn->allowlist);
	nr = al ? al->nr : 0;
	rcu_read_unlock();
	return nr;
}

/**
 * rcmgr_allowlist_flush() - free the allowlist of a dying namespace
 * @rn: the namespace state
 */
void rcmgr_allowlist_flush(struct rcmgr_net *rn)
{
	struct rcmgr_allowlist *al;
	u32 i;

	mutex_lock(&rn->lock);
	al = rcu_replace_pointer(rn->allowlist, NULL,
				 lockdep_is_held(&rn->lock));
	mutex_unlock(&rn->lock);
	if (!al)
		return;
	for (i = 0; i < al->nr; i++)
		kfree_rcu(al->e[i], rcu);
	call_rcu(&al->rcu, allowlist_free_rcu);
}

/* Netlink. */

static int entry_attr(struct genl_info *info, const u8 **bin)
{
	struct nlattr *a = info->attrs[RCMGR_A_ALLOWLIST_MULTIADDR];

	if (GENL_REQ_ATTR_CHECK(info, RCMGR_A_ALLOWLIST_MULTIADDR))
		return -EINVAL;
	*bin = nla_data(a);
	return nla_len(a);
}

int rcmgr_nl_allowlist_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	const u8 *bin;
	int len, ret;

	len = entry_attr(info, &bin);
	if (len < 0)
		return len;
	ret = rcmgr_allowlist_add(rn, bin, len, info->extack);
	if (ret == -EINVAL)
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[RCMGR_A_ALLOWLIST_MULTIADDR]);
	return ret;
}

int rcmgr_nl_allowlist_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct rcmgr_net *rn = rcmgr_net(genl_info_net(info));
	const u8 *bin;
	int len, ret;

	len = entry_attr(info, &bin);
	if (len < 0)
		return len;
	ret = rcmgr_allowlist_del(rn, bin, len, info->extack);
	if (ret == -EINVAL)
		NL_SET_BAD_ATTR(info->extack,
				info->attrs[RCMGR_A_ALLOWLIST_MULTIADDR]);
	return ret;
}

/* The dump cursor, kept in cb->ctx between batches. */
struct allowlist_dump {
	u64 next_seq;
	u64 last_seq;
};

int rcmgr_nl_allowlist_get_start(struct netlink_callback *cb)
{
	struct rcmgr_net *rn = rcmgr_net(sock_net(cb->skb->sk));
	struct allowlist_dump *ctx = (struct allowlist_dump *)cb->ctx;

	BUILD_BUG_ON(sizeof(*ctx) > sizeof_field(struct netlink_callback, ctx));
	ctx->next_seq = 0;
	/*
	 * Entries added after the dump began are not shown: a dump ends
	 * however fast entries come and go.
	 */
	mutex_lock(&rn->lock);
	ctx->last_seq = rn->allowlist_seq;
	mutex_unlock(&rn->lock);
	return 0;
}

/*
 * Entries in the order added, each once: the cursor is the sequence number
 * of the next entry to show, which entries keep as others come and go.
 */
int rcmgr_nl_allowlist_get_dumpit(struct sk_buff *skb,
				  struct netlink_callback *cb)
{
	struct rcmgr_net *rn = rcmgr_net(sock_net(skb->sk));
	struct allowlist_dump *ctx = (struct allowlist_dump *)cb->ctx;
	const struct rcmgr_allow_entry *e;
	const struct rcmgr_allowlist *al;
	int ret = 0;
	void *hdr;
	u32 i;

	cb->seq = atomic_read(&rn->allowlist_gen);
	rcu_read_lock();
	al = rcu_dereference(rn->allowlist);
	for (i = 0; al && i < al->nr; i++) {
		e = al->e[i];
		if (e->seq < ctx->next_seq)
			continue;
		if (e->seq > ctx->last_seq)
			break;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &rcmgr_family,
				  NLM_F_MULTI, RCMGR_CMD_ALLOWLIST_GET);
		if (!hdr) {
			ret = -EMSGSIZE;
			break;
		}
		genl_dump_check_consistent(cb, hdr);
		if (nla_put(skb, RCMGR_A_ALLOWLIST_MULTIADDR, e->bin_len,
			    e->data) ||
		    nla_put_string(skb, RCMGR_A_ALLOWLIST_TEXT,
				   e->data + e->bin_len)) {
			genlmsg_cancel(skb, hdr);
			ret = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		ctx->next_seq = e->seq + 1;
	}
	rcu_read_unlock();
	/* Full: more next time (6.1 aborts a dump on -EMSGSIZE). */
	if (ret == -EMSGSIZE && skb->len)
		return skb->len;
	return ret;
}
