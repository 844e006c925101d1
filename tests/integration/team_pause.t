#!/bin/bash
# A 429 seen by one poller pauses that host for all (team mode): one poller
# (feedwatch poll --feed busy) gets a 429 with Retry-After: 120 from a host;
# a feedwatchd started after it on the same team database does not fetch the
# host's other feed while the pause lasts, and polls a feed of another host.
. "$(dirname "$0")/../helpers/lib.sh"
. "$FW_HELPERS/pg.sh"
plan 6
pg_start
start_faultserver 2 --ports 2 --log "$T_TMP/requests"
conf="$T_TMP/feedwatch.conf"
cat > "$conf" <<EOF
[feedwatch]
database = $FW_PG
[topic t]
query = feedwatch
[feed busy]
url = http://127.0.0.1:${P[0]}/status/429
[feed calm]
url = http://127.0.0.1:${P[0]}/ok
[feed other]
url = http://127.0.0.1:${P[1]}/ok
EOF

fw -c "$conf" poll --no-notify --feed busy > "$T_TMP/poll.log" 2>&1
like "$(cat "$T_TMP/poll.log")" "polled 1 feed \(1 failed\)" "the first poller got the 429"
is "$(pg_sql "SELECT host, until - $(date +%s) BETWEEN 100 AND 121 FROM host_pauses")" \
	"127.0.0.1:${P[0]}|t" "its host is paused for every poller, for the Retry-After"
: > "$T_TMP/requests"
"$FW_BUILD/feedwatchd" -v -c "$conf" > "$T_TMP/poller.log" 2>&1 &
POLLER=$!
stop_poller() { kill "$POLLER" 2>/dev/null; wait "$POLLER" 2>/dev/null; }
at_exit stop_poller
n=0
until [ "$(pg_sql "SELECT last_poll > 0 FROM feeds WHERE key = 'other'")" = t ] || [ $n -gt 600 ]; do
	n=$((n + 1)); sleep 0.1
done
ok $([ $n -le 600 ] && echo 0 || echo 1) "the second poller polled the other host's feed"
is "$(grep -c "^${P[0]} " "$T_TMP/requests")" 0 "it sent nothing to the paused host"
is "$(pg_sql "SELECT last_poll FROM feeds WHERE key = 'calm'")" 0 "the paused host's other feed is not polled"
like "$(cat "$T_TMP/poller.log")" "calm: its host asked to wait" "the poller says why"
done_testing
