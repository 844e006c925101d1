#!/bin/bash
# exec_parallel: a feed of 200 matching items runs its exec hook 200 times,
# never more than exec_parallel (default 4) at once; the rest wait in the
# outbox and run as hooks end, each exactly once, all delivered. Issue 16,
# item 5 (a feed of 3,000 items started 1,000 hooks at once).
. "$(dirname "$0")/../helpers/lib.sh"
plan 8

W="$T_TMP/www"
mkdir -p "$W" "$T_TMP/run"
# The hook: a marker per running hook; logs how many markers it saw (itself
# included), then holds its slot a moment.
cat > "$T_TMP/hook.sh" <<'SH'
#!/bin/sh
touch "$RUN/$FEEDWATCH_HIT_ID"
n=$(ls "$RUN" | wc -l)
printf '%s %s\n' "$FEEDWATCH_HIT_ID" "$n" >> "$LOG"
sleep 0.1
rm -f "$RUN/$FEEDWATCH_HIT_ID"
SH
chmod +x "$T_TMP/hook.sh"
export RUN="$T_TMP/run"

"$FW_PY" - "$W/news.xml" <<'PY'
import sys
items = "".join("<item><title>Milei story %d</title><link>http://x.example/%d</link>"
                "<guid>id-%d</guid><description>Milei %d</description></item>" % (i, i, i, i)
                for i in range(200))
open(sys.argv[1], "w").write('<?xml version="1.0"?><rss version="2.0"><channel>'
                             "<title>News</title>%s</channel></rss>" % items)
PY

# run NAME [exec_parallel]: a fresh database polled once; sets LOG.
run() {
	export LOG="$T_TMP/$1.log"
	: > "$LOG"
	rm -f "$T_TMP/$1.db"*
	{
		printf '[feedwatch]\ndatabase = %s\nnotify_initial = true\n' "$T_TMP/$1.db"
		[ -n "${2:-}" ] && printf 'exec_parallel = %s\n' "$2"
		printf '[feed news]\nurl = file://%s/news.xml\n' "$W"
		printf '[topic milei]\nquery = Milei\nnotify = exec\nexec = %s\n' "$T_TMP/hook.sh"
	} > "$T_TMP/$1.conf"
	fw -c "$T_TMP/$1.conf" poll > "$T_TMP/$1.out" 2>&1
}
peak() { sort -k2 -n "$LOG" | tail -n 1 | cut -d' ' -f2; }

run default
ok $? "poll with 200 hits and the default exec_parallel exits 0"
p=$(peak)
diag "default: at most $p hooks at once"
ok $([ "${p:-99}" -le 4 ] && [ "${p:-0}" -ge 2 ]; echo $?) "default: 2 to 4 hooks at once, never more (saw $p)"
is "$(cut -d' ' -f1 "$LOG" | sort -u | wc -l) $(wc -l < "$LOG")" "200 200" "default: each of the 200 hits ran its hook once"
is "$(fw -c "$T_TMP/default.conf" hits --format json --limit 0 | grep -c '"notified":"delivered"')" 200 \
	"default: all 200 delivered"

run two 2
ok $? "poll with exec_parallel = 2 exits 0"
p=$(peak)
is "$p" 2 "exec_parallel = 2: two hooks at once at most (and at times two)"
is "$(cut -d' ' -f1 "$LOG" | sort -u | wc -l) $(wc -l < "$LOG")" "200 200" "exec_parallel = 2: each hit's hook ran once"

fw -c "$T_TMP/two.conf" check > /dev/null 2>&1
ok $? "check accepts exec_parallel"
done_testing
