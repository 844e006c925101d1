#!/bin/bash
# The generated corpus end to end: bench/gen_corpus.py writes 200 feeds of 20
# items in seven dialects with planted mentions and near misses, nginx serves
# them, `feedwatch poll` reads them, and `feedwatch hits` must report exactly
# the planted hits (truth.tsv). Then three later revisions (new items, edited
# items) are polled: the new hits must be exactly the new items' hits, and
# every feed file that did not change must have been answered 304. Last, a
# small corpus of the wide mix is polled and its hits checked the same way.
# FW_CORPUS_FEEDS / FW_CORPUS_REVISIONS change the size (defaults 200 / 3).
. "$(dirname "$0")/../helpers/lib.sh"
feeds=${FW_CORPUS_FEEDS:-200}
revs=${FW_CORPUS_REVISIONS:-3}
plan $((9 + 5 * revs))

gen="$FW_TOP/bench/gen_corpus.py"
diff_py="$FW_HELPERS/truth_diff.py"
out="$T_TMP/corpus"
conf="$T_TMP/feedwatch.conf"
[ -x "$FW_BUILD/feedwatch" ] || { echo "Bail out! $FW_BUILD/feedwatch is not built"; exit 1; }


# hits_json FILE: every hit, one JSON object a line.
hits_json() { fw -c "$conf" hits --format json --limit 0 > "$1" 2> "$1.err"; }

check "gen_corpus.py writes revision 0 ($feeds feeds x 20 items)" \
	"$FW_PY" "$gen" "$out" --feeds "$feeds" --items 20 --seed 1
serve "$out"
sed -e "s|@BASE@|$BASE|g" -e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $T_TMP/fw.db|" \
	"$out/feedwatch.conf" > "$conf"
cp "$out/truth.tsv" "$T_TMP/truth.0"

fw -c "$conf" poll --no-notify > "$T_TMP/poll.0" 2>&1
st=$?
ok $st "first poll exits 0"
[ $st = 0 ] || diag "$(tail -n 20 "$T_TMP/poll.0")"
check "first poll fetched every feed (200)" \
	"$FW_PY" "$diff_py" nginx "$NGINX_LOG" --urls "$out/urls.txt"
hits_json "$T_TMP/hits.0" || diag "$(cat "$T_TMP/hits.0.err")"
check "the hits are exactly truth.tsv" \
	"$FW_PY" "$diff_py" hits "$T_TMP/hits.0" --truth "$T_TMP/truth.0"
check "hits carry the item's link, title and date; notified is \"initial\"" \
	"$FW_PY" "$diff_py" fields "$T_TMP/hits.0" "$out/items.tsv" --notified initial
maxid=$("$FW_PY" "$diff_py" maxid "$T_TMP/hits.0")
like "$maxid" '^[0-9]+$' "hit ids are numbers (last: $maxid)"

truths=(--truth "$T_TMP/truth.0")
minus=(--minus "$T_TMP/truth.0")
for r in $(seq 1 "$revs"); do
	check "gen_corpus.py writes revision $r" \
		"$FW_PY" "$gen" "$out" --feeds "$feeds" --items 20 --seed 1 --revision "$r"
	cp "$out/truth.tsv" "$T_TMP/truth.$r"
	logline=$(wc -l < "$NGINX_LOG")
	fw -c "$conf" poll --no-notify > "$T_TMP/poll.$r" 2>&1
	st=$?
	ok $st "revision $r: poll exits 0 ($(wc -l < "$out/changed.txt") feeds changed)"
	[ $st = 0 ] || diag "$(tail -n 20 "$T_TMP/poll.$r")"
	check "revision $r: 304 for every unchanged feed, 200 for the changed ones" \
		"$FW_PY" "$diff_py" nginx "$NGINX_LOG" --urls "$out/urls.txt" --changed "$out/changed.txt" \
		--from-line "$logline"
	hits_json "$T_TMP/hits.$r" || diag "$(cat "$T_TMP/hits.$r.err")"
	truths+=(--truth "$T_TMP/truth.$r")
	check "revision $r: all hits are the union of truth 0..$r" \
		"$FW_PY" "$diff_py" hits "$T_TMP/hits.$r" "${truths[@]}"
	check "revision $r: the new hits are exactly the new items' hits" \
		"$FW_PY" "$diff_py" hits "$T_TMP/hits.$r" --truth "$T_TMP/truth.$r" "${minus[@]}" --id-gt "$maxid"
	minus+=(--minus "$T_TMP/truth.$r")
	maxid=$("$FW_PY" "$diff_py" maxid "$T_TMP/hits.$r")
done

# The benchmarks' second mix (--mix wide: RSS 1.0 and Latin-1 feeds, long
# bodies, many hits), smaller: read over file://, the hits are its truth.
wide="$T_TMP/wide"
wconf="$T_TMP/wide.conf"
check "gen_corpus.py --mix wide writes 30 feeds x 5 items" \
	"$FW_PY" "$gen" "$wide" --feeds 30 --items 5 --seed 1 --mix wide
sed -e "s|@BASE@|file://$wide|g" -e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $T_TMP/wide.db|" \
	"$wide/feedwatch.conf" > "$wconf"
fw -c "$wconf" poll --no-notify > "$T_TMP/wide.poll" 2>&1
st=$?
ok $st "the wide corpus polls"
[ $st = 0 ] || diag "$(tail -n 20 "$T_TMP/wide.poll")"
fw -c "$wconf" hits --format json --limit 0 > "$T_TMP/wide.hits" 2> "$T_TMP/wide.err" ||
	diag "$(cat "$T_TMP/wide.err")"
check "its hits are exactly its truth.tsv ($(wc -l < "$wide/truth.tsv") planted)" \
	"$FW_PY" "$diff_py" hits "$T_TMP/wide.hits" --truth "$wide/truth.tsv"
done_testing
