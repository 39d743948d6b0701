# SPDX-License-Identifier: GPL-2.0
#
# rcmgr: the kernel module (built per test kernel by Kbuild), librcmgr, the
# rcmgr CLI and the selftests.
#
#   make check   install what is missing, build everything, run the host unit
#                tests and the selftests in VMs on every test kernel
#   make run     the demo: load the module and show the system scope
#   make install librcmgr, the rcmgr tool, man pages, the DKMS module source
#                (DESTDIR, PREFIX; make uninstall takes them away)
#   make deb     the Debian packages, in BUILD/deb
#   make regen   regenerate uapi/linux/rcmgr.h from the YNL spec

VERSION		:= 0.3
BUILD		?= $(CURDIR)/build
KERNELS		?= 6.1 6.12 debug
CC		?= gcc
CFLAGS		?= -O2 -g
WARNINGS	:= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		   -Wmissing-prototypes -Wno-unused-parameter
KSFT_DIR	= $(shell scripts/ksrc.sh 6.1)/tools/testing/selftests
CPPFLAGS	+= -I$(CURDIR)/uapi -I$(CURDIR)/ulib/include -D_GNU_SOURCE \
		   -DRCMGR_VERSION='"$(VERSION)"'
# The kselftest harness is not written for our stricter warnings.
TEST_WARNINGS	:= $(WARNINGS) -Wno-sign-compare -Wno-missing-prototypes
MNL_LIBS	:= $(shell pkg-config --libs libmnl 2>/dev/null || echo -lmnl)
JSON_LIBS	:= $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)

# make install: Debian's paths by default; PREFIX=/usr/local for a local
# build, DESTDIR to stage.  STATIC=0 leaves the static library out.
PREFIX		?= /usr
MULTIARCH	?= $(shell dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || $(CC) -print-multiarch)
libdir		?= $(PREFIX)/lib/$(MULTIARCH)
includedir	?= $(PREFIX)/include
bindir		?= $(PREFIX)/bin
mandir		?= $(PREFIX)/share/man
bashcompdir	?= $(PREFIX)/share/bash-completion/completions
# DKMS looks for module sources in /usr/src, whatever the prefix.
dkmsdir		?= /usr/src/rcmgr-$(VERSION)
STATIC		?= 1
LIB_REAL	:= librcmgr.so.1.0.0

LIB_SRCS	:= ulib/msg.c ulib/nl.c ulib/fork.c ulib/rcmgr.c ulib/monitor.c \
		   ulib/stats.c ulib/batch.c ulib/multibase.c ulib/multiaddr.c \
		   ulib/netpolicy.c
