#!/bin/bash
# Issue 15 item 6: an empty result says so on stderr when stdout is a
# terminal (and only then); on a fresh setup the readers say nothing has been
# polled yet and do not create a database.
. "$(dirname "$0")/../helpers/lib.sh"
plan 16
PTY="$FW_PY $FW_HELPERS/pty_run.py"

cat > "$T_TMP/tac.xml" <<'XML'
<?xml version="1.0"?><rss version="2.0"><channel><title>TAC</title>
<item><title>Milei in Washington</title><link>https://x.example/1</link><guid>1</guid></item>
</channel></rss>
XML
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/data/fw.db
[feed tac]
url = file://$T_TMP/tac.xml
[topic milei]
query = Milei
CONF

# A fresh setup: no database yet.
out=$(fw -c "$conf" hits 2> "$T_TMP/err")
is "$?:$out" "0:" "hits on a fresh setup: exit 0, nothing on stdout"
like "$(cat "$T_TMP/err")" "^feedwatch hits: nothing has been polled yet \\(no database .*/data/fw.db\\)" "and says nothing has been polled yet"
for c in hits status stats backtest; do
	a=""; [ "$c" = backtest ] && a=milei
	fw -c "$conf" $c $a > /dev/null 2>&1
done
fw -c "$conf" report -o "$T_TMP/r.html" 2> /dev/null
ok $? "report on a fresh setup: exit 0"
[ ! -e "$T_TMP/data" ]
ok $? "hits, status, stats, backtest and report created no database (nor its folder)"
fw -c "$conf" read 1 > /dev/null 2> "$T_TMP/err"
like "$?:$(tail -n 1 "$T_TMP/err")" "^1:feedwatch read: no hit 1$" "read 1 on a fresh setup: no hit 1, exit 1"
fw -c "$conf" unread --all > /dev/null 2>&1
fw -c "$conf" open 1 > /dev/null 2>&1
TERM=xterm $PTY "q" "$FW_BUILD/feedwatch" -c "$conf" browse > /dev/null 2>&1
[ ! -e "$T_TMP/data" ]
ok $? "read, unread, open and browse created no database either"
is "$(fw -c "$conf" prune 2>&1; echo "rc=$?")" "nothing to forget (no database $T_TMP/data/fw.db yet)
rc=0" "prune on a fresh setup: nothing to forget, exit 0"
[ ! -e "$T_TMP/data" ]
ok $? "prune created no database either"
like "$(fw -c "$conf" status 2> /dev/null)" "never +tac" "status lists the feed as never polled"

fw -c "$conf" poll --no-notify 2> /dev/null
[ -e "$T_TMP/data/fw.db" ]
ok $? "poll creates the database"

# An empty result: said on stderr on a terminal, never to a script.
$PTY "" "$FW_BUILD/feedwatch" -c "$conf" hits --search no-such-words > "$T_TMP/tty" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:feedwatch hits: no hits match" "hits with no match on a terminal: 'no hits match' on stderr"
fw -c "$conf" hits --search no-such-words > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/out" "$T_TMP/err")" "0:" "piped: nothing on stdout or stderr"
$PTY "" "$FW_BUILD/feedwatch" -c "$conf" hits > "$T_TMP/tty" 2> "$T_TMP/err"
is "$(cat "$T_TMP/err")" "" "hits that match: nothing said on stderr"
sqlite3 "$T_TMP/data/fw.db" "update hits set found = found - 40 * 86400"
$PTY "" "$FW_BUILD/feedwatch" -c "$conf" stats > "$T_TMP/tty" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:feedwatch stats: no hits in these days" "stats with no hits in range on a terminal: says so"
$PTY "" "$FW_BUILD/feedwatch" -c "$conf" backtest --format json --query nosuchword > "$T_TMP/tty" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "0:feedwatch backtest: no stored item matches" "backtest --format json with no match on a terminal: says so"
fw -c "$conf" backtest --format json --query nosuchword 2>&1 > /dev/null | wc -c | tr -d ' ' > "$T_TMP/n"
is "$(cat "$T_TMP/n")" 0 "piped: nothing said"
done_testing
