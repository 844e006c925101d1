#!/bin/sh
# The review commands on a team database: the review corpus (review_setup.sh)
# polled once into SQLite and once into a private PostgreSQL
# (tests/helpers/pg.sh); hits, show, stats, report, read and status must say
# the same on both (hit ids and found times aside: feeds are stored in the
# order their fetches end).
. "$(dirname "$0")/../helpers/lib.sh"
. "$FW_HELPERS/pg.sh"
. "$(dirname "$0")/review_setup.sh"
plan 35
pg_start
review_setup
PGCONF="$T_TMP/pg.conf"
sed "s|^database = .*|database = $FW_PG|" "$CONF" > "$PGCONF"
fw -c "$PGCONF" poll --no-notify > "$T_TMP/pgpoll.log" 2>&1
ok $? "poll into PostgreSQL"
like "$(cat "$T_TMP/pgpoll.log")" "polled 22 feeds \(0 failed\)" "every feed polled"

# hits as JSON without what depends on the order of storing, sorted.
norm_hits() {   # norm_hits CONF [ARGS...]
	conf=$1; shift
	fw -c "$conf" hits --format json --limit 0 "$@" |
		"$FW_PY" -c 'import json, sys
rows = [json.loads(l) for l in sys.stdin]
for r in rows:
    for k in ("id", "story", "found"): r.pop(k, None)
for l in sorted(json.dumps(r, sort_keys=True) for r in rows): print(l)'
}
norm_hits "$CONF" > "$T_TMP/sq.json"
norm_hits "$PGCONF" > "$T_TMP/pg.json"
n=$(wc -l < "$T_TMP/sq.json")
ok $([ "$n" -gt 10 ] && echo 0 || echo 1) "SQLite has hits ($n)"
cmp -s "$T_TMP/sq.json" "$T_TMP/pg.json"
ok $? "hits: the same $n hits on both"
[ $? = 0 ] || diff "$T_TMP/sq.json" "$T_TMP/pg.json" | head -n 6 | sed 's/^/# /'

# same NAME ARGS...: the command's output is the same on both, but for hit
# numbers, found times, poll times (the two polls ran at different seconds)
# and fetch durations; status FEED's "polled by" line is the team database's.
unvary() { sed -E -e '/^ *polled by /d' -e 's/hit[- ][0-9]+/hit N/g' -e 's/found <time[^>]*>[^<]*/found /g' \
	-e 's/bytes in [0-9.]+s/bytes/' -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} \([^)]*\)/TIME/g'; }
same() {
	name=$1; shift
	fw -c "$CONF" "$@" 2>&1 | unvary > "$T_TMP/a.out"
	fw -c "$PGCONF" "$@" 2>&1 | unvary > "$T_TMP/b.out"
	if cmp -s "$T_TMP/a.out" "$T_TMP/b.out" && [ -s "$T_TMP/a.out" ]; then ok 0 "$name"
	else ok 1 "$name"; diff "$T_TMP/a.out" "$T_TMP/b.out" | head -n 6 | sed 's/^/# /'; fi
}
same "stats" stats
same "report" report --since 2020-01-01
norm_hits "$CONF" --search MERCOSUR > "$T_TMP/a.json"
norm_hits "$PGCONF" --search MERCOSUR > "$T_TMP/b.json"
cmp -s "$T_TMP/a.json" "$T_TMP/b.json" && [ -s "$T_TMP/a.json" ]
ok $? "hits --search (case folded): the same"
same "status FEED" status f0003
like "$(fw -c "$PGCONF" status f0003)" "polled by +[^ ]+:[0-9]+" "status FEED on PostgreSQL: which poller polled it"

