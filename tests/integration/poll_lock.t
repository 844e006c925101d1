#!/bin/bash
# Only a feedwatchd is ever signalled. The lock file beside the database says
# who holds it ("PID feedwatchd", "PID poll"): while a foreground
# `feedwatch poll` holds it, a second poll fails (exit 1) naming it rather
# than sending it SIGUSR1 (which killed it: "User defined signal 1"), reload
# says there is no daemon to reload rather than sending it SIGHUP, and status
# does not say feedwatchd runs. A lock file holding a pid alone (an older
# feedwatch's) is a holder of unknown role: not signalled either.
. "$(dirname "$0")/../helpers/lib.sh"
plan 25

W="$T_TMP/www"
mkdir -p "$W"
printf '%s\n' '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>' \
	'<item><title>Milei visits Washington</title><link>https://x.example/a1</link><guid>a1</guid></item>' \
	'</channel></rss>' > "$W/a.xml"
start_faultserver 1 --root "$W"
# The feed answers after 4 s (10 s under a wrapper such as valgrind, where
# the five commands run meanwhile take longer).
DELAY=4000
[ -n "$FW_WRAP" ] && DELAY=10000
DB="$T_TMP/fw.db"
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $DB
[feed slow]
url = http://127.0.0.1:${P[0]}/delayed/$DELAY/a.xml
[topic milei]
query = Milei
notify = none
CONF

# The first poll, in the foreground of a shell of its own: it holds the lock
# while its feed takes its time.
$FW_WRAP "$FW_BUILD/feedwatch" -c "$conf" poll > "$T_TMP/first.out" 2> "$T_TMP/first.err" &
ppid=$!
for i in $(seq 200); do grep -q "^$ppid poll\$" "$DB.lock" 2> /dev/null && break; sleep 0.05; done
is "$(cat "$DB.lock")" "$ppid poll" "the lock file names the foreground poll: PID poll"

