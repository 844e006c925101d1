# libFuzzer harnesses: make -f tests/fuzz/fuzz.mk   (needs clang)
# Builds build/fuzz/fuzz_{feed,html,query,config,decode,wordpack} with ASan+UBSan.
# Run:  build/fuzz/fuzz_feed -max_total_time=60 tests/fuzz/corpus/feed
#       build/fuzz/fuzz_html -max_total_time=60 tests/fuzz/corpus/html
#       build/fuzz/fuzz_query -max_total_time=60 tests/fuzz/corpus/query
#       build/fuzz/fuzz_config -max_total_time=60 tests/fuzz/corpus/config
#       build/fuzz/fuzz_decode -max_total_time=60 tests/fuzz/corpus/decode
#       build/fuzz/fuzz_wordpack -max_total_time=60 tests/fuzz/corpus/wordpack
# with UBSAN_OPTIONS=halt_on_error=1:suppressions=tests/fuzz/ubsan.supp (the
# known reports that another change fixes; every other report stops the run).
FUZZ_CC ?= clang
PKG_CONFIG ?= pkg-config
FUZZ_PKGS = glib-2.0 libxml-2.0 json-glib-1.0
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -fsanitize-recover=pointer-overflow \
	-std=gnu11 -Wall -Wextra -Wno-unused-parameter -Iinclude \
	$(shell $(PKG_CONFIG) --cflags $(FUZZ_PKGS))
FUZZ_LIBS = $(shell $(PKG_CONFIG) --libs $(FUZZ_PKGS))
FB = build/fuzz
HDRS = $(wildcard include/feedwatch/*.h)
# The matcher, whatever files it is split into (match*.c), the query
# language and the text it works on.
MATCH_SRC = $(sort $(wildcard daemon/match*.c)) daemon/topic.c daemon/text.c
CONFIG_SRC = daemon/config.c daemon/opml.c daemon/html.c $(MATCH_SRC)

all: $(FB)/fuzz_feed $(FB)/fuzz_html $(FB)/fuzz_query $(FB)/fuzz_config $(FB)/fuzz_decode \
	$(FB)/fuzz_wordpack

FEED_SRC = daemon/feed.c $(wildcard daemon/feed-*.c)

$(FB)/fuzz_feed: tests/fuzz/fuzz_feed.c $(FEED_SRC) daemon/feed-int.h daemon/html.c $(HDRS) | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_feed.c $(FEED_SRC) daemon/html.c $(FUZZ_LIBS)

$(FB)/fuzz_html: tests/fuzz/fuzz_html.c daemon/html.c $(HDRS) | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_html.c daemon/html.c $(FUZZ_LIBS)

$(FB)/fuzz_query: tests/fuzz/fuzz_query.c $(MATCH_SRC) $(HDRS) | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_query.c $(MATCH_SRC) $(FUZZ_LIBS) -lm

$(FB)/fuzz_config: tests/fuzz/fuzz_config.c $(CONFIG_SRC) $(HDRS) | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -DFW_DOCDIR='"/usr/local/share/doc/feedwatch"' -o $@ \
		tests/fuzz/fuzz_config.c $(CONFIG_SRC) $(FUZZ_LIBS) -lm

$(FB)/fuzz_decode: tests/fuzz/fuzz_decode.c daemon/fetch-decode.c daemon/fetch-int.h | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_decode.c daemon/fetch-decode.c \
		$(FUZZ_LIBS) $(shell $(PKG_CONFIG) --libs libzstd libdeflate)

$(FB)/fuzz_wordpack: tests/fuzz/fuzz_wordpack.c daemon/wordpack.c $(HDRS) | $(FB)
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ tests/fuzz/fuzz_wordpack.c daemon/wordpack.c $(FUZZ_LIBS)

$(FB):
	mkdir -p $@

.PHONY: all
