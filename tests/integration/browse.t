#!/bin/bash
# feedwatch browse driven through tmux (send-keys, capture-pane) on a
# database filled by a real poll (review_setup.sh) plus a hostile feed of our
# own (tests/fixtures/review/browse.xml: CJK, emoji, a right-to-left override,
# and escape sequences written into its title in the database): the topics'
# counts against the hit log's stories, navigation, the reader's wrapping
# at 80 and 132 columns (every word, in order, greedy, never wider than the
# window), mark read and unread (the database changes), open, mark all
# read, mute (the mutes table; feedwatchd holds the muted topic's
# notification), the filter, a hit stored by a running feedwatchd appearing,
# resizing, NO_COLOR, the hostile title shown inert, and a topic of 250
# stories read a window at a time (past the first window, marking read
# there, a refresh while scrolled, a story whose older copy is deep in the
# list listed once).
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/review_setup.sh"
. "$(dirname "$0")/notify_setup.sh"   # wait_until, start_daemon; TZ=UTC
plan 74

# Under valgrind everything is slower: wait longer.
WAIT=20
[ -n "$FW_WRAP" ] && WAIT=120

review_setup
cp "$FW_TOP/tests/fixtures/review/browse.xml" "$CORPUS/extra/"
printf '\n[feed hostile]\nurl = %s/extra/browse.xml\n' "$BASE" >> "$CONF"
fw -c "$CONF" poll --no-notify > "$T_TMP/poll2.log" 2>&1
ok $? "a poll with the hostile feed"
# What a feed could not put through the parser, a database may still hold:
# escape sequences (clear the screen, set the window title, C1 CSI red).
sqlite3 "$DB" "UPDATE items SET title = 'Milei ' || char(27) || '[2J' || char(27) ||
	']0;pwned' || char(7) || ' 日本語のニュース 😀 ' || char(8238) || 'gnp.exe' ||
	char(8236) || ' ' || char(155) || '31mZanzibar' WHERE item_key = 'hostile-1'"

mkdir -p "$T_TMP/bin"
cat > "$T_TMP/bin/recorder" <<EOF
#!/bin/sh
printf '%s\n' "\$@" >> "$T_TMP/opened"
EOF
chmod +x "$T_TMP/bin/recorder"

TMUX_SOCK="$T_TMP/tmux.sock"
tm() { tmux -u -f /dev/null -S "$TMUX_SOCK" "$@"; }
tm_stop() { tm kill-server; }
at_exit tm_stop
# A session that outlives the browsers: with none left the server exits, and
# a browser started while it is exiting fails ("server exited unexpectedly").
tm new-session -d -s keep -x 20 -y 5 'sleep 100000'
# browse NAME COLS ROWS [ENV=VALUE...]: feedwatch browse in a new tmux
# session; its exit status goes to $T_TMP/NAME.rc.
browse() {
	local name=$1 cols=$2 rows=$3
	shift 3
	tm new-session -d -s "$name" -x "$cols" -y "$rows" \
		"env TERM=tmux-256color LC_ALL=C.UTF-8 TZ=UTC BROWSER='$T_TMP/bin/recorder' $* \
		$FW_WRAP '$FW_BUILD/feedwatch' -c '$CONF' browse 2> '$T_TMP/$name.err'; \
		echo \$? > '$T_TMP/$name.rc'"
}
screen() { tm capture-pane -p -t "$1"; }
screen_e() { tm capture-pane -p -e -t "$1"; }
keys() { local s=$1; shift; tm send-keys -t "$s" "$@"; }
# shows NAME REGEX: the screen matches (grep -E), within WAIT seconds.
shows() { wait_until "$WAIT" eval "screen '$1' | grep -Eq -- '$2'"; }
# hits_read TITLE_PART: the read flags of the hits whose title has it, in id order.
hits_read() {
	fw -c "$CONF" hits --format json --limit 0 | "$FW_PY" -c '
import json, sys
h = sorted((json.loads(l) for l in sys.stdin), key=lambda x: x["id"])
print(" ".join(str(x["read"]).lower() for x in h if sys.argv[1] in (x["title"] or "")))' "$1"
}
read_is() { [ "$(hits_read "$1")" = "$2" ]; }

