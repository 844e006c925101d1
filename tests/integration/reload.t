#!/bin/bash
# The daemon on one database: a second one refuses; SIGHUP with a broken
# config keeps the old one; a reload that adds a feed polls it; SIGUSR1 and
# `feedwatch poll` make it poll now.
. "$(dirname "$0")/../helpers/lib.sh"
plan 14

item() {  # item ID TITLE
	printf '<item><title>%s</title><link>https://x.example/%s</link><guid>%s</guid></item>\n' "$2" "$1" "$1"
}
feed() {  # feed FILE ITEMS...
	{ echo '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'; cat; echo '</channel></rss>'; } > "$1"
}
item a1 "Milei visits Washington" | feed "$T_TMP/a.xml"
item b1 "Mercosur summit ends" | feed "$T_TMP/b.xml"
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
[feed a]
url = file://$T_TMP/a.xml
interval = 1h
[topic milei]
query = Milei
CONF
count() { sqlite3 "$T_TMP/fw.db" "select count(*) from hits h where h.topic = '$1'" 2>/dev/null || echo 0; }
wait_for() {  # wait_for TOPIC N: until TOPIC has N hits (10 s at most)
	for i in $(seq 100); do [ "$(count "$1")" -ge "$2" ] && return 0; sleep 0.1; done; return 1
}

sock="$T_TMP/notify.sock"
$FW_PY "$FW_HELPERS/sdnotify_listen.py" "$sock" "$T_TMP/sd.log" 60 &
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$sock" $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
wait_for milei 1
ok $? "the daemon polls feed a"

fwd -c "$conf" 2> "$T_TMP/second.err"
is "$?" 1 "a second daemon on the same database exits 1"
like "$(cat "$T_TMP/second.err")" "another feedwatch process \(pid $dpid\) is using" "and says which process holds it"

# A broken config: the old one stays.
cp "$conf" "$T_TMP/good.conf"
printf '[topic bad]\nquery = (Milei\n' >> "$conf"
kill -HUP $dpid
for i in $(seq 50); do grep -q "keeping the configuration" "$T_TMP/d.err" && break; sleep 0.1; done
like "$(cat "$T_TMP/d.err")" "fw.conf:[0-9]+:[0-9]+: .*" "the reload's errors are logged with file:line:col"
like "$(cat "$T_TMP/d.err")" "keeping the configuration in use" "and the old configuration is kept"
grep -q '^RELOADING=1$' "$T_TMP/sd.log"
ok $? "RELOADING=1 sent"
{ item a2 "Milei again"; item a1 "Milei visits Washington"; } | feed "$T_TMP/a.xml"
kill -USR1 $dpid
wait_for milei 2
ok $? "SIGUSR1 polls now, and the old topics still match"
kill -0 $dpid
ok $? "the daemon is still running"

# A good config that adds a feed and a topic.
cp "$T_TMP/good.conf" "$conf"
cat >> "$conf" <<CONF
[feed b]
url = file://$T_TMP/b.xml
interval = 1h
[topic mercosur]
query = Mercosur
CONF
out=$(fw -c "$conf" reload)
ok $? "feedwatch reload exits 0"
like "$out" "asked feedwatchd \(pid $dpid\) to reload" "and names the daemon"
wait_for mercosur 1
ok $? "the added feed is polled with the added topic"
like "$(tail -n 5 "$T_TMP/sd.log" | grep -c '^READY=1$')" "^[1-9]" "READY=1 again after the reload"

{ item a3 "Milei thrice"; item a2 "Milei again"; } | feed "$T_TMP/a.xml"
out=$(fw -c "$conf" poll)
like "$out" "feedwatchd \(pid $dpid\) is running .* asked it to poll" "feedwatch poll asks the running daemon"
wait_for milei 3
ok $? "and the daemon polls"
kill -TERM $dpid; wait $dpid
rm -f "$sock"
done_testing
