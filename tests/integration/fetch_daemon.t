#!/bin/bash
# feedwatchd with slow and hanging feeds among good ones: the good feeds are
# polled on time (before the slow ones give up), a local feed keeps being
# polled every second meanwhile (the main loop never waits on the network),
# and a 429 with Retry-After makes the other feed of that host wait.
. "$(dirname "$0")/../helpers/lib.sh"
plan 14

start_faultserver 3 --ports 3 --log "$T_TMP/fault.log"

mkdir -p "$T_TMP/www"
for n in 1 2 3 4 5 6; do
	cat > "$T_TMP/www/good$n.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Good $n</title>
<item><title>Mercosur summit $n</title><link>http://example.org/good/$n</link>
<guid>good-$n</guid></item></channel></rss>
XML
done
cp "$T_TMP/www/good1.xml" "$T_TMP/local.xml"
serve "$T_TMP/www"

conf="$T_TMP/fw.conf"
db="$T_TMP/fw.db"
{
	cat <<CONF
[feedwatch]
database = $db
timeout = 3s
max_parallel = 4
max_per_host = 1
[topic mercosur]
query = Mercosur
notify = none
[feed slowloris]
url = http://127.0.0.1:${P[0]}/slow
[feed hang]
url = http://127.0.0.1:${P[1]}/hang
[feed limited]
url = http://127.0.0.1:${P[2]}/retry/429/seconds
[feed sibling]
url = http://127.0.0.1:${P[2]}/ok
[feed local]
url = file://$T_TMP/local.xml
interval = 1s
CONF
	for n in 1 2 3 4 5 6; do printf '[feed good%s]\nurl = %s/good%s.xml\n' $n "$BASE" $n; done
} > "$conf"

$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" -v 2> "$T_TMP/d.err" &
dpid=$!
polled() { sqlite3 "$db" "select count(*) from feeds where last_poll > 0 and key in ($1)" 2>/dev/null || echo 0; }
for i in $(seq 300); do
	[ "$(polled "'slowloris','hang'")" = 2 ] && break
	sleep 0.1
done
kill -0 $dpid 2>/dev/null
ok $? "the daemon runs"
is "$(polled "'slowloris','hang'")" 2 "the slow feeds were polled (and gave up)"
like "$(sqlite3 "$db" "select error from feeds where key = 'slowloris'")" "timed out|too slow" "slow-loris: timed out"
like "$(sqlite3 "$db" "select error from feeds where key = 'hang'")" "timed out|too slow" "never answers: timed out"

goods="'good1','good2','good3','good4','good5','good6'"
is "$(sqlite3 "$db" "select count(*) from feeds where key in ($goods) and http_status = 200 and error is null")" 6 \
	"every good feed was polled, ok"
is "$(sqlite3 "$db" "select count(*) from hits h join items i on i.id = h.item_id join feeds f on f.id = i.feed_id where f.key in ($goods)")" 6 \
	"and its hit recorded"
last_good=$(sqlite3 "$db" "select max(last_poll) from feeds where key in ($goods)")
first_slow=$(sqlite3 "$db" "select min(last_poll) from feeds where key in ('slowloris','hang')")
[ "$last_good" -lt "$first_slow" ]
ok $? "the good feeds were done before the slow ones gave up ($last_good < $first_slow)"
# The local feed: polled at start and again every second while the slow ones hung.
n=$(sed -n '1,/slowloris: /p' "$T_TMP/d.err" | grep -c 'local: not modified')
[ "$n" -ge 1 ]
ok $? "a 1 s local feed was polled again while the slow feeds hung ($n times)"

is "$(sqlite3 "$db" "select http_status from feeds where key = 'limited'")" 429 "the 429 is recorded"
is "$(sqlite3 "$db" "select count(*) from feeds where key = 'sibling' and last_poll > 0")" 0 \
	"the other feed of that host is not polled: it waits out the Retry-After"
is "$(grep -c " /ok" "$T_TMP/fault.log")" 0 "nothing was requested for it"
like "$(grep 'sibling' "$T_TMP/d.err")" "sibling: not requested: 127.0.0.1:${P[2]} asked to wait" "the wait is logged (debug)"

kill -TERM $dpid
wait $dpid
is "$?" 0 "SIGTERM: exit 0"
is "$(grep -c 'warning: hang:' "$T_TMP/d.err")" 1 "each failing feed is logged once"
done_testing
