#!/bin/bash
# feedwatch watch QUERY: a [topic NAME] group appended to the config (made
# when there is none), its name from the query's words; a query the config
# has already, a query that does not parse, one a comment would cut short
# and a taken --name are refused with the file untouched; with feedwatchd
# running, it reloads, and the topic's hits among the feeds' current items
# are in the log when the command returns.
. "$(dirname "$0")/../helpers/lib.sh"
plan 31

conf="$T_TMP/cfg/fw.conf"
db="$T_TMP/fw.db"

# No config yet: watch makes one (as add does), and check takes it.
out=$(fw -c "$conf" watch 'Milei OR "Javier Milei"' 2>&1)
is "$?:$out" "0:made $conf, a new configuration (feedwatch.conf(5)): topics go there too
added [topic milei-javier-milei] to $conf: query = Milei OR \"Javier Milei\"" \
	"no config: it is made, with the topic, named from the query's words"
is "$(sed -n '/^\[topic/,$p' "$conf")" '[topic milei-javier-milei]
query = Milei OR "Javier Milei"' "the group appended"
is "$(stat -c %a "$conf")" 600 "a new config is its owner's alone"
printf '[feedwatch]\ndatabase = %s\n' "$db" >> "$conf"
like "$(fw -c "$conf" check 2>&1)" "ok, 0 feeds, 1 topic" "check takes it"

# Names: operators, NEAR distances and fields are no words; a taken name
# gets a number.
out=$(fw -c "$conf" watch '(China OR Chinese OR Beijing) NEAR/8 swap*' 2>&1)
is "$?:$out" "0:added [topic china-chinese-beijing] to $conf: query = (China OR Chinese OR Beijing) NEAR/8 swap*" \
	"a name from the first three words"
out=$(fw -c "$conf" watch 'title:China OR Chinese OR Beijing OR yuan' 2>&1)
is "$?:$out" "0:added [topic china-chinese-beijing-2] to $conf: query = title:China OR Chinese OR Beijing OR yuan" \
	"a field is no word; the name taken: -2"
out=$(fw -c "$conf" watch 'Ñandú' --title 'Ñandú sightings' 2>&1)
is "$?" 0 "--title"
is "$(sed -n '/^\[topic nandu\]/,$p' "$conf")" '[topic nandu]
query = Ñandú
name = Ñandú sightings' "a name in ASCII from a word that is not; --title as name ="

out=$(fw -c "$conf" watch '#argentina' --title '#1 topic' 2>&1)
is "$?:$(sed -n '/^\[topic argentina\]/,$p' "$conf")" "0:[topic argentina]
query =#argentina
name =#1 topic" "a query or title that starts with # is written right after the = (not a comment)"
like "$(fw -c "$conf" check 2>&1)" "ok, 0 feeds, 5 topics" "and the config still checks"

# Words with no ASCII form are left out of the name, and kept as name =.
out=$(fw -c "$conf" watch 'Путин OR Кремль' 2>&1)
is "$?:$(sed -n '/^\[topic topic\]/,$p' "$conf")" "0:[topic topic]
query = Путин OR Кремль
name = Путин Кремль" "a query of Cyrillic words: named topic, its words as name ="
out=$(fw -c "$conf" watch 'Lula NEAR/5 Путин' 2>&1)
is "$?:$(sed -n '/^\[topic lula\]/,$p' "$conf")" "0:[topic lula]
query = Lula NEAR/5 Путин
name = Lula Путин" "one such word: the name from the others, the words as written as name ="
like "$(fw -c "$conf" check 2>&1)" "ok, 0 feeds, 7 topics" "and the config checks"

# Refused, the file untouched.
cp "$conf" "$T_TMP/before.conf"
out=$(fw -c "$conf" watch 'milei  OR  "JAVIER MILEI"' 2>&1)
is "$?:$out" "0:milei  OR  \"JAVIER MILEI\" is already watched in $conf as [topic milei-javier-milei]" \
	"a query the config has, written another way: already watched"
