#!/bin/bash
# `feedwatch check` and the daemon on good and bad configs: every problem
# named by file:line[:col], exit 1; no config at all names the paths looked in.
# Relative paths in a config are taken from its own folder, whatever the
# working directory; a NUL byte is an error at its line:column; only a
# regular file of at most 32 MiB is read. Likely slips in queries that load
# ("milei or mercosur") are warnings from check, match and the daemon.
. "$(dirname "$0")/../helpers/lib.sh"
plan 33

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
like "$out" "bad.conf:9:1: unknown key 'colour' in \[topic u\]" "unknown key at line 9"

# Queries that load but may not say what their writer meant: warnings, by
# line:col with a caret; check still exits 0, and so do match and the daemon.
slips="$T_TMP/slips.conf"
cat > "$slips" <<CONF
[feedwatch]
database = $T_TMP/slips.db
[topic a]
query = Milei, Mercosur
[topic b]
query = Milei
also = Bolsonaro, Lula or Dilma
[topic c]
query = Milei|Mercosur
[topic d]
query = "milei or mercosur"
CONF
fw -c "$slips" check > "$T_TMP/out" 2> "$T_TMP/err"
is "$?" 0 "check: slips are warnings, exit 0"
is "$(cat "$T_TMP/out")" "$slips:4:14: warning: ',' is not an operator: the terms it separates are all required; for any of them, write OR between them
    query = Milei, Mercosur
                 ^
$slips:7:24: warning: also: 'or' is a word to find here, not an operator: operators are in capitals (OR); to find the word, quote it
    also = Bolsonaro, Lula or Dilma
                           ^
$slips:9:14: warning: '|' is not an operator: Milei|Mercosur finds the words next to each other; for either, write OR between them
    query = Milei|Mercosur
                 ^
$slips: ok, 0 feeds, 4 topics, database $T_TMP/slips.db (3 warnings above)" \
	"each slip by line:col with a caret, the quoted one not; the summary counts them"
out=$(echo "Mercosur summit" | fw match 'mercosur or mercosul' 2>&1 >/dev/null)
is "$out" "feedwatch match: query:10: warning: 'or' is a word to find here, not an operator: operators are in capitals (OR); to find the word, quote it
    mercosur or mercosul
             ^" "match: the slip on stderr, with a caret"
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$slips" 2> "$T_TMP/derr" &
dpid=$!
for i in $(seq 600); do grep -q "watching" "$T_TMP/derr" && break; sleep 0.05; done
kill -TERM $dpid; wait $dpid
like "$(grep -c 'warning: .*not an operator' "$T_TMP/derr")" "^3$" "feedwatchd logs the three slips, and runs"
like "$(cat "$T_TMP/derr")" "warning: $slips:4:14: ',' is not an operator: the terms it separates are all required; for any of them, write OR between them\$" \
	"each as one line: where, and what (the caret is check's)"

fwd -c "$bad" 2> "$T_TMP/derr"
is "$?" 1 "feedwatchd refuses a bad config"
like "$(cat "$T_TMP/derr")" "bad.conf:2:12" "feedwatchd logs the problems"

fwd 2> "$T_TMP/none"
is "$?" 1 "feedwatchd without a config exits 1"
like "$(cat "$T_TMP/none")" "feedwatch/feedwatch.conf and /etc/feedwatch/feedwatch.conf" "and names the paths it looked in"
# Relative paths: the config in cfg/, run from elsewhere/, named relatively.
mkdir -p "$T_TMP/cfg/feeds" "$T_TMP/cfg/hooks" "$T_TMP/elsewhere"
cp "$FW_TOP/tests/fixtures/tac-feed.xml" "$T_TMP/cfg/feeds/tac.xml"
cat > "$T_TMP/cfg/hooks/on-hit" <<'SH'
#!/bin/sh
echo "$FEEDWATCH_TOPIC" >> hook.ran
SH
chmod +x "$T_TMP/cfg/hooks/on-hit"
cat > "$T_TMP/cfg/t.conf" <<'CONF'
[feedwatch]
database = t.db
notify_initial = true
[feed tac]
url = file:feeds/tac.xml
[topic milei]
query = Milei
notify = exec
exec = hooks/on-hit
CONF
out=$(cd "$T_TMP/elsewhere" && fw -c ../cfg/t.conf check 2> "$T_TMP/rel.err")
ok $? "check -c ../cfg/t.conf from another folder: ok"
is "$(cat "$T_TMP/rel.err")" "" "and no warning on stderr"
like "$out" "database $T_TMP/cfg/t.db\$" "database = t.db is next to the config, not in the working directory or the default"
(cd "$T_TMP/elsewhere" && fw -c ./../cfg/t.conf poll > "$T_TMP/rel.poll" 2>&1)
ok $? "poll through the relative config"
[ -s "$T_TMP/cfg/t.db" ] && [ ! -e "$T_TMP/elsewhere/t.db" ] && [ ! -e "$XDG_DATA_HOME/feedwatch/feedwatch.db" ]
ok $? "the poll wrote cfg/t.db, nothing in the working directory or the default place"
like "$(cd / && fw -c "$T_TMP/cfg/t.conf" hits --format csv 2>&1)" "Limits to a Trump-Milei" \
	"file:feeds/tac.xml was read from the config's folder (a hit from it)"
like "$(cat "$T_TMP/elsewhere/hook.ran" 2>/dev/null)" "^milei" "exec = hooks/on-hit ran the config folder's program"

# A NUL byte: an error at its line and column, not the rest of the file dropped.
printf '[feedwatch]\n[topic a]\nquery = x\n[topic b]\nquery = ok\0(\n[topic c]\nquery = (\n' > "$T_TMP/nul.conf"
fw -c "$T_TMP/nul.conf" check > "$T_TMP/out" 2> "$T_TMP/err"
is "$?" 1 "check fails on a config with a NUL byte"
like "$(cat "$T_TMP/out")" "nul.conf:5:11: a NUL byte" "the NUL is named at line 5, column 11"
like "$(cat "$T_TMP/out")" "nul.conf:7:9: " "and the bad query after it is still found"

# Only a regular file up to 32 MiB: /dev/zero, a FIFO, a 34 MB file fail at once.
mkfifo "$T_TMP/fifo.conf"
head -c 34000000 /dev/zero | tr '\0' '#' > "$T_TMP/big.conf"
for f in /dev/zero "$T_TMP/fifo.conf" "$T_TMP/big.conf"; do
	start=$(date +%s%N)
	timeout 20 "$FW_BUILD/feedwatch" -c "$f" check > /dev/null 2> "$T_TMP/err"
	st=$?
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	diag "check -c $f: exit $st in $ms ms"
	is "$st" 1 "check -c $(basename "$f") fails (not a hang or a 9 GB read)"
done
like "$(cat "$T_TMP/err")" "big.conf is larger than 32 MiB" "the error says why"
timeout 20 "$FW_BUILD/feedwatchd" -c /dev/zero 2> "$T_TMP/err"
is "$?" 1 "feedwatchd -c /dev/zero fails at once"
like "$(cat "$T_TMP/err")" "/dev/zero is not a regular file" "and says it is not a regular file"
done_testing
