# coupdepouce — build, tests, demo.
#   make            build build/coupdepouce
#   make test       unit + integration tests (starts its own mail servers)
#   make check      clean ASan+UBSan build, then the same tests
#   make demo       play a scenario through real mail servers
#   make bench      ingest, send, reaction, scale and memory against targets
#   make torture    crashes and faults against real servers, a table of
#                   losses, with the fuzzing and the mutations (make test
#                   runs all three, smaller)
#   make deps       install the Debian packages everything needs
#   make install    PREFIX=/usr/local DESTDIR=  (make uninstall undoes it)
#   make check-man  the man pages against the config keys and commands

PREFIX  ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
DATADIR ?= $(PREFIX)/share/coupdepouce
DOCDIR  ?= $(PREFIX)/share/doc/coupdepouce
MANDIR  ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
BUILD   ?= build

CC      ?= cc
# libical is compiled against but not linked: out/ical_lib.c loads it with
# dlopen() only while a calendar object is built or read, since it brings
# ICU and libstdc++ (3 MiB resident) that nothing else needs.
PKGS_LINKED = libcurl sqlite3 libpcre2-8 gnutls jansson
PKGS     = $(PKGS_LINKED) libical
WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-format-nonliteral
HARDEN   = -fstack-protector-strong -D_FORTIFY_SOURCE=2
OPT     ?= -O2 -g
WERROR  ?= -Werror
CFLAGS  ?=
# Sanitizer flags go to both compiling and linking, beside (not instead of)
# the hardening link flags; `make check` sets them.
SANITIZE ?=
# The release number is the VERSION file's, so that a tarball without git
# history says the same as a clone; `coupdepouce --version` prints it.
VERSION := $(shell cat VERSION)
CFLAGS  += -std=c11 -D_GNU_SOURCE -DCDP_DATADIR='"$(DATADIR)"' $(OPT) $(WARN) $(WERROR) $(HARDEN) $(SANITIZE) \
           -MMD -MP -I$(BUILD) -Idaemon $(PKG_CFLAGS)
LDFLAGS += -Wl,-z,relro,-z,now $(SANITIZE)
# Debian's libetpan pkg-config adds a non-PIE specs file: link it plainly.
LDLIBS  += -letpan $(PKG_LIBS) -ldl -lm -pthread

