#!/bin/bash
# The daemon on one database: a second one refuses; SIGHUP with a broken
# config keeps the old one; a reload that adds a feed polls it; SIGUSR1 and
# `feedwatch poll` make it poll now; `feedwatch reload` waits for the reload
# and says whether the daemon took the config; a config edited since the
# daemon read it (status says so) is reloaded by `feedwatch poll` first.
. "$(dirname "$0")/../helpers/lib.sh"
plan 34

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
like "$(cat "$T_TMP/d.err")" "error: [^ ]*fw.conf:$(wc -l < "$T_TMP/good.conf" | awk '{print $1 + 2}'):9: unclosed \($" \
	"the reload's error is logged as one line, file:line:col and what (no quoted line, no caret)"
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
is "$out" "feedwatchd (pid $dpid) reloaded $conf: 2 feeds, 2 topics" \
	"once the daemon has reloaded: it names the daemon, the config and what it holds"
grep -q "reloaded: 2 feeds, 2 topics" "$T_TMP/d.err"
ok $? "the daemon had logged the reload when the command returned"
wait_for mercosur 1
ok $? "the added feed is polled with the added topic"
like "$(tail -n 5 "$T_TMP/sd.log" | grep -c '^READY=1$')" "^[1-9]" "READY=1 again after the reload"

{ item a3 "Milei thrice"; item a2 "Milei again"; } | feed "$T_TMP/a.xml"
out=$(fw -c "$conf" poll)
like "$out" "feedwatchd \(pid $dpid\) is running .* asked it to poll" "feedwatch poll asks the running daemon"
wait_for milei 3
ok $? "and the daemon polls"

# The config edited while the daemon runs: status says so, and `feedwatch
# poll` has it reloaded before asking for the poll, so a topic just added
# has its hits when poll returns (the catch-up is part of the reload).
item c1 "Bolivia and Argentina sign" | feed "$T_TMP/c.xml"
printf '[topic bolivia]\nquery = Bolivia\n[feed c]\nurl = file://%s/c.xml\ninterval = 1h\n' "$T_TMP" >> "$conf"
out=$(fw -c "$conf" status)
like "$out" "$conf has changed since feedwatchd read it: \`feedwatch reload\` applies the change" \
	"status: the config changed since the daemon read it"
like "$(fw -c "$conf" status --format json | head -n 1)" '"daemon":\{"running":true,"pid":[0-9]+,"config":"[^"]*/fw.conf","config_current":false\}' \
	"status --format json: config_current false"
is "$(fw -c "$conf" check | tail -n 1)" "feedwatchd (pid $dpid) runs on $conf as it was before it changed: \`feedwatch reload\` applies the change" \
	"check after the edit: the file is good, and the daemon has yet to read it"
out=$(fw -c "$conf" poll)
is "$?" 0 "poll after the edit exits 0"
is "$out" "$conf has changed since feedwatchd (pid $dpid) read it: asking it to reload first
feedwatchd (pid $dpid) reloaded $conf: 3 feeds, 3 topics
feedwatchd (pid $dpid) is running on $T_TMP/fw.db: asked it to poll every feed now" \
	"poll: the config changed, so the daemon reloads it first, then polls"
is "$(count bolivia)" 1 "the added topic's hit is there when poll returns"
like "$(fw -c "$conf" status --format json | head -n 1)" '"config_current":true' \
	"status: the daemon runs on the config as it is"
out=$(fw -c "$conf" status)
ok $([[ "$out" != *"has changed"* ]]; echo $?) "and the text says nothing of a change"
is "$(fw -c "$conf" check | grep -c feedwatchd)" 0 "nor does check"

# The daemon reads a broken config after the command had read a good one:
# the command says it kept its own. (The daemon is stopped while the
# command's SIGHUP waits for it, and the file broken then.)
printf '[topic chile]\nquery = Chile\n' >> "$conf"
kill -STOP $dpid
fw -c "$conf" reload > "$T_TMP/kept.out" 2> "$T_TMP/kept.err" &
rpid=$!
for i in $(seq 600); do
	[ $(( 0x$(awk '/^ShdPnd:/ { print $2 }' /proc/$dpid/status) & 1 )) = 1 ] && break
	sleep 0.05
done
printf '[topic broken]\nquery = (Chile\n' >> "$conf"
kill -CONT $dpid
wait $rpid
is "$?" 1 "a reload the daemon could not take: exit 1"
like "$(cat "$T_TMP/kept.err")" "^feedwatch reload: feedwatchd \(pid $dpid\) did not take $conf as it is now and kept the configuration it had \(its log says why\)\$" \
	"and it says the daemon kept its configuration"
