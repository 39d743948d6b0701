#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The demo, as run inside a VM (or on a host) where rcmgr.ko is loaded.
set -e
echo "\$ rcmgr scope show"
rcmgr scope show
echo
echo "\$ rcmgr -j -p scope show system"
rcmgr -j -p scope show system