# Sources live in one folder per stage of a mail's way through the daemon
# (see the README's source tour); main.c is left out of the test programs.
SRCS     = $(wildcard daemon/*/*.c)
OBJS     = $(SRCS:daemon/%.c=$(BUILD)/%.o) $(BUILD)/store/schema.o
LIBOBJS  = $(filter-out $(BUILD)/cli/main.o,$(OBJS))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

# Every target that needs the toolchain first makes sure the packages are
# there; the check is a dpkg query when nothing is missing.
DEPS_STAMP = $(BUILD)/.deps

.PHONY: all deps test check demo bench install uninstall check-man clean unit
all: $(BUILD)/coupdepouce

deps:
	@sh scripts/deps.sh

$(DEPS_STAMP): scripts/deps.sh
	@mkdir -p $(BUILD)
	@sh scripts/deps.sh
	@touch $@

# The library flags are asked of pkg-config once the packages are there; a
# missing package stops the build with pkg-config's own message instead of
# a compiler error about a header far away.
$(BUILD)/pkg.mk: $(DEPS_STAMP) Makefile
	@pkg-config --exists --print-errors $(PKGS) || \
	    { echo "pkg-config cannot find: $(PKGS) (run 'make deps' as root)" >&2; exit 1; }
	@soname=$$(objdump -p "$$(pkg-config --variable=libdir libical)/libical.so" | \
	    awk '$$1 == "SONAME" { print $$2 }'); \
	[ -n "$$soname" ] || { echo "cannot read libical's SONAME (is binutils installed?)" >&2; exit 1; }; \
	{ echo "PKG_CFLAGS = $$(pkg-config --cflags $(PKGS))"; \
	   echo "PKG_LIBS = $$(pkg-config --libs $(PKGS_LINKED))"; \
	   echo "LIBICAL_SONAME = $$soname"; } > $@

ifeq ($(filter clean deps,$(MAKECMDGOALS)),)
include $(BUILD)/pkg.mk
endif

$(BUILD)/coupdepouce: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: daemon/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# The schema is compiled into the binary so a database can always be brought
# up to date without files next to it.
$(BUILD)/store/schema.c: daemon/store/schema.sql scripts/embed.sh
	@mkdir -p $(@D)
	sh scripts/embed.sh schema_sql $< > $@

$(BUILD)/store/schema.o: $(BUILD)/store/schema.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) $(wildcard tests/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

# The file name that ical_lib.c loads is the one of the libical whose
# headers are compiled in (the SONAME of its development link); the fuzz
# build below compiles it the same way.
ICAL_DEFS = -DCDP_LIBICAL_SONAME='"$(LIBICAL_SONAME)"'
$(BUILD)/out/ical_lib.o: $(BUILD)/pkg.mk
$(BUILD)/out/ical_lib.o: CFLAGS += $(ICAL_DEFS)

# Only main.c prints the version: a new VERSION rebuilds it alone.
$(BUILD)/cli/main.o: VERSION
$(BUILD)/cli/main.o: CFLAGS += -DCDP_VERSION='"$(VERSION)"'

unit: $(UNIT_BIN)

# `make test T=name` (or T="name1 name2") runs only those test programs.
# The programs are built with one job per core even under a plain `make
# test` (CI's command), then tests/run.sh runs them JOBS at a time, with
# the quick torture, a short fuzz and the mutations (see the README).
NPROC := $(shell nproc 2>/dev/null || echo 1)
TEST_PROGS = $(DEPS_STAMP) $(BUILD)/coupdepouce $(UNIT_BIN) $(TOOL_BIN)
.PHONY: test-progs
test-progs: $(TEST_PROGS)

test:
	@$(MAKE) --no-print-directory -j$(NPROC) test-progs
	@sh tests/run.sh $(BUILD) $(T)

check:
	$(MAKE) clean
	$(MAKE) test OPT="-O1 -g -fno-omit-frame-pointer" WERROR=-Werror \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=undefined"

demo: $(DEPS_STAMP) $(BUILD)/coupdepouce
	@sh scripts/demo.sh $(BUILD)

bench: $(DEPS_STAMP) $(BUILD)/coupdepouce $(BUILD)/tools/outboxtool $(BUILD)/tools/gendb
	@sh scripts/bench.sh $(BUILD)

# The torture suite: crashes, server faults, floods, a full or locked
# database, hostile mail, against the real servers, at full scale, beside
# the fuzzing of every target (FUZZ_SECONDS each) and every mutation,
# through tests/run.sh (logs in $(BUILD)/torture-logs); exit 1 when
# anything was lost or done twice, crashed or survived.  TORTURE_LONG=1:
# the longer release run, fuzzing 5 minutes per target.
.PHONY: torture
TORTURE_LONG ?= 0
torture: $(TEST_PROGS)
	@TORTURE_QUICK=0 TORTURE_LONG=$(TORTURE_LONG) TEST_LOGS=$(BUILD)/torture-logs \
	    FUZZ_SECONDS=$(if $(filter 1,$(TORTURE_LONG)),300,$(FUZZ_SECONDS)) \
	    sh tests/run.sh $(BUILD) torture fuzz mutants

# The installed tree (the README's administrator's guide and
# tests/integration/install_tree.sh list it): the binary, the templates and
# rules the daemon uses when [paths] does not name others, the example
# configuration and people file (documentation only: /etc/coupdepouce is
# the administrator's), the units and the man pages.  The units name
# /usr/local; another PREFIX is written into them.
INST_TEMPLATES = $(sort $(shell find templates -type f))
INST_RULES     = $(sort $(wildcard config/rules/*))
INST_DOCS      = README.md config/coupdepouce.conf config/people.csv
INST_UNITS     = coupdepouce.service coupdepouce@.service

install: $(BUILD)/coupdepouce
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/rules \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR)
	install -m 755 $(BUILD)/coupdepouce $(DESTDIR)$(SBINDIR)/coupdepouce
	for f in $(INST_TEMPLATES); do \
	    install -D -m 644 $$f $(DESTDIR)$(DATADIR)/$$f || exit 1; done
	install -m 644 $(INST_RULES) $(DESTDIR)$(DATADIR)/rules/
	install -m 644 $(INST_DOCS) $(DESTDIR)$(DOCDIR)/
	for u in $(INST_UNITS); do \
	    sed 's|/usr/local/|$(PREFIX)/|g' $$u > $(DESTDIR)$(UNITDIR)/$$u && \
	    chmod 644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; done
	install -m 644 man/coupdepouce.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 man/coupdepouce.8 $(DESTDIR)$(MANDIR)/man8/

# Removes what install put there and the folders that are ours alone;
# the shared ones (sbin, man8...) stay, empty or not.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/coupdepouce \
	    $(addprefix $(DESTDIR)$(DATADIR)/,$(INST_TEMPLATES)) \
	    $(addprefix $(DESTDIR)$(DATADIR)/rules/,$(notdir $(INST_RULES))) \
	    $(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(INST_DOCS))) \
	    $(addprefix $(DESTDIR)$(UNITDIR)/,$(INST_UNITS)) \
	    $(DESTDIR)$(MANDIR)/man5/coupdepouce.conf.5 \
	    $(DESTDIR)$(MANDIR)/man8/coupdepouce.8
	for d in $$(printf '%s\n' $(dir $(INST_TEMPLATES)) templates/ rules/ | \
	    sort -ru) ''; do \
	    [ ! -d $(DESTDIR)$(DATADIR)/$$d ] || \
	    rmdir --ignore-fail-on-non-empty $(DESTDIR)$(DATADIR)/$$d; done
	[ ! -d $(DESTDIR)$(DOCDIR) ] || \
	    rmdir --ignore-fail-on-non-empty $(DESTDIR)$(DOCDIR)

check-man:
	@/usr/bin/python3 scripts/check_man.py config/coupdepouce.conf \
	    daemon/config/config.c man/coupdepouce.conf.5 daemon/cli/main.c \
	    man/coupdepouce.8
	@for m in man/coupdepouce.8 man/coupdepouce.conf.5; do \
	    w=$$(groff -man -Tutf8 -ww -z $$m 2>&1); \
	    [ -z "$$w" ] || { echo "$$m: $$w" >&2; exit 1; }; done
	@echo "man pages render without warnings"

# Fuzzing: every fuzz/fuzz_NAME.c is a libFuzzer target linked with the
# daemon's own sources compiled again by clang with the fuzzer and
# sanitizer instrumentation, in $(BUILD)-fuzz so the two builds never mix.
# `make fuzz FUZZ_SECONDS=60 [FUZZ_TARGETS="mime reply"]` runs each target
# for that long from seeds in tests/data and prints what it did.
FUZZ_BUILD   = $(BUILD)-fuzz
FUZZ_CC     ?= clang
FUZZ_SECONDS ?= 30
FUZZ_TARGETS ?=
FUZZ_SAN     = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  = -std=c11 -D_GNU_SOURCE -DCDP_DATADIR='"$(DATADIR)"' -O1 -g \
               -fno-omit-frame-pointer $(WARN) $(WERROR) $(FUZZ_SAN) -MMD -MP \
               -I$(BUILD) -Idaemon $(PKG_CFLAGS)
FUZZ_OBJS    = $(LIBOBJS:$(BUILD)/%=$(FUZZ_BUILD)/%)
FUZZ_BIN     = $(patsubst fuzz/%.c,$(FUZZ_BUILD)/%,$(wildcard fuzz/fuzz_*.c))
-include $(wildcard $(FUZZ_BUILD)/*/*.d)
.PHONY: fuzz memcheck mutants
# The objects are no intermediates to delete after a link.
.SECONDARY: $(FUZZ_OBJS)

