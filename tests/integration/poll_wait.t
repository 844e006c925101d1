#!/bin/bash
# `feedwatch poll` while the daemon runs waits for that poll and prints what
# it found, as a foreground poll does: the daemon answers the request
# (DB.poll.ID.req with "+reply") in DB.poll.ID.rep once its feeds are polled
# and committed. --no-wait returns at once; SIGINT stops the waiting, not
# the daemon; a daemon that stops or does not begin is reported; a daemon
# from before replies (its lock file does not say "replies") is asked as it
# was and not waited for.
. "$(dirname "$0")/../helpers/lib.sh"
plan 32

start_faultserver 1
item a1 "Milei one" | feed "$T_TMP/a.xml"
item b1 "Milei uno" | feed "$T_TMP/b.xml"
conf="$T_TMP/fw.conf"
DB="$T_TMP/fw.db"
cat > "$conf" <<CONF
[feedwatch]
database = $DB
[feed a]
url = file://$T_TMP/a.xml
interval = 1h
[feed b]
url = file://$T_TMP/b.xml
interval = 1h
[topic milei]
query = Milei
CONF
count() { sqlite3 "$DB" "select count(*) from hits h join items i on i.id = h.item_id join feeds f on f.id = i.feed_id where f.key = '$1'" 2>/dev/null || echo 0; }
files() { ls "$T_TMP" | grep -cE '\.(req|rep)$'; }

$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
wait_daemon_lock "$DB.lock" "$dpid"
for i in $(seq 200); do [ "$(count a)" = 1 ] && [ "$(count b)" = 1 ] && break; sleep 0.05; done
is "$(count a) $(count b)" "1 1" "the daemon polls both feeds at start"

# Every feed: the hits are in the log when poll returns, and it says so.
{ item a2 "Milei two"; item a1 "Milei one"; } | feed "$T_TMP/a.xml"
{ item b2 "Milei dos"; item b1 "Milei uno"; } | feed "$T_TMP/b.xml"
fw -c "$conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/out")" "0:feedwatchd (pid $dpid) is running on $DB: asked it to poll every feed now" \
	"poll asks the daemon for every feed"
is "$(cat "$T_TMP/err")" "feedwatch poll: feedwatchd polled 2 feeds (0 failed): 2 new items, 2 new hits (feedwatch hits lists them)" \
	"and waits for its figures"
is "$(count a) $(count b)" "2 2" "the new hits are in the log when it returns"
is "$(files)" 0 "no request or reply file is left"
like "$(cat "$T_TMP/d.err")" "polling every feed now \\(feedwatch poll\\)" "the daemon logs the request"

# --feed: that feed's figures; nothing new is said as nothing.
fw -c "$conf" poll --feed a > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:feedwatch poll: feedwatchd polled 1 feed (0 failed): 0 new items, 0 new hits" \
	"poll --feed a: one feed's figures"

# A failing feed: named with its error, exit 1; the other still counted.
{ item a3 "Milei tres"; item a2 "Milei two"; } | feed "$T_TMP/a.xml"
rm "$T_TMP/b.xml"
fw -c "$conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
is "$?" 1 "a feed failed: exit 1"
like "$(head -n 1 "$T_TMP/err")" "^feedwatch poll: b: .*b\\.xml: No such file or directory$" "the failed feed, with its error"
is "$(tail -n 1 "$T_TMP/err")" "feedwatch poll: feedwatchd polled 2 feeds (1 failed): 1 new item, 1 new hit (feedwatch hits lists them)" \
	"then the figures"
item b1 "Milei uno" | feed "$T_TMP/b.xml"

# A feed added by hand: poll has the daemon reload, and reports the new
# feed's first poll (the one the reload starts), not a second one after it.
item c1 "Milei tres" | feed "$T_TMP/c.xml"
cat >> "$conf" <<CONF
[feed c]
url = file://$T_TMP/c.xml
interval = 1h
CONF
fw -c "$conf" poll --feed c > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(tail -n 1 "$T_TMP/out")|$(cat "$T_TMP/err")" "0:feedwatchd (pid $dpid) is running on $DB: asked it to poll c now|feedwatch poll: feedwatchd polled 1 feed (0 failed): 1 new item, 1 new hit (feedwatch hits lists them)" \
	"a new feed in the config: reloaded, and its first poll reported"
