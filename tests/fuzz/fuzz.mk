# libFuzzer harnesses: make -f tests/fuzz/fuzz.mk   (needs clang)
# Builds build/fuzz/fuzz_feed and build/fuzz/fuzz_html with ASan+UBSan.
# Run:  build/fuzz/fuzz_feed -max_total_time=60 tests/fuzz/corpus/feed
#       build/fuzz/fuzz_html -max_total_time=60 tests/fuzz/corpus/html
FUZZ_CC ?= clang
PKG_CONFIG ?= pkg-config
FUZZ_PKGS = glib-2.0 libxml-2.0 json-glib-1.0
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude \
	$(shell $(PKG_CONFIG) --cflags $(FUZZ_PKGS))
FUZZ_LIBS = $(shell $(PKG_CONFIG) --libs $(FUZZ_PKGS))
FB = build/fuzz

all: $(FB)/fuzz_feed $(FB)/fuzz_html

FEED_SRC = daemon/feed.c $(wildcard daemon/feed-*.c)

$(FB)/fuzz_feed: tests/fuzz/fuzz_feed.c $(FEED_SRC) daemon/feed-int.h daemon/html.c include/feedwatch/feed.h include/feedwatch/html.h | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_feed.c $(FEED_SRC) daemon/html.c $(FUZZ_LIBS)

$(FB)/fuzz_html: tests/fuzz/fuzz_html.c daemon/html.c include/feedwatch/html.h | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_html.c daemon/html.c $(FUZZ_LIBS)

$(FB):
	mkdir -p $@

.PHONY: all
