#!/bin/bash
# The feed parser against the corpus generator: bench/gen_corpus.py writes 60
# feeds of 10 items in its seven dialects (WordPress RSS, Atom with escaped
# HTML, RSS 1.0, entity-escaped RSS, ISO-8859-1, Atom with nested xml:base,
# Windows-1252 labelled ISO-8859-1) and items.tsv with what each item is;
# `feedwatch parse FILE --format json` of every feed must give each item's id,
# title, link and date exactly as written there, and no other item. Then the
# same through nginx (`feedwatch parse URL`, the feed URL as base) for a feed
# of each dialect. FW_CORPUS_FEEDS changes the size (default 60; 10, one of
# each dialect, under FW_WRAP, where each run is slow). Last, Atom whose root
# <feed> has no namespace (tests/fixtures/feeds/atom-no-namespace.xml) reads
# as Atom 1.0, as a file and from its URL, and with another default
# namespace on <feed> is still no feed.
. "$(dirname "$0")/../helpers/lib.sh"
if [ -n "$FW_WRAP" ]; then feeds=${FW_CORPUS_FEEDS:-10}; else feeds=${FW_CORPUS_FEEDS:-60}; fi
plan 14

gen="$FW_TOP/bench/gen_corpus.py"
out="$T_TMP/corpus"
[ -x "$FW_BUILD/feedwatch" ] || { echo "Bail out! $FW_BUILD/feedwatch is not built"; exit 1; }

# compare DIR FIELD...: checks the parse output DIR/fNNNN.json of every feed
# against items.tsv; prints one line per difference, exits 1 if any.
compare() {
	"$FW_PY" - "$out/items.tsv" "$@" <<'EOF'
import datetime, json, os, sys
items, outdir, fields = sys.argv[1], sys.argv[2], sys.argv[3:]
want = {}
for line in open(items, encoding="utf-8"):
    f, i, link, title, pub = line.rstrip("\n").split("\t")
    want.setdefault(f, {})[i] = {"title": title, "link": link, "published": int(pub)}
bad = []
for f in sorted(want):
    path = os.path.join(outdir, f + ".json")
    if not os.path.exists(path):
        continue
    got = {}
    for line in open(path, encoding="utf-8"):
        o = json.loads(line)
        got[o["id"]] = o
    if "id" in fields and set(got) != set(want[f]):
        bad.append("%s: ids missing %s, extra %s" % (f, sorted(set(want[f]) - set(got))[:3],
                                                       sorted(set(got) - set(want[f]))[:3]))
    for i, w in sorted(want[f].items()):
        o = got.get(i)
        if o is None:
            continue
        for k in fields:
            if k == "id":
                continue
            v = o[k]
            if k == "published" and v is not None:
                d = datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ")
                v = int(d.replace(tzinfo=datetime.timezone.utc).timestamp())
            if v != w[k]:
                bad.append("%s %s %s: got %r, expected %r" % (f, i, k, v, w[k]))
print("\n".join(bad[:20]))
sys.exit(1 if bad else 0)
EOF
}


check "gen_corpus.py writes $feeds feeds x 10 items" \
	"$FW_PY" "$gen" "$out" --feeds "$feeds" --items 10 --seed 3
n_items=$(wc -l < "$out/items.tsv")

mkdir -p "$T_TMP/file"
fails=""
for path in "$out"/feeds/f*.xml; do
	key=$(basename "$path" .xml)
	fw parse "$path" --format json > "$T_TMP/file/$key.json" 2> "$T_TMP/file/$key.err" ||
		fails="$fails $key"
done
is "$fails" "" "every feed file parses"
is "$(cat "$T_TMP"/file/*.err)" "" "no feed is degraded or warned about"
is "$(cat "$T_TMP"/file/*.json | wc -l)" "$n_items" "as many items as items.tsv ($n_items)"
check "each feed's item ids are exactly the generator's" compare "$T_TMP/file" id
check "every title is the generator's plain-text title" compare "$T_TMP/file" title
check "every link is the generator's absolute link (xml:base resolved)" compare "$T_TMP/file" link
check "every published date is the generator's" compare "$T_TMP/file" published

# Through HTTP: one feed of each dialect (dialect = feed number % 10).
serve "$out"
mkdir -p "$T_TMP/url"
fails=""
for f in $(seq 0 $((feeds < 10 ? feeds - 1 : 9))); do
	key=$(printf 'f%04d' "$f")
	fw parse "$BASE/feeds/$key.xml" --format json > "$T_TMP/url/$key.json" 2> "$T_TMP/url/$key.err" ||
		fails="$fails $key"
done
is "$fails" "" "every dialect parses from its URL"
is "$(cat "$T_TMP"/url/*.err)" "" "no warning from the URL parses"
check "from the URL: ids, titles, links and dates are the generator's" \
	compare "$T_TMP/url" id title link published

nons="$FW_TOP/tests/fixtures/feeds/atom-no-namespace.xml"
nons_json='{"id":"tag:example.org,2026:a","title":"Milei meets Lula at Mercosur","link":"https://example.org/a","published":"2026-12-01T10:00:00Z","updated":"2026-12-01T10:00:00Z","author":null,"categories":[],"summary":"Talks on swaps.","content":null,"feed_title":"No namespace"}'
fw parse "$nons" --format json > "$T_TMP/nons.json" 2> "$T_TMP/nons.err"
is "$? $(cat "$T_TMP/nons.err" "$T_TMP/nons.json")" "0 $nons_json" \
	"Atom without a namespace: its one entry, as a file"
cp "$nons" "$out/nons.xml"
fw parse "$BASE/nons.xml" --format json > "$T_TMP/nons-url.json" 2> "$T_TMP/nons-url.err"
is "$? $(cat "$T_TMP/nons-url.err" "$T_TMP/nons-url.json")" "0 $nons_json" \
	"Atom without a namespace: the same from its URL"
sed 's|<feed>|<feed xmlns="http://example.com/other">|' "$nons" > "$T_TMP/other.xml"
fw parse "$T_TMP/other.xml" --format json > "$T_TMP/other.json" 2> "$T_TMP/other.err"
is "$? $(cat "$T_TMP/other.err" "$T_TMP/other.json")" \
	"1 feedwatch parse: $T_TMP/other.xml: not a feed: XML document with root element <feed>" \
	"<feed> with another default namespace: still not a feed"
done_testing
