#!/bin/bash
# status (failing feeds first, never-polled feeds, the daemon running or
# not, JSON), stats (hits per topic per day, sparklines, JSON, CSV) and
# backtest (a topic with its also= queries, or a query, over every stored item).
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/review_setup.sh"
plan 64
review_setup

cat >> "$CONF" <<EOF

[feed broken]
url = $BASE/missing.xml

[feed later]
url = $BASE/later.xml

[topic argentina]
query = Milei
also = Mercosur OR Mercosul, "Mercado Común del Sur"
EOF
fw -c "$CONF" poll --no-notify --feed broken > "$T_TMP/poll2.log" 2>&1
is "$?" 1 "a poll with a failing feed exits 1"

fw -c "$CONF" status > "$T_TMP/status" 2> "$T_TMP/status.err"
ok $? "status exits 0"
is "$(sed -n 1p "$T_TMP/status")" "feedwatchd is not running (database $DB)" "status: the daemon is not running"
is "$(sed -n 2p "$T_TMP/status")" "24 feeds, 1 failing" "status: counts"
like "$(sed -n 3p "$T_TMP/status")" '^HEALTH +FEED +LAST POLL +HTTP +NEXT POLL +ITEMS +HITS$' "status: the heading"
like "$(sed -n 4p "$T_TMP/status")" '^failing +broken +(just now|[0-9]+s ago) +404 +in [0-9]+[smh] +0 +0$' \
	"status: the failing feed first, with its HTTP status"
like "$(sed -n 5p "$T_TMP/status")" '^          HTTP 404' "status: its error on the line under it"
like "$(sed -n 6p "$T_TMP/status")" '^never +later +- +- +- +0 +0 *$' "status: a feed never polled"
is "$(grep -c '^ok ' "$T_TMP/status")" 22 "status: every other feed is ok"
like "$(grep '^ok  *review ' "$T_TMP/status")" ' 200 .* 1 +3 *$' \
	"status: items and hits of a feed (its item's two, and argentina's: a new topic, caught up)"

fw -c "$CONF" status --format json > "$T_TMP/status.json"
out=$("$FW_PY" - "$T_TMP/status.json" "$DB" <<'PY' 2>&1
import json, sys
s = json.load(open(sys.argv[1]))
bad = []
if s["database"] != sys.argv[2]: bad.append("database %r" % s["database"])
if s["daemon"] != {"running": False, "pid": None, "config": None, "config_current": None}: bad.append("daemon %r" % s["daemon"])
if s["lock"] is not None: bad.append("lock %r" % s["lock"])
f = s["feeds"]
if len(f) != 24: bad.append("%d feeds" % len(f))
b = f[0]
if (b["feed"], b["health"], b["http_status"], b["failures"]) != ("broken", "failing", 404, 1):
    bad.append("first %r" % b)
if not b["error"] or not b["last_poll"].endswith("Z"): bad.append("broken %r" % b)
if f[1]["feed"] != "later" or f[1]["last_poll"] is not None or f[1]["health"] != "never":
    bad.append("second %r" % f[1])
ok = [x for x in f[2:] if x["health"] == "ok" and x["http_status"] == 200 and x["error"] is None]
if len(ok) != 22: bad.append("%d ok" % len(ok))
if sum(x["items"] for x in f) != 202: bad.append("items %d" % sum(x["items"] for x in f))
keys = {"feed", "url", "title", "health", "last_poll", "next_poll", "http_status", "error",
        "failures", "items", "hits", "moved_to", "gone", "degraded"}
for x in f:
    if set(x) != keys: bad.append("keys %r" % sorted(x))
print("\n".join(bad[:10]))
sys.exit(1 if bad else 0)
PY
)
ok $? "status --format json: database, daemon, each feed's fields, failing first"
[ -z "$out" ] || diag "$out"
hits_total=$(fw -c "$CONF" hits --format json --limit 0 | wc -l)
is "$("$FW_PY" -c 'import json,sys; print(sum(f["hits"] for f in json.load(open(sys.argv[1]))["feeds"]))' \
	"$T_TMP/status.json")" "$hits_total" "status: the hits of all feeds add up to the hit log"

