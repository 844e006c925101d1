#!/bin/bash
# A long catch-up (a topic added to a daemon whose feeds list many items)
# tells systemd it is alive as it goes: WATCHDOG=1 and a longer timeout,
# every 10,000 current items, so that the watchdog does not kill the daemon
# half-way (it would catch up again after the restart, and be killed again).
. "$(dirname "$0")/../helpers/lib.sh"
plan 5

big() {  # big FILE PREFIX: a feed of 6000 items
	"$FW_PY" - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>\n')
    for i in range(6000):
        f.write('<item><guid>%s%d</guid><title>Story %d about %s</title></item>\n'
                % (sys.argv[2], i, i, "Milei" if i % 100 == 0 else "nothing"))
    f.write('</channel></rss>\n')
PY
}
big "$T_TMP/a.xml" a
big "$T_TMP/b.xml" b
conf="$T_TMP/fw.conf"
{ printf '[feedwatch]\ndatabase = %s\n' "$T_TMP/fw.db"
  printf '[feed a]\nurl = file://%s\ninterval = 1h\n' "$T_TMP/a.xml"
  printf '[feed b]\nurl = file://%s\ninterval = 1h\n' "$T_TMP/b.xml"
  printf '[topic other]\nquery = Lula\n'; } > "$conf"
fw -c "$conf" poll --no-notify 2> "$T_TMP/p.err"
is "$(sqlite3 "$T_TMP/fw.db" "SELECT count(*) FROM items")" 12000 "two feeds of 6000 items stored"

sock="$T_TMP/notify.sock"
$FW_PY "$FW_HELPERS/sdnotify_listen.py" "$sock" "$T_TMP/sd.log" 120 &
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET="$sock" $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
for i in $(seq 300); do grep -q '^READY=1$' "$T_TMP/sd.log" && break; sleep 0.1; done
printf '[topic milei]\nquery = Milei\n' >> "$conf"
kill -HUP $dpid
for i in $(seq 600); do grep -q "new topic milei" "$T_TMP/d.err" && break; sleep 0.1; done
like "$(cat "$T_TMP/d.err")" "new topic milei: 120 hits among the feeds' 12000 current items" \
	"the reload catches the topic up over the 12000 items"
like_ml "$(cat "$T_TMP/sd.log")" '^RELOADING=1\nWATCHDOG=1\nEXTEND_TIMEOUT_USEC=30000000\n(.*\n)*READY=1$' \
	"while it works it sends WATCHDOG=1 and a longer timeout, then READY=1"
kill -TERM $dpid; wait $dpid
is "$?" 0 "the daemon stops cleanly"
rm -f "$sock"
is "$(sqlite3 "$T_TMP/fw.db" "SELECT count(*) FROM hits WHERE topic = 'milei' AND notified = 'initial'")" 120 \
	"its 120 hits are in the log, initial"
done_testing
