#!/bin/bash
# Two desk notifiers (feedwatchd --notify-only) on a team database (a
# private PostgreSQL, tests/helpers/pg.sh), each on its own private session
# bus with the recording notification server, subscribed to different
# topics with one in common (china-swaps); a poller over the generated
# corpus on nginx. Each desk shows exactly its topics' hits, each once (the
# notifications carry their hit ids in the x-feedwatch-hits hint); "Mark
# read" on one desk is that person's only; a desk stopped while hits come
# gets one summary when it starts again; PostgreSQL stopped and started
# while a poller stores hits: nothing lost, nothing shown twice.
. "$(dirname "$0")/../helpers/lib.sh"
. "$FW_HELPERS/pg.sh"
feeds=${FW_TEAM_FEEDS:-60}
plan 34

gen="$FW_TOP/bench/gen_corpus.py"
out="$T_TMP/corpus"
[ -x "$FW_BUILD/feedwatchd" ] || { echo "Bail out! $FW_BUILD/feedwatchd is not built"; exit 1; }
"$FW_PY" "$gen" "$out" --feeds "$feeds" --items 10 --seed 3 > "$T_TMP/gen.log" 2>&1
ok $? "gen_corpus.py writes $feeds feeds"
pg_start
serve "$out"
conf="$T_TMP/feedwatch.conf"
sed -e "s|@BASE@|$BASE|g" \
	-e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $FW_PG\nlease = 5s\nnotify_initial = true|" \
	"$out/feedwatch.conf" > "$conf"
printf '[feed extra]\nurl = %s/feeds/extra.xml\n' "$BASE" >> "$conf"
# extra N: the feed "extra" with N items, each a hit of the three topics
# (the corpus's revisions add few hits; these are counted).
extra() {
	{
		echo '<?xml version="1.0"?><rss version="2.0"><channel><title>Extra</title>'
		for i in $(seq 1 "$1"); do
			echo "<item><title>Milei and Mercosur on the China currency swap, part $i</title>"
			echo "<link>https://extra.example.org/$i</link><guid>extra-$i</guid></item>"
		done
		echo '</channel></rss>'
	} > "$out/feeds/extra.xml"
}
extra 1
feeds=$((feeds + 1))
# desk_conf NAME SUBSCRIBE: the team's config with this desk's two lines.
desk_conf() { sed "s|^\[feedwatch\]\$|[feedwatch]\nsubscriber = $1\nsubscribe = $2|" "$conf" \
	> "$T_TMP/$1.conf"; }
desk_conf ana "milei, china-swaps"
desk_conf ben "mercosur, china-swaps"

# desk_bus NAME: a private session bus and recording server for desk NAME
# (its address in $T_TMP/NAME.addr, its log $T_TMP/NAME.log, its control
# file $T_TMP/NAME.control).
desk_bus() {
	local d="$T_TMP/bus-$1"
	mkdir -p "$d"
	sed "s|unix:tmpdir=$T_TMP|unix:tmpdir=$d|" "$T_TMP/bus.conf" > "$d/bus.conf"
	dbus-daemon --config-file="$d/bus.conf" --fork --print-address=3 --print-pid=4 \
		3>"$T_TMP/$1.addr" 4>"$T_TMP/$1.buspid" || { echo "Bail out! dbus-daemon did not start"; exit 1; }
	BUSES="$BUSES $(cat "$T_TMP/$1.buspid")"
	touch "$T_TMP/$1.control"
	DBUS_SESSION_BUS_ADDRESS=$(cat "$T_TMP/$1.addr") $FW_PY "$FW_HELPERS/notify_server.py" \
		--log "$T_TMP/$1.log" --ready "$T_TMP/$1.ready" --control "$T_TMP/$1.control" &
	for i in $(seq 100); do [ -s "$T_TMP/$1.ready" ] && break; sleep 0.05; done
	[ -s "$T_TMP/$1.ready" ] || { echo "Bail out! notification server did not start"; exit 1; }
}
BUSES=""
stop_buses() { for p in $BUSES; do kill "$p" 2>/dev/null; done; }
at_exit stop_buses
start_bus   # writes $T_TMP/bus.conf (this bus itself is not used)
desk_bus ana
desk_bus ben

PIDS=""
stop_all() { for p in $PIDS; do kill "$p" 2>/dev/null; done; for p in $PIDS; do wait "$p" 2>/dev/null; done; }
at_exit stop_all
# desk NAME: starts desk NAME's notifier (its pid in DESK_NAME).
desk() {
	DBUS_SESSION_BUS_ADDRESS=$(cat "$T_TMP/$1.addr") $FW_WRAP "$FW_BUILD/feedwatchd" \
		-c "$T_TMP/$1.conf" --notify-only >> "$T_TMP/desk-$1.log" 2>&1 &
	eval "DESK_$1=$!"
	PIDS="$PIDS $!"
}
desk ana
desk ben
pg_wait "SELECT count(*) = 2 FROM subscribers"
ok $? "two notifiers registered"
"$FW_BUILD/feedwatchd" -c "$T_TMP/ana.conf" --notify-only > "$T_TMP/dup.log" 2>&1
like "$(cat "$T_TMP/dup.log")" "another notifier runs as subscriber ana" \
	"a second notifier of the same subscriber is refused"

