#!/bin/bash
# The man pages are lint-clean (groff -ww warns about every questionable
# request); feedwatchd(8) lists every signal the daemon handles; README and
# feedwatch.conf(5) list the interval units the config parser takes;
# feedwatch.conf(5) has an entry for every key the parser takes, in its group;
# feedwatch(1) names every option of each command's --help in the command's
# section, and feedwatchd(8) every option of feedwatchd --help.
. "$(dirname "$0")/../helpers/lib.sh"
plan 9
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

# The duration units: the parser's table, the units its errors list, README's
# example, the example config and feedwatch.conf(5).
code=$(sed -n '/duration_units\[\] = {/{n;p;}' "$FW_TOP/daemon/config.c" | grep -o '"[a-z]"' | tr -d '"' | tr '\n' ' ')
hint=$(sed -n 's/^#define DURATION_UNITS "\([a-z, ]*\)".*/\1/p' "$FW_TOP/daemon/config.c" | sed 's/ or /, /' | tr -d ',' | sed 's/$/ /')
readme=$(sed -n 's/^interval = .*# default poll interval (\([a-z, ]*\)).*/\1/p' "$FW_TOP/README.md" | tr -d ',' | tr -s ' ' | sed 's/$/ /')
example=$(sed -n 's/^interval = .*# default poll interval (\([a-z, ]*\)).*/\1/p' "$FW_TOP/config/feedwatch.conf" | tr -d ',' | tr -s ' ' | sed 's/$/ /')
page=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatch.conf.5" 2>/dev/null |
	sed -n 's/^ *The default poll interval: \([a-z, ]*\);.*/\1/p' | tr -d ',' | tr -s ' ' | sed 's/$/ /')
is "$code|$hint|$readme|$example|$page" "s m h d w |s m h d w |s m h d w |s m h d w |s m h d w " \
	"the duration units agree: parser, its errors, README, example config, feedwatch.conf(5)"
# The size units: what the errors list and what feedwatch.conf(5) says.
hint=$(sed -n 's/^#define SIZE_UNITS "\([A-Za-z, ]*\)".*/\1/p' "$FW_TOP/daemon/config.c")
page=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatch.conf.5" 2>/dev/null |
	tr '\n' ' ' | tr -s ' ' | grep -o 'SIZE is a whole number of bytes, or one with a unit, [A-Z, or]* (' | sed 's/.*unit, \(.*\) (/\1/')
is "$hint|$page" "K, M or G|K, M or G" "the size units agree: the parser's errors, feedwatch.conf(5)"

# Every key of the parser's tables (main_keys, feed_keys, topic_keys in
# config.c) has its own "key = ..." entry in its group's section of
# feedwatch.conf(5): a key named only in passing is one a user cannot find.
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatch.conf.5" 2>/dev/null)
missing=""
for kind in main feed topic; do
	case $kind in
	main) from='\[feedwatch\]' to='\[feed NAME\]' ;;
	feed) from='\[feed NAME\]' to='\[topic NAME\]' ;;
	topic) from='\[topic NAME\]' to='QUERIES' ;;
	esac
	keys=$("$FW_PY" -c 'import re, sys
src = open(sys.argv[1]).read()
m = re.search(r"static const char \*const %s_keys\[\] = \{(.*?)\};" % sys.argv[2], src, re.S)
print(" ".join(re.findall(r"\x22([a-z_]+)\x22", m.group(1))))' "$FW_TOP/daemon/config.c" "$kind")
	section=$(printf '%s\n' "$text" | sed -n "/^$from\$/,/^$to\$/p")
	[ -n "$keys" ] && [ -n "$section" ] || missing="$missing (no $kind keys or section)"
	for k in $keys; do
		printf '%s\n' "$section" | grep -qE "^       $k = " || missing="$missing $kind:$k"
	done
done
is "$missing" "" "feedwatch.conf(5) has an entry for every key of [feedwatch], [feed NAME] and [topic NAME]"

# Every option `feedwatch CMD --help` lists (but the global ones, under
# OPTIONS) is named in CMD's section of feedwatch(1), its short form too.
text=$(LC_ALL=C.UTF-8 MANWIDTH=1000 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatch.1" 2>/dev/null | sed 's/‐/-/g')
missing=""
for c in $(fw help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p'); do
	section=$(printf '%s\n' "$text" | awk -v c="$c" '
		/^   [a-z]/ { in_cmd = ($1 == c || $0 ~ ("^   " c ",") || $0 ~ (", " c "$")) }
		/^[A-Z]/ { in_cmd = 0 }
		in_cmd')
	[ -n "$section" ] || { missing="$missing $c:(no section)"; continue; }
	for o in $(fw "$c" --help | sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z-]*\).*/\1\n\2/p; s/^  \(--[a-z-]*\).*/\1/p'); do
		case $o in -h | --help | -c | --config | -v | --verbose) continue ;; esac
		printf '%s\n' "$section" | grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" || missing="$missing $c:$o"
	done
done
is "$missing" "" "feedwatch(1) names every option of each command's --help in its section"
section=$(LC_ALL=C.UTF-8 MANWIDTH=1000 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatchd.8" 2>/dev/null |
	sed 's/‐/-/g' | sed -n '/^OPTIONS/,/^SYSTEMD/p')
missing=""
for o in $(fwd --help | sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z-]*\).*/\1\n\2/p; s/^  \(--[a-z-]*\).*/\1/p'); do
	printf '%s\n' "$section" | grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" || missing="$missing $o"
done
is "$missing" "" "feedwatchd(8) OPTIONS names every option of feedwatchd --help"
done_testing
