// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets: a connection's fd unit bound to a real socket of its owner.
 *
 * Binding takes a reference on the socket (sock_hold), never a file
 * reference, so the socket still dies when its last file reference goes:
 * sock_orphan() then sets SOCK_DEAD, whatever closed it (close of the last
 * dup, exit, SIGKILL, an SCM_RIGHTS copy closed everywhere).  Dead sockets
 * are reaped: their connections are done, once, and a notification says
 * so.  Reaping runs
 *  - before a reservation is refused (refused, reap, retry once), so limits
 *    are exact at decision time;
 *  - before stats and dumps, so nobody observes a dead socket's units;
 *  - from a delayed work every second while bindings exist, because a held
 *    user socket holds its network namespace: without it a dead namespace
 *    would stay pinned.
 * Nothing is installed into the socket (no destructor, no sk_user_data),
 * so unloading the module is just a sock_put() per binding.
 *
 * A reap walks the bindings under RCU, without a lock anyone else needs;
 * only the dead ones take locks.  One reap runs at a time per namespace:
 * a caller that finds one running waits for it instead of walking again.
 * A stream socket that starts to listen after it was bound is no longer
 * that connection: it is reaped like a dead one.
 */
#include <linux/file.h>
#include <linux/net.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "rcmgr.h"

#define RCMGR_REAP_INTERVAL	HZ

/**
 * struct rcmgr_bind - a connection's fd unit bound to a socket
 * @node: in &rcmgr_net.binds, by @sk.
 * @sk: the socket (held).
 * @conn: the connection (referenced).
 * @list: in &rcmgr_net.bind_list while the socket may still die; empty
 *	once reaped or unbound.
 * @ino: the socket's inode number.
 * @local: its local address and port, as text, when bound.
 * @remote: its remote address and port, likewise.
 * @rcu: frees it and drops @sk after a grace period: dumps read @ino,
 *	@local and @remote under RCU, and reapers test @sk's flags.
 */
struct rcmgr_bind {
	struct rhash_head node;
	struct sock *sk;
	struct rcmgr_scope *conn;
	struct list_head list;
	u64 ino;
	char local[48];
	char remote[48];
	struct rcu_head rcu;
};

static const struct rhashtable_params rcmgr_bind_params = {
	.head_offset = offsetof(struct rcmgr_bind, node),
	.key_offset = offsetof(struct rcmgr_bind, sk),
	.key_len = sizeof(struct sock *),
	.automatic_shrinking = true,
};

static int check_socket(struct rcmgr_net *rn, struct sock *sk,
			struct netlink_ext_ack *extack)
{
	if (!net_eq(sock_net(sk), rn->net)) {
		NL_SET_ERR_MSG(extack, "socket is in another network namespace");
		return -EXDEV;
	}
	if (sk->sk_family != AF_INET && sk->sk_family != AF_INET6) {
		NL_SET_ERR_MSG(extack, "not an AF_INET or AF_INET6 socket");
		return -EINVAL;
	}
	if (sk->sk_type != SOCK_STREAM && sk->sk_type != SOCK_DGRAM) {
		NL_SET_ERR_MSG(extack, "not a stream or datagram socket");
		return -EINVAL;
	}
	/* Its accepted children would not be this connection. */
	if (sk->sk_type == SOCK_STREAM && READ_ONCE(sk->sk_state) == TCP_LISTEN) {
		NL_SET_ERR_MSG(extack, "socket is listening");
		return -EINVAL;
	}
	return 0;
}

static void sock_addr(const struct sock *sk, bool local,
		      struct sockaddr_storage *ss)
{
	const struct inet_sock *inet = inet_sk(sk);

	memset(ss, 0, sizeof(*ss));
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = local ? sk->sk_v6_rcv_saddr : sk->sk_v6_daddr;
		sin6->sin6_port = local ? inet->inet_sport : inet->inet_dport;
		return;
	}
#endif
	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_addr.s_addr =
		local ? inet->inet_rcv_saddr : inet->inet_daddr;
	((struct sockaddr_in *)ss)->sin_port =
		local ? inet->inet_sport : inet->inet_dport;
}

/*
 * The remote address of a connected INET socket, as a multiaddr would
 * have it.  Return: whether it has one.
 */