$(FUZZ_BUILD)/%.o: daemon/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_BUILD)/out/ical_lib.o: $(BUILD)/pkg.mk
$(FUZZ_BUILD)/out/ical_lib.o: FUZZ_CFLAGS += $(ICAL_DEFS)

$(FUZZ_BUILD)/store/schema.o: $(BUILD)/store/schema.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

fuzz: $(DEPS_STAMP) $(FUZZ_BIN)
	@sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The fuzz targets alone (tests/run.sh builds them so, beside the tests).
.PHONY: fuzz-progs
fuzz-progs: $(DEPS_STAMP) $(FUZZ_BIN)

# Every unit test program under valgrind (scripts/memcheck.sh).
memcheck: $(DEPS_STAMP) $(UNIT_BIN)
	@sh scripts/memcheck.sh $(BUILD) $(T)

# One-line mutations of the critical code, each built and tested in a
# scratch copy of the tree (scripts/mutants.sh, scripts/mutants.list).
# The programs built first: the scratch copy starts from their objects.
mutants: $(TEST_PROGS)
	@BUILD=$(BUILD) sh scripts/mutants.sh $(M)

clean:
	rm -rf $(addprefix $(BUILD)/,$(notdir $(wildcard daemon/*)) tests tools) \
	    $(BUILD)/coupdepouce $(BUILD)/pkg.mk $(BUILD)-fuzz

-include $(wildcard $(BUILD)/*/*.d $(BUILD)/tests/*.d)
