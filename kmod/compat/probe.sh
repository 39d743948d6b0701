#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Feature probes against the kernel headers the module is built with.  Each
# probe prints one -D flag; compat/compat.h turns the flags into shims, so
# the rest of the module never tests kernel versions.
inc=$1/include

# NL_SET_ERR_MSG_FMT: extack messages formatted into the extack (6.2+).
grep -qs 'define NL_SET_ERR_MSG_FMT(' "$inc/linux/netlink.h" &&
	echo -DRCMGR_HAVE_ERR_MSG_FMT
# genl_info_dump(): dump request attributes in a genl_info (6.6+).
grep -qs 'genl_info_dump(' "$inc/net/genetlink.h" &&
	echo -DRCMGR_HAVE_GENL_INFO_DUMP
# GENL_MCAST_CAP_NET_ADMIN: privileged multicast groups (6.7+, backported).
grep -qs 'define GENL_MCAST_CAP_NET_ADMIN' "$inc/net/genetlink.h" &&
	echo -DRCMGR_HAVE_GENL_MCAST_CAP
exit 0
