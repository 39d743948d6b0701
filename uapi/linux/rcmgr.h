/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	Documentation/netlink/specs/rcmgr.yaml */
/* YNL-GEN uapi header */

#ifndef _UAPI_LINUX_RCMGR_H
#define _UAPI_LINUX_RCMGR_H

#define RCMGR_FAMILY_NAME	"rcmgr"
#define RCMGR_FAMILY_VERSION	1

/**
 * enum rcmgr_scope_kind - Kind of an accounting scope.
 * @RCMGR_SCOPE_KIND_SYSTEM: The root scope; everything in the namespace is
 *   charged here.
 * @RCMGR_SCOPE_KIND_TRANSIENT: Connections and streams not yet attached to a
 *   peer or protocol.
 */
enum rcmgr_scope_kind {
	RCMGR_SCOPE_KIND_SYSTEM = 1,
	RCMGR_SCOPE_KIND_TRANSIENT,
};

enum {
	RCMGR_A_RESOURCES_MEMORY = 1,
	RCMGR_A_RESOURCES_STREAMS_INBOUND,
	RCMGR_A_RESOURCES_STREAMS_OUTBOUND,
	RCMGR_A_RESOURCES_STREAMS,
	RCMGR_A_RESOURCES_CONNS_INBOUND,
	RCMGR_A_RESOURCES_CONNS_OUTBOUND,
	RCMGR_A_RESOURCES_CONNS,
	RCMGR_A_RESOURCES_FD,
	RCMGR_A_RESOURCES_PAD,

	__RCMGR_A_RESOURCES_MAX,
	RCMGR_A_RESOURCES_MAX = (__RCMGR_A_RESOURCES_MAX - 1)
};

enum {
	RCMGR_A_SCOPE_KIND = 1,
	RCMGR_A_SCOPE_USAGE,
	RCMGR_A_SCOPE_LIMIT,
	RCMGR_A_SCOPE_PAD,

	__RCMGR_A_SCOPE_MAX,
	RCMGR_A_SCOPE_MAX = (__RCMGR_A_SCOPE_MAX - 1)
};

enum {
	RCMGR_CMD_SCOPE_GET = 1,

	__RCMGR_CMD_MAX,
	RCMGR_CMD_MAX = (__RCMGR_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_RCMGR_H */
