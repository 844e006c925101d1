#!/bin/bash
# prune on a team database beside a poller (PostgreSQL): items a poller
# holds (it is storing them) are skipped, not waited for. Waiting for them
# while the poller waited for the items prune held was a deadlock that
# failed one of the two (2026-12-05: 4 runs in 6 of a poll and a prune of
# aged items). Here one transaction holds one item, as a poller does, and
# prune forgets the others at once; the held one goes on the next prune.
. "$(dirname "$0")/../helpers/lib.sh"
. "$FW_HELPERS/pg.sh"
plan 6
pg_start
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>A</title>%s</channel></rss>\n' \
	"$(for i in 1 2 3; do printf '<item><guid>a%s</guid><title>Item %s</title><link>https://a.example/%s</link></item>' $i $i $i; done)" \
	> "$T_TMP/a.xml"
conf="$T_TMP/feedwatch.conf"
cat > "$conf" <<EOF
[feedwatch]
database = $FW_PG
retention = 30d
[feed a]
url = file:$T_TMP/a.xml
[topic t]
query = nothing-matches-this
EOF
fw -c "$conf" poll --no-notify > /dev/null 2>&1
is "$(pg_sql "SELECT count(*) FROM items")" 3 "a poll stored three items"
# forgotten by the feed for 100 days: all three are old enough to forget
pg_sql "UPDATE items SET first_seen = first_seen - 8640000, last_seen = last_seen - 8640000;
	UPDATE feeds SET last_poll = last_poll - 8640000" > /dev/null
# a poller's open transaction holds a1 (it is seen again)
"$(pg_bin psql)" -qAtX -h "$FW_PG_DIR" -U "$(pg_user)" -d feedwatch -c "BEGIN" \
	-c "UPDATE items SET last_seen = last_seen WHERE item_key = 'a1'" \
	-c "SELECT pg_sleep(120)" -c "COMMIT" > /dev/null 2>&1 &
HOLDER=$!
unhold() {
	pg_sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE query = 'SELECT pg_sleep(120)'" > /dev/null
	wait "$HOLDER" 2> /dev/null
}
at_exit unhold
n=0
until [ "$(pg_sql "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(120)'")" = 1 ] ||
	[ $n -gt 300 ]; do n=$((n + 1)); sleep 0.1; done
out=$(timeout 60 "$FW_BUILD/feedwatch" -c "$conf" prune --yes 2>&1)
is "$?" 0 "prune does not wait for the item a poller holds"
like "$out" "forgot 0 hits and 2 items" "it forgets the other two"
is "$(pg_sql "SELECT item_key FROM items")" a1 "the held item is kept"
unhold
out=$(timeout 60 "$FW_BUILD/feedwatch" -c "$conf" prune --yes 2>&1)
like "$out" "forgot 0 hits and 1 item" "the next prune forgets it"
is "$(pg_sql "SELECT count(*) FROM items")" 0 "none is left"
done_testing
