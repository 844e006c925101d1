#!/bin/bash
# After `make run` (feedwatchd on config/feedwatch.conf, which names no
# database: the default one), the tool in another terminal, with no config
# of the user's own, uses the file that daemon runs on, and says so; a
# config of the user's own still wins, and with no daemon it is as before.
. "$(dirname "$0")/../helpers/lib.sh"
plan 10

# The example as make run reads it, its feed a file here (no network).
ex="$T_TMP/example.conf"
sed "s|^url = https://www.theamericanconservative.com/feed/|url = file://$FW_TOP/tests/fixtures/tac-feed.xml|" \
	"$FW_TOP/config/feedwatch.conf" > "$ex"
grep -q "^url = file://" "$ex"
ok $? "the example's feed made a file"
db="$XDG_DATA_HOME/feedwatch/feedwatch.db"

fw hits > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:feedwatch hits: no configuration found: looked for" "no config, no daemon: as before"

NOTIFY_SOCKET= $FW_WRAP "$FW_BUILD/feedwatchd" -c "$ex" 2> "$T_TMP/d.err" &
dpid=$!
for i in $(seq 600); do [ "$(sqlite3 "$db" "select count(*) from hits" 2> /dev/null)" = 3 ] && break; sleep 0.05; done
is "$(sqlite3 "$db" "select count(*) from hits")" 3 "the daemon has logged the article's three topics"

out=$(fw hits 2> "$T_TMP/err")
like "$?:$(echo "$out" | sed -n 2p)" "^0: +1 .*The Limits to a Trump-Milei Alignment +Milei \\+2$" "hits with no -c: the daemon's log, through its config"
is "$(cat "$T_TMP/err")" "feedwatch hits: no config of your own: using $ex, the one feedwatchd (pid $dpid) runs on" \
	"and it says which file it used"
like "$(fw check 2> /dev/null)" "^$ex: ok, 1 feed, 3 topics, database $db" "check reads that file too"
out=$(fw watch Caputo 2> /dev/null)
is "$?:$out" "0:added [topic caputo] to $ex: query = Caputo
feedwatchd (pid $dpid) reloaded $ex: 1 feed, 4 topics
feedwatchd found nothing for it among the feeds' current items
what it would have found among the stored items: feedwatch backtest caputo" "watch adds to it, and the daemon reloads"

# A config of the user's own wins.
mkdir -p "$XDG_CONFIG_HOME/feedwatch"
printf '[feedwatch]\ndatabase = %s/own.db\n[topic milei]\nquery = Milei\n' "$T_TMP" > "$XDG_CONFIG_HOME/feedwatch/feedwatch.conf"
fw check > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/out" "$T_TMP/err")" "0:$XDG_CONFIG_HOME/feedwatch/feedwatch.conf: ok, 0 feeds, 1 topic, database $T_TMP/own.db" \
	"the user's own config wins, with nothing said"
rm "$XDG_CONFIG_HOME/feedwatch/feedwatch.conf"

kill -TERM $dpid; wait $dpid
is "$?" 0 "the daemon ends cleanly"
fw hits > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:feedwatch hits: no configuration found: looked for" "once it has stopped: as before"
done_testing
