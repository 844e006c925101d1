#!/bin/bash
# Without a session bus, or with a bus but no notification server, hits are
# recorded and stay pending (a warning, once); when a server appears on the
# bus, feedwatchd shows ONE summary of what was missed and marks it
# delivered. A daemon that starts with a server there summarises what an
# earlier run left.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 19

W="$T_TMP/www"
mkdir -p "$W"
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
notify_initial = true
[feed news]
url = file://$W/news.xml
title = News
interval = 2s
[topic milei]
query = Milei
[topic mercosur]
query = Mercosur
CONF
write_feed "$W/news.xml" "News" "Milei one|x" "Milei two|x" "Mercosur three|x" \
	"Mercosur four|x" "Mercosur five|x" "Milei and Mercosur six|x"

# No bus at all: nothing listens at the address, and no X11 to autolaunch one.
nobus() {
	env -u DISPLAY DBUS_SESSION_BUS_ADDRESS="unix:path=$T_TMP/no-bus" \
		XDG_RUNTIME_DIR="$T_TMP/no-runtime" "$@"
}
nobus $FW_WRAP "$FW_BUILD/feedwatch" -c "$conf" poll 2> "$T_TMP/poll.err"
ok $? "no session bus: poll exits 0"
is "$(grep -c 'desktop notification not shown (kept pending): no session bus' "$T_TMP/poll.err")" 1 \
	"a warning naming the missing bus, once"
is "$(hits "$conf" 'sorted({x["notified"] for x in h})')" '["pending"]' "the hits stay pending"
is "$(sqlite3 "$T_TMP/fw.db" "select max(attempts) from outbox")" 0 "and are not counted as failed attempts"

env -u DISPLAY DBUS_SESSION_BUS_ADDRESS="unix:path=$T_TMP/no-bus" \
	XDG_RUNTIME_DIR="$T_TMP/no-runtime" $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d1.err" &
DPID=$!
at_exit stop_daemon
# Its first delivery attempt logs the warning (waited for: under valgrind on
# a busy machine it can take longer than a fixed sleep), then two more polls
# (interval 2s) must not log it again.
wait_until 30 grep -q 'desktop notification not shown' "$T_TMP/d1.err"
sleep 5
kill -0 "$DPID"
ok $? "no session bus: the daemon runs"
kill -TERM "$DPID"
wait "$DPID"
is $? 0 "and stops cleanly"
DPID=
is "$(grep -c 'desktop notification not shown' "$T_TMP/d1.err")" 1 "its warning is logged once"

# A bus without a server, then a server appears: one summary.
rm -f "$T_TMP/fw.db"*
start_bus
start_daemon "$conf"
wait_until 20 hits_is "$conf" 'len(h)' 7
ok $? "the daemon records the hits without a server"
wait_until 10 grep -q "desktop notification not shown (kept pending): no notification server" "$T_TMP/d.err"
ok $? "and warns that there is no notification server"
sleep 1
start_notify_server
wait_until 20 at_least 1
ok $? "a server appears: a notification"
sleep 3
is "$(ncount)" 1 "only one"
is "$(nlog 1 'n["summary"]')" "feedwatch: 7 hits while notifications were off — Milei 3, Mercosur 4" \
	"a summary of what was missed, by topic"
is "$(nlog 1 'n["body"]')" $'Milei one\nMilei two\nMercosur three\nMercosur four\nMercosur five\nand 1 more' \
	"its body lists the first titles"
wait_until 10 hits_is "$conf" 'sorted({x["notified"] for x in h})' '["delivered"]'
ok $? "every hit is delivered"
write_feed "$W/news.xml" "News" "Milei one|x" "Milei two|x" "Mercosur three|x" \
	"Mercosur four|x" "Mercosur five|x" "Milei and Mercosur six|x" "Milei seven|x"
wait_until 20 at_least 2
is "$(nlog 2 'n["summary"]')" "Milei — News" "later hits are shown one by one again"

# A backlog larger than the outbox's batch (1000 rows a flush) is still ONE
# summary: 1500 hits polled without a bus, then a poll with the server.
conf2="$T_TMP/bulk.conf"
cat > "$conf2" <<CONF
[feedwatch]
database = $T_TMP/bulk.db
notify_initial = true
[feed bulk]
url = file://$W/bulk.xml
[topic bulk]
query = Bulk
CONF
"$FW_PY" - "$W/bulk.xml" <<'PY'
import sys
items = "".join("<item><guid>b%d</guid><title>Bulk story %d</title><link>https://bulk.example/%d</link></item>" % (i, i, i)
                for i in range(1500))
open(sys.argv[1], "w").write('<?xml version="1.0"?><rss version="2.0"><channel><title>Bulk</title>%s</channel></rss>' % items)
PY
nobus $FW_WRAP "$FW_BUILD/feedwatch" -c "$conf2" poll 2> /dev/null
is "$(sqlite3 "$T_TMP/bulk.db" "select count(*) from hits where notified = 'pending'")" 1500 \
	"1500 hits polled without a bus: all pending"
before=$(ncount)
fw -c "$conf2" poll --feed bulk 2> /dev/null
is "$(( $(ncount) - before ))" 1 "then a poll with the server: one notification"
is "$(nlog "$(ncount)" 'n["summary"]')" "feedwatch: 1500 hits not shown yet — Bulk 1500" \
	"one summary of all 1500, not one a batch"
is "$(sqlite3 "$T_TMP/bulk.db" "select count(*) from hits where notified = 'delivered'")" 1500 \
	"and all 1500 are delivered"
done_testing
