#!/bin/bash
# PostgreSQL stopped and started again in the middle of a cycle: two pollers
# on the generated corpus (300 feeds) reconnect, every feed is polled, and
# the hits are exactly the corpus truth, none lost and none twice. Each
# poller says once that the database is unreachable and once that it is
# back, not a line a feed each time its feeds are tried again.
. "$(dirname "$0")/../helpers/lib.sh"
. "$FW_HELPERS/pg.sh"
feeds=${FW_TEAM_FEEDS:-300}
plan 12

gen="$FW_TOP/bench/gen_corpus.py"
diff_py="$FW_HELPERS/truth_diff.py"
out="$T_TMP/corpus"
conf="$T_TMP/feedwatch.conf"
[ -x "$FW_BUILD/feedwatchd" ] || { echo "Bail out! $FW_BUILD/feedwatchd is not built"; exit 1; }

"$FW_PY" "$gen" "$out" --feeds "$feeds" --items 10 --seed 2 > "$T_TMP/gen.log" 2>&1
ok $? "gen_corpus.py writes $feeds feeds"
pg_start
# each feed answered after 20 ms (the test server's /delayed/): the cycle
# lasts long enough, on any machine, for the server to stop in its middle
start_faultserver 1 --root "$out/feeds" --lifetime 600
sed -e "s|@BASE@/feeds/|http://127.0.0.1:${P[0]}/delayed/20/|g" \
	-e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $FW_PG\nlease = 5s|" \
	"$out/feedwatch.conf" > "$conf"
PIDS=""
stop_pollers() { for p in $PIDS; do kill "$p" 2>/dev/null; done; wait $PIDS 2>/dev/null; }
at_exit stop_pollers
for n in 1 2; do
	$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" > "$T_TMP/poller$n.log" 2>&1 &
	PIDS="$PIDS $!"
done
# Once some feeds are recorded (the cycle is under way), the server stops.
# The pollers are held (SIGSTOP) while it does, so that a fast machine
# cannot finish the cycle during the shutdown; they go on against a server
# that is gone.
pg_wait "SELECT count(*) > 0 FROM feeds WHERE last_poll > 0"
ok $? "the cycle started"
for p in $PIDS; do kill -STOP "$p"; done
before=$(pg_sql "SELECT count(*) FROM feeds WHERE last_poll > 0")
sh "$FW_HELPERS/pg.sh" halt "$FW_PG_DIR"
for p in $PIDS; do kill -CONT "$p"; done
ok $([ "$before" -lt "$feeds" ] && echo 0 || echo 1) "stopped mid-cycle ($before of $feeds feeds recorded)"
sleep 2
sh "$FW_HELPERS/pg.sh" restart "$FW_PG_DIR"
ok $? "PostgreSQL stopped and started again mid-cycle"
pg_wait "SELECT count(*) = $feeds FROM feeds WHERE last_poll > 0 AND lease_until = 0"
ok $? "the pollers came back and polled every feed"
fw -c "$conf" hits --format json --limit 0 > "$T_TMP/hits"
"$FW_PY" "$diff_py" hits "$T_TMP/hits" --truth "$out/truth.tsv" > "$T_TMP/diff" 2>&1
ok $? "the hits are exactly the truth: none lost, none twice"
[ -s "$T_TMP/diff" ] && diag "$(tail -n 5 "$T_TMP/diff")"
for n in 1 2; do
	kill -0 "$(echo $PIDS | cut -d' ' -f$n)" 2>/dev/null
	st=$?
	ok $st "poller $n is still running"
	[ $st = 0 ] || diag "$(tail -n 30 "$T_TMP/poller$n.log")"
	log="$T_TMP/poller$n.log"
	errors=$(grep -c ' error: ' "$log")
	ok $([ "$(grep -c 'error: the team database is unreachable (host=' "$log")" -le 2 ] &&
		grep -q 'info: connected to the team database again' "$log" &&
		! grep -q 'cannot \(read its state\|claim it\)' "$log" && echo 0 || echo 1) \
		"poller $n: the database unreachable and back said once, not per feed"
	ok $([ "$errors" -le 12 ] && echo 0 || echo 1) "poller $n: a few error lines for the outage ($errors)"
	[ "$errors" -le 12 ] || diag "$(grep ' error: ' "$log" | cut -c1-160 | head -n 5)"
done
done_testing