$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" > "$T_TMP/poller.log" 2>&1 &
POLLER=$!
PIDS="$PIDS $POLLER"

# settled NAME TOPICS: desk NAME has shown every hit of TOPICS (SQL list):
# nothing pending, and each hit is shown or is a story it showed for that topic.
settled() {
	echo "SELECT NOT EXISTS (SELECT 1 FROM shown WHERE subscriber = '$1' AND state <> 'shown')
	AND NOT EXISTS (SELECT 1 FROM hits h JOIN items i ON i.id = h.item_id
	WHERE h.topic IN ($2) AND NOT EXISTS (SELECT 1 FROM shown x JOIN hits h2 ON h2.id = x.hit_id
	JOIN items i2 ON i2.id = h2.item_id WHERE x.subscriber = '$1' AND h2.topic = h.topic
	AND (h2.id = h.id OR i2.canon_link = i.canon_link)))"
}
A_T="'milei','china-swaps'"
B_T="'mercosur','china-swaps'"
# revision R N: the corpus's revision R and N items in extra, every feed due
# and the poller asked to poll them now (from time $start).
revision() {
	"$FW_PY" "$gen" "$out" --feeds "$((feeds - 1))" --items 10 --seed 3 --revision "$1" \
		> "$T_TMP/gen$1.log" 2>&1
	extra "$2"
	start=$(date +%s)
	pg_sql "UPDATE feeds SET next_poll = 0" > /dev/null
	kill -USR1 "$POLLER"
}
all_polled() { pg_wait "SELECT count(*) = $feeds FROM feeds WHERE last_poll >= $1 AND lease_until = 0"; }
all_polled 1
ok $? "the poller polled every feed"
pg_wait "$(settled ana "$A_T")" && pg_wait "$(settled ben "$B_T")"
ok $? "both desks showed every hit of their topics"

# verify NAME TOPICS FROM: desk NAME's notifications (from line FROM of its
# log on) show exactly the hits it recorded shown since then, each in one
# notification, none of another topic; prints the count.
verify() {
	pg_sql "SELECT h.id, h.topic, x.state FROM shown x JOIN hits h ON h.id = x.hit_id
		WHERE x.subscriber = '$1' ORDER BY h.id" > "$T_TMP/$1.shown"
	$FW_PY - "$T_TMP/$1.log" "$T_TMP/$1.shown" "$2" "${3:-1}" "${4:-0}" <<'PY'
import json, sys
log, shown, topics, start, since = sys.argv[1], sys.argv[2], sys.argv[3].split(","), int(sys.argv[4]), int(sys.argv[5])
calls = [json.loads(l) for l in open(log, encoding="utf-8") if l.strip()][start - 1:]
where = {}   # hit id -> notification id
for c in calls:
    ids = [int(x) for x in c["hints"].get("x-feedwatch-hits", "").split()]
    for i in ids:
        if where.setdefault(i, c["id"]) != c["id"]:
            sys.exit("hit %d shown twice (notifications %d and %d)" % (i, where[i], c["id"]))
rows = [l.strip().split("|") for l in open(shown) if l.strip()]
topic = {int(r[0]): r[1] for r in rows}
want = {int(r[0]) for r in rows if r[2] == "shown" and int(r[0]) > since}
for i in where:
    if i not in topic:
        sys.exit("hit %d shown but not claimed" % i)
    if topic[i] not in topics:
        sys.exit("hit %d of topic %s shown, not subscribed" % (i, topic[i]))
if set(where) != want:
    sys.exit("shown %d hits, recorded %d: missing %s, extra %s" % (len(where), len(want),
             sorted(want - set(where))[:5], sorted(set(where) - want)[:5]))
print(len(where))
PY
}
check "ana: exactly her topics' hits, each once" verify ana milei,china-swaps
check "ben: exactly his topics' hits, each once" verify ben mercosur,china-swaps
n_a=$(verify ana milei,china-swaps); n_b=$(verify ben mercosur,china-swaps)
ok $([ "${n_a:-0}" -gt 3 ] && [ "${n_b:-0}" -gt 3 ] && echo 0 || echo 1) "both showed hits ($n_a, $n_b)"
common="SELECT string_agg(hit_id::text, ',' ORDER BY hit_id) FROM shown x JOIN hits h ON h.id = x.hit_id WHERE h.topic = 'china-swaps' AND subscriber ="
is "$(pg_sql "$common 'ana'")" "$(pg_sql "$common 'ben'")" "the common topic's hits went to both desks"