is "$(grep -c 'error: .*fw\.conf:[0-9]*:9: unclosed ($' "$T_TMP/d.err")" 2 "(the daemon logged the error: the second such line)"
sed -i '/^\[topic broken\]/,$d' "$conf"

# A daemon on another config file that names the same database.
cp "$conf" "$T_TMP/other.conf"
like "$(fw -c "$T_TMP/other.conf" status)" "it runs on the config $conf, not $T_TMP/other.conf" \
	"status run with another config names the daemon's"
out=$(fw -c "$T_TMP/other.conf" reload)
is "$?:$out" "0:feedwatchd (pid $dpid) reloaded $conf, the config it runs on (not $T_TMP/other.conf)" \
	"reload run with another config reloads the daemon's and says so"

kill -TERM $dpid; wait $dpid

# A daemon that stops while the command waits for its reload.
NOTIFY_SOCKET= $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d2.err" &
dpid=$!
for i in $(seq 600); do grep -q '^config ' "$T_TMP/fw.db.lock" 2> /dev/null && break; sleep 0.05; done
kill -STOP $dpid
fw -c "$conf" reload > /dev/null 2> "$T_TMP/gone.err" &
rpid=$!
for i in $(seq 600); do
	[ $(( 0x$(awk '/^ShdPnd:/ { print $2 }' /proc/$dpid/status) & 1 )) = 1 ] && break
	sleep 0.05
done
kill -KILL $dpid; wait $dpid 2> /dev/null
wait $rpid
is "$?:$(cat "$T_TMP/gone.err")" "1:feedwatch reload: feedwatchd (pid $dpid) stopped before it said it had reloaded (its log says why)" \
	"a daemon that stops before reloading: exit 1, and it says so"

# A daemon that does not begin the reload in FEEDWATCH_RELOAD_WAIT seconds
# (stopped, its SIGHUP pending): exit 1, and nothing marked as under way.
NOTIFY_SOCKET= $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d3.err" &
dpid=$!
wait_daemon_lock "$T_TMP/fw.db.lock" "$dpid"
kill -STOP $dpid
FEEDWATCH_RELOAD_WAIT=1 fw -c "$conf" reload > /dev/null 2> "$T_TMP/late.err"
is "$?:$(cat "$T_TMP/late.err")" "1:feedwatch reload: asked feedwatchd (pid $dpid) to reload $conf, and it has not begun after 1 s (its log will say how it went)" \
	"a daemon that does not begin in FEEDWATCH_RELOAD_WAIT=1 s: exit 1, and it says so"
kill -CONT $dpid
for i in $(seq 600); do grep -q '^config 1 ' "$T_TMP/fw.db.lock" && break; sleep 0.05; done
is "$(sed -n '2s/ .*//p;3,$p' "$T_TMP/fw.db.lock" | tr '\n' ' ')" "config replies " \
	"once it has reloaded, its lock file no longer says a reload is under way"
kill -TERM $dpid; wait $dpid

# A reload under way is waited for past FEEDWATCH_RELOAD_WAIT: the lock
# file says "reloading" while it lasts (a stand-in holds the lock, as
# feedwatchd does, and takes 3 s to reload).
standin() {  # standin MODE [SECONDS]: in the background, $spid; waits for its lock
	$FW_PY "$FW_HELPERS/daemon_standin.py" "$T_TMP/fw.db.lock" "$conf" "$@" > "$T_TMP/standin.out" &
	spid=$!
	for i in $(seq 200); do grep -q ready "$T_TMP/standin.out" && break; sleep 0.05; done
}
standin slow 3
FEEDWATCH_RELOAD_WAIT=1 fw -c "$conf" reload > "$T_TMP/slow.out" 2>&1
like "$?:$(cat "$T_TMP/slow.out")" "^0:feedwatchd \\(pid $spid\\) reloaded $conf: [0-9]+ feeds?, [0-9]+ topics?$" \
	"a reload of 3 s with FEEDWATCH_RELOAD_WAIT=1: waited for, and it went well"
kill $spid; wait $spid

# A reload under way when the command begins may have read the file before
# its edit: the command waits for the next one, which reads it as it is.
standin busy
FEEDWATCH_RELOAD_WAIT=1 fw -c "$conf" reload > "$T_TMP/busy.out" 2>&1
like "$?:$(cat "$T_TMP/busy.out")" "^0:feedwatchd \\(pid $spid\\) reloaded $conf: [0-9]+ feeds?, [0-9]+ topics?$" \
	"a reload under way of the file before its edit: the next one is waited for"
kill $spid; wait $spid
rm -f "$sock"
done_testing
