#!/bin/bash
# Desktop notifications through `feedwatch poll` on a private bus with the
# recording server: hostile titles are escaped and cut, markup is stripped
# for a server without body-markup, urgency is the highest of the item's
# topics, more than three items of a topic become one notification updated
# in place, and max_per_hour holds the rest for one summary. Polls that end
# within the poller's group-commit window (250 ms) are notified in one go, so
# the feeds meant for separate flushes come late from the fault server.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 30

W="$T_TMP/www"
mkdir -p "$W"
start_faultserver 1 --root "$W"
PORT=${P[0]}
# delayed MS NAME: the URL of $W/NAME, answered after MS milliseconds.
delayed() { echo "http://127.0.0.1:$PORT/delayed/$1/$2"; }
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
notify_initial = true
[feed hostile]
url = file://$W/hostile.xml
title = Hostile & Co <img src="file:///etc/passwd"/>
[topic milei]
query = Milei
urgency = low
[topic mercosur]
query = Mercosur
urgency = critical
[topic capped]
query = Capped
max_per_hour = 2
CONF

write_feed "$W/hostile.xml" "Hostile" \
	'Milei <a href="javascript:alert(1)">click</a> & <img src=file:///etc/passwd>|Milei & <script>x</script> "quoted"' \
	'Milei caf\xff bytes|Milei invalid \xff UTF-8' \
	'BIG:1000000:Milei |BIG:1000000:Milei and Mercosur '

start_bus
start_notify_server
fw -c "$conf" poll --feed hostile 2> "$T_TMP/poll.err"
ok $? "poll exits 0"
is "$(ncount)" 3 "three items, three notifications"
n1=$(nlog 1 'n["body"].split("\n")[0]')
is "$n1" 'Milei &lt;a href=&quot;javascript:alert(1)&quot;&gt;click&lt;/a&gt; &amp; &lt;img src=file:///etc/passwd&gt;' \
	"the title's markup arrives escaped"
like "$(nlog 1 'n["body"]')" '<b>Milei</b> &amp; &lt;script&gt;x&lt;/script&gt; &quot;quoted&quot;' \
	"the snippet's text is escaped; only the match is in <b>"
is "$(nlog 1 '__import__("re").sub("</?b>", "", n["body"]).count("<")')" 0 "no other tag than <b>"
is "$(nlog 1 'n["summary"]')" 'Milei — Hostile & Co ‹img src="file:///etc/passwd"/›' \
	"the summary names the topic and the feed: plain text in which no tag can form (issue 16)"
is "$(nlog 1 'n["app_name"] + " " + n["hints"]["category"] + " " + str(n["hints"]["urgency"])')" \
	"feedwatch x-feedwatch.hit 0" "app name, category, the topic's urgency (low)"
like "$(nlog 2 'n["body"]')" '^Milei caf. bytes' "a stray byte arrives as a character (valid UTF-8)"
is "$(nlog 3 'len(n["body"].split("\n")[0])')" 301 "a 1 MB title is cut to 300 characters and an ellipsis"
like "$(nlog 3 'len(n["body"])')" '^[0-9]{3}$' "the whole 1 MB body stays under 1000 characters"
is "$(nlog 3 'n["hints"]["urgency"]')" 2 "Milei (low) and Mercosur (critical): critical wins"
is "$(nlog 3 'n["summary"]')" 'Milei · Mercosur — Hostile & Co ‹img src="file:///etc/passwd"/›' "one notification names both topics"
is "$(hits "$conf" 'sorted({x["notified"] for x in h})')" '["delivered"]' "every hit is delivered"

# A server without body-markup gets plain text.
restart_server --no-markup
cat >> "$conf" <<CONF
[feed plain]
url = file://$W/plain.xml
CONF
write_feed "$W/plain.xml" "Plain" 'Milei <i>&</i> co|Milei & <b>bold</b> 5 < 6'
fw -c "$conf" poll --feed plain 2> /dev/null
is "$(ncount)" 1 "one notification"
is "$(nlog 1 'n["body"]')" $'Milei <i>&</i> co\nMilei & <b>bold</b> 5 < 6' \
	"without body-markup: the text itself, no tags added, no entities"

