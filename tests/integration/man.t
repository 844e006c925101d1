#!/bin/bash
# The man pages are lint-clean (groff -ww warns about every questionable
# request); feedwatchd(8) lists every signal the daemon handles; README and
# feedwatch.conf(5) list the interval units the config parser takes.
. "$(dirname "$0")/../helpers/lib.sh"
plan 5
for page in feedwatch.1 feedwatch.conf.5 feedwatchd.8; do
	out=$(LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$FW_TOP/man/$page" 2>&1)
	is "$out" "" "$page: groff -ww prints no warning"
done

# Issue 15 item 12: the signals feedwatchd handles, from its source.
handled=$(grep -o 'g_unix_signal_add(SIG[A-Z0-9]*' "$FW_TOP/daemon/feedwatchd.c" | sed 's/.*(//' | sort -u | tr '\n' ' ')
section=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatchd.8" 2>/dev/null |
	sed -n '/^SIGNALS/,/^FILES/p')
missing=""
for s in $handled; do printf '%s\n' "$section" | grep -qw "$s" || missing="$missing $s"; done
is "$handled:$missing" "SIGHUP SIGINT SIGTERM SIGUSR1 SIGUSR2 :" "feedwatchd(8) SIGNALS lists every signal the daemon handles"

# The interval units: the parser's table, README's example, feedwatch.conf(5).
code=$(sed -n 's/.*{ "", 1 }, \(.*\)/\1/p' "$FW_TOP/daemon/config.c" | grep -o '"[a-z]"' | tr -d '"' | tr '\n' ' ')
readme=$(sed -n 's/^interval = .*# default poll interval (\([a-z, ]*\)).*/\1/p' "$FW_TOP/README.md" | tr -d ',' | tr -s ' ' | sed 's/$/ /')
page=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatch.conf.5" 2>/dev/null |
	sed -n 's/^ *The default poll interval: \([a-z, ]*\);.*/\1/p' | tr -d ',' | tr -s ' ' | sed 's/$/ /')
is "$code|$readme|$page" "s m h d w |s m h d w |s m h d w " "the interval units agree: parser, README, feedwatch.conf(5)"
done_testing
