#!/bin/bash
# A feed's own poll-interval hints (<ttl>, sy:updatePeriod/updateFrequency,
# Cache-Control: max-age) are stored with the feed and hold until a fetch
# brings new ones: a second `feedwatch poll` answered 304 still waits what
# the feed asked (issue 15 item 2; before, it fell back to the interval).
. "$(dirname "$0")/../helpers/lib.sh"
plan 14

mkdir -p "$T_TMP/www"
sed 's|<channel>|<channel><ttl>120</ttl>|' "$FW_TOP/tests/fixtures/tac-feed.xml" > "$T_TMP/www/ttl.xml"
# the fixture says sy:updatePeriod hourly, sy:updateFrequency 1: daily, 4 here
sed -e 's|^	hourly	</sy:updatePeriod>|daily</sy:updatePeriod>|' \
    -e 's|^	1	</sy:updateFrequency>|4</sy:updateFrequency>|' \
	"$FW_TOP/tests/fixtures/tac-feed.xml" > "$T_TMP/www/sy.xml"
serve "$T_TMP/www"
start_faultserver 1
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
interval = 15m
database = $T_TMP/fw.db
[feed ttl]
url = $BASE/ttl.xml
[feed sy]
url = $BASE/sy.xml
[feed cc]
url = http://127.0.0.1:${P[0]}/cache-control-304/max-age%3D10800
[topic t]
query = milei
CONF
# wait FEED: seconds from its last poll to its next, less the jitter (0-5%).
wait_of() { sqlite3 "$T_TMP/fw.db" "SELECT next_poll - last_poll FROM feeds WHERE key = '$1'"; }
near() { [ "$1" -ge "$2" ] && [ "$1" -le $(($2 + $2 / 20 + 1)) ]; }

fw -c "$conf" poll --no-notify 2> "$T_TMP/poll1.err"
ok $? "first poll exits 0"
near "$(wait_of ttl)" 7200; ok $? "<ttl>120</ttl>: next poll in 2h ($(wait_of ttl) s)"
near "$(wait_of sy)" 21600; ok $? "sy:updatePeriod daily, 4 times: next poll in 6h ($(wait_of sy) s)"
near "$(wait_of cc)" 10800; ok $? "Cache-Control: max-age=10800: next poll in 3h ($(wait_of cc) s)"
like "$(fw -c "$conf" status)" "in 2h" "status says the next poll is in 2h"

# The second poll: nginx and the fault server answer 304 (no body, no Cache-Control).
: > "$NGINX_LOG"
fw -c "$conf" poll --no-notify 2> "$T_TMP/poll2.err"
ok $? "second poll exits 0"
is "$(grep -c '^304 ' "$NGINX_LOG")" 2 "nginx answered both conditional GETs 304"
is "$(sqlite3 "$T_TMP/fw.db" "SELECT http_status FROM feeds WHERE key = 'cc'")" 304 "the fault server answered 304"
near "$(wait_of ttl)" 7200; ok $? "after a 304 the <ttl> still holds: 2h ($(wait_of ttl) s)"
near "$(wait_of sy)" 21600; ok $? "after a 304 sy:updatePeriod still holds: 6h ($(wait_of sy) s)"
near "$(wait_of cc)" 10800; ok $? "after a 304 without Cache-Control max-age still holds: 3h ($(wait_of cc) s)"
like "$(fw -c "$conf" status)" "in 2h" "status still says 2h after the 304, not 15m"

# A fetch that brings a new document replaces the hints: without its <ttl>
# the fixture's own sy:updatePeriod hourly rules.
sed 's|<ttl>120</ttl>||' "$T_TMP/www/ttl.xml" > "$T_TMP/www/ttl.new"
mv "$T_TMP/www/ttl.new" "$T_TMP/www/ttl.xml"
touch -d '+1 minute' "$T_TMP/www/ttl.xml"
fw -c "$conf" poll --no-notify --feed ttl 2> "$T_TMP/poll3.err"
ok $? "third poll exits 0"
near "$(wait_of ttl)" 3600; ok $? "the new document has no <ttl>: its hourly, 1h ($(wait_of ttl) s)"
done_testing
