#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh BUILD KERNEL...: the packaging checks that run on the host (make
# pkg-tests), as TAP, their totals appended to BUILD/results/host.tap:
#   - make setup installs no kernel image: its plan for a machine with no
#     package at all installs none, and a real run leaves the installed
#     linux-image-* as they were;
#   - make install DESTDIR=... lays out every file, a program builds with
#     pkg-config against that tree, make uninstall takes everything away;
#   - dkms build of the installed source for each KERNEL, in a private tree;
#   - make deb builds the four packages, lintian-clean, each with its files.
# It leaves in BUILD/pkg what the VM test installs (vm-pack.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/selftests/pkg
build=$(realpath -m "${1:?usage: run.sh BUILD KERNEL...}")
shift
pkg=$build/pkg
dest=$pkg/destdir
log=$pkg/log
rm -rf "$pkg"
mkdir -p "$pkg" "$build/results"

n=0 pass=0 fail=0
ok() { n=$((n + 1)); pass=$((pass + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fail=$((fail + 1)); echo "not ok $n $1"; }
# check NAME CMD...: one test; its output shown only when it fails.
check() {
	local name=$1 t0=$SECONDS
	shift
	if "$@" > "$log" 2>&1; then
		ok "$name # $((SECONDS - t0)) s"
	else
		nok "$name"
		tail -n 30 "$log" | sed 's/^/# /'
	fi
}

setup_plan_fresh() {
	local plan
	plan=$("$top/scripts/setup.sh" --plan-fresh) || return 1
	echo "$plan"
	# Installs: not one linux-image-*, dependencies included ...
	! echo "$plan" | grep '^setup: \(apt-get install\|  with dependencies\):' | grep -q 'linux-image-' &&
	# ... while both test kernels are unpacked into the cache.
	echo "$plan" | grep '^setup: unpack' | grep -q 'linux-image-6\.1\.0-' &&
	echo "$plan" | grep '^setup: unpack' | grep -q 'linux-image-6\.12\.'
}

setup_keeps_images() {
	dpkg -l 'linux-image-*' > "$pkg/images.before" 2>&1
	"$top/scripts/setup.sh" || return 1
	dpkg -l 'linux-image-*' > "$pkg/images.after" 2>&1
	diff -u "$pkg/images.before" "$pkg/images.after"
}

mk() { make -s --no-print-directory -C "$top" BUILD="$build" "$@"; }

install_layout() {
	local lib ver f
	lib=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	ver=$(sed -n 's/^VERSION[[:space:]]*:= *//p' "$top/Makefile")
	mk install DESTDIR="$dest" || return 1
	for f in $lib/librcmgr.so.1.0.0 $lib/librcmgr.a $lib/pkgconfig/librcmgr.pc \
		usr/include/rcmgr/rcmgr.h usr/include/linux/rcmgr.h usr/bin/rcmgr \
		usr/share/man/man8/rcmgr.8 usr/share/man/man3/librcmgr.3 \
		usr/share/bash-completion/completions/rcmgr \
		lib/systemd/system/rcmgr-limits.service lib/udev/rules.d/60-rcmgr.rules \
		usr/src/rcmgr-$ver/dkms.conf usr/src/rcmgr-$ver/Kbuild \
		usr/src/rcmgr-$ver/kmod/Kbuild usr/src/rcmgr-$ver/kmod/main.c \
		usr/src/rcmgr-$ver/uapi/linux/rcmgr.h; do
		[ -f "$dest/$f" ] || { echo "missing $f"; return 1; }
	done
	[ "$(readlink "$dest/$lib/librcmgr.so.1")" = librcmgr.so.1.0.0 ] &&
	[ "$(readlink "$dest/$lib/librcmgr.so")" = librcmgr.so.1 ] || { echo "bad .so links"; return 1; }
	[ -x "$dest/usr/bin/rcmgr" ] || return 1
	# The installed tool looks for librcmgr where the system keeps it.
	! readelf -d "$dest/usr/bin/rcmgr" | grep -q 'RPATH\|RUNPATH' || { echo "rcmgr has an rpath"; return 1; }
	grep -qx 'prefix=/usr' "$dest/$lib/pkgconfig/librcmgr.pc" &&
	grep -qx "libdir=\${prefix}/${lib#usr/}" "$dest/$lib/pkgconfig/librcmgr.pc" &&
	grep -qx "PACKAGE_VERSION=\"$ver\"" "$dest/usr/src/rcmgr-$ver/dkms.conf" &&
	grep -qx 'AUTOINSTALL="yes"' "$dest/usr/src/rcmgr-$ver/dkms.conf" &&
	man -l "$dest/usr/share/man/man3/librcmgr.3" > /dev/null &&
	grep -qx 'ExecStart=/usr/bin/rcmgr limit load /etc/rcmgr/limits.json' \
		"$dest/lib/systemd/system/rcmgr-limits.service" &&
	bash -n "$dest/usr/share/bash-completion/completions/rcmgr"
}

# A user's program, built only from the staged tree.
pkgconfig_build() {
	local pc flags
	pc=$(dirname "$(find "$dest" -name librcmgr.pc)")
	flags=$(PKG_CONFIG_PATH=$pc pkg-config --define-variable=prefix="$dest/usr" \
		--cflags --libs librcmgr) || return 1
	echo "pkg-config: $flags"
	case "$flags" in *"$dest"/usr/include*"$dest"/usr/lib/*) ;; *) return 1 ;; esac
	# shellcheck disable=SC2086
	gcc -Wall -Werror -o "$pkg/pc_test" "$here/pc_test.c" $flags &&
	readelf -d "$pkg/pc_test" | grep -q 'NEEDED.*librcmgr\.so\.1\]'
}

uninstall_all() {
	local d=$pkg/uninstall-test left
	mk install DESTDIR="$d" PREFIX=/usr/local || return 1
	# The module source goes where DKMS looks, whatever the prefix; the
	# unit runs the rcmgr installed with it.
	[ -f "$d/usr/local/bin/rcmgr" ] && ls "$d"/usr/src/rcmgr-*/dkms.conf || return 1
	grep -q '^ExecStart=/usr/local/bin/rcmgr ' \
		"$d/usr/local/lib/systemd/system/rcmgr-limits.service" || return 1
	mk uninstall DESTDIR="$d" PREFIX=/usr/local || return 1
	left=$(find "$d" ! -type d)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
	rm -rf "$d"
}

dkms_build() {
	local ko rel
	ko=$("$here/dkms-build.sh" "$1" "$build") || return 1
	rel=$("$top/scripts/kernels.sh" "$1" | awk '{ print $2 }')
	modinfo -F vermagic "$ko" | grep -q "^$rel " || { echo "vermagic is not $rel"; return 1; }
}

deb_build() {
	local d
	mk deb || return 1
	mkdir -p "$pkg/debs"
	cp "$build"/deb/*.deb "$pkg/debs/"
	cat "$build/deb/lintian.log"
	for d in rcmgr-dkms librcmgr1 librcmgr-dev rcmgr-tools; do
		ls "$pkg"/debs/"${d}"_*.deb > /dev/null || return 1
	done
}

deb_contents() {
	has() {
		dpkg-deb -c "$pkg"/debs/"$1"_*.deb > "$pkg/contents" &&
		grep -q " \./$2" "$pkg/contents" || { echo "$1: no $2"; return 1; }
	}
	has rcmgr-dkms 'usr/src/rcmgr-[0-9.]*/dkms.conf' &&
	has rcmgr-dkms 'usr/src/rcmgr-[0-9.]*/kmod/main.c' &&
	has rcmgr-dkms 'etc/modules-load.d/rcmgr.conf' &&
	has librcmgr1 'usr/lib/[^/]*/librcmgr.so.1.0.0' &&
	has librcmgr1 'usr/lib/[^/]*/librcmgr.so.1 -> ' &&
	has librcmgr-dev 'usr/lib/[^/]*/librcmgr.so -> ' &&
	has librcmgr-dev 'usr/lib/[^/]*/librcmgr.a' &&
	has librcmgr-dev 'usr/lib/[^/]*/pkgconfig/librcmgr.pc' &&
	has librcmgr-dev 'usr/include/rcmgr/rcmgr.h' &&
	has librcmgr-dev 'usr/include/linux/rcmgr.h' &&
	has librcmgr-dev 'usr/share/man/man3/librcmgr.3' &&
	has rcmgr-tools 'usr/bin/rcmgr' &&
	has rcmgr-tools 'usr/share/man/man8/rcmgr.8' &&
	has rcmgr-tools 'usr/share/bash-completion/completions/rcmgr' &&
	has rcmgr-tools 'lib/systemd/system/rcmgr-limits.service' &&
	has rcmgr-tools 'lib/udev/rules.d/60-rcmgr.rules' &&
	dpkg-deb -f "$pkg"/debs/rcmgr-dkms_*.deb Depends > "$pkg/contents" &&
	grep -q dkms "$pkg/contents" &&
	dpkg-deb -I "$pkg"/debs/rcmgr-dkms_*.deb postinst > "$pkg/contents" &&
	grep -q common.postinst "$pkg/contents" && rm -f "$pkg/contents"
}

echo "TAP version 13"
echo "1..$((7 + $#))"
check "setup: a fresh machine's plan installs no linux-image" setup_plan_fresh
check "setup: installed linux-image-* unchanged by make setup" setup_keeps_images
check "make install DESTDIR: the whole layout" install_layout
check "pkg-config against the DESTDIR tree builds a program" pkgconfig_build
check "make install/uninstall PREFIX=/usr/local leaves nothing" uninstall_all
for k in "$@"; do
	check "dkms build for $k (private tree)" dkms_build "$k"
done
check "make deb: four packages, lintian-clean" deb_build
check "the packages hold their files" deb_contents
rm -f "$log"
totals="# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:0 error:0"
echo "$totals"
echo "# pkg: $totals" >> "$build/results/host.tap"
[ "$fail" -eq 0 ]
