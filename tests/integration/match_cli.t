#!/bin/bash
# `feedwatch match QUERY FILE` through the real binary: on the TAC fixture and
# on a small feed of near misses, matching items are printed with their
# snippet and matched spans, the others not; a bad query exits 2 naming the
# column, with a caret under it; `feedwatch check` names file:line:col of each
# kind of query error, in query = and also = lines; `match --why`
# says why an item did not match; at a terminal match --why and parse wrap
# their words (wide characters too), offsets only with -v.
. "$(dirname "$0")/../helpers/lib.sh"
plan 78

tac="$FW_TOP/tests/fixtures/tac-feed.xml"
small="$T_TMP/small.xml"
cat > "$small" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>Small test feed</title>
<link>https://example.org/</link>
<description>four items</description>
<item>
  <title>Milei wins the vote</title>
  <link>https://example.org/1</link>
  <guid>item-1</guid>
  <description>Javier Milei won in Buenos Aires.</description>
</item>
<item>
  <title>Fuel mileage rises</title>
  <link>https://example.org/2</link>
  <guid>item-2</guid>
  <description>Mileage and Milena, but not the president. China said nothing.</description>
</item>
<item>
  <title>Markets</title>
  <link>https://example.org/3</link>
  <guid>item-3</guid>
  <description>Mercado Libre shares rose after the Mercosur summit.</description>
</item>
<item>
  <title>An interview</title>
  <link>https://example.org/4</link>
  <guid>item-4</guid>
  <content:encoded><![CDATA[<p>President Mi<b>lei</b> met <img class="milei" src="x.png"> Chinese officials about currency swaps.</p>]]></content:encoded>
</item>
</channel>
</rss>
XML

# The TAC fixture: one item, which holds all three example topics.
out=$(fw -v match Milei "$tac")
ok $? "match Milei on the TAC fixture exits 0"
like "$out" "^The Limits to a Trump-Milei Alignment$" "the matching item's title is printed"
like "$out" "^  https://www.theamericanconservative.com/the-limits-to-a-trump-milei-alignment/$" "then its link"
like "$out" "President Javier \[Milei\]\. He traveled" "the snippet marks the match (no terminal: [ ])"
like "$out" "matched: title:22-27 \"Milei\" summary:[0-9]+-[0-9]+ \"Milei\" content:" "matched spans by field, with offsets"
like "$out" "category:[0-9]+-[0-9]+ \"Milei\"" "the category span too"
like "$out" "^1 of 1 item matched$" "a count at the end"

out=$(fw -v match '(China OR Chinese OR Beijing) NEAR/8 swap*' "$tac")
like "$out" "currency \[swaps\] with \[China\]" "NEAR: both words marked in the snippet"
like "$out" "matched: content:[0-9]+-[0-9]+ \"swaps\" content:[0-9]+-[0-9]+ \"China\"$" "NEAR: exactly the two spans"
like "$out" "^1 of 1 item matched$" "NEAR: the item matched"

out=$(fw -v match 'Mercosur OR Mercosul OR "Mercado Común del Sur"' "$tac")
like "$out" "matched: content:[0-9]+-[0-9]+ \"Mercosur\"" "Mercosur in the content"

out=$(fw match 'Chinatown OR "currency swaps with Beijing"' "$tac")
ok $? "a query matching nothing exits 0"
is "$out" "0 of 1 item matched" "and prints only the count"

# A small feed of near misses: only items 1 and 4 mention Milei.
out=$(fw -v match Milei "$small")
like "$out" "^Milei wins the vote$" "item 1 (title) matches"
like "$out" "matched: title:0-5 \"Milei\" summary:7-12 \"Milei\"$" "item 1: title and summary spans"
like "$out" "^An interview$" "item 4 matches: inline tags do not split Mi<b>lei</b>"
like "$out" "President \[Milei\] met Chinese" "item 4: the snippet is the text, tags gone"
like "$out" "matched: content:10-15 \"Milei\"$" "item 4: one span (not the img class)"
if printf '%s\n' "$out" | grep -q "mileage"; then ok 1 "mileage is not Milei"; else ok 0 "mileage is not Milei"; fi
if printf '%s\n' "$out" | grep -q "^Markets"; then ok 1 "item 3 is not printed"; else ok 0 "item 3 is not printed"; fi
like "$out" "^2 of 4 items matched$" "two of four"