static bool sock_remote(const struct sock *sk, struct rcmgr_maddr *ma)
{
	struct sockaddr_storage ss;

	memset(ma, 0, sizeof(*ma));
	sock_addr(sk, false, &ss);
	if (!((struct sockaddr_in *)&ss)->sin_port)
		return false;
	ma->family = ss.ss_family;
	if (ma->family == AF_INET) {
		ma->addr.v4 = ((struct sockaddr_in *)&ss)->sin_addr.s_addr;
		ma->prefix_len = 32;
	} else {
		ma->addr.v6 = ((struct sockaddr_in6 *)&ss)->sin6_addr;
		ma->prefix_len = 128;
	}
	ma->port = ((struct sockaddr_in *)&ss)->sin_port;
	ma->ipproto = sk->sk_protocol == IPPROTO_TCP ? IPPROTO_TCP :
		      sk->sk_protocol == IPPROTO_UDP ? IPPROTO_UDP : 0;
	return true;
}

/**
 * rcmgr_sock_remote() - the remote address of a socket of the caller
 * @rn: the namespace state
 * @fd: the socket's descriptor
 * @ma: filled in
 *
 * What a conn opened with @fd will be limited as; rcmgr_conn_bind()
 * checks again that the socket it binds is that one.
 *
 * Return: 1 if the socket is connected, else 0 (also when @fd is no
 * usable socket: binding says why).
 */
int rcmgr_sock_remote(struct rcmgr_net *rn, int fd, struct rcmgr_maddr *ma)
{
	struct socket *sock;
	int ret;

	sock = sockfd_lookup(fd, &ret);
	if (!sock)
		return 0;
	ret = !check_socket(rn, sock->sk, NULL) && sock_remote(sock->sk, ma);
	sockfd_put(sock);
	return ret;
}

/*
 * The socket's remote address rules: a conn with an address must have the
 * socket's; one without takes it, and is counted with it now.  On success
 * *@old is the endpoint replaced (to free after a grace period).
 */
static int bind_endpoint(struct rcmgr_scope *conn, struct sock *sk,
			 struct rcmgr_endpoint **old, bool *replaced,
			 struct rcmgr_refusal *why,
			 struct netlink_ext_ack *extack)
{
	struct rcmgr_endpoint *ep, *cur;
	u8 bin[RCMGR_ENDPOINT_MAX];
	struct rcmgr_maddr ma;
	int len, ret;

	cur = rcu_dereference_protected(conn->ep, lockdep_is_held(rcmgr_scope_tree(conn)));
	*old = NULL;
	*replaced = false;
	if (!sock_remote(sk, &ma))
		return 0;
	if (cur && cur->has_addr) {
		if (rcmgr_endpoint_matches(&cur->ma, &ma))
			return 0;
		NL_SET_ERR_MSG(extack, "socket's remote address is not the endpoint-bin's");
		return -EINVAL;
	}
	len = rcmgr_maddr_encode(ma.family, ma.addr.b, ma.ipproto, ma.port, bin);
	/* A label given as text stays what dumps show. */
	ep = rcmgr_endpoint_new(bin, len, &ma, NULL);
	if (!ep)
		return -ENOMEM;
	ep->domain = RCMGR_NET_VERIFIED;
	if (cur) {
		ep = rcmgr_endpoint_relabel(ep, cur->text);
		if (!ep)
			return -ENOMEM;
	}
	ret = rcmgr_netlimit_count(conn->rn, ep, why);
	if (ret) {
		kfree(ep);
		return ret;
	}
	*old = cur;
	*replaced = true;
	rcu_assign_pointer(conn->ep, ep);
	return 0;
}

static void reaper_arm(struct rcmgr_net *rn)
{
	queue_delayed_work(system_wq, &rn->reaper, RCMGR_REAP_INTERVAL);
}

/**
 * rcmgr_conn_bind() - bind a connection's fd unit to a socket of the caller
 * @conn: the conn, referenced by the caller; opened with usefd
 * @fd: the socket's descriptor in the calling task's file table
 * @why: filled in when the conn-limit table refuses the socket's address
 * @extack: for the reason of a failure
 *
 * A connected socket's remote address must be the conn's, if it has one
 * (endpoint-bin); a conn without one takes the socket's, and is counted
 * in the conn-limit table with it.
 *
 * Context: process, in the task owning @fd.
 * Return: 0; -EBADF or -ENOTSOCK (@fd), -EXDEV (another namespace),
 * -EINVAL (not INET/INET6, listening, a conn without an fd unit, or
 * another remote address), -EBUSY (the conn or the socket is bound
 * already), -EDQUOT (conn-limit), -ESTALE, -ENOMEM.
 */
int rcmgr_conn_bind(struct rcmgr_scope *conn, int fd,
		    struct rcmgr_refusal *why, struct netlink_ext_ack *extack)
{
	struct rcmgr_endpoint *old = NULL;
	struct rcmgr_net *rn = conn->rn;
	bool replaced = false;
	struct sockaddr_storage ss;
	struct rcmgr_bind *b;
	struct socket *sock;
	int ret;