# Coalescing: two feeds with four Mercosur items each, one poll; the second
# feed comes 1.2 s later and updates the first's notification in place.
restart_server
cat >> "$conf" <<CONF
[feed c1]
url = file://$W/c1.xml
[feed c2]
url = $(delayed 1200 c2.xml)
CONF
for f in c1 c2; do
	write_feed "$W/$f.xml" "Feed $f" "Mercosur $f one|x" "Mercosur $f two|x" \
		"Mercosur $f three|x" "Mercosur $f four|x"
done
fw -c "$conf" poll --feed c1 --feed c2 2> /dev/null
is "$(ncount)" 2 "eight items of one topic in two flushes: two Notify calls"
is "$(nlog 1 'n["summary"]')" 'Mercosur: 4 new — Feed c1' \
	"the first says how many, from which feed: short (issue 15.11)"
is "$(nlog 1 'n["body"]')" $'Mercosur c1 one\nMercosur c1 two\nMercosur c1 three\nMercosur c1 four' \
	"its body lists the titles, each once"
is "$(nlog 1 'n["replaces_id"]')" 0 "the first is new"
is "$(nlog 2 'n["summary"]')" 'Mercosur: 8 new' "the second counts all eight, of two feeds: no feed named"
is "$(nlog 2 'n["replaces_id"]')" "$(nlog 1 'n["id"]')" "and replaces the first (the same id)"
is "$(nlog 2 'n["body"]')" $'Mercosur c2 one\nMercosur c2 two\nMercosur c2 three\nMercosur c2 four\nMercosur c1 one\nand 3 more' \
	"its body lists five titles, the new ones first (a new story shows), then how many more"
is "$(hits "$conf" 'len([x for x in h if x["topic"] == "mercosur" and x["notified"] == "delivered"])')" 9 \
	"every Mercosur hit is delivered"

# A few items of a topic are shown one by one.
cat >> "$conf" <<CONF
[feed c3]
url = file://$W/c3.xml
CONF
write_feed "$W/c3.xml" "Feed c3" "Mercosur c3 one|x" "Mercosur c3 two|x"
fw -c "$conf" poll --feed c3 2> /dev/null
is "$(nlog 3 'n["summary"]') / $(nlog 4 'n["summary"]') $(nlog 4 'n["replaces_id"]')" \
	"Mercosur — Feed c3 / Mercosur — Feed c3 0" "two items: two notifications of their own"

# Feeds that end together are one flush: four Mercosur items from two feeds
# in one poll make one notification.
for f in c4 c5; do
	cat >> "$conf" <<CONF
[feed $f]
url = file://$W/$f.xml
CONF
	write_feed "$W/$f.xml" "Feed $f" "Mercosur $f one|x" "Mercosur $f two|x"
done
before=$(ncount)
fw -c "$conf" poll --feed c4 --feed c5 2> /dev/null
is "$(( $(ncount) - before ))" 1 "two feeds ending together, four items: one notification"
like "$(nlog "$(ncount)" 'n["summary"]')" '^Mercosur: 4 new$' "it counts the four (two feeds: none named)"

# max_per_hour = 2: five feeds with one Capped item each in one poll, 1.2 s
# apart: two are shown, three held (still pending); an hour later one summary
# of them.
now=$(date +%s)
for i in 1 2 3 4 5; do
	cat >> "$conf" <<CONF
[feed k$i]
url = $(delayed $(( (i - 1) * 1200 )) k$i.xml)
CONF
	write_feed "$W/k$i.xml" "Cap feed $i" "Capped story $i|x"
done
before=$(ncount)
fw -c "$conf" poll --test-now=$((now + 60)) --feed k1 --feed k2 --feed k3 --feed k4 --feed k5 2> /dev/null
is "$(( $(ncount) - before ))" 2 "max_per_hour = 2: two notifications"
is "$(hits "$conf" 'sorted(x["notified"] for x in h if x["topic"] == "capped")')" \
	'["delivered", "delivered", "pending", "pending", "pending"]' "the other three are held, pending"
fw -c "$conf" poll --test-now=$((now + 2 * 3600)) --feed k1 2> /dev/null
is "$(( $(ncount) - before ))" 3 "an hour later: one more notification"
like "$(nlog "$(ncount)" 'n["summary"]')" '^feedwatch: 3 hits not shown yet — Capped 3$' \
	"one summary of the three held"
done_testing