out=$(fw match 'Mercosur -"Mercado Libre"' "$small")
is "$out" "0 of 4 items matched" "NOT excludes the Mercado Libre item"
out=$(fw match 'Mercosur' "$small")
like "$out" "the \[Mercosur\] summit" "without NOT it matches"
out=$(fw match 'title:Milei' "$small")
like "$out" "^1 of 4 items matched$" "title: looks at titles only"
out=$(fw match '(China OR Chinese OR Beijing) NEAR/8 swap*' - < "$small")
like "$out" "met \[Chinese\] officials about currency \[swaps\]" "a feed on stdin (-)"
like "$out" "^1 of 4 items matched$" "China alone (item 2) does not match NEAR"
out=$(fw match '/mi[l]ei/i' "$small")
like "$out" "^2 of 4 items matched$" "a regular expression"

# A bad query: exit 1, the column, the query and a caret under the column.
fw match 'China (swap OR x' "$small" > "$T_TMP/out" 2> "$T_TMP/err"
is "$?" 2 "a bad query exits 2"
err=$(cat "$T_TMP/err")
like "$err" "query:7: unclosed \\(" "the error names column 7, the ( left open"
caret=$(sed -n 3p "$T_TMP/err")
is "$caret" "          ^" "the caret is under column 7"
is "$(cat "$T_TMP/out")" "" "nothing on stdout"
fw match 'Común /a(b/' "$small" 2> "$T_TMP/err" > /dev/null
is "$?" 2 "a bad regular expression exits 2"
like "$(cat "$T_TMP/err")" "query:11: bad regular expression: missing terminating \)" "at the character PCRE2 names"
fw match 'NOT milei' "$small" 2> "$T_TMP/err" > /dev/null
like "$(cat "$T_TMP/err")" "query:1: a topic must require something" "NOT alone is an error"
# The end of the query inside a group: the ( left open, not "empty query".
fw match 'Milei AND (' "$small" 2> "$T_TMP/err" > /dev/null
is "$?" 2 "a query ending in ( exits 2 (a bad query, feedwatch(1) EXIT STATUS)"
like "$(cat "$T_TMP/err")" "query:11: unclosed \\(" "Milei AND (: unclosed ( at column 11"
# A query that starts with '-' goes after '--'; without it the error says so.
fw match -china "$small" > "$T_TMP/out" 2> "$T_TMP/err"
is "$?" 2 "match -china (no --) is a usage error"
like "$(cat "$T_TMP/err")" "'-china' is not an option; .* goes after '--': feedwatch match -- -china" \
	"the error for -china says to put it after --"
out=$(fw match -- '-chinese milei' "$small")
like "$out" "^1 of 4 items matched$" "match -- '-chinese milei': the query after -- works"
# A feed's own U+E000/U+E001 (the characters the tool marks matches with
# before it makes them bold or [ ]) show as U+FFFD, never as marks.
printf '<rss><channel><title>p</title><item><title>x</title><guid>1</guid><description>Milei text \356\200\200fake\356\200\201 \356\200\200rest</description></item></channel></rss>' > "$T_TMP/pua.xml"
out=$(fw match Milei "$T_TMP/pua.xml")
r=$(printf '\357\277\275')
like "$out" "\\[Milei\\] text ${r}fake${r} ${r}rest" "a feed's U+E000/U+E001 are no marks: U+FFFD"
is "$(printf '%s' "$out" | tr -cd '[' | wc -c)" 1 "one mark, the match's"
# No FILE at a terminal: a hint on stderr, and one Ctrl-D ends the text.
out=$(timeout 20 "$FW_PY" "$FW_HELPERS/pty_run.py" $'Milei wins\n\x04' $FW_WRAP "$FW_BUILD/feedwatch" match milei 2> "$T_TMP/err")
rc=$?
like "$rc:$(printf '%s' "$out" | tail -n 1)" "^0:1 of 1 item matched" "match at a terminal: one Ctrl-D ends the text"
like "$(cat "$T_TMP/err")" "^feedwatch match: no FILE or URL: reading the text to match from the terminal \\(Ctrl-D ends it\\)$" \
	"match at a terminal without FILE says it reads the terminal"
