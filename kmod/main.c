// SPDX-License-Identifier: GPL-2.0
/*
 * rcmgr: the libp2p resource manager in the kernel.  This file only orders
 * initialisation and teardown.
 */
#include <linux/module.h>

#include "rcmgr.h"

static int __init rcmgr_init(void)
{
	int ret;

	rcmgr_scope_locks_init();
	ret = rcmgr_handle_init();
	if (ret)
		goto err_handle;

	ret = rcmgr_named_init();
	if (ret)
		goto err_named;

	ret = register_pernet_subsys(&rcmgr_net_ops);
	if (ret)
		goto err_pernet;

	ret = rcmgr_notifier_register();
	if (ret)
		goto err_notifier;

	/* Last: no request may arrive before the state it needs exists. */
	ret = rcmgr_genl_register();
	if (ret)
		goto err_genl;

	pr_info("rcmgr: resource manager loaded\n");
	return 0;

err_genl:
	rcmgr_notifier_unregister();
err_notifier:
	unregister_pernet_subsys(&rcmgr_net_ops);
err_pernet:
	rcmgr_named_exit();
err_named:
	rcmgr_handle_exit();
err_handle:
	rcmgr_scope_locks_exit();
	return ret;
}

static void __exit rcmgr_exit(void)
{
	rcmgr_genl_unregister();
	/* Before the state it would release goes. */
	rcmgr_notifier_unregister();
	unregister_pernet_subsys(&rcmgr_net_ops);
	/* Scopes, owners and limits are freed after a grace period. */
	rcu_barrier();
	rcmgr_named_exit();
	rcmgr_handle_exit();
	rcmgr_scope_locks_exit();
	pr_info("rcmgr: resource manager unloaded\n");
}

module_init(rcmgr_init);
module_exit(rcmgr_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("libp2p-style resource manager over generic netlink");
MODULE_AUTHOR("rcmgr developers");
MODULE_ALIAS_GENL_FAMILY(RCMGR_FAMILY_NAME);
