#!/bin/bash
# A reload while polls are in flight and feeds wait for a fetch slot (the
# poller keeps a byte a feed; a run exists only while its poll does): a
# removed feed in flight is dropped when its fetch comes back (nothing of it
# recorded), a removed feed still waiting is never fetched, the feeds that
# stay are polled once each, an added one is polled, and the daemon runs on.
. "$(dirname "$0")/../helpers/lib.sh"
plan 9

mkdir -p "$T_TMP/www"
for n in a b c d e; do
	cat > "$T_TMP/www/$n.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Feed $n</title>
<item><title>Mercosur summit $n</title><link>http://example.org/$n</link>
<guid>item-$n</guid></item></channel></rss>
XML
done
start_faultserver 1 --root "$T_TMP/www" --log "$T_TMP/fault.log"
U="http://127.0.0.1:${P[0]}"

conf="$T_TMP/fw.conf"
db="$T_TMP/fw.db"
# max_parallel = 1: two fetches handed out (one waits in the fetcher for the
# host), the other feeds wait in the poller's backlog.
head_conf() {
	cat <<CONF
[feedwatch]
database = $db
timeout = 20s
max_parallel = 1
max_per_host = 1
[topic mercosur]
query = Mercosur
notify = none
CONF
}
{
	head_conf
	printf '[feed gone_flying]\nurl = %s/delayed/3000/a.xml\n' "$U"
	printf '[feed stay_flying]\nurl = %s/delayed/3000/b.xml\n' "$U"
	printf '[feed gone_waiting]\nurl = %s/delayed/0/c.xml\n' "$U"
	printf '[feed stay_waiting]\nurl = %s/delayed/0/d.xml\n' "$U"
} > "$conf"

$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" -v 2> "$T_TMP/d.err" &
dpid=$!
for i in $(seq 600); do
	grep -q '/a.xml' "$T_TMP/fault.log" 2>/dev/null && break
	sleep 0.1
done
# a.xml is being served (3 s); b.xml waits for the host; c and d for a slot.
{
	head_conf
	printf '[feed stay_waiting]\nurl = %s/delayed/0/d.xml\n' "$U"
	printf '[feed added]\nurl = %s/delayed/0/e.xml\n' "$U"
	printf '[feed stay_flying]\nurl = %s/delayed/3000/b.xml\n' "$U"
} > "$conf.new"
mv "$conf.new" "$conf"
kill -HUP $dpid

polled() { sqlite3 "$db" "select count(*) from feeds where last_poll > 0 and key in ($1)" 2>/dev/null || echo 0; }
stay="'stay_flying','stay_waiting','added'"
for i in $(seq 600); do
	[ "$(polled "$stay")" = 3 ] && break
	sleep 0.1
done
like "$(cat "$T_TMP/d.err")" "reloaded: 3 feeds" "the reload took (while a.xml was in flight)"
kill -0 $dpid 2>/dev/null
ok $? "the daemon runs on"
is "$(polled "$stay")" 3 "the feeds that stay and the added one were polled"
is "$(sqlite3 "$db" "select count(*) from hits h join items i on i.id = h.item_id join feeds f on f.id = i.feed_id where f.key in ($stay)")" 3 \
	"and their hits recorded"
is "$(sqlite3 "$db" "select count(*) from items i join feeds f on f.id = i.feed_id where f.key = 'gone_flying'")" 0 \
	"the removed feed in flight: its fetch came back and nothing was stored"
is "$(polled "'gone_flying','gone_waiting'")" 0 "neither removed feed has a poll recorded"
is "$(grep -c '/c.xml' "$T_TMP/fault.log")" 0 "the removed feed that waited for a slot was never fetched"
is "$(grep -c '/d.xml' "$T_TMP/fault.log")" 1 "the feed that stayed in the backlog was fetched once"
is "$(grep -c '/b.xml' "$T_TMP/fault.log")" 1 "the feed that stayed in flight was fetched once"

kill -TERM $dpid
wait $dpid
