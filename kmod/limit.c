// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: the module's defaults per scope class.
 *
 * The defaults are go-libp2p's DefaultLimits scaled for a small host
 * (Scale(128 MiB, 512 fds)), so a node that moves to rcmgr sees the limits it
 * is used to.  Admins change them at run time over netlink.
 */
#include "rcmgr.h"

#define MIB(x)	((s64)(x) << 20)

static void set_limit(struct rcmgr_limit *l, s64 mem, s64 s_in, s64 s_out,
		      s64 s, s64 c_in, s64 c_out, s64 c, s64 fd)
{
	WRITE_ONCE(l->max[RCMGR_RES_MEMORY], mem);
	WRITE_ONCE(l->max[RCMGR_RES_STREAMS_IN], s_in);
	WRITE_ONCE(l->max[RCMGR_RES_STREAMS_OUT], s_out);
	WRITE_ONCE(l->max[RCMGR_RES_STREAMS], s);
	WRITE_ONCE(l->max[RCMGR_RES_CONNS_IN], c_in);
	WRITE_ONCE(l->max[RCMGR_RES_CONNS_OUT], c_out);
	WRITE_ONCE(l->max[RCMGR_RES_CONNS], c);
	WRITE_ONCE(l->max[RCMGR_RES_FD], fd);
}

/**
 * rcmgr_limit_init_system() - set the system scope's default limits
 * @l: limits to overwrite
 */
void rcmgr_limit_init_system(struct rcmgr_limit *l)
{
	set_limit(l, MIB(128), 1024, 2048, 2048, 64, 128, 128, 512);
}

/**
 * rcmgr_limit_init_transient() - set the transient scope's default limits
 * @l: limits to overwrite
 */
void rcmgr_limit_init_transient(struct rcmgr_limit *l)
{
	set_limit(l, MIB(32), 128, 256, 256, 32, 64, 64, 128);
}
