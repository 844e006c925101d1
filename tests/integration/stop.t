#!/bin/bash
# SIGTERM while a transfer is in flight against a slow server: STOPPING=1,
# the transfer is aborted, exit 0 within 5 seconds, the database intact.
. "$(dirname "$0")/../helpers/lib.sh"
plan 5

sleep 30 | $FW_PY "$FW_HELPERS/faultserver.py" > "$T_TMP/port" &
for i in $(seq 50); do [ -s "$T_TMP/port" ] && break; sleep 0.1; done
port=$(head -n 1 "$T_TMP/port")
cp "$FW_TOP/tests/fixtures/tac-feed.xml" "$T_TMP/tac.xml"
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
timeout = 60s
[feed local]
url = file://$T_TMP/tac.xml
[feed slow]
url = http://127.0.0.1:$port/slow
[topic milei]
query = Milei
CONF
sock="$T_TMP/notify.sock"
$FW_PY "$FW_HELPERS/sdnotify_listen.py" "$sock" "$T_TMP/sd.log" 30 &
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$sock" $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
for i in $(seq 100); do
	[ "$(sqlite3 "$T_TMP/fw.db" 'select count(*) from hits' 2>/dev/null)" = 1 ] && break; sleep 0.1
done
sleep 1   # the slow transfer is under way
start=$(date +%s%N)
kill -TERM $dpid
wait $dpid
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
is "$rc" 0 "SIGTERM during a slow transfer: exit 0"
diag "stopped in $ms ms"
[ $ms -lt 5000 ]
ok $? "within 5 seconds"
grep -q '^STOPPING=1$' "$T_TMP/sd.log"
ok $? "STOPPING=1 sent"
is "$(sqlite3 "$T_TMP/fw.db" 'pragma integrity_check')" ok "the database is intact"
is "$(sqlite3 "$T_TMP/fw.db" 'select count(*) from hits')" 1 "the hit stored before the stop is kept"
rm -f "$sock"
done_testing
