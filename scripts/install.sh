#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# install.sh install|uninstall BUILD: what "make install" and "make uninstall"
# do.  The Makefile passes the directories (DESTDIR, libdir, includedir,
# bindir, mandir, bashcompdir, dkmsdir) and LIB_REAL, VERSION, STATIC in the
# environment.  Installed:
#   libdir/librcmgr.so.1.0.0, .so.1, .so (dev link), librcmgr.a (STATIC=1),
#   libdir/pkgconfig/librcmgr.pc
#   includedir/rcmgr/rcmgr.h, includedir/linux/rcmgr.h (the uapi header)
#   bindir/rcmgr, mandir/man8/rcmgr.8, mandir/man3/librcmgr.3,
#   bashcompdir/rcmgr
#   unitdir/rcmgr-limits.service, udevrulesdir/60-rcmgr.rules: apply
#     /etc/rcmgr/limits.json when the module loads (unitdir and
#     udevrulesdir: /lib/systemd/system and /lib/udev/rules.d for the /usr
#     prefix, as Debian's systemd and udev say; PREFIX/lib/... otherwise)
#   dkmsdir (/usr/src/rcmgr-VERSION): Kbuild, kmod/, uapi/, dkms.conf
# Uninstall removes exactly these, and the directories only rcmgr uses
# (dkmsdir, includedir/rcmgr) once empty; shared ones stay.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
action=${1:?usage: install.sh install|uninstall BUILD}
build=${2:?usage: install.sh install|uninstall BUILD}
d=${DESTDIR:-}
: "${libdir:?}" "${includedir:?}" "${bindir:?}" "${mandir:?}" "${bashcompdir:?}" \
  "${dkmsdir:?}" "${LIB_REAL:?}" "${VERSION:?}" "${STATIC:?}"

prefix=${bindir%/bin}
if [ "$prefix" = /usr ]; then
	: "${unitdir:=/lib/systemd/system}" "${udevrulesdir:=/lib/udev/rules.d}"
else
	: "${unitdir:=$prefix/lib/systemd/system}" "${udevrulesdir:=$prefix/lib/udev/rules.d}"
fi

# The module source: what Kbuild reads, nothing of a build.
module_files() {
	cd "$top" && find Kbuild kmod uapi -type f \( -name Kbuild -o -name '*.[ch]' -o -name '*.sh' \) | sort
}

# Every installed path, one per line: "SRC DST MODE" or "-> TARGET DST".
manifest() {
	echo "$build/ulib/librcmgr.so.1 $libdir/$LIB_REAL 0644"
	echo "-> $LIB_REAL $libdir/librcmgr.so.1"
	echo "-> librcmgr.so.1 $libdir/librcmgr.so"
	[ "$STATIC" != 1 ] || echo "$build/ulib/librcmgr.a $libdir/librcmgr.a 0644"
	echo "$build/ulib/librcmgr.pc $libdir/pkgconfig/librcmgr.pc 0644"
	echo "$top/ulib/include/rcmgr/rcmgr.h $includedir/rcmgr/rcmgr.h 0644"
	echo "$top/uapi/linux/rcmgr.h $includedir/linux/rcmgr.h 0644"
	echo "$build/install/rcmgr $bindir/rcmgr 0755"
	echo "$top/tools/rcmgr/rcmgr.8 $mandir/man8/rcmgr.8 0644"
	echo "$top/ulib/librcmgr.3 $mandir/man3/librcmgr.3 0644"
	echo "$top/tools/rcmgr/rcmgr.bash-completion $bashcompdir/rcmgr 0644"
	echo "$build/install/rcmgr-limits.service $unitdir/rcmgr-limits.service 0644"
	echo "$top/tools/rcmgr/60-rcmgr.rules $udevrulesdir/60-rcmgr.rules 0644"
	echo "$build/install/dkms.conf $dkmsdir/dkms.conf 0644"
	module_files | while read -r f; do
		echo "$top/$f $dkmsdir/$f 0644"
	done
}

case "$action" in
install)
	mkdir -p "$build/install"
	sed "s/#MODULE_VERSION#/$VERSION/" "$top/dkms.conf" > "$build/install/dkms.conf"
	# The unit runs the rcmgr this install puts in bindir.
	sed "s|^ExecStart=/usr/bin/rcmgr |ExecStart=$bindir/rcmgr |" \
		"$top/tools/rcmgr/rcmgr-limits.service" > "$build/install/rcmgr-limits.service"
	manifest | while read -r src dst mode; do
		if [ "$src" = "->" ]; then
			ln -sfn "$dst" "$d$mode"
		else
			install -D -m "$mode" "$src" "$d$dst"
		fi
	done
	;;
uninstall)
	manifest | while read -r src dst mode; do
		[ "$src" = "->" ] && dst=$mode
		rm -f "$d$dst"
	done
	[ ! -d "$d$dkmsdir" ] || find "$d$dkmsdir" -depth -type d -empty -delete
	[ ! -d "$d$includedir/rcmgr" ] || rmdir --ignore-fail-on-non-empty "$d$includedir/rcmgr"
	;;
*)
	echo "usage: install.sh install|uninstall BUILD" >&2
	exit 2
	;;
esac
