#!/bin/bash
# Issue 19 goal 4: the hit log's readers load the config's topic names, not
# their matchers. A query that does not parse is no error for hits, show,
# stats, report and status (the log is still readable while a topic is being
# fixed), and stays one for the commands that match: check, poll, match and
# backtest. Any other problem is an error for every command.
. "$(dirname "$0")/../helpers/lib.sh"
plan 12

cat > "$T_TMP/tac.xml" <<'XML'
<?xml version="1.0"?><rss version="2.0"><channel><title>TAC</title>
<item><title>Milei in Washington</title><link>https://x.example/1</link><guid>1</guid></item>
</channel></rss>
XML
conf="$T_TMP/fw.conf"
write_conf() {
	cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/data/fw.db
[feed tac]
url = file://$T_TMP/tac.xml
[topic milei]
query = $1
${2-}
CONF
}
write_conf Milei
fw -c "$conf" poll --no-notify > /dev/null 2>&1
ok $? "poll of a good config"

# The query breaks: the readers still read the log, by the topic's name.
write_conf '(Milei'
out=$(fw -c "$conf" hits --topic milei 2> "$T_TMP/err")
is "$?" 0 "hits with a query that does not parse: exit 0"
like "$out" "Milei in Washington" "and lists the hit"
fw -c "$conf" stats --days 3650 > /dev/null 2>&1 && fw -c "$conf" status > /dev/null 2>&1 &&
	fw -c "$conf" show 1 > /dev/null 2>&1 && fw -c "$conf" report --since 2000-01-01 > /dev/null 2>&1
ok $? "stats, status, show and report too"
fw -c "$conf" check > "$T_TMP/check.out" 2>&1
is "$?" 1 "check of the same config: exit 1"
like "$(cat "$T_TMP/check.out")" "fw.conf:6:9: " "and names the query's line and column"
fw -c "$conf" poll --no-notify > "$T_TMP/poll.out" 2>&1
is "$?" 1 "poll refuses it"
like "$(cat "$T_TMP/poll.out")" "fw.conf:6:9: " "naming the same place"
fw -c "$conf" backtest milei > "$T_TMP/bt.out" 2>&1
is "$?" 1 "backtest refuses it"

# Any other problem is one for the readers too.
write_conf Milei 'qeury = x'
fw -c "$conf" hits > /dev/null 2> "$T_TMP/err2"
is "$?" 1 "hits with an unknown key: exit 1"
like "$(cat "$T_TMP/err2")" "fw.conf:7:1: unknown key 'qeury' in \\[topic milei\\]" "naming it"
write_conf Milei '[topic milei]'
fw -c "$conf" hits > /dev/null 2> "$T_TMP/err3"
like "$(cat "$T_TMP/err3")" "group \\[topic milei\\] appears twice" "hits with a topic twice: the error"
done_testing