fw match milei "$small" < /dev/null 2> "$T_TMP/err" > /dev/null
is "$(cat "$T_TMP/err")" "" "with a FILE, no such hint"
# A long option's value may start with '-': it is the option's to judge.
fw hits --since -7d > /dev/null 2> "$T_TMP/err"
is "$?" 2 "hits --since -7d is a usage error"
like "$(cat "$T_TMP/err")" "^feedwatch hits: bad --since '-7d' \(e.g. " \
	"hits --since -7d: --since's own message, not the one about '--'"

# feedwatch check: file:line:col of each kind of query error, the value's
# column plus the error's column in the query (query = and also = lines).
conf="$T_TMP/bad.conf"
printf '%s\n' \
	'[feed a]' \
	'url = file:///nonexistent/feed.xml' \
	'[topic t1]' \
	'query = (China OR Beijing NEAR/8 swap*' \
	'[topic t2]' \
	'query =   Milei OR' \
	'[topic t3]' \
	'query = foo:bar' \
	'[topic t4]' \
	'query = Mercosur' \
	'also = Mercosul, "swap de monedas", a NEAR/x b' \
	'[topic t5]' \
	'query = Mercosur' \
	'also = fine, (x' \
	'[topic t6]' \
	'query = Común /a(/ x' \
	'[topic t7]' \
	'query = NOT milei  # a comment' \
	'[topic t8]' \
	'query = x' \
	'also = y,   z OR' \
	'[topic t9]' \
	'query = "Mercado Común' \
	'[topic t10]' \
	'query = a NEAR -b' > "$conf"
fw -c "$conf" check > "$T_TMP/out" 2> "$T_TMP/err"
is "$?" 1 "check exits 1 on query errors"
out=$(cat "$T_TMP/out")
# check_at LINE COL MESSAGE: the error line, and a caret under COL two lines below it.
check_at() {
	like "$out" "^$conf:$1:$2: $3" "line $1 col $2: $3"
	c=$(printf '%s\n' "$out" | grep -A2 "^$conf:$1:$2: " | sed -n 3p)
	is "$c" "$(printf '%*s^' $((4 + $2 - 1)) '')" "line $1: the caret is under column $2"
}
check_at 4 9 "unclosed \\("
check_at 6 17 "OR needs a term on both sides"
check_at 8 9 "unknown field 'foo'"
check_at 11 39 "also: NEAR/n needs a number of words"
check_at 14 14 "also: unclosed \\("
check_at 16 18 "bad regular expression: missing terminating \)"
check_at 18 9 "a topic must require something"
check_at 21 15 "also: OR needs a term on both sides"
like "$out" "^$conf:23:9: unterminated phrase" "line 23 col 9: unterminated phrase"
like "$out" "^$conf:25:16: NEAR needs words" "line 25 col 16: NEAR needs words"

