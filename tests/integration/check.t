#!/bin/bash
# `feedwatch check` and the daemon on good and bad configs: every problem
# named by file:line[:col], exit 1; no config at all names the paths looked in.
. "$(dirname "$0")/../helpers/lib.sh"
plan 12

fw -c "$FW_TOP/config/feedwatch.conf" check > "$T_TMP/out"
ok $? "the shipped example config is valid"
like "$(cat "$T_TMP/out")" "ok, 1 feed, 3 topics" "check counts feeds and topics"

bad="$T_TMP/bad.conf"
cat > "$bad" <<'CONF'
[feedwatch]
interval = 5 minutes
[feed a]
url = ftp://example.org/feed
[topic t]
query = (China OR Beijing NEAR/8 swap*
[topic u]
query = Milei
colour = red
CONF
fw -c "$bad" check > "$T_TMP/out" 2> "$T_TMP/err"
is "$?" 1 "check exits 1 on a bad config"
out=$(cat "$T_TMP/out")
like "$out" "bad.conf:2:12: interval: bad duration" "bad duration at line 2 column 12"
like "$out" "bad.conf:4:7: url: only http://, https:// and file://" "ftp URL at line 4 column 7"
like "$out" "bad.conf:6:[0-9]+: " "bad query at line 6 with a column"
like "$out" "^ +\^$" "a caret line under the query error"
like "$out" "bad.conf:9: unknown key 'colour' in \[topic u\]" "unknown key at line 9"

fwd -c "$bad" 2> "$T_TMP/derr"
is "$?" 1 "feedwatchd refuses a bad config"
like "$(cat "$T_TMP/derr")" "bad.conf:2:12" "feedwatchd logs the problems"

fwd 2> "$T_TMP/none"
is "$?" 1 "feedwatchd without a config exits 1"
like "$(cat "$T_TMP/none")" "feedwatch/feedwatch.conf and /etc/feedwatch/feedwatch.conf" "and names the paths it looked in"
done_testing
