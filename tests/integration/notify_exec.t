#!/bin/bash
# exec hooks: the program runs without a shell, with the hit in FEEDWATCH_*
# variables and as JSON on stdin; hostile titles ($(...), ;, a newline, a
# leading -) reach it verbatim; NOTIFY_SOCKET and WATCHDOG_* do not; a
# non-zero exit fails the row and it is tried again after the backoff; a
# digest topic runs the program once with every hit.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 16

W="$T_TMP/www"
R="$T_TMP/rec"
mkdir -p "$W" "$R"
cat > "$T_TMP/rec.sh" <<'SH'
#!/bin/sh
# Records what it was given: $REC/<hit id>/{title,...,stdin,argN,env}.
d="$REC/${FEEDWATCH_HIT_ID:-none}"
mkdir -p "$d"
for v in TOPIC TOPIC_NAME TITLE LINK FEED FEED_TITLE SNIPPET HIT_ID OUTBOX_ID DIGEST; do
	eval "printf '%s' \"\$FEEDWATCH_$v\"" > "$d/$v"
done
cat > "$d/stdin"
i=0
for a in "$@"; do i=$((i + 1)); printf '%s' "$a" > "$d/arg$i"; done
env > "$d/env"
SH
cat > "$T_TMP/flaky.sh" <<'SH'
#!/bin/sh
# Fails the first time it runs.
n=$(cat "$REC/flaky.count" 2>/dev/null || echo 0)
echo $((n + 1)) > "$REC/flaky.count"
[ "$n" -ge 1 ] || exit 3
SH
chmod +x "$T_TMP/rec.sh" "$T_TMP/flaky.sh"
export REC="$R"

conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
notify_initial = true
[feed news]
url = file://$W/news.xml
title = News; \$(rm -rf x)
[topic milei]
query = Milei
notify = exec
exec = $T_TMP/rec.sh --flag "two words" '\$(not run)'
CONF
PWNED="$T_TMP/pwned"
write_feed "$W/news.xml" "News" \
	"\$(touch $PWNED) Milei \`touch $PWNED\`|Milei & \$HOME" \
	"Milei; touch $PWNED; echo|x" \
	"-rf Milei --help|-n Milei" \
	"Milei \"quoted\" 'single' \\\\ back|Milei
second line
third line"

NOTIFY_SOCKET="$T_TMP/sd.sock" WATCHDOG_USEC=1000000 WATCHDOG_PID=1 \
	fw -c "$conf" poll 2> "$T_TMP/poll.err"
ok $? "poll exits 0"
is "$(ls "$R" | wc -l)" 4 "the program ran once per hit"
test ! -e "$PWNED"
ok $? "nothing in a title was run"
cmp=$(fw -c "$conf" hits --format json | $FW_PY -c '
import json, os, sys
rec = os.environ["REC"]
bad = []
for line in sys.stdin:
    h = json.loads(line)
    d = os.path.join(rec, str(h["id"]))
    got = {v: open(os.path.join(d, v), encoding="utf-8", newline="").read()
           for v in ("TOPIC", "TOPIC_NAME", "TITLE", "LINK", "FEED", "FEED_TITLE", "SNIPPET", "HIT_ID")}
    want = {"TOPIC": h["topic"], "TOPIC_NAME": h["topic_name"], "TITLE": h["title"],
            "LINK": h["link"], "FEED": h["feed"], "FEED_TITLE": h["feed_title"],
            "SNIPPET": h["snippet"], "HIT_ID": str(h["id"])}
    if got != want:
        bad.append("env %d: %r != %r" % (h["id"], got, want))
    j = json.loads(open(os.path.join(d, "stdin"), encoding="utf-8").read())
    for k in ("read", "notified"):
        j.pop(k, None); h.pop(k, None)
    if j != h:
        bad.append("stdin %d: %r != %r" % (h["id"], j, h))
print("\n".join(bad) if bad else "same")')
is "$cmp" same "the environment and stdin carry the hit exactly as the hit log has it"
is "$(hits "$conf" '[x["title"] for x in h]')" \
	"[\"\$(touch $PWNED) Milei \`touch $PWNED\`\", \"Milei; touch $PWNED; echo\", \"-rf Milei --help\", \"Milei \\\"quoted\\\" 'single' \\\\\\\\ back\"]" \
	"the hostile titles are stored as they were"
is "$(cat "$R/1/FEED_TITLE")" 'News; $(rm -rf x)' "the feed title too"
is "$(cat "$R/4/SNIPPET")" "Milei second line third line" \
	"text across lines: the feed parser folds the newlines, the program gets the same text"
is "$(cat "$R/1/arg1")|$(cat "$R/1/arg2")|$(cat "$R/1/arg3")|$(ls "$R/1" | grep -c '^arg')" \
	'--flag|two words|$(not run)|3' "argv as the config split it, no shell"
is "$(grep -c '^NOTIFY_SOCKET=\|^WATCHDOG_' "$R/1/env")" 0 "NOTIFY_SOCKET and WATCHDOG_* are not passed on"
is "$(hits "$conf" 'sorted({x["notified"] for x in h})')" '["delivered"]' "exit 0: delivered"

# A failing program: failed once, still pending, tried again after the backoff.
now=$(date +%s)
cat >> "$conf" <<CONF
[feed flaky]
url = file://$W/flaky.xml
[topic flaky]
query = Flaky
notify = exec
exec = $T_TMP/flaky.sh
CONF
write_feed "$W/flaky.xml" "Flaky" "Flaky story|x"
fw -c "$conf" poll --test-now=$((now + 60)) --feed flaky 2> "$T_TMP/flaky.err"
like "$(cat "$T_TMP/flaky.err")" "topic flaky: exec: exited with status 3" "a non-zero exit is logged"
is "$(hits "$conf" '[x["notified"] for x in h if x["topic"] == "flaky"]')" '["pending"]' \
	"and the hit stays pending"
fw -c "$conf" poll --test-now=$((now + 90)) --feed flaky 2> /dev/null
is "$(cat "$R/flaky.count")" 1 "not tried again before the backoff"
fw -c "$conf" poll --test-now=$((now + 200)) --feed flaky 2> /dev/null
is "$(cat "$R/flaky.count")" 2 "tried again after it"
is "$(hits "$conf" '[x["notified"] for x in h if x["topic"] == "flaky"]')" '["delivered"]' \
	"and delivered"

# A digest topic: one run with every hit.
at=$(date -u -d "@$((now + 3 * 3600))" +%H:%M)
D=$(( (now + 3 * 3600) / 60 * 60 ))
cat >> "$conf" <<CONF
[feed daily]
url = file://$W/daily.xml
[topic daily]
query = Daily
notify = exec digest
exec = $T_TMP/rec.sh
digest_at = $at
CONF
write_feed "$W/daily.xml" "Daily" "Daily one|x" "Daily two|x"
fw -c "$conf" poll --test-now=$((D - 60)) --feed daily 2> /dev/null
fw -c "$conf" poll --test-now=$((D + 60)) --feed daily 2> /dev/null
ids=$(hits "$conf" '" ".join(str(x["id"]) for x in h if x["topic"] == "daily")')
is "$(cat "$R/$ids/DIGEST") $(cat "$R/$ids/TITLE") $($FW_PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["digest"], j["count"], [x["title"] for x in j["hits"]])' "$R/$ids/stdin")" \
	"2 Daily digest: 2 hits True 2 ['Daily one', 'Daily two']" "one run with both hits (JSON on stdin)"
done_testing
