#!/bin/bash
# `feedwatch hits` on a database filled by a real poll of a generated corpus:
# every filter, and every format read back (JSON field by field against the
# corpus' items.tsv and truth.tsv, CSV with python's csv module, Atom with
# xmllint and our own feed parser, the table's widths and colors).
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/review_setup.sh"
plan 50
export TZ=America/Argentina/Buenos_Aires
review_setup

hits_json "$T_TMP/all.json"
total=$(wc -l < "$T_TMP/all.json")
truth=$(wc -l < "$CORPUS/truth.tsv")
is "$total" "$((truth + 4))" "every hit is listed: the corpus' $truth and our 4"

# JSON, field by field: each hit against truth.tsv and items.tsv.
out=$("$FW_PY" - "$T_TMP/all.json" "$CORPUS/truth.tsv" "$CORPUS/items.tsv" <<'PY' 2>&1
import json, sys, re
hits = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
truth = {tuple(l.rstrip("\n").split("\t")) for l in open(sys.argv[2], encoding="utf-8")}
items = {}
for l in open(sys.argv[3], encoding="utf-8"):
    f = l.rstrip("\n").split("\t")
    items[(f[0], f[1])] = f
names = {"milei": "Milei", "mercosur": "Mercosur", "china-swaps": "China swaps"}
rfc = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
bad = []
fields = ["id", "story", "topic", "topic_name", "feed", "feed_title", "item_id", "title", "link",
          "published", "found", "snippet", "matched", "read", "notified"]
got = set()
import datetime
def ts(v): return datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
def t(h): return min(ts(h["published"]), ts(h["found"])) if h["published"] else ts(h["found"])
keys = [(t(h), h["id"]) for h in hits]
if keys != sorted(keys, reverse=True): bad.append("not newest (published) first")
for h in hits:
    if not isinstance(h["story"], int) or not 0 < h["story"] <= h["id"]: bad.append("%d story %r" % (h["id"], h["story"]))
for h in hits:
    for k in fields:
        if k not in h: bad.append("%s: no %s" % (h.get("id"), k))
    if not isinstance(h["id"], int) or h["id"] <= 0: bad.append("id %r" % h["id"])
    if h["topic_name"] != names.get(h["topic"]): bad.append("%d topic_name %r" % (h["id"], h["topic_name"]))
    if h["read"] is not False: bad.append("%d read %r" % (h["id"], h["read"]))
    if h["notified"] != "initial": bad.append("%d notified %r" % (h["id"], h["notified"]))
    if not rfc.match(h["found"]): bad.append("%d found %r" % (h["id"], h["found"]))
    if not isinstance(h["matched"], list) or not h["matched"]: bad.append("%d matched" % h["id"])
    for m in h["matched"]:
        if set(m) != {"field", "start", "end"} or not (0 <= m["start"] < m["end"]) or \
           m["field"] not in ("title", "summary", "content", "category"):
            bad.append("%d matched %r" % (h["id"], m))
    if not h["snippet"]: bad.append("%d empty snippet" % h["id"])
    if h["feed"] in ("review", "mirror"): continue
    got.add((h["feed"], h["item_id"], h["topic"]))
    it = items.get((h["feed"], h["item_id"]))
    if it is None: bad.append("%d: unknown item %r" % (h["id"], h["item_id"])); continue
    _, _, link, title, published = it
    if h["link"] != link: bad.append("%d link %r != %r" % (h["id"], h["link"], link))
    if h["title"] != title: bad.append("%d title %r != %r" % (h["id"], h["title"], title))
    import datetime
    want = datetime.datetime.fromtimestamp(int(published), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if h["published"] != want: bad.append("%d published %r != %r" % (h["id"], h["published"], want))
    if not h["feed_title"]: bad.append("%d feed_title empty" % h["id"])
if got != truth: bad.append("hits != truth: missing %r extra %r" % (truth - got, got - truth))
print("\n".join(bad[:20]))
sys.exit(1 if bad else 0)
PY
)
ok $? "JSON Lines: every field of every hit, against truth.tsv and items.tsv"
[ -z "$out" ] || diag "$out"

count() { fw -c "$CONF" hits --format json --limit 0 "$@" | wc -l; }
milei=$(grep -c $'\tmilei$' "$CORPUS/truth.tsv")
is "$(count --topic milei)" "$((milei + 2))" "--topic milei: the corpus' $milei and 2 of ours"
is "$(count --topic milei --topic china-swaps)" \
	"$((milei + 2 + $(grep -c $'\tchina-swaps$' "$CORPUS/truth.tsv")))" "--topic twice: either"
is "$(count -t nosuch)" 0 "--topic of no hit: nothing"
# two topics and a limit merge each topic's walk: the newest stories of the
# whole list (--limit 0), the same ones in the same order
fw -c "$CONF" hits --topic milei --topic china-swaps --limit 0 > "$T_TMP/two.all"
fw -c "$CONF" hits --topic milei --topic china-swaps --limit 4 > "$T_TMP/two.4"
is "$(head -n 5 "$T_TMP/two.all")" "$(cat "$T_TMP/two.4")" "--topic twice --limit 4: the first 4 stories of all"
f3=$(grep -c $'^f0003\t' "$CORPUS/truth.tsv")
is "$(count --feed f0003)" "$f3" "--feed f0003: its $f3 hits"
is "$(fw -c "$CONF" hits --format json --feed f0003 | "$FW_PY" -c '
import json,sys; print(sorted({json.loads(l)["feed"] for l in sys.stdin}))')" "['f0003']" \
	"--feed f0003: only f0003"
is "$(count --feed review --feed mirror)" 4 "--feed twice: either"
# --since and --until: the time published (found when undated, or a later date)
recent=$("$FW_PY" -c '
import json,sys,time,datetime
def ts(v): return datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc).timestamp()
n = 0
for l in open(sys.argv[1]):
    h = json.loads(l); t = min(ts(h["published"]), ts(h["found"])) if h["published"] else ts(h["found"])
    n += t >= time.time() - 3600
print(n)' "$T_TMP/all.json")
like "$recent" '^[0-9]+$' "the hits published in the last hour: $recent"
is "$(count --since 1h)" "$recent" "--since 1h: the hits published in the last hour"
is "$(count --since 2099-01-01)" 0 "--since a future date: nothing"
is "$(count --until 1h)" "$((total - recent))" "--until 1h: the others"
is "$(count --since 2020-01-01 --until '2099-01-01 00:00')" "$total" "--since and --until as dates"
is "$(count --search 'meets mercosur')" 4 "--search: title or snippet, ignoring case"
is "$(count --search 'no such words anywhere')" 0 "--search without a match: nothing"
fw -c "$CONF" hits --since yesterdayish > /dev/null 2> "$T_TMP/err"
st=$?
is "$st" 2 "a bad --since is a usage error (exit 2)"
like "$(cat "$T_TMP/err")" "bad --since 'yesterdayish'" "the error names the bad value"

ids=$(fw -c "$CONF" hits --format json --limit 5 | "$FW_PY" -c '
import json,sys; print(" ".join(str(json.loads(l)["id"]) for l in sys.stdin))')
first5=$(head -n 5 "$T_TMP/all.json" | "$FW_PY" -c '
import json,sys; print(" ".join(str(json.loads(l)["id"]) for l in sys.stdin))')
is "$ids" "$first5" "--limit 5: the 5 newest"
fw -c "$CONF" read $(echo "$ids" | cut -d' ' -f1-2)
story_hits=$("$FW_PY" -c '
import json,sys
hits = [json.loads(l) for l in open(sys.argv[1])]
ids = {int(x) for x in sys.argv[2:]}
stories = {h["story"] for h in hits if h["id"] in ids}
print(sum(h["story"] in stories for h in hits))' "$T_TMP/all.json" $(echo "$ids" | cut -d' ' -f1-2))
is "$(count --unread)" "$((total - story_hits))" "--unread after two stories were read ($story_hits hits)"
is "$(count --unread --limit 3)" 3 "--unread with --limit"

# CSV, read back with python's csv module: the same hits and fields as JSON.
hits_json "$T_TMP/all.json"
fw -c "$CONF" hits --format csv --limit 0 > "$T_TMP/all.csv"
out=$("$FW_PY" - "$T_TMP/all.csv" "$T_TMP/all.json" <<'PY' 2>&1
import csv, json, re, sys
raw = open(sys.argv[1], "rb").read()
bad = []
if not raw.endswith(b"\r\n") or b"\n" in raw.replace(b"\r\n", b""):
    # embedded newlines are allowed only inside quotes; csv checks that below
    pass
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
hits = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
want_cols = ["id", "story", "topic", "topic_name", "feed", "feed_title", "item_id", "title", "link",
             "published", "found", "snippet", "read", "notified"]
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    header = next(csv.reader(f))
if header != want_cols: bad.append("header %r" % header)
if len(rows) != len(hits): bad.append("%d rows, %d hits" % (len(rows), len(hits)))
for r, h in zip(rows, hits):
    for k in want_cols:
        v = h[k]
        v = "" if v is None else ("true" if v is True else "false" if v is False else str(v))
        # CSV prints each control or bidi override as a space (issue 16)
        v = re.sub("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", " ", v)
        if v.lstrip(" ")[:1] in ("=", "+", "-", "@"):
            v = "'" + v   # neutralised for spreadsheets (OWASP CSV injection)
        if r[k] != v: bad.append("%s %s: %r != %r" % (h["id"], k, r[k], v))
print("\n".join(bad[:20]))
sys.exit(1 if bad else 0)
PY
)
ok $? "CSV: RFC 4180 read back by python's csv module, equal to the JSON"
[ -z "$out" ] || diag "$out"
is "$(head -n 1 "$T_TMP/all.csv" | tail -c 2 | od -An -c | tr -d ' ')" '\r\n' "CSV lines end in CRLF"

# Atom: well-formed, and our own parser reads every entry back.
fw -c "$CONF" hits --format atom --limit 0 > "$T_TMP/all.atom"
xmllint --noout "$T_TMP/all.atom" 2> "$T_TMP/xmllint.err"
ok $? "Atom: xmllint --noout finds it well-formed"
[ -s "$T_TMP/xmllint.err" ] && diag "$(head -n 5 "$T_TMP/xmllint.err")"
fw parse --format json "$T_TMP/all.atom" > "$T_TMP/atom.json" 2> "$T_TMP/atom.err"
ok $? "Atom: feedwatch parse reads it"
out=$("$FW_PY" - "$T_TMP/atom.json" "$T_TMP/all.json" <<'PY' 2>&1
import json, sys
entries = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
hits = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
bad = []
if len(entries) != len(hits): bad.append("%d entries, %d hits" % (len(entries), len(hits)))
for e, h in zip(entries, hits):
    if e["id"] != "urn:feedwatch:hit:%d" % h["id"]: bad.append("id %r" % e["id"])
    if e["title"] != "[%s] %s" % (h["topic_name"], h["title"]): bad.append("title %r" % e["title"])
    if e["link"] != h["link"]: bad.append("link %r != %r" % (e["link"], h["link"]))
    if e["updated"] != h["found"] and e["published"] != h["published"]:
        bad.append("dates %r %r" % (e["published"], e["updated"]))
    if " ".join(e["summary"].split()) != " ".join(h["snippet"].split()): bad.append("summary %r != %r" % (e["summary"], h["snippet"]))
    if h["topic"] not in e["categories"] and h["topic_name"] not in e["categories"]:
        bad.append("categories %r" % e["categories"])
    if e["feed_title"] != "feedwatch hits": bad.append("feed title %r" % e["feed_title"])
print("\n".join(bad[:20]))
sys.exit(1 if bad else 0)
PY
)
ok $? "Atom: each entry is a hit (id, [topic] title, link, dates, snippet, category)"
[ -z "$out" ] || diag "$out"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt; Milei meets Mercosur' "$T_TMP/all.atom"
ok $? "Atom: the <script> title is escaped text"
fw -c "$CONF" hits --format atom --search no-such-words-anywhere > "$T_TMP/empty.atom"
xmllint --noout "$T_TMP/empty.atom" && grep -q '<feed xmlns="http://www.w3.org/2005/Atom">' "$T_TMP/empty.atom"
ok $? "Atom: no hits is still a valid feed"

# The table: aligned, fitted to COLUMNS, titles cut with …, colored on a terminal only.
for cols in 60 100 200; do
	COLUMNS=$cols fw -c "$CONF" hits --limit 0 > "$T_TMP/table.$cols"
	widest=$("$FW_PY" -c '
import sys, unicodedata
def w(s): return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)
print(max(w(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")))' "$T_TMP/table.$cols")
	ok $([ "$widest" -le "$cols" ] && echo 0 || echo 1) "table with COLUMNS=$cols: no line wider (widest $widest)"
done
stories=$("$FW_PY" -c '
import json,sys; print(len({json.loads(l)["story"] for l in open(sys.argv[1])}))' "$T_TMP/all.json")
is "$(wc -l < "$T_TMP/table.100")" "$((stories + 1))" "table: a heading and a line a story ($stories)"
like "$(head -n 1 "$T_TMP/table.100")" '^ *ID +DATE +FEED +TITLE +TOPICS$' "table: the heading"
like "$(grep 'Milei meets Mercosur' "$T_TMP/table.100")" \
	'Review & T.* \+1 +<script>alert\(1\)</script> Milei meets Mercosur +Milei, Mercosur$' \
	"table: the story in two feeds and two topics is one row"
grep -q '…$' "$T_TMP/table.60"
ok $? "table: long titles are cut with …"
"$FW_PY" - "$T_TMP/table.100" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
starts = {l.index("TOPIC") if i == 0 else None for i, l in enumerate(lines[:1])}
col = lines[0].index("TOPIC")
# every topic cell starts at the heading's column: the words before it are id and date
bad = [l for l in lines[1:] if l[col - 2:col] != "  " or l[col] == " "]
sys.exit(1 if bad else 0)
PY
ok $? "table: the TOPIC column is aligned on every line"
grep -q $'\033' "$T_TMP/table.100"
ok $([ $? = 0 ] && echo 1 || echo 0) "table: no color when not on a terminal"
script -qec "env COLUMNS=100 $FW_WRAP '$FW_BUILD/feedwatch' -c '$CONF' hits --limit 3" /dev/null > "$T_TMP/tty.out" 2>&1
grep -q $'\033\\[1m' "$T_TMP/tty.out"
ok $? "table: colored on a terminal (bold heading and unread titles)"
script -qec "env NO_COLOR=1 COLUMNS=100 $FW_WRAP '$FW_BUILD/feedwatch' -c '$CONF' hits --limit 3" /dev/null > "$T_TMP/tty2.out" 2>&1
grep -q $'\033' "$T_TMP/tty2.out"
ok $([ $? = 0 ] && echo 1 || echo 0) "table: NO_COLOR turns color off on a terminal"
row=$(fw -c "$CONF" hits --limit 1 | sed -n 2p)
date_utc=$("$FW_PY" -c '
import json,sys,datetime,zoneinfo
def ts(v): return datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
story = int(sys.argv[2])
hs = [h for h in map(json.loads, open(sys.argv[1])) if h["story"] == story]
t = max(min(ts(h["published"]), ts(h["found"])) if h["published"] else ts(h["found"]) for h in hs)
z = zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires"); l = t.astimezone(z)
print(l.strftime("%m-%d %H:%M") if l.year == datetime.datetime.now(z).year else l.strftime("%Y-%m-%d"))' \
	"$T_TMP/all.json" "$(echo "$row" | awk '{print $1}')")
like "$row" "^ *[0-9]+ $date_utc " "table: DATE is published, in the local time zone (JSON has UTC)"

fw -c "$CONF" hits --format yaml > /dev/null 2> "$T_TMP/err"
is "$?" 2 "an unknown --format is a usage error"
like "$(cat "$T_TMP/err")" "unknown format 'yaml'" "the error names it"
fw -c "$T_TMP/nosuch.conf" hits > /dev/null 2> "$T_TMP/err"
is "$?" 1 "a missing config: exit 1"
like "$(cat "$T_TMP/err")" "nosuch.conf" "the error names the config"

# The words: now, today, yesterday (local midnights). Two items are moved to
# an hour after today's midnight and to an hour before it (their hits'
# times follow: a hit's time is never later than when it was found), the
# last thing this test does to the log.
midnight=$(date -d "$(date +%F)" +%s)
sqlite3 "$DB" "UPDATE items SET published = $((midnight + 3600)) WHERE id = (SELECT MIN(item_id) FROM hits);
	UPDATE items SET published = $((midnight - 3600)) WHERE id = (SELECT MAX(item_id) FROM hits)"
is "$(count --since today)" "$(count --since "$(date +%F)")" "--since today: from local midnight"
ok $([ "$(count --since today)" -ge 1 ] && [ "$(count --since yesterday --until TODAY)" -ge 1 ] && echo 0 || echo 1) \
	"today has a hit, and yesterday (any case) another"
is "$(count --since yesterday --until today)" "$(count --since "$(date -d yesterday +%F)" --until "$(date +%F)")" \
	"--since yesterday --until today: yesterday's dates"
is "$(count --until now)" "$total" "--until now: every hit found so far"
# "N UNIT ago", as git takes it: one story 10 days old, another 20
now=$(date +%s)
sqlite3 "$DB" "UPDATE items SET published = $((now - 10 * 86400)) WHERE id = (SELECT MIN(item_id) FROM hits);
	UPDATE items SET published = $((now - 20 * 86400)) WHERE id = (SELECT MAX(item_id) FROM hits)"
two=$(count --since "2 weeks ago")
three=$(count --since "3 Weeks ago")
ok $([ "$two" -ge 1 ] && [ "$three" -gt "$two" ] && echo 0 || echo 1) \
	"--since '2 weeks ago' has the story of 10 days, '3 weeks ago' the one of 20 too ($two, $three)"
is "$two $three" "$(count --since 14d) $(count --since 21d)" "and they are 14d and 21d"
done_testing