# The daemon running on this database.
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$CONF" > "$T_TMP/daemon.log" 2>&1 &
daemon=$!
stop_daemon() { kill "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null; }
at_exit stop_daemon
for i in $(seq 200); do   # running, and it has said which config it read
	fw -c "$CONF" status | head -n 1 | grep -q 'is running' && grep -q '^config ' "$DB.lock" && break
	sleep 0.1
done
is "$(fw -c "$CONF" status | head -n 1)" "feedwatchd is running (pid $daemon) on $DB" "status: the daemon is running, with its pid"
is "$(fw -c "$CONF" status --format json | "$FW_PY" -c 'import json,sys; print(json.load(sys.stdin)["daemon"])')" \
	"{'running': True, 'pid': $daemon, 'config': '$(realpath "$CONF")', 'config_current': True}" \
	"status --format json: the daemon, its pid, its config, which is the file as it is"
is "$(fw -c "$CONF" status --format json | "$FW_PY" -c 'import json,sys; print(json.load(sys.stdin)["lock"])')" \
	"{'pid': $daemon, 'holder': 'feedwatchd'}" "status --format json: the lock's holder is the daemon"
kill -TERM "$daemon"
wait "$daemon"
is "$?" 0 "the daemon stops on SIGTERM"

# stats
fw -c "$CONF" stats > "$T_TMP/stats"
ok $? "stats exits 0"
like "$(sed -n 1p "$T_TMP/stats")" '^Stories a day, [0-9-]+ to [0-9-]+ \(14 days, date published, local time\)$' "stats: 14 days by default"
# stats counts a story once a topic, on the local day it was published (the
# corpus' items are of 2024: the last 14 days hold none of them).
fw -c "$CONF" hits --format json --limit 0 > "$T_TMP/hits.json"
cat > "$T_TMP/expect.py" <<'PY'
import json, sys, datetime
days = {}
for h in map(json.loads, open(sys.argv[1])):
    ts = lambda v: datetime.datetime.strptime(v, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    t = min(ts(h["published"]), ts(h["found"])) if h["published"] else ts(h["found"])
    days.setdefault(h["topic"], {})[h["story"]] = t.astimezone().date()
if sys.argv[2] == "span":
    first = min(d for t in days.values() for d in t.values())
    print((datetime.date.today() - first).days + 1)
else:
    print(" ".join("%s=%d" % (k, len(days.get(k, {}))) for k in ["milei", "mercosur", "china-swaps", "argentina"]))
PY
span=$("$FW_PY" "$T_TMP/expect.py" "$T_TMP/hits.json" span)
want=$("$FW_PY" "$T_TMP/expect.py" "$T_TMP/hits.json" totals)
like "$(grep '^Milei ' "$T_TMP/stats")" '^Milei +0 +0 +▁{14}( |$)' "stats: the last 14 days hold no story published in 2024"
COLUMNS=80 fw -c "$CONF" stats --days "$span" > "$T_TMP/stats.all"
like "$(grep '^Milei ' "$T_TMP/stats.all")" "^Milei +$(echo "$want" | sed 's/^milei=\([0-9]*\) .*/\1/') " "stats --days $span: Milei's stories, by date published"
fw -c "$CONF" stats --days "$span" --format json > "$T_TMP/stats.json"
out=$("$FW_PY" - "$T_TMP/stats.json" "$span" <<'PY' 2>&1
import json, sys, datetime
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = []
if [r["topic"] for r in rows] != ["milei", "mercosur", "china-swaps", "argentina"]: bad.append([r["topic"] for r in rows])
today = datetime.date.today().isoformat()
for r in rows:
    if len(r["days"]) != int(sys.argv[2]) or r["days"][-1]["date"] != today: bad.append(len(r["days"]))
    if sum(d["hits"] for d in r["days"]) != r["total"]: bad.append(r["topic"])
print(" ".join("%s=%d" % (r["topic"], r["total"]) for r in rows))
if bad: print(bad[:5]); sys.exit(1)
PY
)
ok $? "stats --format json: $span days ending today, totals add up"
is "$out" "$want" "stats --format json: each topic's stories (a story in two feeds once)"
"$FW_PY" -c '
import sys
sys.exit(0 if max(len(l.rstrip("\n")) for l in open(sys.argv[1], encoding="utf-8")) <= 80 else 1)' "$T_TMP/stats.all"
ok $? "stats --days $span at COLUMNS=80: no line wider than 80"
fw -c "$CONF" stats --days 0 > /dev/null 2>&1
is "$?" 2 "stats --days 0: usage error"

# backtest: a topic with its also= queries, a query, --since, JSON
fw -c "$CONF" backtest milei > "$T_TMP/bt"
ok $? "backtest milei exits 0"
is "$(sed -n 1p "$T_TMP/bt")" "Topic milei (Milei): Milei" "backtest: names the topic and its query"
is "$(tail -n 1 "$T_TMP/bt")" "12 of 202 stored items matched" "backtest milei: the items its hits came from"
like "$(grep -Fx -A1 'Matches a day (published, local time):' "$T_TMP/bt" | sed -n 2p)" '^  2024-11-' \
	"backtest: matches a day"
fw -c "$CONF" backtest argentina > "$T_TMP/bt2"
like "$(sed -n 1p "$T_TMP/bt2")" '^Topic argentina \(Argentina\): \(Milei\) OR \(Mercosur OR Mercosul\) OR \("Mercado Común del Sur"\)$' \
	"backtest of a topic with also=: its whole query"
is "$(tail -n 1 "$T_TMP/bt2")" "$(fw -c "$CONF" hits --format json --limit 0 --topic milei --topic mercosur | "$FW_PY" -c '
import json,sys; print(len({(h["feed"], h["item_id"]) for h in map(json.loads, sys.stdin)}))') of 202 stored items matched" \
	"backtest with also=: the items of either topic"
fw -c "$CONF" backtest --format json --query '"meets Mercosur"' > "$T_TMP/bt.json"
is "$("$FW_PY" -c '
import json,sys; print(sorted(json.loads(l)["feed"] for l in open(sys.argv[1])))' "$T_TMP/bt.json")" \
	"['mirror', 'review']" "backtest of a query, --format json"
is "$(fw -c "$CONF" backtest --since 2099-01-01 milei | tail -n 1)" "0 of 0 stored items matched" "backtest --since"
fw -c "$CONF" backtest --query 'China NEAR/x swap' > /dev/null 2> "$T_TMP/err"
is "$?" 2 "backtest of a bad query: exit 2"
like "$(cat "$T_TMP/err")" "^feedwatch backtest: query:" "the error says where the query is wrong"
# backtest --record: a topic added later gets the stored items' matches as
# its hits, not notified; a second run records nothing twice (on a copy)
cp "$DB" "$T_TMP/rec.db"
sed "s|^database = .*|database = $T_TMP/rec.db|" "$CONF" > "$T_TMP/rec.conf"
printf '\n[topic later]\nquery = Milei\nnotify = exec\nexec = /bin/true\n' >> "$T_TMP/rec.conf"
is "$(fw -c "$T_TMP/rec.conf" backtest later --record | tail -n 1)" \
	"recorded 12 hits of later, not notified (0 already in the hit log)" "backtest --record stores the matches"
is "$(sqlite3 "$T_TMP/rec.db" "SELECT count(*), count(DISTINCT notified) || notified FROM hits WHERE topic = 'later'")" \
	"12|1initial" "as the topic's hits, logged and never sent"
is "$(sqlite3 "$T_TMP/rec.db" "SELECT count(*) FROM outbox o JOIN hits h ON h.id = o.hit_id WHERE h.topic = 'later'")" \
	0 "nothing to send"
is "$(fw -c "$T_TMP/rec.conf" hits --topic later --format json | wc -l)" 12 "hits lists them"
is "$(fw -c "$T_TMP/rec.conf" backtest later --record 2>&1 | tail -n 1)" \
	"recorded 0 hits of later, not notified (12 already in the hit log)" "a second run records nothing twice"
fw -c "$T_TMP/rec.conf" backtest --record --query Milei > /dev/null 2>&1
is "$?" 2 "backtest --record of a query: usage error"

# match --why, on plain text and on a feed
out=$(echo "Milei met the Mercosur leaders" | fw match --why 'Mercosur NEAR/2 Milei')
is "$(printf '%s\n' "$out" | sed -n 1,2p)" \
	$'no match: (text)\n  why not: Mercosur found in content, no Milei within 2 words (the nearest is 3 words away)' \
	"match --why on plain text: why it did not match"
like "$out" '0 of 1 item matched$' "match: plain text is one item"
out=$(fw match --why 'Milei' "$CORPUS/extra/review.xml")
like "$out" '^  why: Milei found in title and summary$' "match --why: why it matched too"
like "$(fw match 'Milei OR' - < /dev/null 2>&1)" '^feedwatch match: query:[0-9]+: ' "match: a bad query names the column"

# status at 80 columns: an HTML page that links to a feed by a long path (a
# long error), a feed with a long name and a long title of wide characters.
# fits FILE: every line of FILE fits 80 terminal columns (East Asian wide
# characters take 2), but a word longer than a line alone on its own (a URL:
# wrapped, never cut); else prints the first that does not and fails.
fits() { "$FW_PY" -c '
import sys, unicodedata
w = lambda l: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
for l in open(sys.argv[1], encoding="utf-8"):
    l = l.rstrip("\n")
    if w(l) > 80 and len(l.split()) > 1 and not (len(l.split()) == 2 and w(l.split()[-1]) > 66):
        print(l); sys.exit(1)' "$1"; }
long=$(printf 'section-%s/' $(seq 12))
printf '<!doctype html><html><head><title>Page</title><link rel="alternate" type="application/rss+xml" href="/%sfeed.xml"></head><body>news</body></html>\n' \
	"$long" > "$CORPUS/page.html"
cjk=$(printf '阿根廷 与 南方共同市场 的 贸易 协定 %.0s' $(seq 6))
sed -e "s|<title>Review &amp; Test Desk</title>|<title>$cjk</title>|" "$CORPUS/extra/review.xml" > "$CORPUS/extra/cjk.xml"
feed=a-feed-whose-name-is-far-too-long-for-its-column
printf '\n[feed page]\nurl = %s/page.html\n\n[feed %s]\nurl = %s/extra/cjk.xml\n' "$BASE" "$feed" "$BASE" >> "$CONF"
fw -c "$CONF" poll --no-notify --feed page --feed "$feed" > /dev/null 2>&1
COLUMNS=80 fw -c "$CONF" status > "$T_TMP/status80"
like_ml "$(grep -A2 '^failing  *page ' "$T_TMP/status80")" \
	"^failing +page .*
          not a feed: text/html \\(it links to a feed:
          $BASE/section-1/section-2/" "status at 80 columns: the long error whole, wrapped under the row"
tr -d '\n ' < "$T_TMP/status80" | grep -q -F "section-12/feed.xml)"
ok $? "status at 80 columns: the error is not cut"
fits "$T_TMP/status80"
ok $? "status at 80 columns: no line wider than 80 (but a URL alone on its line)"

COLUMNS=80 fw -c "$CONF" status page > "$T_TMP/page" 2> "$T_TMP/page.err"
ok $? "status FEED exits 0"
is "$(sed -n 1p "$T_TMP/page")" "page (failing)" "status FEED: the feed's name and health"
like_ml "$(cat "$T_TMP/page")" "
  url +$BASE/page.html
" "status FEED: its url"
like_ml "$(cat "$T_TMP/page")" "
  last poll +[0-9-]+ [0-9:]+ \\((just now|[0-9]+s ago)\\): HTTP 200, [0-9]+ bytes" \
	"status FEED: the last poll, its HTTP status and size"
like_ml "$(cat "$T_TMP/page")" "
  next poll +[0-9-]+ [0-9:]+ \\(in [0-9]+m\\): backoff after 1 failure: [0-9]+m" \
	"status FEED: the next poll and why (the backoff)"
like_ml "$(cat "$T_TMP/page")" "
  failures +1
" "status FEED: the failures"
like "$(tr -d '\n ' < "$T_TMP/page")" "hintthepageisHTMLandlinkstoafeed:${BASE}/${long}feed.xml\\(putthatinurl=\\)" \
	"status FEED: the hint names the feed the page links to, uncut"
fits "$T_TMP/page"
ok $? "status FEED at 80 columns: no line wider than 80 (but a URL alone on its line)"

COLUMNS=80 fw -c "$CONF" status "$feed" > "$T_TMP/cjk"
like_ml "$(cat "$T_TMP/cjk")" "
  title +阿根廷 与 南方共同市场 .*
              .*协定" "status FEED: a long title of wide characters wrapped under itself"
like_ml "$(cat "$T_TMP/cjk")" '
  validators +ETag (W/)?"[^"]+", Last-Modified [A-Z][a-z][a-z], ' "status FEED: the HTTP validators"
fits "$T_TMP/cjk"
ok $? "status FEED: wide characters count two columns, no line wider than 80"
fw -c "$CONF" status "$feed" --format json | "$FW_PY" -c '
import json, sys
f = json.load(sys.stdin)
sys.exit(0 if f["feed"] == sys.argv[1] and f["etag"] and f["failures"] == 0 and f["hint"] is None
         and f["next_poll_reason"].startswith("the interval") else 1)' "$feed"
ok $? "status FEED --format json: one object, validators, the reason for the next poll"
fw -c "$CONF" status pgae > /dev/null 2> "$T_TMP/err"
is "$?" 2 "status of an unknown feed: exit 2"
like "$(cat "$T_TMP/err")" "^feedwatch status: no feed 'pgae' in .*: did you mean page\\?" "status of an unknown feed: did you mean"
# backtest at a terminal wraps its headings (the feed of wide characters'
# title) at COLUMNS; into a pipe it does not.
script -qec "env COLUMNS=80 NO_COLOR=1 $FW_WRAP '$FW_BUILD/feedwatch' -c '$CONF' backtest --query '\"Milei meets\"'" /dev/null |
	tr -d '\r' > "$T_TMP/bt.tty"
like_ml "$(cat "$T_TMP/bt.tty")" "[0-9] 阿根廷 与 .*
(  .*
)*  <script>alert\\(1\\)</script> Milei meets Mercosur$" "backtest at a terminal: the heading wraps"
fits "$T_TMP/bt.tty"
ok $? "backtest at COLUMNS=80 on a terminal: no line wider than 80"
COLUMNS=80 fw -c "$CONF" backtest --query '"Milei meets"' > "$T_TMP/bt.pipe"
is "$(grep -c '^2024-[0-9 :-]*  阿根廷 与 .* 协定  <script>alert(1)</script> Milei meets Mercosur$' "$T_TMP/bt.pipe")" 1 \
	"backtest into a pipe: the heading on one line, whole"
done_testing