like "$(head -n 2 "$T_TMP/out" | tr '\n' '|')" "^$conf has changed since feedwatchd .*: asking it to reload first\|feedwatchd \(pid $dpid\) reloaded $conf: 3 feeds, 1 topic\|$" \
	"after the reload it asked for"
is "$(count c)" 1 "its hit is in the log"

# --no-wait: asked, and back at once, saying nothing more.
fw -c "$conf" poll --no-wait > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/out")|$(cat "$T_TMP/err")" "0:feedwatchd (pid $dpid) is running on $DB: asked it to poll every feed now|" \
	"--no-wait: asked, no figures"
sleep 0.5
is "$(files)" 0 "and its request was taken, with no reply left"

# Two at once: each gets its own reply.
fw -c "$conf" poll --feed a > /dev/null 2> "$T_TMP/err1" &
p1=$!
fw -c "$conf" poll --feed b > /dev/null 2> "$T_TMP/err2"
r2=$?
wait $p1
is "$?:$r2:$(cat "$T_TMP/err1")|$(cat "$T_TMP/err2")" \
	"0:0:feedwatch poll: feedwatchd polled 1 feed (0 failed): 0 new items, 0 new hits|feedwatch poll: feedwatchd polled 1 feed (0 failed): 0 new items, 0 new hits" \
	"two polls at once: each has its reply"

# A slow feed (one byte a second): SIGINT stops the waiting, not the daemon.
cat >> "$conf" <<CONF
[feed s]
url = http://127.0.0.1:${P[0]}/slow
interval = 1h
CONF
# (exec: $! is the command's pid, not a subshell's)
( exec $FW_WRAP "$FW_BUILD/feedwatch" -c "$conf" poll --feed s > "$T_TMP/out" 2> "$T_TMP/err" ) &
ppid_=$!
for i in $(seq 200); do grep -q "asked it to poll s" "$T_TMP/out" && break; sleep 0.05; done
like "$(cat "$T_TMP/out")" "has changed since feedwatchd .* asking it to reload first" "the new feed: the daemon reloads first"
sleep 0.3
kill -INT $ppid_
wait $ppid_
is "$?" 1 "SIGINT while waiting: exit 1"
like "$(cat "$T_TMP/err")" "^feedwatch poll: stopped waiting: feedwatchd \\(pid $dpid\\) polls on" "and says the daemon polls on"
is "$(files)" 0 "its reply file is gone"
kill -0 $dpid
ok $? "the daemon runs on"

# The daemon stops while a poll is waited for.
( exec $FW_WRAP "$FW_BUILD/feedwatch" -c "$conf" poll --feed s > "$T_TMP/out" 2> "$T_TMP/err" ) &
ppid_=$!
for i in $(seq 200); do grep -q "asked it to poll s" "$T_TMP/out" && break; sleep 0.05; done
sleep 0.3
kill -TERM $dpid
wait $ppid_
is "$?" 1 "the daemon stops during the wait: exit 1"
like "$(cat "$T_TMP/err")" "^feedwatch poll: feedwatchd \\(pid $dpid\\) stopped before it had polled" "and it says so"
wait $dpid
is "$(files)" 0 "no request or reply file is left"

# A daemon that does not begin (stopped): FEEDWATCH_RELOAD_WAIT bounds it.
sed -i '/^\[feed s\]/,$d' "$conf"
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d2.err" &
dpid=$!
wait_daemon_lock "$DB.lock" "$dpid"
kill -STOP $dpid
FEEDWATCH_RELOAD_WAIT=1 fw -c "$conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:feedwatch poll: asked feedwatchd \\(pid $dpid\\) to poll, and it has not begun after 1 s" \
	"a daemon that does not take the request in FEEDWATCH_RELOAD_WAIT=1 s: exit 1, says so"
is "$(files)" 0 "and the request is withdrawn"
kill -CONT $dpid
kill -TERM $dpid; wait $dpid

