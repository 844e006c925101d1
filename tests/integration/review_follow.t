#!/bin/bash
# `feedwatch hits --follow` prints the hits a concurrent `feedwatch poll`
# stores: the corpus moves to revision 1 (new items with new hits), a poll
# runs while --follow watches, and every new hit must appear in --follow's
# output, once, oldest first; SIGTERM ends it with status 0.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/review_setup.sh"
plan 10
review_setup

hits_json "$T_TMP/before.json"
maxid=$("$FW_PY" -c 'import json,sys; print(max(json.loads(l)["id"] for l in open(sys.argv[1])))' "$T_TMP/before.json")

# JSON: the last 3 hits first, then whatever comes.
$FW_WRAP "$FW_BUILD/feedwatch" -c "$CONF" hits --follow --format json --limit 3 \
	> "$T_TMP/follow.json" 2> "$T_TMP/follow.err" &
follow=$!
# CSV at the same time: the header once.
$FW_WRAP "$FW_BUILD/feedwatch" -c "$CONF" hits --follow --format csv --limit 1 \
	> "$T_TMP/follow.csv" 2> "$T_TMP/follow_csv.err" &
follow_csv=$!
stop_follow() { kill "$follow" "$follow_csv" 2>/dev/null; }
at_exit stop_follow

for i in $(seq 200); do [ "$(wc -l < "$T_TMP/follow.json")" -ge 3 ] && break; sleep 0.05; done
is "$(wc -l < "$T_TMP/follow.json")" 3 "--follow --limit 3 prints the 3 newest first"

# Revision 1 of the corpus (new items) and two new items in our own feed,
# one hitting Milei, one hitting Milei and China swaps.
"$FW_PY" "$FW_TOP/bench/gen_corpus.py" "$CORPUS" --feeds "$REVIEW_FEEDS" --items "$REVIEW_ITEMS" \
	--seed 1 --revision 1 > "$T_TMP/gen1.log" 2>&1
# A third: the link of the oldest Milei hit of another feed, so that its new
# hit joins an old story (not adjacent to it by id: the table test below).
old_link=$("$FW_PY" -c '
import json,sys
hs = [h for h in map(json.loads, open(sys.argv[1])) if h["topic"] == "milei" and h["link"] and h["feed"] != "review"]
print(min(hs, key=lambda h: h["id"])["link"])' "$T_TMP/before.json")
sed 's|</channel>|<item><title>Milei copy</title><link>'"$old_link"'</link><guid>review-4</guid><description>Milei said it again.</description></item></channel>|' \
	"$FW_TOP/tests/fixtures/review/review.xml" > "$T_TMP/review.xml"
sed 's|</channel>|<item><title>Milei again</title><link>https://review.example/2024/again</link><guid>review-2</guid><description>Milei speaks.</description></item>\
<item><title>Beijing swaps and Milei</title><link>https://review.example/2024/swaps</link><guid>review-3</guid><description>A Chinese currency swap line for Milei.</description></item></channel>|' \
	"$T_TMP/review.xml" > "$CORPUS/extra/review.xml.new"
touch -d '+2 seconds' "$CORPUS/extra/review.xml.new"
mv "$CORPUS/extra/review.xml.new" "$CORPUS/extra/review.xml"
fw -c "$CONF" poll --no-notify > "$T_TMP/poll1.log" 2>&1
ok $? "a concurrent poll of revision 1 stores new hits"
hits_json "$T_TMP/after.json"
new=$("$FW_PY" -c '
import json,sys
print(" ".join(str(h["id"]) for h in map(json.loads, open(sys.argv[1])) if h["id"] > int(sys.argv[2])))' \
	"$T_TMP/after.json" "$maxid")
like "$new" '^[0-9]+ [0-9]+ [0-9]+' "three new hits or more ($new)"
want=$(echo "$new" | tr ' ' '\n' | sort -n | tr '\n' ' ')
n_new=$(echo "$new" | wc -w)

# --follow looks every 0.5 s: wait (bounded) for it to catch up.
for i in $(seq 300); do
	[ "$(wc -l < "$T_TMP/follow.json")" -ge $((3 + n_new)) ] && break
	sleep 0.1
done
got=$(tail -n +4 "$T_TMP/follow.json" | "$FW_PY" -c '
import json,sys; print(" ".join(str(json.loads(l)["id"]) for l in sys.stdin), end=" ")')
is "$got" "$want" "--follow printed every new hit once, oldest first"
"$FW_PY" - "$T_TMP/follow.json" "$T_TMP/after.json" <<'PY'
import json, sys
after = {h["id"]: h for h in map(json.loads, open(sys.argv[2]))}
sys.exit(0 if all(after.get(h["id"]) == h for h in map(json.loads, open(sys.argv[1]))) else 1)
PY
ok $? "--follow's lines are the same objects as hits --format json"

for i in $(seq 100); do [ "$(wc -l < "$T_TMP/follow.csv")" -ge $((2 + n_new)) ] && break; sleep 0.1; done
is "$(grep -c '^id,story,topic,' "$T_TMP/follow.csv")" 1 "--follow --format csv: the header once"
is "$(wc -l < "$T_TMP/follow.csv")" "$((2 + n_new))" "--follow --format csv: a row a hit"

# The table: a line a story, even where a story's hits are not adjacent by
# id (two feeds' copies of one story, stored apart): every hit at once.
COLUMNS=200 $FW_WRAP "$FW_BUILD/feedwatch" -c "$CONF" hits --follow --limit 0 \
	> "$T_TMP/follow.txt" 2> "$T_TMP/follow_txt.err" &
follow_txt=$!
stories=$("$FW_PY" -c '
import json,sys; print(len({h["story"] for h in map(json.loads, open(sys.argv[1]))}))' "$T_TMP/after.json")
split=$("$FW_PY" -c '
import json,sys
hs = sorted(map(json.loads, open(sys.argv[1])), key=lambda h: h["id"])
ids = [h["story"] for h in hs]
print(sum(1 for i in range(1, len(ids)) if ids[i] != ids[i-1] and ids[i] in ids[:i-1]))' "$T_TMP/after.json")
[ "$split" -ge 1 ] || echo "# no story is split by id: the row below proves little" >&2
for i in $(seq 100); do [ "$(wc -l < "$T_TMP/follow.txt")" -ge $((1 + stories)) ] && break; sleep 0.1; done
kill -TERM "$follow_txt"; wait "$follow_txt"
got=$(tail -n +2 "$T_TMP/follow.txt" | awk '{print $1}' | sort | uniq -d | wc -l)
is "$got/$(($(wc -l < "$T_TMP/follow.txt") - 1))" "0/$stories" \
	"--follow's table: one line a story, $stories stories ($split of them not adjacent by id)"

kill -TERM "$follow"
wait "$follow"
is "$?" 0 "SIGTERM ends --follow with status 0"
kill -INT "$follow_csv"
wait "$follow_csv"
is "$?" 0 "SIGINT too"
done_testing
