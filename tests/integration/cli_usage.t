#!/bin/bash
# Issue 15 items 7 and 8: global options go anywhere and mean the same
# everywhere; `help CMD` is `CMD --help`; usage errors name the command and
# point to its own help; one exit-code table; nothing given is accepted and
# ignored (--limit -1, `feedwatchd extra`, hit ranges and lists).
. "$(dirname "$0")/../helpers/lib.sh"
plan 31

items=""
for i in 1 2 3 4 5; do
	items="$items<item><title>Milei story $i</title><link>https://x.example/$i</link><guid>g$i</guid></item>"
done
printf '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>%s</channel></rss>\n' "$items" > "$T_TMP/a.xml"
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
[feed a]
url = file://$T_TMP/a.xml
[topic milei]
query = Milei
CONF
fw -c "$conf" poll --no-notify 2> /dev/null

# item 8: global options before or after the command, same meaning
after=$(fw status -c "$conf" --format json)
before=$(fw -c "$conf" status --format json)
is "$before" "$after" "-c FILE before the command is -c FILE after it"
is "$(fw --config="$conf" status --format json)" "$after" "--config=FILE before the command"
is "$(fw status --config="$conf" --format json)" "$after" "--config=FILE after the command"
fw -v -c "$conf" status > /dev/null 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:" "feedwatch -v status: -v before the command is accepted"
fw -c "$conf" -v poll --feed a 2> "$T_TMP/verbose.err" > /dev/null
fw -c "$conf" poll --feed a 2> "$T_TMP/quiet.err" > /dev/null
[ "$(grep -c debug "$T_TMP/verbose.err")" -gt "$(grep -c debug "$T_TMP/quiet.err")" ]
ok $? "-v before the command logs debug messages, as after it"
fw -c "$conf" -x status > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch: unknown option '-x' before the command" "an unknown global option: exit 2"
fw status -c > /dev/null 2>&1
is "$?" 2 "-c without FILE: exit 2"

# help CMD is CMD --help
is "$(fw help hits)" "$(fw hits --help)" "feedwatch help hits is feedwatch hits --help"
fw help hits extra > /dev/null 2>&1
is "$?" 2 "help with two words: exit 2"
fw help hist > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch: unknown command 'hist': did you mean hits\\?" "help of an unknown command: exit 2, nearest command"
like "$(fw --help)" "Exit status: 0 done, 1 failed, 2 bad usage or query" "the usage text has the exit-code table"
like "$(fw hits --help)" "Exit status: 0 done, 1 failed, 2 bad usage or query" "a command's help has it too"

# stats and report count stories (a story in two feeds once), as feedwatch(1)
# says: their help says stories too, not hits.
like "$(fw help | grep -E '^  (stats|report) ' | tr '\n' '|')" "^  stats +stories per topic per day[^|]*\\|  report +[^|]*of the stories " \
	"feedwatch help: stats and report are of stories"
like "$(fw stats --help | tr '\n' ' ')$(fw report --help | tr '\n' ' ')" "Stories per topic per day published .* a timeline of the stories per topic per day published" \
	"stats --help and report --help: stories per topic per day published"

# usage errors name the command and point to its own help
for args in "status extra" "hits --since bogus" "show x" "read" "prune --hits-before never" "stats --days 0" "backtest"; do
	set -- $args
	fw -c "$conf" "$@" > /dev/null 2> "$T_TMP/err"
	like "$?:$(tr '\n' '|' < "$T_TMP/err")" "^2:feedwatch $1: [^|]+\\|Try 'feedwatch $1 --help'\\.\\|$" "'$args': exit 2, names $1, points to 'feedwatch $1 --help'"
done

# The exit-code table in feedwatch(1)
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-c -P-b -P-u "$FW_TOP/man/feedwatch.1" 2>/dev/null)
table=$(printf '%s\n' "$text" | sed -n '/^EXIT STATUS/,/^EXAMPLES/p' | sed -n 's/^       \([0-9]\)  .*/\1/p' | tr '\n' ' ')
is "$table" "0 1 2 " "feedwatch(1) has one exit-code table: 0, 1, 2"

# item 7: nothing accepted and ignored
fw -c "$conf" hits --limit -1 > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch hits: bad --limit -1" "hits --limit -1: exit 2"
timeout 20 $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" extra > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatchd: unexpected argument 'extra'" "feedwatchd extra: exit 2, before anything starts"
unread() { fw -c "$conf" hits --unread --format json | "$FW_PY" -c 'import json,sys; print(" ".join(str(json.loads(l)["id"]) for l in sys.stdin))'; }
ids=$(fw -c "$conf" hits --format json | "$FW_PY" -c 'import json,sys; print(" ".join(sorted(str(json.loads(l)["id"]) for l in sys.stdin)))')
is "$ids" "1 2 3 4 5" "five hits to mark"
fw -c "$conf" read 1-3 > /dev/null
is "$?:$(unread)" "0:5 4" "read 1-3 marks hits 1, 2 and 3 read"
fw -c "$conf" unread 2,3 > /dev/null
is "$?:$(unread)" "0:5 4 3 2" "unread 2,3 marks a list unread"
fw -c "$conf" read 2,4-5 > /dev/null
is "$?:$(unread)" "0:3" "read 2,4-5: a list with a range"
fw -c "$conf" read 3-1 > /dev/null 2> "$T_TMP/err"
like "$?:$(unread):$(cat "$T_TMP/err")" "^2:3:feedwatch read: '3-1' is not a hit number, a range" "read 3-1 (a range going down): exit 2, nothing marked"
fw -c "$conf" read 3-x > /dev/null 2>&1
is "$?:$(unread)" "2:3" "read 3-x: exit 2, nothing marked"
fw -c "$conf" read 3-9 > /dev/null 2> "$T_TMP/err"
like "$?:$(unread):$(cat "$T_TMP/err")" "^1:3:feedwatch read: " "read 3-9 with hits 6-9 missing: exit 1, nothing marked"
done_testing
