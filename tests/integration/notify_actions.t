#!/bin/bash
# The actions of feedwatchd's notifications, invoked by the recording
# server: "Open" and the default action open the link (xdg-open, here a
# recording stand-in) and mark the hit read, "Mark read" marks it read,
# "Mute topic for 24 h" holds that topic's later notifications (pending)
# while other topics still notify, and is stored (table mutes).
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 18

W="$T_TMP/www"
mkdir -p "$W" "$T_TMP/bin"
cat > "$T_TMP/bin/xdg-open" <<SH
#!/bin/sh
printf '%s\n' "\$*" >> "$T_TMP/opened"
SH
chmod +x "$T_TMP/bin/xdg-open"
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
notify_initial = true
[feed a]
url = file://$W/a.xml
title = Feed a
interval = 2s
[topic milei]
query = Milei
[topic mercosur]
query = Mercosur
CONF
write_feed "$W/a.xml" "A" "Milei one|x"

start_bus
start_notify_server --control "$T_TMP/control"
start_daemon "$conf" PATH="$T_TMP/bin:$PATH"
wait_until 30 at_least 1
ok $? "the daemon shows the first hit"
is "$(nlog 1 'sorted(n["actions"][0::2])')" '["default", "mute", "open", "read"]' \
	"with the actions default, open, read, mute"
is "$(nlog 1 '"|".join(dict(zip(n["actions"][0::2], n["actions"][1::2]))[k] for k in ("open", "read", "mute"))')" \
	"Open|Mark read|Mute topic for 24 h" "labelled Open, Mark read, Mute topic for 24 h"

# Open: the link is opened and the hit marked read.
echo "invoke last open" >> "$T_TMP/control"
wait_until 20 test -s "$T_TMP/opened"
is "$(cat "$T_TMP/opened" 2>/dev/null)" "https://example.com/a/0" "Open runs xdg-open with the link"
wait_until 20 hits_is "$conf" 'h[0]["read"]' True
ok $? "and marks the hit read"

# Mark read.
write_feed "$W/a.xml" "A" "Milei one|x" "Milei two|x"
wait_until 30 at_least 2
ok $? "the second hit is shown"
echo "invoke last read" >> "$T_TMP/control"
wait_until 20 hits_is "$conf" '[x["read"] for x in h]' "[true, true]"
ok $? "Mark read marks it read"
is "$(wc -l < "$T_TMP/opened")" 1 "and opens nothing"

# Mute topic for 24 h: later Milei hits are held; Mercosur still notifies.
write_feed "$W/a.xml" "A" "Milei one|x" "Milei two|x" "Milei three|x"
wait_until 30 at_least 3
ok $? "the third hit is shown"
echo "invoke last mute" >> "$T_TMP/control"
wait_until 20 grep -q "topic milei muted for 24 h" "$T_TMP/d.err"
ok $? "Mute topic mutes it (logged)"
is "$(sqlite3 "$T_TMP/fw.db" "SELECT topic, until - strftime('%s', 'now') BETWEEN 86000 AND 86400 FROM mutes")" \
	"milei|1" "the mute is stored, for 24 h (feedwatch browse shows it, a restart keeps it)"
write_feed "$W/a.xml" "A" "Milei one|x" "Milei two|x" "Milei three|x" "Milei four|x" "Mercosur five|x"
wait_until 30 at_least 4
ok $? "a hit of another topic is still shown"
is "$(nlog 4 'n["summary"]')" "Mercosur — Feed a" "it is the Mercosur one"
sleep 3
is "$(ncount)" 4 "the muted topic's hit is not shown"
is "$(hits "$conf" 'h[3]["title"] + " " + h[3]["notified"]')" "Milei four pending" "it stays pending"

# The default action (a click on the notification) opens too.
echo "invoke last default" >> "$T_TMP/control"
wait_until 20 lines_are "$T_TMP/opened" 2
is "$(tail -n 1 "$T_TMP/opened")" "https://example.com/a/4" "the default action opens the link"

kill -TERM "$DPID"
wait "$DPID"
is $? 0 "the daemon stops cleanly"
DPID=
is "$(grep -c 'warning\|error' "$T_TMP/d.err")" 0 "no warning or error logged"
done_testing
