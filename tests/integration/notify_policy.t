#!/bin/bash
# Per-topic policy with the test clock (--test-now): quiet hours
# hold a topic's desktop notifications in feedwatchd and one summary follows
# when they end; notify = digest waits for digest_at and sends one summary
# of the day's hits.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 12

W="$T_TMP/www"
mkdir -p "$W"
now=$(date +%s)
day=$(( (now / 86400 + 1) * 86400 ))       # the next midnight, UTC (TZ=UTC)

conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
notify_initial = true
[feed news]
url = file://$W/news.xml
title = News
interval = 2s
[topic quiet]
query = Quiet
quiet_hours = 22:00-07:00
[topic loud]
query = Loud
CONF
write_feed "$W/news.xml" "News" "Quiet one|x" "Quiet two|x" "Loud three|x"

start_bus
start_notify_server
# 06:59:52 tomorrow: quiet for 8 more seconds.
start_daemon "$conf" -- --test-now=$((day + 7 * 3600 - 8))
wait_until 20 at_least 1
ok $? "a topic without quiet hours is shown at once"
is "$(nlog 1 'n["summary"]')" "Loud — News" "the Loud one"
is "$(hits "$conf" '[x["notified"] for x in h if x["topic"] == "quiet"]')" '["pending", "pending"]' \
	"during quiet hours the others are held, pending"
is "$(ncount)" 1 "and not shown"
wait_until 30 at_least 2
ok $? "at 07:00 a notification follows"
is "$(nlog 2 'n["summary"]')" "feedwatch: 2 hits during quiet hours — Quiet 2" \
	"one summary of what quiet hours held"
wait_until 10 hits_is "$conf" 'sorted({x["notified"] for x in h})' '["delivered"]'
ok $? "everything is delivered"
sleep 2
is "$(ncount)" 2 "nothing more"
stop_daemon
DPID=

# Digest: the topic's hits wait for digest_at, then one notification.
at=$(date -u -d "@$((now + 3 * 3600))" +%H:%M)
D=$(( (now + 3 * 3600) / 60 * 60 ))        # the next time the clock reads $at
cat >> "$conf" <<CONF
[feed daily]
url = file://$W/daily.xml
title = Daily news
[topic daily]
query = Daily
notify = digest
digest_at = $at
CONF
write_feed "$W/daily.xml" "Daily" "Daily one|x" "Daily two|x" "Daily three|x"
fw -c "$conf" poll --test-now=$((D - 600)) --feed daily 2> /dev/null
is "$(ncount)" 2 "ten minutes before digest_at: nothing shown"
is "$(hits "$conf" 'sorted({x["notified"] for x in h if x["topic"] == "daily"})')" '["pending"]' \
	"the digest topic's hits are pending"
fw -c "$conf" poll --test-now=$((D + 600)) --feed daily 2> /dev/null
is "$(nlog 3 'n["summary"]')" "Daily digest: 3 hits — Daily one; Daily two; Daily three" \
	"after digest_at: one digest"
is "$(hits "$conf" 'sorted({x["notified"] for x in h if x["topic"] == "daily"})')" '["delivered"]' \
	"its hits are delivered"
done_testing