# On a terminal (script(1) gives the command one), a wait of more than a
# second shows how far the feeds are, then blanks that line for the figures.
prog="$T_TMP/prog.conf"
printf '[feedwatch]\ndatabase = %s/prog.db\ntimeout = 3s\n[feed a]\nurl = file://%s/a.xml\ninterval = 1h\n[feed s]\nurl = http://127.0.0.1:%s/slow\ninterval = 1h\n' \
	"$T_TMP" "$T_TMP" "${P[0]}" > "$prog"
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$prog" 2> "$T_TMP/dp.err" &
dpid=$!
wait_daemon_lock "$T_TMP/prog.db.lock" "$dpid"
for i in $(seq 200); do grep -q 's: ' "$T_TMP/dp.err" && break; sleep 0.05; done   # its first polls done
script -qec "$FW_WRAP $FW_BUILD/feedwatch -c $prog poll" /dev/null > "$T_TMP/tty.out" 2>&1
rc=$?
is "$rc:$(grep -c 'feedwatch poll: 1 of 2 feeds polled\.\.\.' "$T_TMP/tty.out")" "1:1" \
	"on a terminal: how far, while the slow feed is fetched"
like "$(tr '\r' '\n' < "$T_TMP/tty.out" | grep -v '^ *$' | tail -n 1)" "^feedwatch poll: feedwatchd polled 2 feeds \(1 failed\): 0 new items, 0 new hits" \
	"then the figures, on a line of their own"
kill -TERM $dpid; wait $dpid

# Many failing feeds: the reply names 50 of them and counts the rest.
many="$T_TMP/many.conf"
{ printf '[feedwatch]\ndatabase = %s/many.db\n' "$T_TMP"
  for i in $(seq 53); do printf '[feed m%02d]\nurl = file://%s/none-%d.xml\ninterval = 1h\n' "$i" "$T_TMP" "$i"; done
} > "$many"
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$many" 2> "$T_TMP/d3.err" &
dpid=$!
wait_daemon_lock "$T_TMP/many.db.lock" "$dpid"
fw -c "$many" poll > /dev/null 2> "$T_TMP/err"
is "$?:$(grep -c ': No such file or directory$' "$T_TMP/err")|$(tail -n 2 "$T_TMP/err" | tr '\n' '|')" \
	"1:50|feedwatch poll: and 3 more failed (feedwatch status lists them)|feedwatch poll: feedwatchd polled 53 feeds (53 failed): 0 new items, 0 new hits|" \
	"53 failed feeds: 50 named, the rest counted"
fw -c "$many" poll $(for i in $(seq 12); do printf -- '--feed m%02d ' "$i"; done) > /dev/null 2> "$T_TMP/err"
is "$?:$(tail -n 1 "$T_TMP/err")|$(grep -c 'polling 12 feeds now (feedwatch poll or import)' "$T_TMP/d3.err")|$(grep -c 'polling m01 now' "$T_TMP/d3.err")" \
	"1:feedwatch poll: feedwatchd polled 12 feeds (12 failed): 0 new items, 0 new hits|1|0" \
	"12 feeds asked for: their figures, and one line in the daemon's log for them"
kill -TERM $dpid; wait $dpid

# A daemon from before replies: asked as it was (every feed: SIGUSR1), not waited for.
$FW_PY "$FW_HELPERS/daemon_standin.py" "$DB.lock" "$conf" old > "$T_TMP/standin.out" &
spid=$!
for i in $(seq 200); do grep -q ready "$T_TMP/standin.out" && break; sleep 0.05; done
fw -c "$conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/out")|$(cat "$T_TMP/err")" "0:feedwatchd (pid $spid) is running on $DB: asked it to poll every feed now|" \
	"a daemon that does not answer: poll asks and returns"
fw -c "$conf" poll --feed a > /dev/null 2>&1
for i in $(seq 100); do [ "$(grep -c SIGUSR "$T_TMP/standin.out")" = 2 ] && break; sleep 0.05; done
is "$(grep SIGUSR "$T_TMP/standin.out" | tr '\n' '|')" "SIGUSR1|SIGUSR2 a|" \
	"it got SIGUSR1 for every feed, then a request for a alone, as before"
kill $spid; wait $spid
done_testing