out=$(fw -c "$conf" watch 'Milei AND (' 2>&1)
is "$?:$out" "2:feedwatch watch: query:11: unclosed (
    Milei AND (
              ^" "a query that does not parse: exit 2, the column and a caret"
out=$(fw -c "$conf" watch 'Mercosur ;trade' 2>&1)
is "$?:$out" "1:feedwatch watch: the config would read [topic mercosur-trade] as query = Mercosur: a '#' or ';' after a space begins a comment there (feedwatch.conf(5)); nothing written: put the topic into $conf by hand" \
	"a query a comment would cut short: exit 1, and why"
out=$(fw -c "$conf" watch --name nandu 'Rhea americana' 2>&1)
is "$?:$out" "1:feedwatch watch: [topic nandu] is already in $conf: choose another --name" \
	"a taken --name: exit 1"
fw -c "$conf" watch --name 'bad name' Milei > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "2:feedwatch watch: bad --name 'bad name' (ASCII letters, digits, '-', '_' and '.')
Try 'feedwatch watch --help'." "a bad --name: a usage error"
fw -c "$conf" watch "$(printf 'Milei\nOR Caputo')" > /dev/null 2>&1
is "$?" 2 "a query of two lines: a usage error"
fw -c "$conf" watch > /dev/null 2>&1
is "$?" 2 "no query: a usage error"
out=$(fw -c "$conf" watch -n 'mercosur or mercosul' 2> "$T_TMP/err")
is "$?:$out" "0:# Added by feedwatch watch
[topic mercosur-or-mercosul]
query = mercosur or mercosul" "--dry-run prints the group"
is "$(cat "$T_TMP/err")" "feedwatch watch: query:10: warning: 'or' is a word to find here, not an operator: operators are in capitals (OR); to find the word, quote it
    mercosur or mercosul
             ^" "and warns of a slip, as check does"
cmp -s "$conf" "$T_TMP/before.conf"
ok $? "none of these changed the file"

# With feedwatchd running on the config: it reloads, and the topic's hits
# among the feeds' current items are logged (not notified) by then.
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>%s%s</channel></rss>\n' \
	'<item><title>Mercosur summit ends</title><link>https://w.example/1</link><guid>w1</guid></item>' \
	'<item><title>Rain in Lima</title><link>https://w.example/2</link><guid>w2</guid></item>' > "$T_TMP/wire.xml"
printf '[feed wire]\nurl = file://%s\n' "$T_TMP/wire.xml" >> "$conf"
NOTIFY_SOCKET= $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
wait_daemon_lock "$db.lock" "$dpid"
for i in $(seq 600); do [ "$(sqlite3 "$db" "select count(*) from items" 2> /dev/null)" = 2 ] && break; sleep 0.05; done
[ "$(sqlite3 "$db" "select count(*) from items")" = 2 ]
ok $? "the daemon has polled the feed"
out=$(fw -c "$conf" watch 'Mercosur OR Mercosul' 2>&1)
is "$?:$out" "0:added [topic mercosur-mercosul] to $conf: query = Mercosur OR Mercosul
feedwatchd (pid $dpid) reloaded $conf: 1 feed, 8 topics
feedwatchd found 1 story for it among the feeds' current items: feedwatch hits --topic mercosur-mercosul
what it would have found among the stored items: feedwatch backtest mercosur-mercosul" \
	"with feedwatchd running: it reloads, and watch says so, and what it found"
is "$(sqlite3 "$db" "select i.item_key || ' ' || h.notified from hits h join items i on i.id = h.item_id where h.topic = 'mercosur-mercosul'")" \
	"w1 initial" "the topic's hit among the current items is logged, not notified, when watch returns"
like "$(cat "$T_TMP/d.err")" "new topic mercosur-mercosul: 1 hit" "the daemon's log says so"
out=$(fw -c "$conf" watch 'Zzyzx' 2>&1)
like "$?:$(printf '%s' "$out" | tr '\n' '|')" "^0:added .*\\|feedwatchd found nothing for it among the feeds' current items\\|" \
	"a topic that finds nothing among them: said so"
cp "$conf" "$T_TMP/other.conf"
out=$(fw -c "$T_TMP/other.conf" watch 'Caputo' 2>&1)
is "$?:$out" "0:added [topic caputo] to $T_TMP/other.conf: query = Caputo
feedwatchd (pid $dpid) runs on $conf, not $T_TMP/other.conf: it does not read this file
what it would have found among the stored items: feedwatch backtest caputo" \
	"watch on another file that names the same database: the daemon's file is named"
kill -TERM $dpid; wait $dpid
is "$?" 0 "the daemon ends cleanly"
fw -c "$conf" backtest mercosur-mercosul > "$T_TMP/bt.out" 2>&1
like "$(cat "$T_TMP/bt.out")" "Mercosur summit ends" "backtest, as watch suggests, finds the story"
done_testing
