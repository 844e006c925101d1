# Shared by the notify_*.t tests (sourced after tests/helpers/lib.sh): feeds
# written on the fly, the recording server's log, the hit log, waiting.
export TZ=UTC
FEED_SERIAL=0

# write_feed FILE TITLE ITEM...: an RSS 2.0 feed at FILE. Each ITEM is
# "title|description" (plain text: markup in it arrives as text, "\xff" is
# one raw 0xff byte, "BIG:N:text" is text followed by N letters x). Item i
# has the guid and link .../BASENAME/i. FILE's mtime moves on at every write
# (file:// feeds are conditional on size and mtime).
write_feed() {
	FEED_SERIAL=$((FEED_SERIAL + 1))
	$FW_PY - "$@" <<'PY'
import html, os, sys
path, title, items = sys.argv[1], sys.argv[2], sys.argv[3:]
name = os.path.splitext(os.path.basename(path))[0]

def text(s):
    if s.startswith("BIG:"):
        _, n, rest = s.split(":", 2)
        s = rest + "x" * int(n)
    # twice: RSS titles and descriptions are read as HTML
    return html.escape(html.escape(s, quote=False), quote=False).replace("\\xff", "\udcff")

out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0"><channel>',
       '<title>%s</title><link>https://example.com/</link>' % html.escape(title)]
for i, it in enumerate(items):
    t, _, d = it.partition("|")
    out.append('<item><title>%s</title><link>https://example.com/%s/%d</link>'
               '<guid>%s-%d</guid><description>%s</description></item>'
               % (text(t), name, i, name, i, text(d)))
out.append('</channel></rss>\n')
with open(path, "wb") as f:
    f.write("\n".join(out).encode("utf-8", "surrogateescape"))
PY
	touch -d "@$(( $(date +%s) - 1000 + FEED_SERIAL ))" "$1"
}

# nlog N EXPR: a Python expression over n, the N-th (1-based) Notify call
# in $NOTIFY_LOG; prints its value (lists and dicts as JSON).
nlog() {
	$FW_PY - "$NOTIFY_LOG" "$1" "$2" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
n = lines[int(sys.argv[2]) - 1]
v = eval(sys.argv[3])
print(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
PY
}

# ncount: Notify calls so far.
ncount() { if [ -f "$NOTIFY_LOG" ]; then wc -l < "$NOTIFY_LOG" | tr -d ' '; else echo 0; fi; }

# hits CONF EXPR: a Python expression over h, the list of the hit log's JSON
# objects (oldest first); prints its value.
hits() {
	fw -c "$1" hits --format json | $FW_PY -c '
import json, sys
h = sorted((json.loads(l) for l in sys.stdin if l.strip()), key=lambda x: x["id"])
v = eval(sys.argv[1])
print(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)' "$2"
}

# hits_is CONF EXPR EXPECTED: the hit log's EXPR (see hits) prints EXPECTED.
hits_is() { [ "$(hits "$1" "$2")" = "$3" ]; }

# lines_are FILE N: FILE has N lines.
lines_are() { [ -f "$1" ] && [ "$(wc -l < "$1" | tr -d ' ')" = "$2" ]; }

# wait_until SECONDS CMD... (CMD is run again each time: pass a command,
# not the value of $(...)): runs CMD every 0.1 s until it succeeds; status 1
# when SECONDS pass first.
wait_until() {
	local limit=$(( $1 * 10 )) i=0
	shift
	while [ $i -lt $limit ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# at_least N: the notify log holds at least N calls.
at_least() { [ "$(ncount)" -ge "$1" ]; }

# start_daemon CONF [ENV=VALUE...] [-- OPTION...]: feedwatchd in the
# background with those variables and options (DPID, stderr in
# $T_TMP/d.err); stopped when the test ends.
start_daemon() {
	local conf=$1 vars=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do vars+=("$1"); shift; done
	[ $# -gt 0 ] && shift
	env "${vars[@]}" $FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" "$@" 2>> "$T_TMP/d.err" &
	DPID=$!
	at_exit stop_daemon
}
stop_daemon() { [ -n "${DPID:-}" ] && kill -TERM "$DPID" 2>/dev/null && wait "$DPID"; }

# restart_server [OPTIONS]: a new recording server with an empty log.
restart_server() {
	kill "$NOTIFY_PID" 2>/dev/null && wait "$NOTIFY_PID" 2>/dev/null
	rm -f "$T_TMP/notify.log"
	start_notify_server "$@"
}
