#!/bin/bash
# A desk notifier that lost the team database (PostgreSQL restarted) and
# finds, when it is back, that another notifier took its subscriber
# meanwhile says so once (not only "lost the team database"), shows
# nothing while the other runs, and takes over when the other stops. No
# notification server is needed: the notifier runs without one.
. "$(dirname "$0")/../helpers/lib.sh"
. "$FW_HELPERS/pg.sh"
plan 5
[ -x "$FW_BUILD/feedwatchd" ] || { echo "Bail out! $FW_BUILD/feedwatchd is not built"; exit 1; }
pg_start
conf="$T_TMP/feedwatch.conf"
cat > "$conf" <<EOF
[feedwatch]
database = $FW_PG
subscriber = zed
[topic t]
query = milei
EOF
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" --notify-only > "$T_TMP/a.log" 2>&1 &
A=$!
B=
stop_desks() { kill $A $B 2>/dev/null; wait 2>/dev/null; }
at_exit stop_desks
pg_wait "SELECT count(*) = 1 FROM subscribers"
ok $? "desk A runs"
# 8 s away: A's next try (the store's backoff, 250 ms doubling) comes some
# seconds after the restart, when B already holds the subscriber
sh "$FW_HELPERS/pg.sh" halt "$FW_PG_DIR"
sleep 8
sh "$FW_HELPERS/pg.sh" restart "$FW_PG_DIR"
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" --notify-only > "$T_TMP/b.log" 2>&1 &
B=$!
# held: A's log says the subscriber is another's
held() { grep -q 'connected to the team database again, but .*another notifier runs as subscriber zed' \
	"$T_TMP/a.log"; }
n=0; until held || [ $n -gt 600 ]; do sleep 0.1; n=$((n + 1)); done
held
ok $? "desk A says the database is back but another notifier holds its subscriber"
grep -q 'info: notifying zed' "$T_TMP/b.log"
ok $? "desk B took the subscriber meanwhile"
kill -TERM $B; wait $B 2>/dev/null
back() { [ "$(grep -c 'info: connected to the team database again$' "$T_TMP/a.log")" = 1 ]; }
n=0; until back || [ $n -gt 600 ]; do sleep 0.1; n=$((n + 1)); done
back
ok $? "desk A takes over when B stops"
is "$(grep -c 'another notifier runs' "$T_TMP/a.log")" 1 "said once, not at each try"
done_testing