	sock = sockfd_lookup(fd, &ret);
	if (!sock) {
		if (ret == -ENOTSOCK)
			NL_SET_ERR_MSG(extack, "fd is not a socket");
		else
			NL_SET_ERR_MSG(extack, "fd is not open");
		return ret;
	}
	/* Only an INET socket has the fields sock_addr() reads. */
	ret = check_socket(rn, sock->sk, extack);
	if (ret)
		goto out_put;
	b = kzalloc(sizeof(*b), GFP_KERNEL_ACCOUNT);
	if (!b) {
		ret = -ENOMEM;
		goto out_put;
	}
	b->sk = sock->sk;
	b->conn = conn;
	b->ino = sock_i_ino(b->sk);
	sock_addr(b->sk, true, &ss);
	snprintf(b->local, sizeof(b->local), "%pISpc", &ss);
	sock_addr(b->sk, false, &ss);
	snprintf(b->remote, sizeof(b->remote), "%pISpc", &ss);

	mutex_lock(rcmgr_scope_tree(conn));
	if (rcmgr_scope_done(conn)) {
		NL_SET_ERR_MSG(extack, "scope closed");
		ret = -ESTALE;
	} else if (!conn->usefd) {
		NL_SET_ERR_MSG(extack, "connection was opened without usefd");
		ret = -EINVAL;
	} else if (conn->bind) {
		NL_SET_ERR_MSG(extack, "connection is bound already");
		ret = -EBUSY;
	} else if (!rcmgr_user_charge(&conn->owner->user->nr_binds,
				      READ_ONCE(rn->bounds.max_user_binds))) {
		NL_SET_ERR_MSG(extack, "too many bound sockets of this user (max-user-binds)");
		ret = -EDQUOT;
	}
	if (ret)
		goto out_unlock;
	ret = bind_endpoint(conn, b->sk, &old, &replaced, why, extack);
	if (ret) {
		atomic_dec(&conn->owner->user->nr_binds);
		goto out_unlock;
	}

	mutex_lock(&rn->bind_lock);
	ret = rhashtable_lookup_insert_fast(&rn->binds, &b->node,
					    rcmgr_bind_params);
	if (!ret) {
		list_add_tail_rcu(&b->list, &rn->bind_list);
		atomic_inc(&rn->nr_binds);
	}
	mutex_unlock(&rn->bind_lock);
	if (ret) {
		atomic_dec(&conn->owner->user->nr_binds);
		if (replaced) {
			/* Back as it was: counted in nothing. */
			struct rcmgr_endpoint *ep;

			ep = rcu_replace_pointer(conn->ep, old,
						 lockdep_is_held(rcmgr_scope_tree(conn)));
			rcmgr_netlimit_uncount(rn, ep);
			kfree_rcu(ep, rcu);
			old = NULL;
		}
		if (ret == -EEXIST) {
			NL_SET_ERR_MSG(extack, "socket is bound to another connection");
			ret = -EBUSY;
		}
		goto out_unlock;
	}
	sock_hold(b->sk);
	rcmgr_scope_get(conn);
	/* Dumps read it under RCU: publish it whole. */
	smp_store_release(&conn->bind, b);
	b = NULL;
	reaper_arm(rn);
out_unlock:
	mutex_unlock(rcmgr_scope_tree(conn));
	/* Dumps may be reading the endpoint replaced. */
	if (old)
		kfree_rcu(old, rcu);
	kfree(b);
out_put:
	sockfd_put(sock);
	return ret;
}

static void bind_free_rcu(struct rcu_head *head)
{
	struct rcmgr_bind *b = container_of(head, struct rcmgr_bind, rcu);

	sock_put(b->sk);
	kfree(b);
}

/**
 * rcmgr_conn_unbind() - let go of a connection's socket
 * @conn: the conn, being done; its tree lock held
 *
 * The conn's owner is alive: it is destroyed only after each of its
 * handles was done, which waits for the tree lock.
 */
void rcmgr_conn_unbind(struct rcmgr_scope *conn)
{
	struct rcmgr_bind *b = conn->bind;
	struct rcmgr_net *rn = conn->rn;

	lockdep_assert_held(rcmgr_scope_tree(conn));
	if (!b)
		return;
	WRITE_ONCE(conn->bind, NULL);
	mutex_lock(&rn->bind_lock);
	rhashtable_remove_fast(&rn->binds, &b->node, rcmgr_bind_params);
	list_del_rcu(&b->list);
	atomic_dec(&rn->nr_binds);
	mutex_unlock(&rn->bind_lock);
	atomic_dec(&conn->owner->user->nr_binds);
	/* The caller holds the conn too: this is never the last reference. */
	refcount_dec(&conn->ref);
	call_rcu(&b->rcu, bind_free_rcu);
}