LIB_OBJS	:= $(LIB_SRCS:%.c=$(BUILD)/%.o)
LIB_SO		:= $(BUILD)/ulib/librcmgr.so.1
LIB_A		:= $(BUILD)/ulib/librcmgr-internal.a
LIB_TESTS	:= $(patsubst ulib/tests/%.c,$(BUILD)/ulib/tests/%,$(wildcard ulib/tests/*.c))
CLI_TESTS	:= $(patsubst tools/rcmgr/tests/%.c,$(BUILD)/tools/rcmgr/tests/%,$(wildcard tools/rcmgr/tests/*.c))
CLI		:= $(BUILD)/tools/rcmgr/rcmgr
CLI_SRCS	:= $(filter-out tools/rcmgr/demo-node.c,$(wildcard tools/rcmgr/*.c))
DEMO_NODE	:= $(BUILD)/tools/rcmgr/rcmgr-demo-node

.PHONY: all setup modules ulib tools selftests unit-tests vm-tests check run bench \
	regen check-regen checkpatch clean install uninstall deb pkg-tests FORCE

all: ulib tools selftests

setup:
	@scripts/setup.sh

# librcmgr: a versioned shared object with hidden internals, plus an
# internal archive so the unit tests can reach the pure message functions.
ulib: $(LIB_SO) $(BUILD)/ulib/librcmgr.pc

$(BUILD)/ulib/%.o: ulib/%.c ulib/internal.h ulib/include/rcmgr/rcmgr.h uapi/linux/rcmgr.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -fPIC -fvisibility=hidden -c -o $@ $<

$(LIB_SO): $(LIB_OBJS) ulib/librcmgr.map
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,librcmgr.so.1 \
		-Wl,--version-script=ulib/librcmgr.map -Wl,-z,defs \
		-o $@ $(LIB_OBJS) $(MNL_LIBS) -lpthread
	ln -sf librcmgr.so.1 $(BUILD)/ulib/librcmgr.so

$(LIB_A): $(LIB_OBJS)
	$(AR) rcs $@ $^

# Paths under the prefix are written relative to it, so
# "pkg-config --define-variable=prefix=DESTDIR/usr" finds a staged tree.
PC_SED		= -e 's|@prefix@|$(PREFIX)|; s|@version@|$(VERSION)|' \
		  -e 's|@libdir@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(libdir))|' \
		  -e 's|@includedir@|$(patsubst $(PREFIX)/%,$${prefix}/%,$(includedir))|'

$(BUILD)/ulib/librcmgr.pc: ulib/librcmgr.pc.in FORCE
	sed $(PC_SED) $< > $@.tmp && mv $@.tmp $@

$(BUILD)/ulib/tests/%: ulib/tests/%.c ulib/tests/fake.h $(LIB_A)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Iulib -I$(KSFT_DIR) $(CFLAGS) $(TEST_WARNINGS) -o $@ $< $(LIB_A) $(MNL_LIBS) -lpthread

# The CLI's parsing and escaping, linked from its own source.
$(BUILD)/tools/rcmgr/tests/%: tools/rcmgr/tests/%.c tools/rcmgr/parse.c tools/rcmgr/cli.h $(LIB_SO)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itools/rcmgr -I$(KSFT_DIR) $(CFLAGS) $(TEST_WARNINGS) -o $@ \
		$< tools/rcmgr/parse.c -L$(BUILD)/ulib -lrcmgr -Wl,-rpath,$(BUILD)/ulib

unit-tests: $(LIB_TESTS) $(CLI_TESTS)
	@RCMGR_RESULTS=$(BUILD)/results scripts/unit-tests.sh $(LIB_TESTS) $(CLI_TESTS)

tools: $(CLI) $(DEMO_NODE)

$(DEMO_NODE): tools/rcmgr/demo-node.c ulib/include/rcmgr/rcmgr.h $(LIB_SO)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $< -L$(BUILD)/ulib -lrcmgr \
		-Wl,-rpath,'$$ORIGIN/../../ulib'

$(CLI): $(CLI_SRCS) tools/rcmgr/cli.h ulib/include/rcmgr/rcmgr.h $(LIB_SO)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -o $@ $(CLI_SRCS) -L$(BUILD)/ulib \
		-lrcmgr $(JSON_LIBS) -Wl,-rpath,'$$ORIGIN/../../ulib'

selftests: $(LIB_SO)
	$(MAKE) -C selftests OUTPUT=$(BUILD)/selftests LIBDIR=$(BUILD)/ulib

modules:
	@for k in $(KERNELS); do scripts/build-module.sh $$k $(BUILD)/kmod-$$k || exit 1; done

vm-tests: all
	@selftests/vm/run-all.sh $(BUILD) $(KERNELS)

regen:
	scripts/ynl-regen.sh

check-regen:
	@scripts/ynl-regen.sh --check

checkpatch:
	@scripts/checkpatch.sh

check: setup
	@$(MAKE) --no-print-directory check-regen checkpatch all unit-tests pkg-tests
	@selftests/vm/run-all.sh $(BUILD) $(KERNELS)

run: setup all
	@scripts/demo.sh $(BUILD)

# Costs against the genetlink floor (issue 10's table), one VM run per
# kernel: Debian 6.1, then 6.12.
BENCH_KERNELS	?= 6.1 6.12
bench: setup all
	@for k in $(BENCH_KERNELS); do selftests/vm/run.sh $$k $(BUILD) bench || exit 1; done

# The installed CLI: the same, linked without the build tree's rpath.
$(BUILD)/install/rcmgr: $(CLI)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(LDFLAGS) -o $@ $(CLI_SRCS) -L$(BUILD)/ulib \
		-lrcmgr $(JSON_LIBS)

$(BUILD)/ulib/librcmgr.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

install: $(LIB_SO) $(BUILD)/ulib/librcmgr.pc $(BUILD)/install/rcmgr \
	 $(if $(filter 1,$(STATIC)),$(BUILD)/ulib/librcmgr.a)
	DESTDIR="$(DESTDIR)" LIB_REAL=$(LIB_REAL) VERSION=$(VERSION) STATIC=$(STATIC) \
	libdir=$(libdir) includedir=$(includedir) bindir=$(bindir) mandir=$(mandir) \
	bashcompdir=$(bashcompdir) dkmsdir=$(dkmsdir) scripts/install.sh install $(BUILD)

uninstall:
	DESTDIR="$(DESTDIR)" LIB_REAL=$(LIB_REAL) VERSION=$(VERSION) STATIC=$(STATIC) \
	libdir=$(libdir) includedir=$(includedir) bindir=$(bindir) mandir=$(mandir) \
	bashcompdir=$(bashcompdir) dkmsdir=$(dkmsdir) scripts/install.sh uninstall $(BUILD)

# Debian packages, built from a copy of the tree in BUILD/deb (the .debs
# land there, not in the parent directory).
deb:
	@scripts/deb.sh $(BUILD)/deb

# Packaging checks on the host: the installed layout, dkms build of the
# installed source for each Debian test kernel, the .debs and lintian.
# BUILD/pkg then holds what the VM test installs (selftests/pkg/rcmgr_pkg.sh).
pkg-tests: ulib tools
	@selftests/pkg/run.sh $(BUILD) $(filter-out debug,$(KERNELS))

clean:
	rm -rf $(BUILD)

FORCE:
