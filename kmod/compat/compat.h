/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shims for the kernels rcmgr builds on (6.1 and later).  Driven only by the
 * feature probes in compat/probe.sh, never by version numbers.
 */
#ifndef _RCMGR_COMPAT_H
#define _RCMGR_COMPAT_H

#include <net/genetlink.h>

#ifndef RCMGR_HAVE_GENL_INFO_DUMP
/* Before 6.6 the dump's parsed request attributes sit in the dumpit info. */
#define rcmgr_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#else
#define rcmgr_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#endif

#ifdef RCMGR_HAVE_GENL_MCAST_CAP
#define RCMGR_MCAST_CAP_NET_ADMIN	GENL_MCAST_CAP_NET_ADMIN
#else
/* Without it anyone in the namespace may listen: documented. */
#define RCMGR_MCAST_CAP_NET_ADMIN	0
#endif

#endif /* _RCMGR_COMPAT_H */
