# feedwatch — see README.md. Outputs go under build/ (build/san with SANITIZE=1).
VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/feedwatch
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
SYSUNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

PKG_CONFIG ?= pkg-config
PKGS = glib-2.0 gio-2.0 libcurl libxml-2.0 sqlite3 libnotify libsystemd json-glib-1.0
# The tool's alone: `feedwatch browse` (cli/cmd-browse.c, cli/browse-screen.c)
# draws with ncurses.
TOOL_PKGS = ncursesw

CFLAGS ?= -O2 -g
B = build
ifeq ($(SANITIZE),1)
B = build/san
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

FW_CFLAGS = -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude \
	-DFW_VERSION='"$(VERSION)"' -DFW_DOCDIR='"$(DOCDIR)"' $(SAN) $(shell $(PKG_CONFIG) --cflags $(PKGS))
FW_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS)) -lm

# libfeedwatch.a: the service's pipeline (daemon/ but feedwatchd.c).
# libfeedwatch-cli.a: the tool's commands and presenters (cli/ but feedwatch.c).
# INTERIM: cli/hitlog.c still holds fw_hitlog_json and fw_hitlog_marks_parse,
# which daemon/outbox.c calls (with -Icli), so it is built into libfeedwatch.a
# until daemon/hit.c owns them; then drop INTERIM_SRC and outbox.o's -Icli.
INTERIM_SRC = cli/hitlog.c
CORE_SRC = $(filter-out daemon/feedwatchd.c,$(sort $(wildcard daemon/*.c))) $(INTERIM_SRC)
CORE_OBJ = $(patsubst cli/%.c,$(B)/obj/cli/%.o,$(CORE_SRC:daemon/%.c=$(B)/obj/%.o))
CLI_SRC = $(filter-out cli/feedwatch.c $(INTERIM_SRC),$(sort $(wildcard cli/*.c)))
CLI_OBJ = $(CLI_SRC:cli/%.c=$(B)/obj/cli/%.o)
CLI_TESTS = $(B)/tests/test_browse $(B)/tests/test_hitlog $(B)/tests/test_report $(B)/tests/test_stats
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))

all: $(B)/feedwatch $(B)/feedwatchd

$(B)/obj/%.o: daemon/%.c $(wildcard include/feedwatch/*.h daemon/*.h) | $(B)/obj
	$(CC) $(FW_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/obj/cli/%.o: cli/%.c $(wildcard include/feedwatch/*.h cli/*.h) | $(B)/obj/cli
	$(CC) $(FW_CFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/obj/cli/cmd-browse.o $(B)/obj/cli/browse-screen.o: FW_CFLAGS += $(shell $(PKG_CONFIG) --cflags $(TOOL_PKGS))

$(B)/obj/outbox.o: cli/hitlog.h
$(B)/obj/outbox.o: FW_CFLAGS += -Icli

$(B)/libfeedwatch.a: $(CORE_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/libfeedwatch-cli.a: $(CLI_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/feedwatch: $(B)/obj/cli/feedwatch.o $(B)/libfeedwatch-cli.a $(B)/libfeedwatch.a
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(FW_LIBS) $(shell $(PKG_CONFIG) --libs $(TOOL_PKGS))

$(B)/feedwatchd: $(B)/obj/feedwatchd.o $(B)/libfeedwatch.a
	$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(FW_LIBS)

# The presenters' tests see cli/ and link its library too.
$(B)/tests/%: tests/unit/%.c $(B)/libfeedwatch.a | $(B)/tests
	$(CC) $(FW_CFLAGS) $(TEST_CLI_INC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_CLI_LIB) \
		$(B)/libfeedwatch.a $(FW_LIBS)

$(CLI_TESTS): $(B)/libfeedwatch-cli.a $(wildcard cli/*.h)
$(CLI_TESTS): TEST_CLI_INC = -Icli
$(CLI_TESTS): TEST_CLI_LIB = $(B)/libfeedwatch-cli.a

$(B)/obj $(B)/obj/cli $(B)/tests:
	mkdir -p $@

deps:
	@sh .ci/deps

# Runs the daemon in the foreground on the example config.
run: deps all
	$(B)/feedwatchd -c config/feedwatch.conf

# Every test, through prove (TAP). FW_WRAP runs the binaries under a tool.
check-build: all $(UNIT_BIN)

test: deps
	@$(MAKE) --no-print-directory check-build
	FW_BUILD=$(B) prove -f $(UNIT_BIN) tests/integration/*.t

# Every test again with every binary under valgrind; each process logs to
# build/valgrind/PID.log, and any error or definite leak there fails the run.
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
	--errors-for-leak-kinds=definite --suppressions=$(CURDIR)/tests/valgrind.supp \
	--log-file=$(CURDIR)/$(B)/valgrind/%p.log
memcheck: deps
	@$(MAKE) --no-print-directory check-build
	rm -rf $(B)/valgrind && mkdir -p $(B)/valgrind
	FW_BUILD=$(B) FW_WRAP="$(VALGRIND)" prove -f --exec 'sh tests/helpers/wrap.sh' $(UNIT_BIN) tests/integration/*.t
	sh tests/helpers/vgcheck.sh $(B)/valgrind

# Benchmarks against their floors, one table (bench/run.sh; bench/last-run.md).
bench: deps all
	FW_BUILD=$(B) sh bench/run.sh

fuzz:
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(SYSUNITDIR) \
		$(DESTDIR)$(COMPLETIONDIR)
	install -m 755 $(B)/feedwatch $(B)/feedwatchd $(DESTDIR)$(BINDIR)
	install -m 644 man/feedwatch.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/feedwatch.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/feedwatchd.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 config/feedwatch.conf README.md $(DESTDIR)$(DOCDIR)
	install -m 644 completion/feedwatch.bash $(DESTDIR)$(COMPLETIONDIR)/feedwatch
	sed 's|@bindir@|$(BINDIR)|g' systemd/feedwatch.service > $(DESTDIR)$(USERUNITDIR)/feedwatch.service
	sed 's|@bindir@|$(BINDIR)|g' systemd/feedwatch-system.service > $(DESTDIR)$(SYSUNITDIR)/feedwatch.service
	chmod 644 $(DESTDIR)$(USERUNITDIR)/feedwatch.service $(DESTDIR)$(SYSUNITDIR)/feedwatch.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/feedwatch $(DESTDIR)$(BINDIR)/feedwatchd \
		$(DESTDIR)$(MANDIR)/man1/feedwatch.1 $(DESTDIR)$(MANDIR)/man5/feedwatch.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/feedwatchd.8 $(DESTDIR)$(DOCDIR)/feedwatch.conf \
		$(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(USERUNITDIR)/feedwatch.service \
		$(DESTDIR)$(SYSUNITDIR)/feedwatch.service $(DESTDIR)$(COMPLETIONDIR)/feedwatch
	-rmdir $(DESTDIR)$(DOCDIR)

clean:
	rm -rf build

.PHONY: all deps run test check-build memcheck bench fuzz install uninstall clean
