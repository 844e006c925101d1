#!/bin/bash
# feedwatch unwatch TOPIC: the topic's [topic NAME] group leaves the config,
# from its header to its last key (with the comment watch wrote above it);
# comments and blank lines after its keys stay with the next group; the file
# is replaced whole (a symbolic link stays one, the mode stays) once the
# config without the topic loads; a running feedwatchd reloads; the topic's
# hits stay in the hit log.
. "$(dirname "$0")/../helpers/lib.sh"
plan 14

conf="$T_TMP/fw.conf"
db="$T_TMP/fw.db"
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>%s</channel></rss>\n' \
	'<item><title>Milei meets Lula at Mercosur</title><link>https://w.example/1</link><guid>w1</guid></item>' > "$T_TMP/wire.xml"
cat > "$conf" <<CONF
[feedwatch]
database = $db

[feed wire]
url = file://$T_TMP/wire.xml

# Argentina
[topic milei]
query = Milei   # the president
also = Caputo
# trade, below
[topic mercosur]
query = Mercosur
CONF
fw -c "$conf" watch 'Lula' > /dev/null 2>&1
fw -c "$conf" watch 'Bolsonaro' > /dev/null 2>&1
fw -c "$conf" poll --no-notify > /dev/null 2>&1
is "$(sqlite3 "$db" "select group_concat(topic, ' ') from (select topic from hits order by topic)")" \
	"lula mercosur milei" "three topics hit the story"

cp "$conf" "$T_TMP/before.conf"
out=$(fw -c "$conf" unwatch -n milei)
is "$?:$out" "0:[topic milei]
query = Milei   # the president
also = Caputo" "--dry-run: the group's lines, from its header to its last key"
cmp -s "$conf" "$T_TMP/before.conf"
ok $? "and the file unchanged"
fw -c "$conf" unwatch milie > "$T_TMP/out" 2>&1
is "$?:$(cat "$T_TMP/out")" "1:feedwatch unwatch: no [topic milie] in $conf (did you mean milei?)" \
	"a topic not there: exit 1, and the nearest named"
fw -c "$conf" unwatch > /dev/null 2>&1
is "$?" 2 "no topic: a usage error"

out=$(fw -c "$conf" unwatch milei)
is "$?:$out" "0:removed [topic milei] from $conf (its hits stay in the hit log)" "unwatch milei"
is "$(sed -n '/^\[feed wire\]/,$p' "$conf")" "[feed wire]
url = file://$T_TMP/wire.xml

# Argentina
# trade, below
[topic mercosur]
query = Mercosur

# Added by feedwatch watch
[topic lula]
query = Lula

# Added by feedwatch watch
[topic bolsonaro]
query = Bolsonaro" "the group alone is gone: the comments around it stay"
out=$(fw -c "$conf" unwatch lula)
is "$(sed -n '/^\[topic mercosur\]/,$p' "$conf")" "[topic mercosur]
query = Mercosur

# Added by feedwatch watch
[topic bolsonaro]
query = Bolsonaro" "a group watch added goes with its comment and the blank line before it"
like "$(fw -c "$conf" check)" "ok, 1 feed, 2 topics" "the config still checks"
is "$(sqlite3 "$db" "select count(*) from hits where topic in ('milei', 'lula')")" 2 "their hits stay in the log"

# A symbolic link stays one; the file keeps its mode.
mkdir "$T_TMP/real"
mv "$conf" "$T_TMP/real/fw.conf"
chmod 640 "$T_TMP/real/fw.conf"
ln -s "$T_TMP/real/fw.conf" "$conf"
fw -c "$conf" unwatch bolsonaro > /dev/null
is "$?:$(stat -c %F "$conf"):$(stat -c %a "$T_TMP/real/fw.conf")" "0:symbolic link:640" \
	"through a symbolic link: the link stays, its file edited in place of it, mode 640 kept"
ok $([ -z "$(grep bolsonaro "$T_TMP/real/fw.conf")" ] && echo 0 || echo 1) "the group is gone from the linked file"

# With feedwatchd running on the file: it reloads.
NOTIFY_SOCKET= $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
wait_daemon_lock "$db.lock" "$dpid"
out=$(fw -c "$conf" unwatch mercosur 2>&1)
is "$?:$out" "0:removed [topic mercosur] from $conf (its hits stay in the hit log)
feedwatchd (pid $dpid) reloaded $conf: 1 feed, 0 topics" "with feedwatchd running: it reloads, and unwatch says so"
kill -TERM $dpid; wait $dpid
is "$?" 0 "the daemon ends cleanly"
done_testing
