#!/bin/bash
# Three pollers share a team database (a private PostgreSQL, tests/helpers/
# pg.sh) over the generated 1000-feed corpus on nginx: the hits are exactly
# the corpus truth, each once; nginx saw each feed fetched once in the
# cycle; the work spread over the pollers. Then revision 1 and a new cycle,
# and one poller SIGKILLed while it holds claims: the others poll its feeds
# when its lease (5 s here) ends, and the new hits are exactly the new
# items' hits. Then a topic new to the database, caught up by one of two
# pollers. FW_TEAM_FEEDS changes the size (default 1000).
. "$(dirname "$0")/../helpers/lib.sh"
. "$FW_HELPERS/pg.sh"
feeds=${FW_TEAM_FEEDS:-1000}
plan 24

gen="$FW_TOP/bench/gen_corpus.py"
diff_py="$FW_HELPERS/truth_diff.py"
out="$T_TMP/corpus"
conf="$T_TMP/feedwatch.conf"
[ -x "$FW_BUILD/feedwatchd" ] || { echo "Bail out! $FW_BUILD/feedwatchd is not built"; exit 1; }

# Requests per feed URI in the nginx log after line $1: "URI COUNT" lines.
fetches() { tail -n +"$(($1 + 1))" "$NGINX_LOG" | awk '$3 ~ /^\/feeds\// { n[$3]++ } END { for (u in n) print u, n[u] }'; }

check "gen_corpus.py writes $feeds feeds" "$FW_PY" "$gen" "$out" --feeds "$feeds" --items 10 --seed 1
pg_start
serve "$out"
sed -e "s|@BASE@|$BASE|g" -e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $FW_PG\nlease = 5s|" \
	"$out/feedwatch.conf" > "$conf"
cp "$out/truth.tsv" "$T_TMP/truth.0"

PIDS=""
stop_pollers() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
at_exit stop_pollers
for n in 1 2 3; do
	# not through fwd (a function: $! would be its subshell, not the poller)
	$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" > "$T_TMP/poller$n.log" 2>&1 &
	PIDS="$PIDS $!"
done
set -- $PIDS
pg_wait "SELECT count(*) = $feeds FROM feeds WHERE last_poll > 0 AND lease_until = 0"
ok $? "the three pollers polled every feed"
fw -c "$conf" hits --format json --limit 0 > "$T_TMP/hits.0"
check "the hits are exactly truth.tsv, each once" \
	"$FW_PY" "$diff_py" hits "$T_TMP/hits.0" --truth "$T_TMP/truth.0"
stale="SELECT count(*) FROM hits h JOIN items i ON i.id = h.item_id
 WHERE h.rtime IS DISTINCT FROM LEAST(COALESCE(i.published, h.found), h.found)
 OR h.story IS DISTINCT FROM COALESCE((SELECT MIN(hs.id) FROM items si JOIN hits hs
   ON hs.item_id = si.id WHERE si.canon_link = i.canon_link),
   (SELECT MIN(hs.id) FROM hits hs WHERE hs.item_id = i.id))"
is "$(pg_sql "$stale")" 0 "each hit's kept story and time are its items' (three pollers stored them at once)"
fetches 0 > "$T_TMP/fetch.0"
is "$(wc -l < "$T_TMP/fetch.0")" "$feeds" "nginx: every feed fetched"
is "$(awk '$2 != 1' "$T_TMP/fetch.0" | wc -l)" 0 "nginx: each feed fetched once in the cycle"
pollers=$(pg_sql "SELECT count(DISTINCT claimed_by) FROM feeds")
ok $([ "$pollers" -ge 2 ] && echo 0 || echo 1) "the work spread over the pollers ($pollers of 3 polled feeds)"
like "$(fw -c "$conf" status | head -n 4)" "3 pollers alive" "status: the three pollers alive"
is "$(pg_sql "SELECT count(*) FROM pollers WHERE version IS NOT NULL AND beat_every = 2")" 3 \
	"each poller beats, every 2 s (a third of the 5 s lease, at least 2 s)"
maxid=$("$FW_PY" "$diff_py" maxid "$T_TMP/hits.0")

# Revision 1, and a new cycle now: every feed due (as if its interval had
# passed), every poller asked to poll (SIGUSR1); poller 1 dies mid-cycle.
check "gen_corpus.py writes revision 1" \
	"$FW_PY" "$gen" "$out" --feeds "$feeds" --items 10 --seed 1 --revision 1