# Python: widths as the terminal counts them (East Asian Wide/Fullwidth: 2).
cat > "$T_TMP/term.py" <<'PY'
import json, re, sys, unicodedata

def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w

def canon(link):
    # fw_store_canonical_link, for the links of the corpus
    m = re.match(r"^([a-zA-Z]+)://([^/?#]*)([^?#]*)(\?[^#]*)?", link)
    scheme, host, path, query = m.group(1).lower(), m.group(2).lower(), m.group(3), m.group(4) or ""
    params = [p for p in query[1:].split("&") if p and not p.lower().startswith("utm_")]
    return "%s://%s%s%s" % (scheme, host, path.rstrip("/"), "?" + "&".join(params) if params else "")

def stories(path):
    # topic key -> set of story keys, from `hits --format json`
    out = {}
    for line in open(path, encoding="utf-8"):
        h = json.loads(line)
        key = canon(h["link"]) if h["link"] else h["feed"] + "/" + h["item_id"]
        out.setdefault(h["topic"], set()).add(key)
        out.setdefault(None, set()).add(key)
    return out

def wrap_ok(lines, text, cols):
    """The lines hold text's words in order, none wider than cols, and no
    word could have gone on the line before it (greedy)."""
    words = text.split()
    got = " ".join(lines).split()
    if got != words[:len(got)] or not got:
        return "not the text's words in order: %r" % got[:12]
    for i, l in enumerate(lines):
        if width(l) > cols:
            return "line %d is %d columns" % (i, width(l))
        if i > 0 and lines[i - 1] and l and width(lines[i - 1]) + 1 + width(l.split()[0]) <= cols \
                and width(l.split()[0]) <= cols:
            return "line %d: %r fitted on the line before" % (i, l.split()[0])
    return "ok"

cmd = sys.argv[1]
if cmd == "counts":
    # the topic lines expected: "N  unread/total  Name" (all unread yet)
    st = stories(sys.argv[2])
    names = [(None, "All topics"), ("milei", "Milei"), ("mercosur", "Mercosur"),
             ("china-swaps", "China swaps")]
    n = [len(st.get(k, ())) for k, _ in names]
    wu = max(len(str(x)) for x in n)
    for (k, name), x in zip(names, n):
        print("N  %*d/%-*d  %s" % (wu, x, wu, x, name))
elif cmd == "widest":
    print(max(width(l) for l in open(sys.argv[2], encoding="utf-8").read().split("\n")))
elif cmd == "aligned":
    # the topics column (after the last run of 2+ spaces) starts at one column
    cols = set()
    for l in open(sys.argv[2], encoding="utf-8").read().split("\n")[1:int(sys.argv[3]) + 1]:
        m = list(re.finditer(r"  +", l.rstrip()))
        if m:
            cols.add(width(l[:m[-1].end()]))
    print(" ".join(str(c) for c in sorted(cols)))
elif cmd == "body":
    # the reader's text: the rows after the first empty one, but the two bars
    rows = open(sys.argv[2], encoding="utf-8").read().split("\n")
    rows = rows[1:-3] if rows[-1] == "" else rows[1:-2]
    body = rows[rows.index("") + 1:] if "" in rows else []
    while body and body[-1] == "":
        body.pop()
    print(wrap_ok(body, sys.argv[3], int(sys.argv[4])))
