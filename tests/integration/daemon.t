#!/bin/bash
# feedwatchd's first form: it polls its feeds on the main loop, a feed that
# cannot be reached is logged and does not stop it, it tells systemd READY
# and STATUS, its parse workers end between cycles and start again for the
# next, and it stops cleanly (exit 0) on SIGTERM and SIGINT.
. "$(dirname "$0")/../helpers/lib.sh"
plan 13

cp "$FW_TOP/tests/fixtures/tac-feed.xml" "$T_TMP/tac.xml"
port=$(free_port)   # nothing listens there: connection refused
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
timeout = 5s
[feed local]
url = file://$T_TMP/tac.xml
interval = 2s
[feed down]
url = http://127.0.0.1:$port/feed.xml
[topic milei]
query = Milei
CONF

sock="$T_TMP/notify.sock"
$FW_PY "$FW_HELPERS/sdnotify_listen.py" "$sock" "$T_TMP/notify.log" 60 &
lpid=$!
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done

NOTIFY_SOCKET="$sock" $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
# Wait until the local feed has been polled twice (its interval is 2 s).
for i in $(seq 100); do
	n=$(sqlite3 "$T_TMP/fw.db" "select count(*) from hits" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 1 ] && grep -q "down" "$T_TMP/d.err" && break
	sleep 0.1
done
sleep 3
kill -0 $dpid 2>/dev/null
ok $? "the daemon keeps running with an unreachable feed"
like "$(cat "$T_TMP/d.err")" "down: .*(refused|connect)" "the unreachable feed's error is logged, naming the feed"
is "$(grep -c 'down:' "$T_TMP/d.err")" 1 "and logged once, not at every poll"
fw -c "$conf" hits --format json > "$T_TMP/hits.json"
is "$(wc -l < "$T_TMP/hits.json")" 1 "the reachable feed's hit is recorded"
grep -q '^READY=1$' "$T_TMP/notify.log"
ok $? "READY=1 sent to NOTIFY_SOCKET"
like "$(grep '^STATUS=' "$T_TMP/notify.log" | tail -n 1)" "^STATUS=2 feeds" "STATUS= a short line"

# Between cycles (every 2 s here) the parse workers' threads end (fw-parse,
# or a GLib pool's before):
# seen with none at some moment; a new item then still gets parsed and hit.
parse_threads() { cat /proc/$dpid/task/*/comm 2>/dev/null | grep -c '^fw-parse$\|^pool-'; }
idle=no
for i in $(seq 200); do [ "$(parse_threads)" = 0 ] && { idle=yes; break; }; sleep 0.05; done
is "$idle" yes "between cycles no parse worker thread is left"
sed -i 's#</channel>#<item><title>Milei again</title><guid>fw-new-1</guid><link>https://example.org/new-1</link><description>Milei spoke again.</description></item></channel>#' "$T_TMP/tac.xml"
for i in $(seq 100); do
	n=$(sqlite3 "$T_TMP/fw.db" "select count(*) from hits" 2>/dev/null || echo 0)
	[ "${n:-0}" -ge 2 ] && break
	sleep 0.1
done
is "$n" 2 "the next cycle's workers start again: the new item is a hit"

kill -TERM $dpid
wait $dpid
is "$?" 0 "SIGTERM: exit 0"
grep -q '^STOPPING=1$' "$T_TMP/notify.log"
ok $? "STOPPING=1 sent"

$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d2.err" &
dpid=$!
for i in $(seq 300); do grep -qs "watching" "$T_TMP/d2.err" && break; sleep 0.1; done
kill -INT $dpid
wait $dpid
is "$?" 0 "SIGINT: exit 0"
like "$(head -n 1 "$T_TMP/d2.err")" "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} info: " "without JOURNAL_STREAM lines carry timestamps"

JOURNAL_STREAM=8:1234 $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d3.err" &
dpid=$!
for i in $(seq 300); do grep -qs "watching" "$T_TMP/d3.err" && break; sleep 0.1; done
kill -TERM $dpid; wait $dpid
like "$(head -n 1 "$T_TMP/d3.err")" "^<6>watching" "under journald lines carry <N> priorities"
rm -f "$sock"
wait $lpid 2>/dev/null
done_testing