# match --why: the reason an item did not match.
out=$(fw match --why '(China OR Chinese OR Beijing) NEAR/8 swap*' "$small")
like "$out" "China found in (summary|content), but swap\\* not found" "--why: China without swaps (item 2)"
like "$out" "none of China, Chinese, Beijing found, swap\\* not found" "--why: neither (item 1)"
# At a terminal (script(1) gives one) match --why and parse wrap their words
# at COLUMNS, wide characters counting two columns; piped, they do not wrap.
# Offsets of the matched words only with -v.
# fits FILE N: no line of FILE wider than N terminal columns.
fits() { "$FW_PY" -c '
import sys, unicodedata
w = lambda l: sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in l)
bad = [l for l in open(sys.argv[1], encoding="utf-8").read().split("\n") if w(l) > int(sys.argv[2])]
print("\n".join(bad[:3])); sys.exit(1 if bad else 0)' "$1" "$2"; }
tty() { script -qec "env COLUMNS=$1 NO_COLOR=1 $FW_WRAP '$FW_BUILD/feedwatch' $2" /dev/null | tr -d '\r'; }
wide="$T_TMP/wide.xml"
{
	printf '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Wide</title>\n'
	printf '<item><title>%s Milei</title><guid>w1</guid>\n' "$(printf '阿根廷总统 米莱 与 南方共同市场 领导人 会晤 %.0s' $(seq 4))"
	printf '<description>%s Milei met the Mercosur leaders in Montevideo %s</description></item>\n' \
		"$(printf 'the trade agreement with the European Union %.0s' $(seq 3))" "$(printf '貿易協定 %.0s' $(seq 20))"
	printf '<item><title>Long summary</title><guid>w2</guid><description>x%s</description></item>\n' \
		"$(printf 'é%.0s' $(seq 400))"
	printf '</channel></rss>\n'
} > "$wide"
tty 80 "match --why 'Milei OR Mercosur' '$wide'" > "$T_TMP/why.tty"
like "$(cat "$T_TMP/why.tty")" "why: " "match --why at a terminal: the reason"
fits "$T_TMP/why.tty" 80
ok $? "match --why at COLUMNS=80 on a terminal: no line wider than 80 (wide characters wrapped)"
like "$(cat "$T_TMP/why.tty")" '^  领导人 会晤 阿根廷总统' "match --why at a terminal: the title's continued lines are indented under it"
fw match --why 'Milei OR Mercosur' "$wide" > "$T_TMP/why.pipe"
fits "$T_TMP/why.pipe" 80 > /dev/null
is "$?" 1 "match --why into a pipe: lines not wrapped"
like "$(grep 'matched:' "$T_TMP/why.pipe")" '^  matched: "Milei" in title, summary; "Mercosur" in summary$' \
	"match: the matched words by field, without offsets"
like "$(fw -v match 'Milei OR Mercosur' "$wide" | grep 'matched:')" '^  matched: title:[0-9]+-[0-9]+ "Milei" summary:' \
	"match -v: with their offsets"
tty 80 "parse '$wide'" > "$T_TMP/parse.tty"
grep -v '^  summary    xéé' "$T_TMP/parse.tty" > "$T_TMP/parse.fit"   # one word of 300: whole, never cut
fits "$T_TMP/parse.fit" 80
ok $? "parse at COLUMNS=80 on a terminal: no line wider than 80 (but a word longer than a line)"
like "$(grep -A1 '^阿根廷' "$T_TMP/parse.tty" | sed -n 2p)" '^[^ ]' "parse at a terminal: a long title of wide characters wraps"
fw parse "$wide" > "$T_TMP/parse.pipe"
is "$(grep -c '^阿根廷.*Milei$' "$T_TMP/parse.pipe")" 1 "parse into a pipe: the title on one line"
iconv -f UTF-8 -t UTF-8 "$T_TMP/parse.pipe" > /dev/null 2>&1
ok $? "parse: the summary cut at 300 characters is valid UTF-8 (never cut inside a character)"
like "$(grep '^  summary .*é…$' "$T_TMP/parse.pipe")" "^  summary    xé{298}…$" "parse: the cut summary is 300 characters and …"
done_testing
