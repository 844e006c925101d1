#!/bin/sh
# Screenshots of a real notification daemon (dunst) under Xvfb showing what
# `feedwatch poll` sends, with the example config and notify_initial = true.
# Scenarios: tac (default), the TAC fixture (tests/fixtures/tac-feed.xml):
# one item, one notification; batch, one feed of five new Mercosur items
# that coalesce into one notification; title, one item whose only matches
# (two topics') are in its title. -b BUILD takes the binaries of
# another build directory (an older commit's, for a before/after pair).
# Not part of `make test`.
#
# Needs (Debian): xvfb dunst imagemagick dbus fonts-dejavu-core, and
# `make` run first.
# Usage: sh docs/screenshot.sh [-b BUILD] [tac|batch|title] [OUT.png]
#   OUT defaults to docs/notification.png (tac), else
#   docs/notification-SCENARIO.png.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
if [ "${1:-}" = -b ]; then
	[ $# -ge 2 ] || { echo "usage: $0 [-b BUILD] [tac|batch|title] [OUT.png]" >&2; exit 2; }
	build=$2
	shift 2
fi
scenario=${1:-tac}
case $scenario in
tac) out=${2:-$top/docs/notification.png} ;;
batch|title) out=${2:-$top/docs/notification-$scenario.png} ;;
*) echo "$0: unknown scenario '$scenario' (tac, batch or title)" >&2; exit 2 ;;
esac
[ -x "$build/feedwatch" ] || { echo "$0: no $build/feedwatch: run make first" >&2; exit 1; }
case $out in /*) ;; *) out=$(pwd)/$out ;; esac
tmp=$(mktemp -d /tmp/fwshot.XXXXXX)
display=:$(( $$ % 400 + 100 ))
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

Xvfb "$display" -screen 0 900x420x24 -nolisten tcp >/dev/null 2>&1 &
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
    height = 400
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

case $scenario in
tac) feed=$top/tests/fixtures/tac-feed.xml ;;
batch)
	# five new items of one topic in one feed: more than three coalesce
	feed=$tmp/mercopress.xml
	cat > "$feed" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>MercoPress</title><link>https://en.mercopress.com/</link>
<item><title>Mercosur and EU close trade talks after 25 years</title>
<link>https://en.mercopress.com/1</link><guid>mp-1</guid>
<description>Leaders of the Mercosur bloc and the European Commission met in Montevideo.</description></item>
<item><title>Uruguay presses Mercosur partners to let it negotiate with China</title>
<link>https://en.mercopress.com/2</link><guid>mp-2</guid>
<description>Montevideo wants flexibility within Mercosur for bilateral deals.</description></item>
<item><title>Paraguay takes over the Mercosur pro tempore presidency</title>
<link>https://en.mercopress.com/3</link><guid>mp-3</guid>
<description>Asunción will chair Mercosur for the next six months.</description></item>
<item><title>French farmers protest against the Mercosur agreement</title>
<link>https://en.mercopress.com/4</link><guid>mp-4</guid>
<description>Tractors blocked roads as Paris repeated its opposition to Mercosur.</description></item>
<item><title>Bolivia's accession to Mercosur: what changes for La Paz</title>
<link>https://en.mercopress.com/5</link><guid>mp-5</guid>
<description>Bolivia becomes the fifth full member of Mercosur.</description></item>
</channel></rss>
XML
	;;
title)
	feed=$tmp/mercopress.xml
	cat > "$feed" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>MercoPress</title><link>https://en.mercopress.com/</link>
<item><title>Milei skips the Mercosur summit in Montevideo</title>
<link>https://en.mercopress.com/6</link><guid>mp-6</guid>
<description>Argentina's foreign minister will attend in his place.</description></item>
</channel></rss>
XML
	;;
esac
sed -e "s|^url = https://www.theamericanconservative.com/feed/|url = file://$feed|" \
    -e "s|^# database = .*|database = $tmp/fw.db|" \
    -e "s|^notify_initial = false|notify_initial = true|" "$top/config/feedwatch.conf" > "$tmp/fw.conf"
"$build/feedwatch" -c "$tmp/fw.conf" poll
sleep 1.5
import -window root "$tmp/screen.png"
# the notification's corner of the screen
convert "$tmp/screen.png" -crop 620x420+280+0 +repage -trim -bordercolor "#d0d4da" -border 16 +repage "$out"
echo "wrote $out"
