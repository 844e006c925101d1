# feedwatch — see README.md. Outputs go under build/ (build/san with SANITIZE=1).
VERSION = 0.1.0
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/feedwatch
USERUNITDIR ?= $(PREFIX)/lib/systemd/user
SYSUNITDIR ?= $(PREFIX)/lib/systemd/system
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
# The system service's config: /etc for a system-wide PREFIX, else PREFIX/etc.
SYSCONFDIR ?= $(if $(filter /usr /usr/local,$(PREFIX)),/etc,$(PREFIX)/etc)
DESTDIR ?=

PKG_CONFIG ?= pkg-config
PKGS = glib-2.0 gio-2.0 libcurl libxml-2.0 sqlite3 libpq libnotify json-glib-1.0 libzstd libdeflate
# Compiled against, not linked: loaded on first use by their SONAMEs
# (daemon/lazylib.c; the review commands need none of them).
LAZY_PKGS = libcurl libpq libnotify
soname = $(shell readelf -d "$$($(CC) -print-file-name=lib$(1).so)" 2>/dev/null | \
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
SONAME_CURL := $(call soname,curl)
SONAME_PQ := $(call soname,pq)
SONAME_NOTIFY := $(call soname,notify)
# The tool's alone: `feedwatch browse` (cli/cmd-browse.c, cli/browse-screen.c)
# draws with ncurses.
TOOL_PKGS = ncursesw

# CFLAGS, CPPFLAGS and LDFLAGS are the builder's (Debian's from dpkg-buildflags:
# fortify, stack protector, relro, now); every compile gets CPPFLAGS and CFLAGS,
# every link LDFLAGS.
CFLAGS ?= -O2 -g
B = build
ifeq ($(SANITIZE),1)
B = build/san
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

FW_CFLAGS = -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude \
	-DFW_VERSION='"$(VERSION)"' -DFW_DOCDIR='"$(DOCDIR)"' -DFW_SYSCONFDIR='"$(SYSCONFDIR)"' \
	-DFW_SONAME_CURL='"$(SONAME_CURL)"' -DFW_SONAME_PQ='"$(SONAME_PQ)"' \
	-DFW_SONAME_NOTIFY='"$(SONAME_NOTIFY)"' \
	$(SAN) $(shell $(PKG_CONFIG) --cflags $(PKGS))
FW_LIBS = $(shell $(PKG_CONFIG) --libs $(filter-out $(LAZY_PKGS),$(PKGS))) -lm

# libfeedwatch.a: the service's pipeline (daemon/ but feedwatchd.c).
# libfeedwatch-cli.a: the tool's commands and presenters (cli/ but feedwatch.c).
CORE_SRC = $(filter-out daemon/feedwatchd.c,$(sort $(wildcard daemon/*.c)))
CORE_OBJ = $(CORE_SRC:daemon/%.c=$(B)/obj/%.o)
CLI_SRC = $(filter-out cli/feedwatch.c,$(sort $(wildcard cli/*.c)))
CLI_OBJ = $(CLI_SRC:cli/%.c=$(B)/obj/cli/%.o)
CLI_TESTS = $(B)/tests/test_browse $(B)/tests/test_hitlog $(B)/tests/test_report $(B)/tests/test_stats
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZ_SRC = $(sort $(wildcard tests/fuzz/fuzz_*.c))

all: $(B)/feedwatch $(B)/feedwatchd

# The paths compiled in (FW_DOCDIR, FW_SYSCONFDIR) follow PREFIX: the sources
# that use them depend on a stamp rewritten whenever those paths change, so
# `make install PREFIX=...` after a plain `make` rebuilds them.
PATH_SRC = $(shell grep -l 'FW_DOCDIR\|FW_SYSCONFDIR' daemon/*.c cli/*.c)
PATH_OBJ = $(patsubst daemon/%.c,$(B)/obj/%.o,$(patsubst cli/%.c,$(B)/obj/cli/%.o,$(PATH_SRC)))
$(PATH_OBJ): $(B)/paths.stamp
$(B)/paths.stamp: FORCE | $(B)/obj
	@echo '$(DOCDIR) $(SYSCONFDIR)' | cmp -s - $@ || echo '$(DOCDIR) $(SYSCONFDIR)' > $@
FORCE:

$(B)/obj/%.o: daemon/%.c $(wildcard include/feedwatch/*.h daemon/*.h) | $(B)/obj
	$(CC) $(FW_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/obj/cli/%.o: cli/%.c $(wildcard include/feedwatch/*.h cli/*.h) | $(B)/obj/cli
	$(CC) $(FW_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(B)/obj/cli/cmd-browse.o $(B)/obj/cli/browse-screen.o: FW_CFLAGS += $(shell $(PKG_CONFIG) --cflags $(TOOL_PKGS))

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
	$(CC) $(FW_CFLAGS) $(TEST_CLI_INC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_CLI_LIB) \
		$(B)/libfeedwatch.a $(FW_LIBS)

$(CLI_TESTS): $(B)/libfeedwatch-cli.a $(wildcard cli/*.h)
$(CLI_TESTS): TEST_CLI_INC = -Icli
$(CLI_TESTS): TEST_CLI_LIB = $(B)/libfeedwatch-cli.a
# The store's test checks its internal body format too (store-int.h).
$(B)/tests/test_store: TEST_CLI_INC = -Idaemon
# ... and reads the team database with libpq itself.
$(B)/tests/test_store: FW_LIBS += $(shell $(PKG_CONFIG) --libs libpq)
$(B)/tests/test_store: daemon/store-int.h

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
bench:
	@sh .ci/deps bench
	@$(MAKE) --no-print-directory all
	FW_BUILD=$(B) sh bench/run.sh

fuzz:
	@$(MAKE) --no-print-directory -f tests/fuzz/fuzz.mk

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(SYSUNITDIR) \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(SYSCONFDIR)/feedwatch
	install -m 755 $(B)/feedwatch $(B)/feedwatchd $(DESTDIR)$(BINDIR)
	install -m 644 man/feedwatch.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/feedwatch.conf.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 man/feedwatchd.8 $(DESTDIR)$(MANDIR)/man8
	install -m 644 config/feedwatch.conf config/feedwatch-system.conf README.md $(DESTDIR)$(DOCDIR)
# The system service's config: installed once, never over the admin's own.
	[ -e $(DESTDIR)$(SYSCONFDIR)/feedwatch/feedwatch.conf ] || \
		install -m 644 config/feedwatch-system.conf $(DESTDIR)$(SYSCONFDIR)/feedwatch/feedwatch.conf
	install -m 644 completion/feedwatch.bash $(DESTDIR)$(COMPLETIONDIR)/feedwatch
	sed 's|@bindir@|$(BINDIR)|g' systemd/feedwatch.service > $(DESTDIR)$(USERUNITDIR)/feedwatch.service
	sed -e 's|@bindir@|$(BINDIR)|g' -e 's|@sysconfdir@|$(SYSCONFDIR)|g' systemd/feedwatch-system.service \
		> $(DESTDIR)$(SYSUNITDIR)/feedwatch.service
	sed 's|@bindir@|$(BINDIR)|g' systemd/feedwatch-notify.service \
		> $(DESTDIR)$(USERUNITDIR)/feedwatch-notify.service
	chmod 644 $(DESTDIR)$(USERUNITDIR)/feedwatch.service $(DESTDIR)$(SYSUNITDIR)/feedwatch.service \
		$(DESTDIR)$(USERUNITDIR)/feedwatch-notify.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/feedwatch $(DESTDIR)$(BINDIR)/feedwatchd \
		$(DESTDIR)$(MANDIR)/man1/feedwatch.1 $(DESTDIR)$(MANDIR)/man5/feedwatch.conf.5 \
		$(DESTDIR)$(MANDIR)/man8/feedwatchd.8 $(DESTDIR)$(DOCDIR)/feedwatch.conf \
		$(DESTDIR)$(DOCDIR)/feedwatch-system.conf \
		$(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(USERUNITDIR)/feedwatch.service \
		$(DESTDIR)$(USERUNITDIR)/feedwatch-notify.service \
		$(DESTDIR)$(SYSUNITDIR)/feedwatch.service $(DESTDIR)$(COMPLETIONDIR)/feedwatch
	-rmdir $(DESTDIR)$(DOCDIR)
# The system config only when it is still the one installed.
	-cmp -s config/feedwatch-system.conf $(DESTDIR)$(SYSCONFDIR)/feedwatch/feedwatch.conf && \
		rm -f $(DESTDIR)$(SYSCONFDIR)/feedwatch/feedwatch.conf
	-rmdir $(DESTDIR)$(SYSCONFDIR)/feedwatch

# The Debian package (debian/): dpkg-buildpackage cleans and writes in the
# tree it builds, so it builds a copy of the tree's files (tracked and not
# ignored) in DEBDIR/src, never sanitized (SANITIZE is not passed on). Output: DEBDIR/feedwatch_*.deb and DEBDIR/build.log.
DEBDIR ?= $(B)/deb
deb:
	rm -rf $(DEBDIR)/src $(DEBDIR)/build.log $(DEBDIR)/feedwatch_* $(DEBDIR)/feedwatch-dbgsym_*
	mkdir -p $(DEBDIR)/src
	{ git ls-files -z -co --exclude-standard 2>/dev/null || \
	  find . -path ./build -prune -o -path ./.git -prune -o -type f -print0; } | \
	  tar --null --ignore-failed-read -T - -cf - | tar -xf - -C $(DEBDIR)/src
	@echo "dpkg-buildpackage -us -uc -b in $(DEBDIR)/src, log in $(DEBDIR)/build.log"
	@cd $(DEBDIR)/src && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE \
		dpkg-buildpackage -us -uc -b -Jauto > ../build.log 2>&1 || \
		{ tail -n 40 ../build.log; exit 1; }
	@ls $(DEBDIR)/*.deb

clean:
	rm -rf build

.PHONY: all deps run test check-build memcheck bench fuzz install uninstall deb clean FORCE