PY
term() { "$FW_PY" "$T_TMP/term.py" "$@"; }
hits_json "$T_TMP/hits.json"
# (the stored summary is the parsed one: items' text is stored compressed)
summary=$(fw parse --format json "$CORPUS/extra/browse.xml" | "$FW_PY" -c 'import json, sys
print(next(json.loads(l)["summary"] for l in sys.stdin if l.strip() and json.loads(l)["id"] == "hostile-1"))')
# body NAME COLS: the reader's text on screen is the hostile item's, wrapped at COLS.
body() { screen "$1" > "$T_TMP/body.txt"; term body "$T_TMP/body.txt" "$summary" "$2"; }

fw -c "$CONF" browse < /dev/null > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" '^1:feedwatch browse: needs a terminal' "without a terminal: exit 1, said"
fw -c "$CONF" browse extra > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch browse: unexpected argument 'extra'" "an argument: usage error"

# ---- 80x24: the topics, a topic's stories, the reader -------------------
browse a 80 24
shows a 'All topics'
ok $? "browse starts at 80x24 with the topics"
screen a > "$T_TMP/topics.txt"
is "$(sed -n '2,5p' "$T_TMP/topics.txt")" "$(term counts "$T_TMP/hits.json")" \
	"the topics with their unread and total stories (a story: one link, however many feeds and hits)"
is "$(tm display -p -t a '#{pane_title}')" "$(tm display -p -t a '#{host}')" \
	"the hostile title's OSC did not set the window title"

keys a j Enter
shows a '· Milei · [0-9]+ unread, [0-9]+ stories'
ok $? "Enter opens a topic's stories"
# (the heading can be on the screen before the lines under it, on a busy
# machine: wait for the last line looked at below)
shows a 'Review & T.*  \+Mercosur$'
screen a > "$T_TMP/milei.txt"
like "$(sed -n 2p "$T_TMP/milei.txt")" '^N 2024-11-27  Hostile Wi…  Milei  \[2J \]0;pwned  日本語' \
	"the newest story first: unread mark, date, feed, the title with its escapes inert"
ok "$(grep -c $'\033\|\xc2\x9b\|\xe2\x80\xae\|\xe2\x80\xac' "$T_TMP/milei.txt" | grep -qx 0; echo $?)" \
	"no ESC, C1 CSI or bidirectional override reached the screen"
like "$(sed -n 3p "$T_TMP/milei.txt")" 'Review & T.*<script>alert\(1\)</script> Milei meets.*  \+Mercosur$' \
	"the story in two feeds and two topics: one line, its other topic"
is "$(grep -c 'wire copy' "$T_TMP/milei.txt")" 0 "the wire copy (published later) is not a line of its own"
is "$(term widest "$T_TMP/milei.txt")" 80 "no line is wider than the window"
like "$(sed -n 23p "$T_TMP/milei.txt")" '/:Filter \?:Help *$' "the stories' key hints fit 80 columns, ?:Help last"

keys a Enter
shows a '^Title: +Milei \[2J \]0;pwned 日本語のニュース 😀 gnp\.exe 31mZanzibar$'
ok $? "Enter reads the story: its title, escapes and overrides as spaces"
wait_until "$WAIT" read_is "Zanzibar" "true"
ok $? "reading a story marks it read in the database"
screen a > "$T_TMP/reader.txt"
is "$(grep -E '^(Feed|Published|Topics|Link):' "$T_TMP/reader.txt" | tr -s ' ')" \
	"$(printf '%s\n' 'Feed: Hostile Wire' 'Published: 2024-11-27 10:00' 'Topics: Milei' \
		'Link: https://hostile.example/2024/zanzibar')" "the reader: feed, date, topics, link"
is "$(body a 80)" ok "the text wraps at 80 columns: every word in order, greedy, none cut off"
screen_e a > "$T_TMP/reader.ansi"
grep -q $'\033\\[30m\033\\[43mMilei' "$T_TMP/reader.ansi"
ok $? "the matched words are highlighted (in color)"
keys a r
wait_until "$WAIT" read_is "Zanzibar" "false"
ok $? "r marks it unread again"
keys a N
wait_until "$WAIT" read_is "Zanzibar" "true"
ok $? "N toggles it read"

keys a q j Enter
shows a '^Also in: +Mirror Wire$'
ok $? "the story of two feeds: also in the other"
shows a '^Topics: +Milei, Mercosur$'
ok $? "and both its topics"
wait_until "$WAIT" read_is "Milei meets Mercosur" "true true true true"
ok $? "reading it marks every hit of it read: both topics, both feeds"
keys a r
wait_until "$WAIT" read_is "Milei meets Mercosur" "false false false false"
keys a o
wait_until "$WAIT" test -s "$T_TMP/opened"
is "$(cat "$T_TMP/opened" 2>/dev/null)" "https://review.example/2024/milei-mercosur" "o runs \$BROWSER with the link"
wait_until "$WAIT" read_is "Milei meets Mercosur" "true true true true"
ok $? "and marks the story read"
shows a '^Opened https://review.example/2024/milei-mercosur'
ok $? "the screen is back after the browser"

keys a q A
wait_until "$WAIT" eval '[ "$(fw -c "$CONF" hits --topic milei --unread --format json | wc -l)" = 0 ]'
ok $? "A marks every story of the topic read"
keys a q
shows a '^ +0/[0-9]+  Milei'
ok $? "the topics: Milei has no unread story left"
unread_before=$(fw -c "$CONF" hits --unread --format json | wc -l)
keys a g A
shows a '^Mark every story of every topic read\? \(y/n\)'
ok $? "A on All topics asks first"
keys a n
shows a '^Nothing marked\.'
is "$(fw -c "$CONF" hits --unread --format json | wc -l)" "$unread_before" "and n leaves them unread"
keys a j

# ---- mute ---------------------------------------------------------------
keys a j m
wait_until "$WAIT" eval '[ "$(sqlite3 "$DB" "SELECT topic FROM mutes")" = mercosur ]'
ok $? "m mutes the topic in the database"
is "$(sqlite3 "$DB" "SELECT until - strftime('%s', 'now') BETWEEN 86000 AND 86400 FROM mutes")" 1 \
	"for a day"
shows a 'Mercosur  muted until [A-Z][a-z][a-z] [0-9][0-9]:[0-9][0-9]'
ok $? "the topic says until when"
keys a m
wait_until "$WAIT" eval '[ "$(sqlite3 "$DB" "SELECT count(*) FROM mutes")" = 0 ]'
ok $? "m again unmutes it"
keys a m

# ---- the filter ---------------------------------------------------------
keys a /
keys a -l 'Zanzibar OR title:wire'
keys a Enter
shows a 'filter: Zanzibar OR title:wire'
ok $? "/ filters with a query"
shows a '^   0/2  All topics$'
ok $? "the stories an item of which matches: the hostile one and the one with a wire copy"
keys a /
keys a C-u
keys a -l '(Milei'
keys a Enter
shows a '^Filter: .* \(column [0-9]+\)'
ok $? "a query that does not parse: its error and column"
keys a / C-u
keys a -l 'zanzibar or wire'
keys a Enter
shows a "^[0-9]+ stor(y passes|ies pass) the filter\. Column 10: .or. is a word to find here"
ok $? "a query with a likely slip: it filters, and the status line says what may be wrong"
keys a / C-u Enter
shows a '^No filter: [0-9]+ stories\.'
ok $? "an empty filter: none"

# ---- a running daemon's new hits ----------------------------------------
start_bus
start_notify_server
start_daemon "$CONF"
wait_until "$WAIT" grep -q 'watching' "$T_TMP/d.err"
ok $? "feedwatchd runs on the same database"
keys a g Enter
shows a '· All topics · '
sed 's|</channel>|<item><title>Milei vuelve a Brasília</title><link>https://review.example/2024/brasilia</link><guid>review-2</guid><pubDate>Mon, 25 Nov 2024 10:00:00 GMT</pubDate><description>Milei speaks.</description></item>\
<item><title>Mercosur summit in Montevideo</title><link>https://review.example/2024/montevideo</link><guid>review-3</guid><pubDate>Mon, 25 Nov 2024 09:00:00 GMT</pubDate><description>The Mercosur meets.</description></item></channel>|' \
	"$FW_TOP/tests/fixtures/review/review.xml" > "$CORPUS/extra/review.xml.new"
touch -d '+2 seconds' "$CORPUS/extra/review.xml.new"
mv "$CORPUS/extra/review.xml.new" "$CORPUS/extra/review.xml"
fw -c "$CONF" poll > "$T_TMP/poll3.log" 2>&1
like "$(cat "$T_TMP/poll3.log")" 'asked it to poll' "feedwatch poll asks the daemon"
shows a 'Milei vuelve a Brasília'
ok $? "a hit the daemon stored appears while browse is open"
shows a 'Mercosur summit in Montevideo'
ok $? "the muted topic's hit too"
screen a > "$T_TMP/all.txt"
like "$(term aligned "$T_TMP/all.txt" 21)" '^[0-9]+$' "CJK and emoji keep the topics column aligned (80 columns)"
wait_until "$WAIT" at_least 1
ok $? "the daemon notified"
sleep 1
is "$(nlog 1 '"Brasília" in json.dumps(n, ensure_ascii=False) and all("Montevideo" not in json.dumps(x, ensure_ascii=False) for x in lines)')" True \
	"the Milei hit, not the one of the muted topic (a mute set in browse holds in feedwatchd)"
is "$(fw -c "$CONF" hits --format json --topic mercosur | "$FW_PY" -c 'import json,sys; print(*[h["notified"] for h in map(json.loads, sys.stdin) if "Montevideo" in h["title"]])')" \
	pending "the muted topic's hit waits, pending"
stop_daemon
DPID=

# ---- resizing: 132x43 and back -------------------------------------------
tm resize-window -t a -x 132 -y 43
shows a '^[N ] 2024-11-27 10:00  Hostile Wire'
ok $? "resized to 132x43: the list follows, with times"
screen a > "$T_TMP/wide.txt"
is "$(wc -l < "$T_TMP/wide.txt")" 43 "43 rows"
like "$(term aligned "$T_TMP/wide.txt" 40)" '^[0-9]+$' \
	"CJK and emoji keep the topics column aligned (132 columns)"
keys a g Enter
shows a '^Title: +Milei'
is "$(body a 132)" ok "the reader wraps at 132 columns"
tm resize-window -t a -x 80 -y 24
shows a '^Title: +Milei \[2J \]0;pwned 日本語のニュース 😀 gnp\.exe 31mZanzibar$'
ok $? "back to 80x24: the reader follows"
is "$(body a 80)" ok "the text wraps at 80 again"
screen a > "$T_TMP/narrow.txt"
ok "$([ "$(term widest "$T_TMP/narrow.txt")" -le 80 ]; echo $?)" "no line wider than 80"

keys a Q
wait_until "$WAIT" test -s "$T_TMP/a.rc"
is "$(cat "$T_TMP/a.rc" 2>/dev/null)" 0 "Q quits, status 0"

# ---- a long topic: read a window at a time --------------------------------
# 250 stories of a topic the config does not have, a minute apart (the
# browser reads FW_BROWSE_PAGE = 100 stories a page, two pages at a time),
# and an old copy of story 005 (its link), older than all of them: the
# story is listed once, by its newest hit. Stories join on canon_hash (the
# 8-byte key of the canonical link, schema 8); these rows take small keys of
# their own, -1000000 - i, which no real link's key is in practice.
paging_add() {   # FIRST LAST: items page-FIRST..page-LAST with a hit each
	sqlite3 "$DB" "WITH RECURSIVE n(i) AS (SELECT $1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
	INSERT INTO items (feed_id, item_key, title, link, canon_hash, published, first_seen, last_seen)
	SELECT (SELECT MIN(id) FROM feeds), 'page-' || i, printf('Page story %03d', i),
		'https://paging.example/' || i, -1000000 - i,
		strftime('%s', 'now') - 3600 - i * 60, strftime('%s', 'now'), strftime('%s', 'now') FROM n;
	INSERT INTO hits (item_id, topic, topic_name, found, snippet, marks, matched, notified)
	SELECT id, 'paging', 'Paging', strftime('%s', 'now'), 'page', '[]', '[]', 'none'
		FROM items WHERE item_key LIKE 'page-%' AND id NOT IN (SELECT item_id FROM hits);"
}
paging_add 0 249
sqlite3 "$DB" "INSERT INTO items (feed_id, item_key, title, link, canon_hash, published, first_seen, last_seen)
	SELECT MAX(id), 'page-old-copy', 'Page story 005, an old copy', 'https://paging.example/5',
		-1000005, strftime('%s', 'now') - 86400 * 30, 0, 0 FROM feeds;
	INSERT INTO hits (item_id, topic, topic_name, found, snippet, marks, matched, notified)
	SELECT id, 'paging', 'Paging', strftime('%s', 'now'), 'page', '[]', '[]', 'none'
		FROM items WHERE item_key = 'page-old-copy';"
browse c 80 24
shows c 'All topics'
keys c G Enter
shows c '· Paging · 250 unread, 250 stories'
ok $? "the topic's counts: 250 stories (the old copy is story 005's)"
screen c | sed -n 2p > "$T_TMP/p1.txt"
like "$(cat "$T_TMP/p1.txt")" 'Page story 000' "the newest story first"
keys c G
shows c '^N .*Page story 249'
ok $? "G: the last story, past the first window (two pages of 100)"
screen c > "$T_TMP/plast.txt"
is "$(grep -c 'Page story' "$T_TMP/plast.txt")" 21 "a full screen of stories at the end"
is "$(grep -c 'Page story 005' "$T_TMP/plast.txt")" 0 "the story with an old copy is not listed again by it"
keys c Enter
shows c '· Paging · story 250 of 250'
ok $? "the reader: the last story of the list"
wait_until "$WAIT" eval '[ "$(sqlite3 "$DB" "SELECT h.read FROM hits h JOIN items i ON i.id = h.item_id WHERE i.title = '"'Page story 249'"'")" = 1 ]'
ok $? "reading a story in a later window marks it read in the database"
keys c K
shows c '^Title: +Page story 248$'
ok $? "K: the story before, across the reader"
keys c q k k r
wait_until "$WAIT" eval '[ "$(sqlite3 "$DB" "SELECT h.read FROM hits h JOIN items i ON i.id = h.item_id WHERE i.title = '"'Page story 246'"'")" = 1 ]'
ok $? "r marks a story of the later window read"
shows c '· Paging · 247 unread, 250 stories'
ok $? "the counts follow"
# another process stores stories: the list is read again, the cursor stays
paging_add 250 251
shows c '· Paging · 249 unread, 252 stories'
ok $? "a refresh while scrolled: the new counts"
screen c > "$T_TMP/prefresh.txt"
grep -q 'Page story 24[0-9]' "$T_TMP/prefresh.txt"
ok $? "and the same place in the list"
keys c g
shows c '^. .*Page story 000'
ok $? "g: back to the first window"
keys c Q
wait_until "$WAIT" test -s "$T_TMP/c.rc"
is "$(cat "$T_TMP/c.rc" 2>/dev/null)" 0 "Q quits the long topic's browser, status 0"

# ---- NO_COLOR -----------------------------------------------------------
browse b 80 24 NO_COLOR=1
shows b 'All topics'
ok $? "NO_COLOR: the browser opens"
keys b j Enter Enter
shows b '^Title: +Milei'
ok $? "NO_COLOR: the reader shows the story"
screen_e b > "$T_TMP/nocolor.ansi"
grep -Eq $'\033\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m' "$T_TMP/nocolor.ansi"
ok $([ $? = 1 ]; echo $?) "NO_COLOR: no color at all"
grep -q $'\033\\[4mMilei' "$T_TMP/nocolor.ansi" || grep -q $'\033\\[1;4mMilei\|\033\\[4;1mMilei' "$T_TMP/nocolor.ansi"
ok $? "the matched words are underlined instead"
keys b q q q
wait_until "$WAIT" test -s "$T_TMP/b.rc"
is "$(cat "$T_TMP/b.rc" 2>/dev/null)" 0 "q from the topics quits, status 0"
done_testing
