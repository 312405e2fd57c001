# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# stampede: STAMP reflector in XDP.  `make` builds build/stampede,
# `make test` runs the test suite, `make demo` shows it working,
# `make bench` measures it (BENCHMARKS.md).

BUILD      ?= build
CLANG      ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL    ?= bpftool
CC         ?= gcc

ARCH       := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
MULTIARCH  := $(shell $(CC) -print-multiarch 2>/dev/null)
VERSION    := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1)

BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall -Werror \
	      -Iinclude -Ibpf $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))
CFLAGS     ?= -O2 -g
USER_CFLAGS := $(CFLAGS) -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	       -Iinclude -Iuser -I$(BUILD)
# libxdp, libbpf, libelf, zlib, json-c, inih and libmicrohttpd are linked in
# statically so the binary can be copied to hosts (and Kubernetes nodes)
# that do not have them.  GnuTLS, which libmicrohttpd.a refers to, stays
# dynamic: every distribution ships it, and a static one would pull in its
# whole tree.
USER_LIBS  := -Wl,-Bstatic -lxdp -lbpf -lelf -lz -ljson-c -linih -lmicrohttpd -Wl,-Bdynamic -lgnutls -lpthread

BPF_SRCS   := $(wildcard bpf/*.bpf.c)
BPF_HDRS   := $(wildcard bpf/*.h bpf/tlv/*.h) $(wildcard include/*.h)
USER_SRCS  := $(wildcard user/*.c)
USER_HDRS  := $(wildcard user/*.h) $(wildcard include/*.h)
# Everything but main.c goes into one library that the controller, the
# tests and the benchmark link: a test uses the controller's own code.
LIB_SRCS   := $(filter-out user/main.c,$(USER_SRCS))
LIB_OBJS   := $(patsubst user/%.c,$(BUILD)/obj/user/%.o,$(LIB_SRCS))
LIBSTAMPEDE := $(BUILD)/libstampede.a
# testing/: what the tests and the benchmark share (the harness, packet
# builders, the checksum and field oracle, test tools such as stamp_send,
# one XDP_PASS program, the shell library).  tests/ and bench/ use it;
# it uses neither.
TESTING_C    := $(filter-out %.bpf.c testing/harness.c,$(wildcard testing/*.c))
TESTING_BINS := $(patsubst testing/%.c,$(BUILD)/testing/%,$(TESTING_C))
TESTING_BPF_OBJS := $(patsubst testing/%.bpf.c,$(BUILD)/testing/%.bpf.o,$(wildcard testing/*.bpf.c))
HARNESS_OBJ  := $(BUILD)/obj/testing/harness.o
# Each tests/*.c is a suite of its own; tests/xdp/*.c (one file per rule of
# the data path) link into one, xdp_unit, which loads each configuration once.
TEST_C     := $(filter-out %.bpf.c,$(wildcard tests/*.c))
XDP_UNIT_OBJS := $(patsubst tests/xdp/%.c,$(BUILD)/obj/tests/xdp/%.o,$(wildcard tests/xdp/*.c))
TEST_BINS  := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_C)) $(BUILD)/tests/xdp_unit $(TESTING_BINS)
TEST_BPF_OBJS := $(patsubst tests/%.bpf.c,$(BUILD)/tests/%.bpf.o,$(wildcard tests/*.bpf.c)) $(TESTING_BPF_OBJS)
# -MMD -MP: each object and test program depends on every file it
# includes (tests include user/*.c files too), so a change rebuilds them.
DEP_FLAGS  = -MMD -MP -MF $@.d

DEPS_STAMP := $(BUILD)/.deps-ok
# `make deps`, `make demo`, `make test` and `make bench` install what is
# missing (Debian, as root); any other goal names it and stops.
ifneq ($(filter deps test-deps test demo bench,$(MAKECMDGOALS)),)
DEPS_MODE :=
else
DEPS_MODE := --check
endif

# V=1 shows every command; by default one line per file built.
ifeq ($(V),1)
Q :=
msg = @true
else ifneq ($(findstring s,$(firstword -$(MAKEFLAGS))),)
Q := @
msg = @true
else
Q := @
msg = @printf '  %-9s %s\n' '$(1)' '$(2)'
endif

PREFIX  ?= /usr/local
DESTDIR ?=

.PHONY: all deps test-deps test demo clean format install uninstall man deb hdrcheck
.DELETE_ON_ERROR:
# Keep the BPF object next to its skeleton (bpftool prog load, benchmarks).
.SECONDARY:

MAN_PAGES := $(BUILD)/man/stampede.8 $(BUILD)/man/stampede.conf.5

all: $(BUILD)/stampede $(MAN_PAGES)

# Installs missing packages on Debian as root, names them elsewhere.
deps:
	@sh tools/install-deps.sh
test-deps:
	@STAMPEDE_NPM_DIR=$(BUILD)/npm sh tools/install-deps.sh --test

$(DEPS_STAMP): tools/install-deps.sh
	@sh tools/install-deps.sh $(DEPS_MODE)
	@mkdir -p $(BUILD) && touch $@

$(BUILD)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(BUILD)
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@ 2>/dev/null || true

# The tc reflector is the XDP source built with STAMPEDE_TC (bpf/ctx.h).
$(BUILD)/stampede_tc.bpf.o: bpf/stampede.bpf.c

# llvm-strip -g drops DWARF only: BTF stays, so pinned maps show named fields.
$(BUILD)/%.skel.h: $(BUILD)/%.bpf.o | $(DEPS_STAMP)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst .,_,$*)_bpf > $@

# The controller embeds every BPF object of bpf/: the reflector (XDP and tc)
# and the address watch.
SKELETONS  := $(patsubst bpf/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
$(BUILD)/obj/user/%.o: user/%.c $(SKELETONS) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) $(DEP_FLAGS) -c $< -o $@

# The version as a header rewritten only when it changes: version.o follows
# a new commit without the rest being rebuilt (user/version.c includes it).
# Written while the Makefile is read, not by a rule that always runs, so
# that `make -q` can still tell an up-to-date tree.
VERSION_H    := $(BUILD)/stampede_version.h
VERSION_LINE := \#define STAMPEDE_VERSION "$(VERSION)"
$(shell mkdir -p $(BUILD) && { [ "$$(cat $(VERSION_H) 2>/dev/null)" = '$(VERSION_LINE)' ] || echo '$(VERSION_LINE)' >$(VERSION_H); })

$(BUILD)/obj/user/version.o: $(VERSION_H)

$(LIBSTAMPEDE): $(LIB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(BUILD)/stampede: $(BUILD)/obj/user/main.o $(LIBSTAMPEDE) | $(DEPS_STAMP)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $< -o $@ $(LIBSTAMPEDE) $(USER_LIBS)

$(BUILD)/obj/testing/%.o $(BUILD)/obj/tests/xdp/%.o: | $(DEPS_STAMP)
$(BUILD)/obj/testing/%.o: testing/%.c
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) $(DEP_FLAGS) -Itesting -c $< -o $@

$(BUILD)/obj/tests/xdp/%.o: tests/xdp/%.c $(BUILD)/stampede.skel.h $(BUILD)/stampede_tc.skel.h
	@mkdir -p $(dir $@)
	$(call msg,CC,$@)
	$(Q)$(CC) $(USER_CFLAGS) $(DEP_FLAGS) -Itesting -c $< -o $@

$(BUILD)/tests/xdp_unit: $(XDP_UNIT_OBJS) $(HARNESS_OBJ) $(LIBSTAMPEDE) | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/tests
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $^ -o $@ $(USER_LIBS) -lm -lcrypto

$(BUILD)/tests/%: tests/%.c $(HARNESS_OBJ) $(LIBSTAMPEDE) $(BUILD)/stampede.skel.h | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/tests
	$(call msg,CC-LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $(DEP_FLAGS) -Itesting $< -o $@ $(HARNESS_OBJ) $(LIBSTAMPEDE) $(USER_LIBS) -lm $(TEST_LIBS)

# probe_unit checks the probe's HMACs with OpenSSL's.
$(BUILD)/tests/probe_unit: TEST_LIBS := -lcrypto

# The test tools use only libc and testing/: they must not share code with
# the data path or the controller they exercise.  stamp_reflect's
# authenticated mode signs with OpenSSL's HMAC() (libcrypto), not ours.
$(BUILD)/testing/stamp_reflect: TOOL_LIBS := -lcrypto
$(BUILD)/testing/%: testing/%.c | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/testing
	$(call msg,CC-LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $(DEP_FLAGS) -Itesting $< -o $@ -lm $(TOOL_LIBS)

$(BUILD)/tests/%.bpf.o: tests/%.bpf.c $(BPF_HDRS) | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/tests
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/testing/%.bpf.o: testing/%.bpf.c | $(DEPS_STAMP)
	@mkdir -p $(BUILD)/testing
	$(call msg,CLANG-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

# stampede(8) is what the built controller prints of its own command
# tables, so the page cannot tell of commands it does not have;
# stampede.conf(5) is written by hand (docs/stampede.conf.5).
man: $(MAN_PAGES)
$(BUILD)/man/stampede.8: $(BUILD)/stampede
	@mkdir -p $(dir $@)
	$(call msg,GEN-MAN,$@)
	$(Q)$< help --man >$@
$(BUILD)/man/stampede.conf.5: docs/stampede.conf.5
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

# (xdp_unit.d is left over from before tests/xdp_unit.c was split: it names
# a source that is gone.)
-include $(filter-out $(BUILD)/tests/xdp_unit.d,$(wildcard $(BUILD)/obj/user/*.d \
	$(BUILD)/obj/testing/*.d $(BUILD)/obj/tests/xdp/*.d $(BUILD)/tests/*.d \
	$(BUILD)/testing/*.d $(BUILD)/bench/*.d))

# The README's main command: a two-namespace testbed, the reflector attached
# in one, `stampede probe` from the other, then everything removed again.
demo: $(BUILD)/stampede $(BUILD)/testing/xdp_pass.bpf.o
	@BUILD=$(BUILD) bash tools/demo.sh

include bench/bench.mk
include fuzz/fuzz.mk

# The benchmark's programs are built too: tests/test_bench.sh runs them
# briefly (their own checks of every reflection, no timing asserted).
test: test-deps $(BUILD)/stampede $(MAN_PAGES) $(TEST_BINS) $(TEST_BPF_OBJS) $(BUILD)/stampede.bpf.o $(BENCH_BPF_OBJS) $(BENCH_BINS) $(FUZZ_BIN)
	@BUILD=$(BUILD) sh tests/run.sh

# Every header compiles on its own (BPF ones for the BPF target), so that
# each says what it needs.  The TLV handler files say "Included by tlv/walk.h":
# they are parts of it, not headers of their own.
HDRCHECK_BPF := $(shell grep -L "Included by tlv/walk.h" bpf/*.h bpf/tlv/*.h) $(wildcard include/*.h)
hdrcheck: $(BUILD)/stampede.skel.h | $(DEPS_STAMP)
	@set -e; for h in $(HDRCHECK_BPF); do \
		echo | $(CLANG) $(BPF_CFLAGS) -Wno-unused-function -fsyntax-only -include $$h -x c - || \
			{ echo "hdrcheck: $$h does not compile alone" >&2; exit 1; }; \
	done; \
	for h in $(wildcard include/*.h) $(USER_HDRS) $(filter-out testing/tool_cli.h,$(wildcard testing/*.h)) \
		$(wildcard tests/xdp/*.h); do \
		echo | $(CC) $(USER_CFLAGS) -Itesting -Wno-unused-function -fsyntax-only -include $$h -x c - || \
			{ echo "hdrcheck: $$h does not compile alone" >&2; exit 1; }; \
	done; echo "hdrcheck: every header compiles alone"

format:
	clang-format -i $(BPF_SRCS) $(BPF_HDRS) $(USER_SRCS) $(USER_HDRS) $(wildcard tests/*.c tests/xdp/*.[ch] fuzz/*.[ch] testing/*.[ch]) \
		$(BENCH_BPF_SRCS) $(BENCH_C_SRCS)

# The controller (one static binary, its BPF program embedded), its man
# pages, bash completion, the agent's systemd unit (ExecStart pointed at
# PREFIX) and the documentation, with the agent's commented default
# configuration as an example to copy to /etc/stampede/stampede.conf.
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR  := $(PREFIX)/share/doc/stampede
install: $(BUILD)/stampede $(MAN_PAGES)
	install -D -m 0755 $(BUILD)/stampede $(DESTDIR)$(PREFIX)/sbin/stampede
	install -D -m 0644 $(BUILD)/man/stampede.8 $(DESTDIR)$(PREFIX)/share/man/man8/stampede.8
	install -D -m 0644 $(BUILD)/man/stampede.conf.5 $(DESTDIR)$(PREFIX)/share/man/man5/stampede.conf.5
	install -D -m 0644 tools/completion/stampede \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/stampede
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/sbin/stampede|$(PREFIX)/sbin/stampede|' deploy/systemd/stampede.service \
		>$(DESTDIR)$(UNITDIR)/stampede.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/stampede.service
	install -D -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -D -m 0644 docs/datapath.md $(DESTDIR)$(DOCDIR)/datapath.md
	install -D -m 0644 deploy/stampede.conf $(DESTDIR)$(DOCDIR)/stampede.conf.example

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/stampede
	rm -f $(DESTDIR)$(PREFIX)/share/man/man8/stampede.8 \
		$(DESTDIR)$(PREFIX)/share/man/man5/stampede.conf.5
	rm -f $(DESTDIR)$(PREFIX)/share/bash-completion/completions/stampede
	rm -f $(DESTDIR)$(UNITDIR)/stampede.service
	rm -rf $(DESTDIR)$(DOCDIR)

# The Debian package (tools/mkdeb.sh): build/deb/stampede_VERSION_ARCH.deb.
# Its binary links libxdp, libbpf, libelf, zlib and json-c dynamically, from the
# packages Depends names: on Debian their security updates reach stampede
# too (and lintian rejects an embedded zlib).
$(BUILD)/deb/stampede: $(BUILD)/obj/user/main.o $(LIBSTAMPEDE) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(USER_CFLAGS) $< -o $@ $(LIBSTAMPEDE) -lxdp -lbpf -lelf -lz -ljson-c -linih -lmicrohttpd -lgnutls -lpthread

deb: $(BUILD)/deb/stampede $(MAN_PAGES)
	@BUILD=$(BUILD) sh tools/mkdeb.sh

clean:
	rm -rf $(BUILD)
