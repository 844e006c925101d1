#!/bin/bash
# Issue 15 item 5: a filter that names no topic or feed is an error (exit 2)
# with "did you mean X?" when one is close; a topic is named by its key or
# its display name; a topic that left the config is still known by its
# hits; backtest runs a query only with --query.
. "$(dirname "$0")/../helpers/lib.sh"
plan 23

cat > "$T_TMP/tac.xml" <<'XML'
<?xml version="1.0"?><rss version="2.0"><channel><title>TAC</title>
<item><title>China swaps with Argentina</title><link>https://x.example/1</link><guid>1</guid></item>
<item><title>Milei in Washington</title><link>https://x.example/2</link><guid>2</guid></item>
<item><title>Old topic story</title><link>https://x.example/3</link><guid>3</guid></item>
</channel></rss>
XML
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
[feed tac]
url = file://$T_TMP/tac.xml
[topic china-swaps]
name = China swaps
query = China NEAR swap*
[topic milei]
query = Milei
[topic oldie]
name = Old Times
query = "Old topic"
CONF
fw -c "$conf" poll --no-notify 2> /dev/null
# The topic oldie leaves the config; its hit stays.
sed -i '/^\[topic oldie\]/,$d' "$conf"

n() { fw -c "$conf" hits --format json "$@" 2> /dev/null | wc -l; }
fw -c "$conf" hits --topic nosuch > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/out")|$(head -n 1 "$T_TMP/err")" "^2:\\|feedwatch hits: no topic 'nosuch' in .*fw.conf$" "hits --topic nosuch: exit 2, nothing printed"
fw -c "$conf" hits --topic china-swap > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch hits: no topic 'china-swap' in .*: did you mean china-swaps\\?" "a near miss: did you mean the key"
fw -c "$conf" hits --topic 'China swap' > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:.*did you mean China swaps\\?" "a near miss of a display name: did you mean the name"
is "$(n --topic 'China swaps')" 1 "a topic by its display name"
is "$(n --topic 'china SWAPS')" 1 "a display name in any case"
is "$(n --topic china-swaps)" 1 "a topic by its key"
is "$(n --topic oldie)" 1 "a topic that left the config is known by its hits"
is "$(n --topic 'old TIMES')" 1 "and by the display name its hits carry"
is "$(n --topic milei --topic Milei --topic milei)" 1 "a topic named three times: its hits once"
is "$(n --feed tac --feed tac)" 3 "a feed named twice: its hits once"
fw -c "$conf" hits --feed tak > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch hits: no feed 'tak' in .*: did you mean tac\\?" "hits --feed tak: exit 2, did you mean tac"
is "$(n --feed tac)" 3 "hits --feed tac"

fw -c "$conf" read --all --topic nosuch > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch read: no topic 'nosuch'" "read --all --topic nosuch: exit 2"
is "$(n --unread)" 3 "and nothing was marked read"
fw -c "$conf" read --all --topic 'China swaps' > /dev/null
is "$?:$(n --unread)" "0:2" "read --all --topic by display name marks that topic's hit"
fw -c "$conf" report --topic nosuch -o "$T_TMP/r.html" > /dev/null 2>&1
is "$?:$(ls "$T_TMP"/r.html* 2> /dev/null)" "2:" "report --topic nosuch: exit 2, nothing written"
fw -c "$conf" poll --feed tak > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch poll: no feed 'tak' .*did you mean tac\\?" "poll --feed tak: exit 2"

# backtest: a topic, or a query with --query, never a misspelt topic as a query
fw -c "$conf" backtest china-swap > "$T_TMP/out" 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/out")|$(tr '\n' '|' < "$T_TMP/err")" "^2:\\|feedwatch backtest: no topic 'china-swap' in .*: did you mean china-swaps\\?\\|\\(to run a query: --query QUERY\\)\\|Try" \
	"backtest china-swap: exit 2, did you mean china-swaps, no query run"
like "$(fw -c "$conf" backtest 'China swaps' | head -n 1)" "^Topic china-swaps \\(China swaps\\): China NEAR swap\\*$" "backtest by display name"
like "$(fw -c "$conf" backtest --query 'Milei' | tail -n 1)" "^1 of 3 stored items matched$" "backtest --query runs a query"
fw -c "$conf" backtest --query Milei milei > /dev/null 2>&1
is "$?" 2 "backtest with a topic and --query: exit 2"
fw -c "$conf" backtest --query 'milei or mercosur' > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(head -n 1 "$T_TMP/err")" "0:feedwatch backtest: query:7: warning: 'or' is a word to find here, not an operator: operators are in capitals (OR); to find the word, quote it" \
	"backtest --query with a lower-case or: it runs, with a warning on stderr"
fw -c "$conf" backtest --query 'Milei AND (' > /dev/null 2>&1
is "$?" 2 "backtest --query with a bad query: exit 2"
done_testing
