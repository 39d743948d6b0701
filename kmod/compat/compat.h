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

/*
 * Events name other sockets' handles: only CAP_NET_ADMIN may listen.  A
 * kernel that cannot restrict a group (before 6.7 and the 6.1.y/6.6.y
 * backports) would let anyone listen, so rcmgr does not build there.
 */
#ifndef RCMGR_HAVE_GENL_MCAST_CAP
#error "rcmgr needs GENL_MCAST_CAP_NET_ADMIN (Linux 6.7, 6.6.y, 6.1.y stable)"
#endif

#endif /* _RCMGR_COMPAT_H */