# Mark read on ana's desk: the hits of her last notification, for her only.
last_ids=$($FW_PY -c 'import json, sys
l = [json.loads(x) for x in open(sys.argv[1]) if x.strip()][-1]
print(" ".join(l["hints"]["x-feedwatch-hits"].split()))' "$T_TMP/ana.log")
unread() { fw -c "$T_TMP/$1.conf" hits --unread --limit 0 --format json | wc -l; }
total=$(fw -c "$conf" hits --limit 0 --format json | wc -l)
echo "invoke last read" >> "$T_TMP/ana.control"
n_ids=$(echo $last_ids | wc -w)
pg_wait "SELECT count(*) = $n_ids FROM reads WHERE subscriber = 'ana'"
ok $? "Mark read on ana's desk recorded her read marks ($n_ids)"
is "$(unread ana)" "$((total - n_ids))" "ana: those hits left her unread list"
is "$(unread ben)" "$total" "ben: nothing read for him"
like "$(fw -c "$T_TMP/ana.conf" status | head -n 12)" "ana +milei, china-swaps" \
	"status lists the notifiers"
is "$(fw -c "$T_TMP/ana.conf" status --format json | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join("%s=%s" % (n["subscriber"], n["topics"]) for n in d["notifiers"]))')" \
	"ana=milei, china-swaps ben=mercosur, china-swaps" "status --format json lists the notifiers and their topics"

# Ben's desk stops; revision 1 brings new hits; it starts again: one summary.
kill -TERM "$DESK_ben"; wait "$DESK_ben" 2>/dev/null
ben_lines=$(wc -l < "$T_TMP/ben.log")
ben_max=$(pg_sql "SELECT COALESCE(max(id), 0) FROM hits")
revision 1 6
all_polled "$start"
ok $? "revision 1 polled while ben's desk is stopped"
new_b=$(pg_sql "SELECT count(*) FROM hits WHERE id > $ben_max AND topic IN ($B_T)")
desk ben
pg_wait "$(settled ben "$B_T")"
ok $? "ben's desk started again and caught up"
ok $([ "$new_b" -ge 10 ] && echo 0 || echo 1) "hits came for ben's topics meanwhile ($new_b)"
is "$(($(wc -l < "$T_TMP/ben.log") - ben_lines))" 1 "one notification for the backlog"
like "$(tail -n 1 "$T_TMP/ben.log")" "\"summary\": \"feedwatch: [0-9]+ hits while away" \
	"it is the summary \"N hits while away\""
check "ben: the summary holds every new hit, none shown before" \
	verify ben mercosur,china-swaps "$((ben_lines + 1))" "$ben_max"
pg_wait "$(settled ana "$A_T")"
check "ana, running meanwhile: her topics' hits, each once" verify ana milei,china-swaps

# PostgreSQL stops and starts again while the poller stores revision 2.
shown_before=$(pg_sql "SELECT count(*) FROM shown")
revision 2 16
# halted at once: the cycle's claims and its first group are in flight (a
# lost group's feeds must be polled again soon, not an interval later)
sleep 0.02
sh "$FW_HELPERS/pg.sh" halt "$FW_PG_DIR"
sleep 2
sh "$FW_HELPERS/pg.sh" restart "$FW_PG_DIR"
ok $? "PostgreSQL stopped and started again mid-cycle"
reconnected() { [ "$(grep -l 'connected to the team database again' "$T_TMP/desk-ana.log" \
	"$T_TMP/desk-ben.log" | wc -l)" = 2 ]; }
n=0; until reconnected || [ $n -gt 1800 ]; do sleep 0.1; n=$((n + 1)); done
reconnected
ok $? "both desks connected again"
all_polled "$start"
st=$?
ok $st "revision 2 polled"
[ $st = 0 ] || diag >&2 "$(pg_sql "SELECT key, last_poll, next_poll, lease_until, failures, error
	FROM feeds WHERE last_poll < $start OR lease_until <> 0 LIMIT 5"; tail -n 20 "$T_TMP/poller.log")"
pg_wait "$(settled ana "$A_T")" && pg_wait "$(settled ben "$B_T")"
ok $? "both desks showed every hit after the restart"
shown_after=$(pg_sql "SELECT count(*) FROM shown")
ok $([ "$shown_after" -ge "$((shown_before + 20))" ] && echo 0 || echo 1) \
	"revision 2 brought the desks new hits ($shown_before, then $shown_after)"
check "ana: nothing lost, nothing twice" verify ana milei,china-swaps
check "ben: nothing lost, nothing twice" verify ben mercosur,china-swaps "$((ben_lines + 1))" "$ben_max"
for n in ana ben; do
	eval "pid=\$DESK_$n"
	kill -0 "$pid" 2>/dev/null
	st=$?
	ok $st "desk $n is still running"
	[ $st = 0 ] || diag "$(tail -n 20 "$T_TMP/desk-$n.log")"
	kill -TERM "$pid"
	wait "$pid"
	is "$?" 0 "desk $n stops cleanly on SIGTERM"
done
bad=$(grep -h 'Sanitizer\|runtime error\| crit: ' "$T_TMP"/desk-*.log "$T_TMP/poller.log" | head -n 5)
is "$bad" "" "no sanitizer report or critical error in the logs"
# what the server said as it stopped (its FATAL to the idle LISTEN
# connection) is a log line naming the database, not libpq's raw text
raw=$(cat "$T_TMP"/desk-*.log "$T_TMP/poller.log" | grep -Ev '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [a-z]+: |^==[0-9]+==' |
	head -n 5)
is "$raw" "" "every line the desks and the poller wrote is a log line"
done_testing