fw -c "$conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/out")|$(cat "$T_TMP/err")" \
	"^1:\\|feedwatch poll: \`feedwatch poll\` \\(pid $ppid\\) is using $DB, and it is not feedwatchd: nothing was asked of it" \
	"a second poll: exit 1, names the pid and says it is a feedwatch poll, not the daemon"
fw -c "$conf" poll --feed slow > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/out")|$(cat "$T_TMP/err")" "^1:\\|feedwatch poll: \`feedwatch poll\` \\(pid $ppid\\) .*not feedwatchd" \
	"poll --feed: the same"
is "$(ls "$T_TMP" | grep -c '\.req$')" 0 "and no request file is left for a daemon"
fw -c "$conf" reload > "$T_TMP/out" 2> "$T_TMP/err"
rc=$?
[ "$rc" != 0 ]
ok $? "reload: exits non-zero ($rc)"
like "$(cat "$T_TMP/out")|$(cat "$T_TMP/err")" \
	"^\\|feedwatch reload: there is no feedwatchd to reload on $DB: \`feedwatch poll\` \\(pid $ppid\\) holds it, another feedwatch command, not the daemon" \
	"reload: says there is no daemon to reload, and who holds the database"
fw -c "$conf" status > "$T_TMP/status" 2>&1
is "$(head -n 1 "$T_TMP/status")" "feedwatchd is not running (database $DB, in use by \`feedwatch poll\` (pid $ppid))" \
	"status: feedwatchd is not running; the poll holds the database"
fw -c "$conf" status --format json > "$T_TMP/status.json" 2>&1
grep -q '"daemon":{"running":false,"pid":null,"config":null,"config_current":null}' "$T_TMP/status.json"
ok $? "status --format json: not running"
grep -q "\"lock\":{\"pid\":$ppid,\"holder\":\"poll\"}" "$T_TMP/status.json"
ok $? "status --format json: the lock is held by the poll, with its pid" || diag "$(cat "$T_TMP/status.json")"
kill -0 $ppid
ok $? "the first poll survives them all"
wait $ppid
is "$?" 0 "the first poll exits 0"
like "$(cat "$T_TMP/first.err")" "polled 1 feed \\(0 failed\\): 1 new item, 1 new hit" "and polls its feed"
is "$(sqlite3 "$DB" "select count(*) from hits")" 1 "its hit is recorded"
is "$(cat "$DB.lock")" "" "the lock file is emptied when it is let go"

# A lock held by a process whose file holds its pid alone, as an older
# feedwatch wrote it: a Python that SIGUSR1 or SIGHUP would kill.
$FW_PY -c 'import fcntl, os, sys, time
f = open(sys.argv[1], "w")
fcntl.flock(f, fcntl.LOCK_EX)
f.write("%d\n" % os.getpid())
f.flush()
time.sleep(30)' "$DB.lock" &
opid=$!
for i in $(seq 100); do [ -n "$(fw -c "$conf" status 2> /dev/null | head -n 1 | grep 'in use')" ] && break; sleep 0.05; done
fw -c "$conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:feedwatch poll: pid $opid \\(a feedwatch that does not say what it is\\) is using $DB, and it is not known to be feedwatchd" \
	"a holder of unknown role: poll exits 1 and says so"
fw -c "$conf" reload > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:feedwatch reload: there is no feedwatchd to reload on $DB: pid $opid .* not known to be the daemon \\(not signalled\\)" \
	"reload: exits 1, not signalled"
is "$(fw -c "$conf" status 2> /dev/null | head -n 1)" \
	"feedwatchd is not known to be running (database $DB, in use by pid $opid (a feedwatch that does not say what it is))" \
	"status: not known to be running"
fw -c "$conf" status --format json > "$T_TMP/status.json" 2>&1
grep -q "\"daemon\":{\"running\":false,\"pid\":null,\"config\":null,\"config_current\":null},\"lock\":{\"pid\":$opid,\"holder\":null}" "$T_TMP/status.json"
ok $? "status --format json: a holder of unknown role (null), not the daemon" || diag "$(cat "$T_TMP/status.json")"
kill -0 $opid
ok $? "the holder of unknown role is not signalled"
kill $opid; wait $opid 2> /dev/null

# The same pid alone, held by a process the kernel calls feedwatchd (a
# daemon started before the upgrade): it is the daemon, and reload signals
# it (a copy of sleep, which SIGHUP ends).
cp "$(command -v sleep)" "$T_TMP/feedwatchd"
( flock -x 9; "$T_TMP/feedwatchd" 30 & echo "$!" >&9; wait ) 9> "$DB.lock" &
holder=$!
for i in $(seq 100); do [ -s "$DB.lock" ] && break; sleep 0.05; done
spid=$(cat "$DB.lock")
fw -c "$conf" reload > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/out" "$T_TMP/err")" "^0:.*feedwatchd \\(pid $spid\\)" \
	"a pid alone, of a process named feedwatchd: reload asks it"
for i in $(seq 100); do kill -0 "$spid" 2> /dev/null || break; sleep 0.05; done
! kill -0 "$spid" 2> /dev/null
ok $? "and it got the signal (SIGHUP ended the stand-in)"
wait "$holder"

# The daemon still writes its role, and is asked.
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
for i in $(seq 600); do grep -q "^config " "$DB.lock" 2> /dev/null && break; sleep 0.05; done
is "$(head -n 1 "$DB.lock")" "$dpid feedwatchd" "the daemon's lock file: PID feedwatchd"
like "$(sed -n 2p "$DB.lock")" "^config 0 [0-9a-f]{64} $(realpath "$conf")\$" \
	"then the config it runs on: no reload yet, the digest, the path"
is "$(sed -n '3,$p' "$DB.lock")" "replies" "and that it answers requests (feedwatch poll waits for them), nothing else"
out=$(fw -c "$conf" poll 2>&1)
like "$?:$out" "^0:feedwatchd \\(pid $dpid\\) is running on $DB: asked it to poll every feed now" "poll asks the daemon"
kill -TERM $dpid; wait $dpid
done_testing
