# coupdepouce — build, tests, demo.
#   make            build build/coupdepouce
#   make test       unit + integration tests (starts its own mail servers)
#   make check      clean ASan+UBSan build, then the same tests
#   make demo       play a scenario through real mail servers
#   make bench      measure the inbound path (time, mails/s, memory)
#   make deps       install the Debian packages everything needs
#   make install    PREFIX=/usr/local DESTDIR=

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share/coupdepouce
BUILD   ?= build

CC      ?= cc
PKGS     = libcurl sqlite3 libpcre2-8 gnutls jansson libical
WARN     = -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-format-nonliteral
HARDEN   = -fstack-protector-strong -D_FORTIFY_SOURCE=2
OPT     ?= -O2 -g
WERROR  ?= -Werror
CFLAGS  ?=
CFLAGS  += -std=c11 -D_GNU_SOURCE -DCDP_DATADIR='"$(DATADIR)"' $(OPT) $(WARN) $(WERROR) $(HARDEN) -MMD -MP \
           -I$(BUILD) -Idaemon $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDFLAGS += -Wl,-z,relro,-z,now
# Debian's libetpan pkg-config adds a non-PIE specs file: link it plainly.
LDLIBS  += -letpan $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm

SRCS     = $(wildcard daemon/*.c)
OBJS     = $(SRCS:daemon/%.c=$(BUILD)/%.o) $(BUILD)/schema.o
LIBOBJS  = $(filter-out $(BUILD)/main.o,$(OBJS))
UNIT_SRC = $(wildcard tests/unit/test_*.c)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOL_BIN = $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tools/%)

# Every target that needs the toolchain first makes sure the packages are
# there; the check is a dpkg query when nothing is missing.
DEPS_STAMP = $(BUILD)/.deps

.PHONY: all deps test check demo bench install clean unit
all: $(BUILD)/coupdepouce

deps:
	@sh scripts/deps.sh

$(DEPS_STAMP): scripts/deps.sh
	@mkdir -p $(BUILD)
	@sh scripts/deps.sh
	@touch $@

$(BUILD)/coupdepouce: $(OBJS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: daemon/%.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c -o $@ $<

# The schema is compiled into the binary so a database can always be brought
# up to date without files next to it.
$(BUILD)/schema.c: daemon/schema.sql scripts/embed.sh
	@mkdir -p $(@D)
	sh scripts/embed.sh schema_sql $< > $@

$(BUILD)/schema.o: $(BUILD)/schema.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) tests/unit/tap.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

$(BUILD)/tools/%: tests/tools/%.c $(LIBOBJS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBOBJS) $(LDLIBS)

unit: $(UNIT_BIN)

test: $(DEPS_STAMP) $(BUILD)/coupdepouce $(UNIT_BIN) $(TOOL_BIN)
	@sh tests/run.sh $(BUILD)

check:
	$(MAKE) clean
	$(MAKE) test OPT="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined" \
		LDFLAGS="-fsanitize=address,undefined" WERROR=-Werror

demo: $(DEPS_STAMP) $(BUILD)/coupdepouce
	@sh scripts/demo.sh $(BUILD)

bench: $(DEPS_STAMP) $(BUILD)/coupdepouce
	@sh scripts/bench.sh $(BUILD)

install: $(BUILD)/coupdepouce
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)
	install -m 755 $(BUILD)/coupdepouce $(DESTDIR)$(BINDIR)/coupdepouce
	cp -R templates config $(DESTDIR)$(DATADIR)/

clean:
	rm -rf $(BUILD)/*.o $(BUILD)/*.d $(BUILD)/*.c $(BUILD)/coupdepouce $(BUILD)/tests $(BUILD)/tools

-include $(wildcard $(BUILD)/*.d $(BUILD)/tests/*.d)