cp "$out/truth.tsv" "$T_TMP/truth.1"
logline=$(wc -l < "$NGINX_LOG")
start=$(date +%s)
pg_sql "UPDATE feeds SET next_poll = 0" > /dev/null
# Poller 1 starts the cycle alone; once it holds claims (looked at while it
# is stopped, so that what is seen is what it holds) it is killed, and the
# other two are asked to poll.
kill -USR1 "$1"
held=0
for try in $(seq 1 500); do
	kill -STOP "$1"
	held=$(pg_sql "SELECT count(*) FROM feeds WHERE lease_until > 0 AND claimed_by LIKE '%:$1'")
	[ "$held" -gt 0 ] && break
	kill -CONT "$1"
	sleep 0.01
done
kill -KILL "$1"
kill -USR1 "$2" "$3"
ok $([ "$held" -gt 0 ] && echo 0 || echo 1) "poller 1 SIGKILLed while it held claims ($held)"
heldfeed=$(pg_sql "SELECT key FROM feeds WHERE lease_until > 0 AND claimed_by LIKE '%:$1' LIMIT 1")
like "$(fw -c "$conf" status "$heldfeed")" "claimed +by .*:$1 since" "status FEED: which poller holds it, since when"
pg_wait "SELECT count(*) = $feeds FROM feeds WHERE last_poll >= $start AND lease_until = 0"
ok $? "the others polled every feed, poller 1's $held held ones when its lease ended"
is "$(pg_sql "SELECT count(*) FROM feeds WHERE claimed_by LIKE '%:$1' AND last_poll >= $start AND lease_until > 0")" 0 \
	"no feed still held by the dead poller"
# its last beat is older than its lease (5 s) now: twice its period (4 s) passed
status=$(fw -c "$conf" status | head -n 4)
like "$status" "2 pollers alive" "status: two pollers alive after one was killed"
like "$status" ":$1 +not alive, last beat [0-9]+s ago" "status: the killed poller not alive, with its last beat"
fetches "$logline" > "$T_TMP/fetch.1"
is "$(wc -l < "$T_TMP/fetch.1")" "$feeds" "cycle 2: every feed fetched"
twice=$(awk '$2 > 1' "$T_TMP/fetch.1" | wc -l)
ok $([ "$twice" -le "$held" ] && echo 0 || echo 1) \
	"cycle 2: fetched twice only what the dead poller held ($twice of $held)"
fw -c "$conf" hits --format json --limit 0 > "$T_TMP/hits.1"
check "revision 1: all hits are the union of truth 0 and 1, each once" \
	"$FW_PY" "$diff_py" hits "$T_TMP/hits.1" --truth "$T_TMP/truth.0" --truth "$T_TMP/truth.1"
check "revision 1: the new hits are exactly the new items' hits" \
	"$FW_PY" "$diff_py" hits "$T_TMP/hits.1" --truth "$T_TMP/truth.1" --minus "$T_TMP/truth.0" \
	--id-gt "$maxid"
kill -TERM "$2"
wait "$2" 2>/dev/null
is "$(pg_sql "SELECT count(*) FROM pollers WHERE name LIKE '%:$2'")" 0 \
	"a poller that exits cleanly forgets its heartbeat"
bad=$(grep -h ' error: \| warning: \| crit: ' "$T_TMP/poller2.log" "$T_TMP/poller3.log" | head -n 5)
is "$bad" "" "the living pollers logged no error or warning"

# A topic new to the team database, two pollers starting at once: one of
# them catches it up, over every feed's current items, each hit once.
kill -TERM "$3"
wait "$3" 2>/dev/null
printf '[topic milei-again]\nquery = Milei\n' >> "$conf"
PIDS=""
for n in 4 5; do
	$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" > "$T_TMP/poller$n.log" 2>&1 &
	PIDS="$PIDS $!"
done
for i in $(seq 300); do
	[ "$(grep -l 'watching' "$T_TMP/poller4.log" "$T_TMP/poller5.log" | wc -l)" = 2 ] && break
	sleep 0.1
done
want=$(fw -c "$conf" backtest milei-again | tail -n 1 | cut -d' ' -f1)
is "$(grep -h 'new topic' "$T_TMP/poller4.log" "$T_TMP/poller5.log" | sed 's/.*info: //')" \
	"new topic milei-again: $want hits among the feeds' $(pg_sql "SELECT count(*) FROM items") current items, logged, not notified" \
	"a new topic: one poller of two catches it up, over every current item"
is "$(pg_sql "SELECT count(*) || ' ' || count(DISTINCT item_id) || ' ' || min(notified) || ' ' || max(notified)
  FROM hits WHERE topic = 'milei-again'")" "$want $want initial initial" \
	"its hits: each match of the stored items once, initial"
stop_pollers
done_testing
