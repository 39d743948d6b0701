// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * fork(): a manager's handles belong to its netlink socket, and the kernel
 * releases them when the socket's last file reference goes.  A child that
 * kept the parent's socket would keep a SIGKILLed parent's reservations
 * alive for as long as it lives.  So the child closes its copies of every
 * manager's socket the moment it is born, and the manager it inherited
 * answers -ECHILD from then on (rcmgr_close() still frees it).  exec()
 * closes them anyway (SOCK_CLOEXEC).
 */
#include <pthread.h>
#include <unistd.h>

#include "internal.h"

/* Bumped in every child: a manager opened before it is the parent's. */
unsigned int rcmgr_forks;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rcmgr *registry;		/* open managers, by next_rm */
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void prepare(void)
{
	pthread_mutex_lock(&registry_lock);
}

static void parent(void)
{
	pthread_mutex_unlock(&registry_lock);
}

/* Async-signal-safe: close() only. */
static void child(void)
{
	struct rcmgr *rm;

	for (rm = registry; rm; rm = rm->next_rm) {
		if (rm->nl.fd >= 0)
			close(rm->nl.fd);
		rm->nl.fd = -1;
	}
	rcmgr_forks++;
	pthread_mutex_unlock(&registry_lock);
}

static void install(void)
{
	pthread_atfork(prepare, parent, child);
}

void rcmgr_fork_register(struct rcmgr *rm)
{
	pthread_once(&once, install);
	pthread_mutex_lock(&registry_lock);
	rm->forks = rcmgr_forks;
	rm->next_rm = registry;
	registry = rm;
	pthread_mutex_unlock(&registry_lock);
}

void rcmgr_fork_unregister(struct rcmgr *rm)
{
	struct rcmgr **p;

	pthread_mutex_lock(&registry_lock);
	for (p = &registry; *p; p = &(*p)->next_rm) {
		if (*p == rm) {
			*p = rm->next_rm;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
}

/* The manager was opened by an ancestor: its socket is closed here. */
bool rcmgr_forked(const struct rcmgr *rm)
{
	return rm->forks != __atomic_load_n(&rcmgr_forks, __ATOMIC_RELAXED);
}
