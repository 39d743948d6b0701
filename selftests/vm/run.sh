#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh NAME BUILD [MODE]: build rcmgr.ko for test kernel NAME, pack it with
# the selftests into an initramfs, boot the kernel under QEMU (TCG), and
# check what came back over the serial console.  MODE "demo" runs the demo
# instead of the tests.  The TAP goes to BUILD/results/NAME.tap.
# RCMGR_VM_MEM=MIB boots with that much memory (default 2048) and tells the
# tests (RCMGR_EXPECT_RAM_MIB, for the autoscaled defaults); other than the
# default, the results go to BUILD/results/NAME-MIBM.tap.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
name=${1:?usage: run.sh NAME BUILD [MODE]}
build=$(realpath -m "${2:?usage: run.sh NAME BUILD [MODE]}")
mode=${3:-test}
mem=${RCMGR_VM_MEM:-2048}
case "$mem" in
''|*[!0-9]*) echo "RCMGR_VM_MEM: MiB, a number" >&2; exit 2 ;;
esac
tag=$name
[ "$mem" = 2048 ] || tag=$name-${mem}M

read -r _ rel image _ < <("$top/scripts/kernels.sh" "$name")
ko=$("$top/scripts/build-module.sh" "$name" "$build/kmod-$name")

vm=$build/vm/$tag
root=$vm/root
rm -rf "$root"
mkdir -p "$root"/{bin,usr/bin,lib64,lib/x86_64-linux-gnu,proc,sys,dev,tmp,tests}
cp /bin/busybox "$root/bin/"
cp "$here/init.sh" "$root/init"
cp "$ko" "$root/rcmgr.ko"

# Test programs, the CLI and the demo, with the shared objects they load.
cp -a "$build/selftests/." "$root/tests/"
cp "$top/Documentation/netlink/specs/rcmgr.yaml" "$root/tests/"
cp "$build/tools/rcmgr/rcmgr" "$build/tools/rcmgr/rcmgr-demo-node" "$root/usr/bin/"
cp "$top/scripts/demo-vm.sh" "$root/tests/demo.sh"
# RCMGR_TESTS="a b" narrows the run to those programs, while iterating.
if [ -n "${RCMGR_TESTS:-}" ]; then
	echo "$RCMGR_TESTS" > "$root/tests/list"
else
	make -s --no-print-directory -C "$top/selftests" \
		--eval 'print-tests: ; @echo $(TEST_GEN_PROGS) $(TEST_PROGS)' print-tests \
		> "$root/tests/list"
fi
cp -L "$build/ulib/librcmgr.so.1" "$root/lib/x86_64-linux-gnu/"
# iproute2's ip (busybox's cannot make veth pairs), and veth where it is
# a module (the debug kernel has it built in), from the kernel's directory
# in the cache (scripts/kernels.sh): the host's /lib/modules is not read.
cp /bin/ip "$root/usr/bin/ip.iproute2"
mkdir -p "$root/lib/modules"
for m in "$(dirname "$image")/modules/kernel/drivers/net/veth.ko"*; do
	case "$m" in
	*.xz) xz -dc "$m" > "$root/lib/modules/veth.ko" ;;
	*.ko) cp "$m" "$root/lib/modules/veth.ko" ;;
	esac
done

# The kernel's YNL client, and the part of Python it imports.
ynl=$("$top/scripts/ksrc.sh" 6.12)/tools/net/ynl
mkdir -p "$root/tests/ynl"
cp -a "$ynl/cli.py" "$ynl/lib" "$root/tests/ynl/"
cp /usr/bin/python3.11 "$root/usr/bin/python3"
/usr/bin/python3 "$here/pyclosure.py" "$ynl/cli.py" | while read -r f; do
	mkdir -p "$root$(dirname "$f")"
	cp -a "$f" "$root$f"
done

# The packaging test's .debs, DKMS-built module and dpkg (if made).
[ "$mode" != test ] || "$top/selftests/pkg/vm-pack.sh" "$name" "$build" "$root"

# Every ELF in the image gets its libraries.
find "$root" -type f -perm -u+x -o -type f -name '*.so*' | while read -r f; do
	[ "$(head -c 4 "$f" | tail -c 3)" = ELF ] || continue
	ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }' || true
done | sort -u | while read -r lib; do
	case "$lib" in */librcmgr.so*) continue ;; esac
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done

(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$vm/initramfs.gz"

log=$vm/console.log
echo "# $tag: booting $rel with $mem MiB"
start=$(date +%s)
# The debug kernel (KASAN, lockdep, kmemleak) under emulation is several
# times slower than the others.
vm_limit=1200
[ "$name" != debug ] || vm_limit=3600
timeout --foreground "$vm_limit" qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m "${mem}M" \
	-nographic -no-reboot -kernel "$image" -initrd "$vm/initramfs.gz" \
	-append "console=ttyS0 quiet panic=-1 oops=panic panic_on_warn=1 rcmgr.mode=$mode RCMGR_EXPECT_RAM_MIB=$mem" \
	< /dev/null > "$log" 2>&1 || true
echo "# $tag: VM ran $(( $(date +%s) - start )) s"

mkdir -p "$build/results"
"$here/check-log.sh" "$log" "$name" "$build/results/$tag.tap" "$mode"
