#!/bin/bash
# show, read, unread and open on a polled database: show gives the item,
# every topic it hit, the marked snippets, summary, link and the feeds the
# story also appeared in; read/unread change --unread; open runs $BROWSER
# (or xdg-open) on the link, without a shell, and marks the hit read.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/review_setup.sh"
plan 38
export TZ=America/Argentina/Buenos_Aires
review_setup

# Our item hit two topics: milei and mercosur.
ids=$(fw -c "$CONF" hits --feed review --format json | "$FW_PY" -c '
import json,sys
h = sorted((json.loads(l) for l in sys.stdin), key=lambda h: h["topic"])
print(" ".join("%d" % x["id"] for x in h))')
set -- $ids
mercosur=$1 milei=$2
like "$ids" '^[0-9]+ [0-9]+$' "the review item has two hits ($ids)"

fw -c "$CONF" show "$milei" > "$T_TMP/show" 2> "$T_TMP/show.err"
ok $? "show exits 0"
show=$(cat "$T_TMP/show")
like "$(head -n 1 "$T_TMP/show")" "^Hit $milei · Milei \(milei\) · unread · notified: initial$" "show: the heading"
like "$show" '^Title: +<script>alert\(1\)</script> Milei meets Mercosur$' "show: the title as text"
like "$show" '^Feed: +Review & Test Desk \(review\)$' "show: the feed"
like "$show" '^Also in: +Mirror Wire$' "show: the feeds the story also appeared in"
like "$show" '^Link: +https://review\.example/2024/milei-mercosur$' "show: the link"
like "$show" '^Published: +2024-11-26 07:00$' "show: the date in the local time zone"
grep -Eq "^Topics: +Milei \(hit $milei\), Mercosur \(hit $mercosur\), Milei \(hit [0-9]+, Mirror Wire\), Mercosur \(hit [0-9]+, Mirror Wire\)$" "$T_TMP/show"
ok $? "show: every hit of the story, the item's topics first, then the other feed's"
grep -Eq "^Matched: +Milei$" "$T_TMP/show"
ok $? "show: the words that matched, no offsets"
grep -Eq "^Mercosur \(hit $mercosur\) matched Mercosur:$" "$T_TMP/show"
ok $? "show: why the other topic matched"
fw -c "$CONF" show -v "$milei" 2> /dev/null | grep -Eq "^Matched: +title 26–31"
ok $? "show -v: fields and character offsets"
COLUMNS=40 script -qec "env COLUMNS=40 NO_COLOR=1 $FW_WRAP '$FW_BUILD/feedwatch' -c '$CONF' show $milei" /dev/null | tr -d '\r' > "$T_TMP/show.40"
"$FW_PY" -c '
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
long = [l for l in lines if len(l) > 40 and " " in l[11:].strip()]   # but a label and one long word
sys.exit(1 if long or not any(l.startswith("  President Javier Milei") for l in lines) else 0)' "$T_TMP/show.40"
ok $? "show on a 40-column terminal: words wrapped at 40"
fw -c "$CONF" show "$milei" | "$FW_PY" -c 'import sys; sys.exit(0 if any(len(l) > 60 for l in sys.stdin) else 1)'
ok $? "show piped: no wrap"
# The hit's snippet, after "Matched:" and an empty line: cut from the summary
# (snippets prefer content, then summary, then title: docs/design.md).
is "$(grep -A2 '^Matched:' "$T_TMP/show" | sed 1d)" $'\n  President Javier Milei said the Mercosur deal is close.' \
	"show: the snippet"
is "$(grep -Fx -A1 'Summary:' "$T_TMP/show")" $'Summary:\n  President Javier Milei said the Mercosur deal is close.' \
	"show: the summary"
grep -q $'\033' "$T_TMP/show"
ok $([ $? = 0 ] && echo 1 || echo 0) "show: no escape sequences off a terminal"
script -qec "$FW_WRAP '$FW_BUILD/feedwatch' -c '$CONF' show $milei" /dev/null > "$T_TMP/show.tty" 2>&1
grep -q $'\033\\[1mMilei\033\\[0m' "$T_TMP/show.tty"
ok $? "show on a terminal: the matched words in bold"

fw -c "$CONF" show --format json "$milei" "$mercosur" > "$T_TMP/show.json"
is "$("$FW_PY" -c '
import json,sys
print(" ".join("%s:%s:%s" % (h["id"], h["topic"], h["link"]) for h in map(json.loads, open(sys.argv[1]))))' \
	"$T_TMP/show.json")" "$milei:milei:https://review.example/2024/milei-mercosur $mercosur:mercosur:https://review.example/2024/milei-mercosur" \
	"show --format json: one object a hit, the fields of hits"

fw -c "$CONF" show 99999 > /dev/null 2> "$T_TMP/err"
is "$?" 1 "show of no such hit: exit 1"
like "$(cat "$T_TMP/err")" "^feedwatch show: no hit 99999" "the error names the hit"
fw -c "$CONF" show abc > /dev/null 2> "$T_TMP/err"
is "$?" 2 "show abc: usage error"
fw -c "$CONF" show > /dev/null 2>&1
is "$?" 2 "show without a hit: usage error"

unread() { fw -c "$CONF" hits --unread --format json --limit 0 | wc -l; }
total=$(unread)
fw -c "$CONF" read "$milei"
ok $? "read one hit"
is "$(unread)" "$((total - 4))" "its story is no longer unread: both topics, both feeds"
like "$(fw -c "$CONF" show "$milei" | head -n 1)" ' · read · ' "show says read"
fw -c "$CONF" unread "$mercosur"
is "$(unread)" "$total" "unread makes the story unread again"
fw -c "$CONF" read "$milei" 99999 2> "$T_TMP/err"
is "$?" 1 "read of a missing hit: exit 1"
like "$(cat "$T_TMP/err")" "no hit 99999" "the error names it"
is "$(fw -c "$CONF" read --all --topic mercosur)" \
	"$(($(grep -c $'\tmercosur$' "$CORPUS/truth.tsv") + 2)) hits marked read" "read --all --topic"
fw -c "$CONF" unread --all > /dev/null
is "$(unread)" "$(fw -c "$CONF" hits --format json --limit 0 | wc -l)" "unread --all"

# open: $BROWSER (with and without %s), else xdg-open from PATH; no shell.
mkdir -p "$T_TMP/bin"
cat > "$T_TMP/bin/recorder" <<EOF
#!/bin/sh
printf '%s\n' "\$@" > "$T_TMP/opened"
EOF
printf '#!/bin/sh\nexit 3\n' > "$T_TMP/bin/broken"
cp "$T_TMP/bin/recorder" "$T_TMP/bin/xdg-open"
chmod +x "$T_TMP/bin/"*
BROWSER="$T_TMP/bin/recorder" fw -c "$CONF" open "$milei"
ok $? "open with \$BROWSER exits 0"
is "$(cat "$T_TMP/opened")" "https://review.example/2024/milei-mercosur" "\$BROWSER got the link as its argument"
like "$(fw -c "$CONF" show "$milei" | head -n 1)" ' · read · ' "open marked the hit read"
rm -f "$T_TMP/opened"
BROWSER="$T_TMP/bin/recorder --new-tab=%s;x:other-browser" fw -c "$CONF" open "$mercosur"
is "$(cat "$T_TMP/opened")" "--new-tab=https://review.example/2024/milei-mercosur;x" \
	"\$BROWSER: the first of the list, %s replaced, no shell"
rm -f "$T_TMP/opened"
fw -c "$CONF" unread "$milei"
env -u BROWSER PATH="$T_TMP/bin:$PATH" "$FW_BUILD/feedwatch" -c "$CONF" open "$milei"
is "$(cat "$T_TMP/opened" 2>/dev/null)" "https://review.example/2024/milei-mercosur" "without \$BROWSER: xdg-open"
fw -c "$CONF" unread "$milei"
BROWSER="$T_TMP/bin/broken" fw -c "$CONF" open "$milei" 2> "$T_TMP/err"
is "$?" 1 "a browser that fails: exit 1"
like "$(fw -c "$CONF" show "$milei" | head -n 1)" ' · unread · ' "and the hit stays unread"
done_testing
