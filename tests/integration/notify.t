#!/bin/bash
# Desktop notifications for real: a private session bus, a notification
# server that records every Notify call, and `feedwatch poll` on the TAC
# fixture with notify_initial = true.
. "$(dirname "$0")/../helpers/lib.sh"
plan 16

mkdir -p "$T_TMP/www"
cp "$FW_TOP/tests/fixtures/tac-feed.xml" "$T_TMP/www/feed.xml"
# A second feed whose title holds markup and an ampersand.
cat > "$T_TMP/www/hostile.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Hostile &amp; Co</title><link>https://h.example/</link>
<item><title>Milei &amp;amp; &amp;lt;b&amp;gt;Mercosur&amp;lt;/b&amp;gt; &amp;lt;img src="file:///etc/passwd"&amp;gt;</title>
<link>https://h.example/1</link><guid>h-1</guid>
<description>Text &lt;a href="x"&gt;with&lt;/a&gt; Milei and 5 &lt; 6 &amp;amp; more.</description></item>
</channel></rss>
XML
serve "$T_TMP/www"
conf="$T_TMP/fw.conf"
sed -e "s|^url = https://www.theamericanconservative.com/feed/|url = $BASE/feed.xml|" \
    -e "s|^# database = .*|database = $T_TMP/fw.db|" \
    -e "s|^notify_initial = false|notify_initial = true|" "$FW_TOP/config/feedwatch.conf" > "$conf"

start_bus
start_notify_server
fw -c "$conf" poll 2> "$T_TMP/poll.err"
ok $? "poll with notifications exits 0"
is "$(wc -l < "$NOTIFY_LOG")" 1 "one notification for the one item"
n=$($FW_PY - "$NOTIFY_LOG" <<'PY'
import json, sys
n = json.loads(open(sys.argv[1]).readline())
print(n["app_name"]); print(n["summary"]); print(n["body"].split("\n")[0]); print(n["hints"].get("category"))
print(n["hints"].get("urgency"))
PY
)
is "$(sed -n 1p <<< "$n")" feedwatch "app name feedwatch"
is "$(sed -n 2p <<< "$n")" "Milei · Mercosur · China swaps — The American Conservative" "the summary names the three topics, then the feed"
is "$(sed -n 3p <<< "$n")" "The Limits to a Trump-Milei Alignment" "the body starts with the title"
is "$(sed -n 4p <<< "$n")" "x-feedwatch.hit" "category x-feedwatch.hit"
is "$(sed -n 5p <<< "$n")" 1 "urgency normal"
body=$($FW_PY -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["body"])' "$NOTIFY_LOG")
like "$body" "<b>[^<]+</b>" "the snippet marks the matched words in <b>"
is "$(fw -c "$conf" hits --format json | $FW_PY -c 'import json,sys; print(sorted({json.loads(l)["notified"] for l in sys.stdin}))')" \
   "['delivered']" "the three hits are marked delivered"

# The second poll sends nothing new.
fw -c "$conf" poll 2> /dev/null
is "$(wc -l < "$NOTIFY_LOG")" 1 "a second poll notifies nothing again"

# Markup in a title's text (double-escaped in the feed, so the text really
# holds "<b>") is escaped; only the snippet's <b> marks are markup.
cat >> "$conf" <<CONF
[feed hostile]
url = $BASE/hostile.xml
CONF
fw -c "$conf" poll --feed hostile 2> /dev/null
is "$(wc -l < "$NOTIFY_LOG")" 2 "the hostile item is notified"
hb=$($FW_PY -c 'import json,sys; print(json.dumps(json.loads(open(sys.argv[1]).readlines()[1])["body"]))' "$NOTIFY_LOG")
like "$hb" "Milei &amp; &lt;b&gt;Mercosur&lt;/b&gt; &lt;img src=" "the title's markup arrives escaped"
stripped=$($FW_PY -c '
import json,sys,re
b=json.loads(open(sys.argv[1]).readlines()[1])["body"]
print(re.sub(r"</?b>", "", b))' "$NOTIFY_LOG")
like "$stripped" "^[^<>]*$" "no other tag than <b> in the body"

# No notification server at all: hits stay pending, a warning, exit 0.
stop_notify_server
sleep 0.2
conf2="$T_TMP/fw2.conf"
sed -e "s|database = .*|database = $T_TMP/fw2.db|" "$conf" > "$conf2"
fw -c "$conf2" poll --feed tac 2> "$T_TMP/poll2.err"
ok $? "without a notification server poll still exits 0"
like "$(cat "$T_TMP/poll2.err")" "warning: desktop notification not shown" "a warning is logged"
is "$(fw -c "$conf2" hits --format json | $FW_PY -c 'import json,sys; print(sorted({json.loads(l)["notified"] for l in sys.stdin}))')" \
   "['pending']" "the hits stay pending"
done_testing
