#!/bin/bash
# The parser against real feeds as their publishers wrote them (issue 18):
# every file of tests/fixtures/realworld (feeds saved by other projects'
# test suites: podcasts, YouTube channels, news sites, journals, Atom 0.3 to
# JSON Feed 1.1, ISO-8859-1 to UTF-16, ill-formed ones; SOURCES says where
# each comes from) goes through `feedwatch parse FILE --format json`, and
# each item's id, title, link, dates, author, categories and the start of
# its summary and content must be what expected/FILE.json says (written by
# hand from the XML). Values the parser does not give yet are listed in
# KNOWN-GAPS and reported as TODO tests; every other field must match.
# Under FW_WRAP (valgrind, where each parse takes a second or more) only
# every FW_REALWORLD_STEP-th file (default 8) is parsed and checked.
. "$(dirname "$0")/../helpers/lib.sh"
fx="$FW_TOP/tests/fixtures/realworld"
out="$T_TMP/out"
[ -x "$FW_BUILD/feedwatch" ] || { echo "Bail out! $FW_BUILD/feedwatch is not built"; exit 1; }
mkdir -p "$out"

files=$(awk -F'\t' '!/^#/ && $1 != "file" && NF { print $1 }' "$fx/SOURCES")
n=0
missing=""
for name in $files; do
	[ -f "$fx/$name" ] && [ -f "$fx/expected/$name.json" ] || missing="$missing $name"
	n=$((n + 1))
done
is "$missing" "" "every file of SOURCES ($n) is there with its expected/FILE.json"
is "$(ls "$fx/expected" | wc -l)" "$n" "no expected/*.json without its feed in SOURCES"
only=""
if [ -n "$FW_WRAP" ]; then
	files=$(echo "$files" | awk -v s="${FW_REALWORLD_STEP:-8}" 'NR % s == 1')
	only=$files
	n=$(echo "$files" | wc -l)
fi

# Each file as the CLI reads a local file; stdout, stderr and the exit
# status kept for the comparer.
start=$(date +%s%N)
crashed=""
for name in $files; do
	fw parse "$fx/$name" --format json > "$out/$name.json" 2> "$out/$name.err"
	st=$?
	echo "$st" > "$out/$name.rc"
	[ "$st" -le 1 ] || crashed="$crashed $name($st)"
done
end=$(date +%s%N)
is "$crashed" "" "no parse crashes or exits with a status other than 0 or 1"
diag "$n files parsed in $(( (end - start) / 1000000 )) ms"

# shellcheck disable=SC2086
"$FW_PY" "$FW_HELPERS/realworld_check.py" check "$fx" "$out" $((T_NUM + 1)) $only > "$T_TMP/check.tap"
st=$?
cat "$T_TMP/check.tap"
last=$(sed -n 's/^# last test //p' "$T_TMP/check.tap")
[ -n "$last" ] && [ "$st" -le 1 ] || { echo "Bail out! realworld_check.py failed (status $st)"; exit 1; }
T_FAILED=$((T_FAILED + st))
T_NUM=$last
echo "1..$T_NUM"
done_testing
