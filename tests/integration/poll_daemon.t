#!/bin/bash
# Issue 15 item 3: `feedwatch poll` while the daemon runs honours its
# options: --feed asks the daemon for exactly those feeds (a request file and
# SIGUSR2), --no-notify is refused with the reason (exit 2); plain `poll`
# still asks for every feed (a request for "*"; poll_wait.t has the rest).
. "$(dirname "$0")/../helpers/lib.sh"
plan 12

item a1 "Milei one" | feed "$T_TMP/a.xml"
item b1 "Milei uno" | feed "$T_TMP/b.xml"
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
[feed a]
url = file://$T_TMP/a.xml
interval = 1h
[feed b]
url = file://$T_TMP/b.xml
interval = 1h
[topic milei]
query = Milei
CONF
count() { sqlite3 "$T_TMP/fw.db" "select count(*) from hits h join items i on i.id = h.item_id join feeds f on f.id = i.feed_id where f.key = '$1'" 2>/dev/null || echo 0; }
wait_for() {  # wait_for FEED N: until FEED has N hits (10 s at most)
	for i in $(seq 100); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.1; done; return 1
}

$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
wait_for a 1 && wait_for b 1
ok $? "the daemon polls both feeds"

{ item a2 "Milei two"; item a1 "Milei one"; } | feed "$T_TMP/a.xml"
{ item b2 "Milei dos"; item b1 "Milei uno"; } | feed "$T_TMP/b.xml"
out=$(fw -c "$conf" poll --feed a)
is "$?:$out" "0:feedwatchd (pid $dpid) is running on $T_TMP/fw.db: asked it to poll a now" "poll --feed a asks the daemon for feed a"
wait_for a 2
ok $? "the daemon polls feed a"
sleep 1
is "$(count b)" 1 "and not feed b"
is "$(ls "$T_TMP" | grep -c '\.req$')" 0 "the request was taken"
like "$(cat "$T_TMP/d.err")" "polling a now \\(feedwatch poll --feed\\)" "the daemon logs the request"

fw -c "$conf" poll --no-notify > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/out")|$(head -n 1 "$T_TMP/err")" "^2:\\|feedwatch poll: feedwatchd \\(pid $dpid\\) is running on .* --no-notify cannot be done while it runs" \
	"poll --no-notify while the daemon runs: exit 2, says why"
sleep 1
is "$(count b)" 1 "and nothing was polled"

kill -USR2 $dpid
sleep 0.3
kill -0 $dpid
ok $? "SIGUSR2 with no request: the daemon carries on"

out=$(fw -c "$conf" poll)
like "$?:$out" "^0:feedwatchd \\(pid $dpid\\) is running .*: asked it to poll every feed now" "poll without --feed asks for every feed"
wait_for b 2
ok $? "and the daemon polls feed b too"

# A request left before the daemon runs is taken when it starts.
kill -TERM $dpid; wait $dpid
{ item a3 "Milei three"; item a2 "Milei two"; } | feed "$T_TMP/a.xml"
printf 'a\n' > "$T_TMP/fw.db.poll.1-0.req"
sed -i 's/interval = 1h/interval = 1d/' "$conf"
sqlite3 "$T_TMP/fw.db" "update feeds set next_poll = strftime('%s','now') + 3600"
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d2.err" &
dpid=$!
wait_for a 3
ok $? "a request waiting at start is taken"
kill -TERM $dpid; wait $dpid
done_testing
