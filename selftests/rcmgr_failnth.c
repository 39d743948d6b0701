// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD shim for rcmgr_admin.sh: the RCMGR_FAIL_NTH-th limit change
 * the tool makes fails with ENOMEM, as a kernel refusal midway through a
 * "limit load" would, so the test sees the load undo what it did.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <rcmgr/rcmgr.h>

int rcmgr_limit_update(struct rcmgr *rm, enum rcmgr_limit_class c,
		       const char *name, const struct rcmgr_limit *l,
		       unsigned int which)
{
	static int (*real)(struct rcmgr *, enum rcmgr_limit_class,
			   const char *, const struct rcmgr_limit *,
			   unsigned int);
	static int calls;
	const char *nth = getenv("RCMGR_FAIL_NTH");

	if (!real)
		real = dlsym(RTLD_NEXT, "rcmgr_limit_update");
	if (nth && ++calls == atoi(nth))
		return -ENOMEM;
	return real(rm, c, name, l, which);
}