# show and read by id: the same hit on each, found by its feed and item (ids
# follow the order the fetches ended in, which differs between the polls).
id_of() { fw -c "$1" hits --format json --limit 0 --topic "$2" |
	"$FW_PY" -c 'import json, sys
rows = [json.loads(l) for l in sys.stdin]
print(min(rows, key=lambda r: (r["feed"], r["item_id"] or ""))["id"])'; }
sq_id=$(id_of "$CONF" milei)
pg_id=$(id_of "$PGCONF" milei)
fw -c "$CONF" show "$sq_id" | grep -v '^Hit\|^Found\|^Story' > "$T_TMP/a.show"
fw -c "$PGCONF" show "$pg_id" | grep -v '^Hit\|^Found\|^Story' > "$T_TMP/b.show"
cmp -s "$T_TMP/a.show" "$T_TMP/b.show" && [ -s "$T_TMP/a.show" ]
ok $? "show: the same hit"
fw -c "$PGCONF" read "$pg_id" > /dev/null 2>&1
ok $? "read on PostgreSQL"
fw -c "$CONF" read "$sq_id" > /dev/null 2>&1
norm_hits "$CONF" --unread > "$T_TMP/a.json"
norm_hits "$PGCONF" --unread > "$T_TMP/b.json"
cmp -s "$T_TMP/a.json" "$T_TMP/b.json" && [ -s "$T_TMP/a.json" ]
ok $? "hits --unread after read: the same"
unread=$(fw -c "$PGCONF" hits --unread --limit 0 --format json | wc -l)
all=$(fw -c "$PGCONF" hits --limit 0 --format json | wc -l)
ok $([ "$unread" -lt "$all" ] && echo 0 || echo 1) "read hits leave the unread list ($unread of $all)"

# browse on the team database (tmux): its first screen, the topics and
# their story counts (unread: each person's), is SQLite's.
TMUX_SOCK="$T_TMP/tmux.sock"
tm() { tmux -u -f /dev/null -S "$TMUX_SOCK" "$@"; }
tm_stop() { tm kill-server; }
at_exit tm_stop
for c in "$CONF" "$PGCONF"; do
	n=$(basename "$c" .conf)
	tm new-session -d -s "$n" -x 100 -y 30 "env TERM=tmux-256color LC_ALL=C.UTF-8 TZ=UTC \
		$FW_WRAP '$FW_BUILD/feedwatch' -c '$c' browse 2> '$T_TMP/$n.err'"
done
sq=$(basename "$CONF" .conf)
first() { tm capture-pane -p -t "$1" | grep -E '[0-9]' | head -n 8; }
n=0
until [ -n "$(first pg)" ] && [ "$(first pg)" = "$(first "$sq")" ] || [ $n -gt 600 ]; do
	sleep 0.1; n=$((n + 1))
done
is "$(first pg)" "$(first "$sq")" "browse: the first screen on PostgreSQL is SQLite's"
[ "$(first pg)" = "$(first "$sq")" ] || diag >&2 "$(first pg)" "$(first "$sq")"
diag "$(first pg)"
like "$(first pg)" "[Mm]ilei" "browse lists the topics there"
tm send-keys -t pg q

# A second poll of the unchanged corpus: nothing new, no duplicate.
fw -c "$PGCONF" poll --no-notify > "$T_TMP/pgpoll2.log" 2>&1
like "$(cat "$T_TMP/pgpoll2.log")" "0 new items, 0 new hits" "second poll: nothing new"
is "$(fw -c "$PGCONF" hits --limit 0 --format json | wc -l)" "$all" "second poll: no duplicate hit"
fw -c "$PGCONF" poll --no-notify --feed f0003 > "$T_TMP/pgpoll3.log" 2>&1
like "$(cat "$T_TMP/pgpoll3.log")" "polled 1 feed \(0 failed\)" \
	"poll --feed on a team database polls it now, though it is not due"

# A role that may only read (no CREATE on the schema; or every transaction
# read-only) reads the team database: the schema is the newest, so opening
# it writes nothing. A poller on such a role still refuses to start.
pg_sql "CREATE ROLE ro LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO ro;
	CREATE ROLE rotx LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO rotx;
	ALTER ROLE rotx SET default_transaction_read_only = on" > /dev/null
for role in ro rotx; do
	sed "s|^database = .*|database = $(pg_conninfo "$FW_PG_DIR" feedwatch | sed "s/user=[^ ]*/user=$role/")|" \
		"$CONF" > "$T_TMP/$role.conf"
done
is "$(fw -c "$T_TMP/ro.conf" hits --limit 0 --format json 2>&1 | wc -l)" "$all" \
	"a role with SELECT only reads the hits"
is "$(fw -c "$T_TMP/rotx.conf" hits --limit 0 --format json 2>&1 | wc -l)" "$all" \
	"a role whose transactions are read-only reads the hits"
fw -c "$T_TMP/ro.conf" status > "$T_TMP/ro.status" 2>&1
ok $? "status on a read-only role"
timeout 20 "$FW_BUILD/feedwatchd" -c "$T_TMP/ro.conf" > "$T_TMP/ro.poller" 2>&1
is "$?" 1 "a poller on a read-only role exits 1 at start"

# A password in the connection string (the README says: put it in
# ~/.pgpass) is never shown: status, its JSON, check.
sed "s|^database = .*|database = postgresql://$(pg_user):s3cret@/feedwatch?host=$FW_PG_DIR|" \
	"$CONF" > "$T_TMP/pw.conf"
shown=$({ fw -c "$T_TMP/pw.conf" status; fw -c "$T_TMP/pw.conf" status --format json
	fw -c "$T_TMP/pw.conf" check; } 2>&1)
like "$shown" "team database postgresql://$(pg_user):\*\*\*@/feedwatch" "status shows the database, its password masked"
is "$(printf '%s\n' "$shown" | grep -c s3cret)" 0 "the password is in none of status, status --format json, check"
# a database that does not exist: the store's error names it as status does
sed "s|^database = .*|database = postgresql://$(pg_user):s3cret@/nosuchdb?host=$FW_PG_DIR|" \
	"$CONF" > "$T_TMP/pw2.conf"
out=$(fw -c "$T_TMP/pw2.conf" hits 2>&1)
like "$out" "postgresql://$(pg_user):\*\*\*@/nosuchdb\?host=.*nosuchdb.* does not exist" \
	"a store error names the database as status does, its password masked"
is "$(printf '%s\n' "$out" | grep -c s3cret)" 0 "and the password is not in it"

# check reads the connection string as libpq will: one it cannot parse
# is a problem (exit 1), named without its password. (A key=value string's
# unknown keyword is the config's own problem, with its line: test_config.)
sed "s|^database = .*|database = postgresql://ana:s3cret@/feedwatch?host=$FW_PG_DIR\&bogus=1|" \
	"$CONF" > "$T_TMP/bogus.conf"
out=$(fw -c "$T_TMP/bogus.conf" check 2>&1)
is "$?" 1 "check: a connection string libpq cannot parse exits 1"
like "$out" "database postgresql://ana:\*\*\*@/feedwatch.*: invalid URI query parameter: \"bogus\"" \
	"check names the problem, the password masked"
is "$(printf '%s\n' "$out" | grep -c s3cret)" 0 "and the password is not in it"
# libpq quotes a URI it cannot read whole, password and all: masked there too.
sed "s|^database = .*|database = postgresql://ana:s3cret@[::1/feedwatch|" "$CONF" > "$T_TMP/v6.conf"
out=$(fw -c "$T_TMP/v6.conf" check 2>&1; fw -c "$T_TMP/v6.conf" status 2>&1)
like "$out" "in URI: \"postgresql://ana:\*\*\*@\[::1/feedwatch\"" "libpq's message quotes the URI, its password masked"
is "$(printf '%s\n' "$out" | grep -c s3cret)" 0 "the password is in neither check's nor status's message"

# hits --follow while PostgreSQL stops and starts again: it says so once,
# keeps following, and prints a hit stored after the restart.
$FW_WRAP "$FW_BUILD/feedwatch" -c "$PGCONF" hits --follow --format json --limit 1 \
	> "$T_TMP/follow.json" 2> "$T_TMP/follow.err" &
follow=$!
stop_follow() { kill "$follow" 2>/dev/null; }
at_exit stop_follow
for i in $(seq 200); do [ -s "$T_TMP/follow.json" ] && break; sleep 0.05; done
sh "$FW_HELPERS/pg.sh" halt "$FW_PG_DIR"
sleep 2
sh "$FW_HELPERS/pg.sh" restart "$FW_PG_DIR"
new_id=$(pg_sql "INSERT INTO hits (item_id, topic, topic_name, found, notified)
	SELECT item_id, 'restart', 'Restart', extract(epoch from now())::bigint, 'none'
	FROM hits ORDER BY id LIMIT 1 RETURNING id")
for i in $(seq 300); do grep -q "^{\"id\":$new_id," "$T_TMP/follow.json" && break; sleep 0.1; done
grep -q "^{\"id\":$new_id," "$T_TMP/follow.json"
ok $? "hits --follow printed the hit stored after the restart"
grep -q "^{\"id\":$new_id," "$T_TMP/follow.json" || diag "$(cat "$T_TMP/follow.err")"
kill -0 "$follow" 2>/dev/null
ok $? "hits --follow is still running"
like "$(cat "$T_TMP/follow.err")" "following again once the team database is back" \
	"it said once that it lost the database"
kill -TERM "$follow"
wait "$follow"
is "$?" 0 "SIGTERM ends it with status 0"
done_testing
