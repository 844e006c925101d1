#!/bin/bash
# feedwatch mute / unmute: a topic muted from the command line is held by
# the running feedwatchd (its hits stay pending, other topics still
# notify) and shown when unmuted; mute alone lists the mutes; bad names and
# times are usage errors.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 20

W="$T_TMP/www"
mkdir -p "$W"
conf="$T_TMP/fw.conf"
db="$T_TMP/fw.db"
cat > "$conf" <<CONF
[feedwatch]
database = $db
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
start_notify_server
start_daemon "$conf"
wait_until 30 at_least 1
ok $? "the daemon shows the first hit"

is "$(fw -c "$conf" mute)" "no topic is muted" "mute alone: no mutes yet"
out=$(fw -c "$conf" mute Milei --for 2h)
like "$?:$out" "^0:milei muted until [A-Z][a-z]{2} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}$" \
	"mute by display name, --for 2h: says until when"
is "$(sqlite3 "$db" "SELECT topic, until - strftime('%s', 'now') BETWEEN 7100 AND 7200 FROM mutes")" \
	"milei|1" "stored for 2 hours"
like "$(fw -c "$conf" mute)" "^milei muted until " "mute alone lists it"

write_feed "$W/a.xml" "A" "Milei one|x" "Milei two|x" "Mercosur three|x"
wait_until 30 at_least 2
ok $? "a hit of another topic is still shown"
is "$(nlog 2 'n["summary"]')" "Mercosur — Feed a" "it is the Mercosur one"
sleep 3
is "$(ncount)" 2 "the muted topic's hit is not shown"
is "$(hits "$conf" '[x["notified"] for x in h if x["title"] == "Milei two"][0]')" "pending" "it stays pending"

is "$(fw -c "$conf" unmute milei)" "milei unmuted" "unmute"
wait_until 30 at_least 3
ok $? "the daemon shows what it held once the topic is unmuted"
like "$(nlog 3 'n["summary"] + " " + n["body"]')" "Milei" "it is the Milei hit"
is "$(fw -c "$conf" unmute milei)" "milei was not muted" "unmute again: it says so"
is "$(fw -c "$conf" mute --all --until tomorrow | sed 's/ until .*//' | tr '\n' ' ')" "milei muted mercosur muted " \
	"mute --all: every topic of the config"
is "$(fw -c "$conf" unmute --all | sort | tr '\n' ' ')" "mercosur unmuted milei unmuted " "unmute --all: every mute"
is "$(fw -c "$conf" unmute --all)" "no topic was muted" "and again: none left"

fw -c "$conf" mute milie > /dev/null 2> "$T_TMP/err"
like "$?:$(head -n 1 "$T_TMP/err")" "^2:feedwatch mute: no topic 'milie' .*did you mean milei\\?" \
	"an unknown topic: a usage error naming the nearest"
fw -c "$conf" mute milei --until 3d > /dev/null 2> "$T_TMP/err"
is "$?:$(head -n 1 "$T_TMP/err")" "2:feedwatch mute: --until 3d is past" "--until in the past: a usage error"
fw -c "$conf" mute milei --for 1h --until tomorrow > /dev/null 2>&1
is "$?" 2 "--for and --until together: a usage error"

kill -TERM "$DPID"
wait "$DPID"
is $? 0 "the daemon stops cleanly"
DPID=
done_testing
