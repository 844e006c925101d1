#!/bin/bash
# The libFuzzer harnesses (tests/fuzz/): `make fuzz` builds them with clang
# (ASan+UBSan, leak checking on) and each replays its seed corpus (feed and
# html also each other's; -runs=0: no new inputs, just every file once); any
# crash, leak, sanitizer report (but those tests/fuzz/ubsan.supp lists) or
# broken contract fails. Skipped when clang cannot build a libFuzzer program
# (Debian: packages clang and libclang-rt-14-dev).
. "$(dirname "$0")/../helpers/lib.sh"
corpus="$FW_TOP/tests/fuzz/corpus"
fb="$FW_TOP/build/fuzz"

if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # skip clang is not installed"
	exit 0
fi
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' > "$T_TMP/probe.c"
if ! clang -fsanitize=fuzzer -o "$T_TMP/probe" "$T_TMP/probe.c" > "$T_TMP/probe.log" 2>&1; then
	echo "1..0 # skip clang cannot link libFuzzer (libclang-rt-14-dev missing?)"
	exit 0
fi
plan 16

(cd "$FW_TOP" && make -s fuzz) > "$T_TMP/build.log" 2>&1
st=$?
ok $st "make fuzz builds the harnesses"
[ $st = 0 ] || diag "$(tail -n 20 "$T_TMP/build.log")"

# replay NAME HARNESS DIR: one test point for HARNESS over every file of DIR.
replay() {
	local name=$1 harness=$2 dir=$3 log st
	log="$T_TMP/$(basename "$harness")-$(basename "$dir").log"
	UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:suppressions=$FW_TOP/tests/fuzz/ubsan.supp" \
		timeout 300 "$harness" -runs=0 -timeout=30 -rss_limit_mb=2048 "$dir" > "$log" 2>&1
	st=$?
	ok $st "$name (exit $st)"
	[ $st = 0 ] || diag "$(grep -E 'ERROR|SUMMARY|error|#0|#1|#2|#3' "$log" | head -n 20)"
	like "$(grep -E '^Done [0-9]+ runs' "$log")" '^Done [0-9]+ runs' "$name: libFuzzer ran it to the end"
}

nfeed=$(find "$corpus/feed" -type f | wc -l)
nhtml=$(find "$corpus/html" -type f | wc -l)
nquery=$(find "$corpus/query" -type f | wc -l)
nconfig=$(find "$corpus/config" -type f | wc -l)
ndecode=$(find "$corpus/decode" -type f | wc -l)
nwordpack=$(find "$corpus/wordpack" -type f | wc -l)
replay "fuzz_feed replays corpus/feed ($nfeed files)" "$fb/fuzz_feed" "$corpus/feed"
replay "fuzz_html replays corpus/html ($nhtml files)" "$fb/fuzz_html" "$corpus/html"
replay "fuzz_decode replays corpus/decode ($ndecode files)" "$fb/fuzz_decode" "$corpus/decode"
replay "fuzz_wordpack replays corpus/wordpack ($nwordpack files)" "$fb/fuzz_wordpack" "$corpus/wordpack"
replay "fuzz_feed replays corpus/html" "$fb/fuzz_feed" "$corpus/html"
# The harness for config files runs in a folder of its own: relative paths
# (opml = ...) resolve there, not in the source tree.
mkdir -p "$T_TMP/cwd"
cd "$T_TMP/cwd"
replay "fuzz_query replays corpus/query ($nquery files)" "$fb/fuzz_query" "$corpus/query"
replay "fuzz_config replays corpus/config ($nconfig files)" "$fb/fuzz_config" "$corpus/config"
cd "$FW_TOP"
ok $([ "$nfeed" -ge 10 ] && [ "$nhtml" -ge 4 ] && [ "$nquery" -ge 100 ] && [ "$nconfig" -ge 40 ] && [ "$ndecode" -ge 10 ] && [ "$nwordpack" -ge 100 ]; echo $?) \
	"the seed corpus is there ($nfeed + $nhtml + $nquery + $nconfig + $ndecode + $nwordpack files)"
done_testing
