#!/bin/sh
# Makes docs/notification.png: a real notification daemon (dunst) under Xvfb
# showing the notification `feedwatch poll` sends for the TAC fixture
# (tests/fixtures/tac-feed.xml) with the example config and
# notify_initial = true. Not part of `make test`.
#
# Needs (Debian): xvfb dunst imagemagick dbus fonts-dejavu-core, and
# `make` run first.   Usage: sh docs/screenshot.sh [OUT.png]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/docs/notification.png}
tmp=$(mktemp -d /tmp/fwshot.XXXXXX)
display=:$(( $$ % 400 + 100 ))
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

Xvfb "$display" -screen 0 900x300x24 -nolisten tcp >/dev/null 2>&1 &
pids="$pids $!"
for i in $(seq 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
export DISPLAY="$display"
dbus-daemon --session --fork --print-address=3 --print-pid=4 3>"$tmp/bus.addr" 4>"$tmp/bus.pid"
pids="$pids $(cat "$tmp/bus.pid")"
export DBUS_SESSION_BUS_ADDRESS="$(cat "$tmp/bus.addr")"

mkdir -p "$tmp/dunst"
cat > "$tmp/dunst/dunstrc" <<'RC'
[global]
    width = 560
    height = 300
    origin = top-right
    offset = 20x20
    font = DejaVu Sans 11
    markup = full
    format = "<b>%s</b>\n%b"
    frame_width = 2
    frame_color = "#4c7899"
    separator_height = 2
    padding = 12
    horizontal_padding = 14
    corner_radius = 6
    icon_position = off
    word_wrap = yes
    ellipsize = end
    show_indicators = no
[urgency_low]
    background = "#1e2430"
    foreground = "#e6e6e6"
    timeout = 0
[urgency_normal]
    background = "#1e2430"
    foreground = "#e6e6e6"
    timeout = 0
[urgency_critical]
    background = "#3a1e1e"
    foreground = "#ffffff"
    timeout = 0
RC
dunst -config "$tmp/dunst/dunstrc" >/dev/null 2>&1 &
pids="$pids $!"
for i in $(seq 50); do
	dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null |
		grep -q true && break
	sleep 0.1
done

sed -e "s|^url = https://www.theamericanconservative.com/feed/|url = file://$top/tests/fixtures/tac-feed.xml|" \
    -e "s|^# database = .*|database = $tmp/fw.db|" \
    -e "s|^notify_initial = false|notify_initial = true|" "$top/config/feedwatch.conf" > "$tmp/fw.conf"
"$top/build/feedwatch" -c "$tmp/fw.conf" poll
sleep 1.5
import -window root "$tmp/screen.png"
# the notification's corner of the screen
convert "$tmp/screen.png" -crop 620x200+280+0 +repage -trim -bordercolor "#d0d4da" -border 16 "$out"
echo "wrote $out"
