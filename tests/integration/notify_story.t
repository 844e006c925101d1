#!/bin/bash
# Which hits of one story are notified (design.md section 3): a copy in
# another feed, or the same item republished in its feed under a new id and
# the same title, is not; an item of the same feed with the same link but
# its own title (a landing page as every item's link) is news, and is, and
# is a story of its own in the hit log; so is one of the same link and title
# that the feed lists beside the first (a twin), but not again each time a
# feed of guids that change on every fetch lists the pair anew.
. "$(dirname "$0")/../helpers/lib.sh"
plan 13

item() { printf '<item><guid>%s</guid><link>%s</link><title>%s</title><description>%s</description></item>' "$@"; }
feed() { printf '<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>%s</channel></rss>\n' "$1" "$2" > "$T_TMP/$1.xml.new"
	mv "$T_TMP/$1.xml.new" "$T_TMP/$1.xml"; }
L=https://press.example.org/
cat > "$T_TMP/fw.conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
[feed a]
url = file:$T_TMP/a.xml
[feed b]
url = file:$T_TMP/b.xml
[topic milei]
query = Milei
notify = exec
exec = /bin/true
CONF
state() { sqlite3 "$T_TMP/fw.db" "select h.notified from hits h join items i on i.id = h.item_id where i.item_key = '$1'"; }

# the first fetch of each feed: logged, not notified (notify_initial)
feed a "$(item x0 https://a.example/0 'Nothing here' 'nothing')"
feed b "$(item y0 https://b.example/0 'Nothing here' 'nothing')"
fw -c "$T_TMP/fw.conf" poll > /dev/null 2>&1
# a press release at the landing page
feed a "$(item x0 https://a.example/0 'Nothing here' 'nothing')$(item p1 $L 'Milei press release one' 'Milei said one thing')"
fw -c "$T_TMP/fw.conf" poll > /dev/null 2>&1
is "$(state p1)" delivered "the first press release is notified"
# another, at the same landing page, with its own title; the first in feed
# b (a copy)
feed a "$(item x0 https://a.example/0 'Nothing here' 'nothing')$(item p1 $L 'Milei press release one' 'Milei said one thing')$(item p2 $L 'Milei press release two' 'Milei said another')"
feed b "$(item y0 https://b.example/0 'Nothing here' 'nothing')$(item c1 $L 'Milei press release one' 'Milei said one thing')"
fw -c "$T_TMP/fw.conf" poll > /dev/null 2>&1
is "$(state p2)" delivered "another item of the feed at the same link, with its own title, is notified"
is "$(state c1)" none "the copy in another feed is not"
# the first gone, republished under a new id with its link's tracking
# parameter (a row of its own): not notified again
feed a "$(item x0 https://a.example/0 'Nothing here' 'nothing')$(item p2 $L 'Milei press release two' 'Milei said another')$(item p1b "$L?utm_source=rss" 'Milei press release one' 'Milei said one thing again')"
fw -c "$T_TMP/fw.conf" poll > /dev/null 2>&1
is "$(state p1b)" none "the same title at the same link under a new id (republished) is not"
story() { sqlite3 "$T_TMP/fw.db" "select h.story from hits h join items i on i.id = h.item_id where i.item_key = '$1'"; }
is "$(sqlite3 "$T_TMP/fw.db" "select count(distinct story) from hits")" 2 "two stories in the hit log: p2 and the rest"
is "$(story p1b) $(story c1)" "$(story p1) $(story p1)" "the republished one and the copy are p1's story"
out=$(COLUMNS=100 fw -c "$T_TMP/fw.conf" hits)
is "$(printf '%s\n' "$out" | grep -c 'Milei press release')" 2 "hits: a row for each release, with its title"
like "$out" "Milei press release two" "hits: the second release's own title"
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from outbox")" 2 "two deliveries: p1 and p2"

# a podcast's episodes at its home page under one title: the second, listed
# beside the first, is an item of its own (a twin), stored and notified;
# before, it took the first's row as if the first's guid had changed
E=https://cast.example.org/
feed a "$(item e1 $E 'Milei on the air' 'first episode')"
fw -c "$T_TMP/fw.conf" poll > /dev/null 2>&1
feed a "$(item e2 $E 'Milei on the air' 'second episode')$(item e1 $E 'Milei on the air' 'first episode')"
fw -c "$T_TMP/fw.conf" poll > /dev/null 2>&1
is "$(sqlite3 "$T_TMP/fw.db" "select group_concat(item_key, ' ') from (select item_key from items where link = '$E' order by id)")" \
	"e1 e2" "two episodes, two items, each under its own id"
is "$(state e1) $(state e2)" "delivered delivered" "each episode is notified"

# a feed whose guids change on every fetch lists one story twice: the
# pair is stored and notified once, not again on each later fetch
R=https://b.example/twice
n=0
for poll in 1 2 3; do
	feed b "$(item "r$poll-$n" $R 'Milei twice' 'the same story')$(item "r$poll-$((n + 1))" $R 'Milei twice' 'the same story')"
	n=$((n + 2))
	fw -c "$T_TMP/fw.conf" poll > /dev/null 2>&1
done
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from items where link = '$R'")" 2 \
	"three fetches of a twice-listed story with new guids: two items"
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from hits h join items i on i.id = h.item_id where i.link = '$R' and h.notified = 'delivered'")" \
	2 "and two deliveries, from the first fetch only"
done_testing
