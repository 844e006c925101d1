#!/bin/bash
# A notification server that never answers (--hang) does not stall
# feedwatchd: notify_notification_show blocks on the worker thread while
# another feed keeps being polled every 2 s and WATCHDOG=1 keeps reaching
# systemd; the hits stay pending and the daemon still stops cleanly. The
# one-shot `feedwatch poll` gives the hung server 5 s in all (not 25 s a
# notification), says what it left pending and exits.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 13

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
[feed tick]
url = file://$W/tick.xml
interval = 2s
[topic milei]
query = Milei
CONF
write_feed "$W/news.xml" "News" "Milei one|x" "Milei two|x" "Milei three|x"
write_feed "$W/tick.xml" "Tick" "nothing here|x"

start_bus
start_notify_server --hang
sock="$T_TMP/sd.sock"
$FW_PY "$FW_HELPERS/sdnotify_listen.py" "$sock" "$T_TMP/sd.log" 60 &
lpid=$!
wait_until 10 test -S "$sock"
start_daemon "$conf" NOTIFY_SOCKET="$sock" WATCHDOG_USEC=1000000

wait_until 20 at_least 1
ok $? "the daemon's first notification reaches the (hung) server"
last_poll() { sqlite3 "$T_TMP/fw.db" "select last_poll from feeds where key = 'tick'" 2>/dev/null; }
dogs() { grep -c '^WATCHDOG=1$' "$T_TMP/sd.log"; }
sleep 1
p1=$(last_poll) w1=$(dogs)
sleep 6
p2=$(last_poll) w2=$(dogs)
ok $([ "${p2:-0}" -ge $(( ${p1:-0} + 3 )) ]; echo $?) "the other feed is still polled while the server hangs ($p1 -> $p2)"
ok $([ $(( w2 - w1 )) -ge 6 ]; echo $?) "WATCHDOG=1 still arrives every half second ($w1 -> $w2)"
is "$(ncount)" 1 "one call hangs; the others wait behind it on the worker"
kill -0 "$DPID"
ok $? "the daemon is alive"
is "$(hits "$conf" 'sorted({x["notified"] for x in h})')" '["pending"]' "the hits stay pending"

t0=$(date +%s)
kill -TERM "$DPID"
wait "$DPID"
is $? 0 "SIGTERM: exit 0 with a call still hanging"
DPID=
ok $([ $(( $(date +%s) - t0 )) -le 10 ]; echo $?) "within a few seconds"
rm -f "$sock"
wait "$lpid" 2>/dev/null

# One-shot: the pending hits (and a new one) go to the still hung server.
write_feed "$W/news.xml" "News" "Milei one|x" "Milei two|x" "Milei three|x" "Milei four|x"
n0=$(ncount)
t0=$(date +%s%N)
fw -c "$conf" poll 2> "$T_TMP/poll.err"
rc=$? ms=$(( ($(date +%s%N) - t0) / 1000000 ))
is "$rc" 0 "poll exits 0 (the feeds were polled)"
ok $([ "$ms" -lt 12000 ]; echo $?) "within 5 s for the server and 2 s to let go of it, not 25 s a notification ($ms ms)"
ok $([ "$(ncount)" -gt "$n0" ]; echo $?) "it did try the server"
like "$(cat "$T_TMP/poll.err")" "notification server did not show [0-9]+ notifications? within 5 s: kept pending" \
	"poll says what it left pending"
is "$(hits "$conf" 'sorted({x["notified"] for x in h})')" '["pending"]' "the hits are still pending for the next run"
done_testing