/* The socket is no longer the connection it was bound as. */
static bool bind_dead(const struct rcmgr_bind *b)
{
	const struct sock *sk = b->sk;

	return sock_flag(sk, SOCK_DEAD) ||
	       (sk->sk_type == SOCK_STREAM &&
		READ_ONCE(sk->sk_state) == TCP_LISTEN);
}

/**
 * rcmgr_reap() - end the connections whose bound socket died
 * @rn: the namespace state
 *
 * Context: process; takes tree locks: the caller holds none.
 * Return: how many connections ended; 1 if another reap ran meanwhile
 * (it may have ended some: worth a retry).
 */
int rcmgr_reap(struct rcmgr_net *rn)
{
	struct rcmgr_scope *conn, *tmp;
	struct rcmgr_bind *b;
	LIST_HEAD(dead);
	int n = 0;

	if (!atomic_read(&rn->nr_binds))
		return 0;
	if (!mutex_trylock(&rn->reap_lock)) {
		mutex_lock(&rn->reap_lock);
		mutex_unlock(&rn->reap_lock);
		return 1;
	}
	rcu_read_lock();
	list_for_each_entry_rcu(b, &rn->bind_list, list) {
		if (!bind_dead(b))
			continue;
		/* A conn being done and freed meanwhile is not ours to end. */
		conn = b->conn;
		if (!refcount_inc_not_zero(&conn->ref))
			continue;
		/* reap_node belongs to the holder of reap_lock. */
		list_add_tail(&conn->reap_node, &dead);
	}
	rcu_read_unlock();

	list_for_each_entry_safe(conn, tmp, &dead, reap_node) {
		list_del_init(&conn->reap_node);
		if (rcmgr_handle_done(conn)) {
			rcmgr_notify_closed(conn);
			n++;
		}
		rcmgr_scope_put(conn);
	}
	mutex_unlock(&rn->reap_lock);
	return n;
}

static void reaper_work(struct work_struct *work)
{
	struct rcmgr_net *rn = container_of(to_delayed_work(work),
					    struct rcmgr_net, reaper);

	rcmgr_reap(rn);
	if (atomic_read(&rn->nr_binds))
		reaper_arm(rn);
}

/**
 * rcmgr_sock_init() - set up a namespace's bindings
 * @rn: the namespace state
 *
 * Return: 0 or a negative errno.
 */
int rcmgr_sock_init(struct rcmgr_net *rn)
{
	mutex_init(&rn->bind_lock);
	mutex_init(&rn->reap_lock);
	INIT_LIST_HEAD(&rn->bind_list);
	INIT_DELAYED_WORK(&rn->reaper, reaper_work);
	return rhashtable_init(&rn->binds, &rcmgr_bind_params);
}

/**
 * rcmgr_sock_stop() - stop reaping in a dying namespace
 * @rn: the namespace state
 */
void rcmgr_sock_stop(struct rcmgr_net *rn)
{
	cancel_delayed_work_sync(&rn->reaper);
}

/**
 * rcmgr_sock_exit() - free a namespace's bindings; all are gone
 * @rn: the namespace state
 */
void rcmgr_sock_exit(struct rcmgr_net *rn)
{
	WARN_ON_ONCE(!list_empty(&rn->bind_list));
	rhashtable_destroy(&rn->binds);
	mutex_destroy(&rn->reap_lock);
	mutex_destroy(&rn->bind_lock);
}

/**
 * rcmgr_put_bind() - describe a conn's bound socket in a message
 * @skb: the message
 * @conn: the conn
 *
 * What it says was taken when the socket was bound: the binding itself
 * never touches the socket here, which may be going away.
 *
 * Context: RCU read lock held (keeps the binding alive).
 * Return: 0 or -EMSGSIZE.
 */
int rcmgr_put_bind(struct sk_buff *skb, const struct rcmgr_scope *conn)
{
	/* Pairs with the release in rcmgr_conn_bind(): b is seen whole. */
	const struct rcmgr_bind *b = smp_load_acquire(&conn->bind);

	if (!b)
		return 0;
	if (nla_put_flag(skb, RCMGR_A_SCOPE_BOUND) ||
	    nla_put_u64_64bit(skb, RCMGR_A_SCOPE_SOCK_INO, b->ino,
			      RCMGR_A_SCOPE_PAD) ||
	    nla_put_string(skb, RCMGR_A_SCOPE_SOCK_LOCAL, b->local) ||
	    nla_put_string(skb, RCMGR_A_SCOPE_SOCK_REMOTE, b->remote))
		return -EMSGSIZE;
	return 0;
}
