#!/bin/bash
# The first user's example end to end: the TAC fixture served by nginx, one
# `feedwatch poll` with the example topics, the hit log read back.
. "$(dirname "$0")/../helpers/lib.sh"
plan 23

mkdir -p "$T_TMP/www"
cp "$FW_TOP/tests/fixtures/tac-feed.xml" "$T_TMP/www/feed.xml"
serve "$T_TMP/www"
conf="$T_TMP/feedwatch.conf"
sed -e "s|^url = https://www.theamericanconservative.com/feed/|url = $BASE/feed.xml|" \
    -e "s|^# database = .*|database = $T_TMP/db/fw.db|" "$FW_TOP/config/feedwatch.conf" > "$conf"

fw -c "$conf" check > "$T_TMP/check.out"
ok $? "the example config checks clean"

fw -c "$conf" poll --no-notify 2> "$T_TMP/poll.err"
ok $? "poll exits 0"
like "$(cat "$T_TMP/poll.err")" "polled 1 feed \(0 failed\): [0-9]+ new items?, 3 new hits" "poll reports 3 new hits"

fw -c "$conf" hits --format json > "$T_TMP/hits.json"
ok $? "hits --format json exits 0"
is "$(wc -l < "$T_TMP/hits.json")" 3 "three hits"
topics=$($FW_PY -c '
import json,sys
rows=[json.loads(l) for l in open(sys.argv[1])]
print(" ".join(sorted(r["topic"] for r in rows)))' "$T_TMP/hits.json")
is "$topics" "china-swaps mercosur milei" "milei, mercosur and china-swaps"

# Every field of a hit (docs/design.md "A hit as JSON"), with the values this item must give.
check=$($FW_PY - "$T_TMP/hits.json" <<'PY'
import json, sys, re
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = []
want = {"id","topic","topic_name","feed","feed_title","item_id","title","link","published",
        "found","snippet","matched","read","notified"}
for r in rows:
    missing = want - set(r)
    if missing: bad.append("missing %s" % sorted(missing))
    if r["item_id"] != "https://www.theamericanconservative.com/?p=241207": bad.append("item_id " + r["item_id"])
    if r["title"] != "The Limits to a Trump-Milei Alignment": bad.append("title " + r["title"])
    if r["link"] != "https://www.theamericanconservative.com/the-limits-to-a-trump-milei-alignment/": bad.append("link")
    if r["published"] != "2024-11-26T05:05:00Z": bad.append("published %s" % r["published"])
    if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", r["found"]): bad.append("found %s" % r["found"])
    if r["feed"] != "tac" or r["feed_title"] != "The American Conservative": bad.append("feed")
    if r["read"] is not False: bad.append("read")
    if r["notified"] != "initial": bad.append("notified %s" % r["notified"])
    if not isinstance(r["id"], int): bad.append("id type")
    if not r["matched"]: bad.append("no matched spans")
    for m in r["matched"]:
        if m["field"] not in ("title","summary","content","category") or not m["start"] < m["end"]:
            bad.append("span %s" % m)
    if not r["snippet"] or len(r["snippet"]) > 260: bad.append("snippet length %d" % len(r["snippet"]))
    if r["topic"] == "china-swaps" and r["topic_name"] != "China swaps": bad.append("topic_name")
    if r["topic"] == "china-swaps" and "swaps" not in r["snippet"]: bad.append("china snippet " + r["snippet"])
print("ok" if not bad else "; ".join(bad))
PY
)
is "$check" ok "JSON fields and values as docs/design.md says"

# The matched offsets point at the words in the stored text.
spans=$($FW_PY - "$T_TMP/hits.json" <<'PY'
import json, sys
rows = {json.loads(l)["topic"]: json.loads(l) for l in open(sys.argv[1])}
m = rows["milei"]["matched"][0]
print(m["field"], m["start"] < m["end"])
PY
)
like "$spans" "^(title|content|summary|category) True$" "milei's first span is in a text field"

fw -c "$conf" hits --topic milei --format json > "$T_TMP/milei.json"
is "$(wc -l < "$T_TMP/milei.json")" 1 "--topic milei gives one hit"
fw -c "$conf" hits --topic milei --topic mercosur --format json > "$T_TMP/two.json"
is "$(wc -l < "$T_TMP/two.json")" 2 "two --topic options give two hits"
fw -c "$conf" hits --since 2000-01-01 --format json > "$T_TMP/since.json"
is "$(wc -l < "$T_TMP/since.json")" 3 "--since 2000-01-01 keeps all"
fw -c "$conf" hits --since 1h --until 2000-01-01 --format json > "$T_TMP/none.json"
is "$(wc -l < "$T_TMP/none.json")" 0 "--until in the past keeps none"

id=$($FW_PY -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "$T_TMP/milei.json")
out=$(fw -c "$conf" show "$id")
ok $? "show exits 0"
like "$out" "The Limits to a Trump-Milei Alignment" "show names the title"
like "$out" "https://www.theamericanconservative.com/the-limits-to-a-trump-milei-alignment/" "show gives the link"

table=$(COLUMNS=80 fw -c "$conf" hits)
is "$(echo "$table" | sed -n '2,$p' | grep -c 'Trump-Milei')" 1 "the table: the item's three hits are one story, one line"
like "$(COLUMNS=200 fw -c "$conf" hits)" "Milei, Mercosur, China swaps|Milei, China swaps, Mercosur|Mercosur, Milei, China swaps" \
	"the table shows the story's topic names"

fw -c "$conf" read "$id"
fw -c "$conf" hits --unread --format json > "$T_TMP/unread.json"
is "$(wc -l < "$T_TMP/unread.json")" 0 "read marks the story read in its three topics"

# A second poll: nginx answers 304, nothing new.
: > "$NGINX_LOG"
fw -c "$conf" poll --no-notify 2> "$T_TMP/poll2.err"
ok $? "second poll exits 0"
like "$(cat "$NGINX_LOG")" "^304 0 /feed.xml$" "the second poll is a conditional GET answered 304"
fw -c "$conf" hits --format json > "$T_TMP/hits2.json"
is "$(wc -l < "$T_TMP/hits2.json")" 3 "still three hits"

fw -c "$conf" show 99999 2> "$T_TMP/show.err"
is "$?" 1 "show of a missing hit exits 1"
fw -c "$conf" hits --format yaml 2> /dev/null
is "$?" 2 "an unknown format is a usage error (exit 2)"
done_testing
