#!/bin/bash
# `feedwatch report` in a real browser: headless Chromium (Debian package
# chromium) renders the page of a polled database to a PNG and dumps its DOM,
# the DOM must hold the topic sections, the SVG
# timeline, the marked snippets, the "<script>" title as text and no script
# element. Without chromium the browser checks are skipped.
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/review_setup.sh"
plan 24
review_setup

# The corpus' items were published in 2024: the report counts by the date published.
fw -c "$CONF" report > "$T_TMP/recent.html" 2> /dev/null
grep -q '<article' "$T_TMP/recent.html"
ok $([ $? = 0 ] && echo 1 || echo 0) "report (the last 30 days by date published): none of the 2024 stories"
fw -c "$CONF" report --since 2020-01-01 > "$T_TMP/report.html" 2> "$T_TMP/report.err"
ok $? "report exits 0"
like "$(head -n 1 "$T_TMP/report.html")" '^<!DOCTYPE html>$' "report: an HTML document"
grep -qiE '<script|src=|<link|@import|url\(' "$T_TMP/report.html"
ok $([ $? = 0 ] && echo 1 || echo 0) "report: no script, no external asset"
fw -c "$CONF" report --since 2099-01-01 -o "$T_TMP/empty.html" 2> "$T_TMP/err"
ok $? "report -o FILE"
grep -q '0 stories (0 hits) published from' "$T_TMP/empty.html"
ok $? "report --since the future: a page with no hits"
# --per-topic 1: each topic lists its newest story and counts the rest.
fw -c "$CONF" report --since 2020-01-01 --per-topic 1 > "$T_TMP/one.html" 2> /dev/null
python3 - "$T_TMP/report.html" "$T_TMP/one.html" > "$T_TMP/per.out" <<'PY'
import re, sys
full, one = (open(p).read() for p in sys.argv[1:])
def sections(html):
    return {m.group(1): m.group(2) for m in
            re.finditer(r'<section class="topic" id="([^"]+)"[^>]*>(.*?)</section>', html, re.S)}
fs, os_ = sections(full), sections(one)
bad = []
for sid, body in fs.items():
    n = body.count("<article")
    m = os_[sid].count("<article")
    more = re.search(r'The newest 1 of (\d+) stories; (\d+) more', os_[sid])
    if m != min(n, 1) or (n > 1) != bool(more) or (more and (int(more.group(1)), int(more.group(2))) != (n, n - 1)):
        bad.append("%s: %d listed of %d, %s" % (sid, m, n, more and more.group(0)))
print("busy=%d" % sum(1 for b in fs.values() if b.count("<article") > 1))
print("\n".join(bad) or "ok")
PY
like "$(cat "$T_TMP/per.out")" '^busy=[1-9]' "report: the fixture has a topic with more than one story"
like "$(tail -n 1 "$T_TMP/per.out")" '^ok$' "report --per-topic 1: each topic its newest story, then 'The newest 1 of N stories; N-1 more'"
grep -q 'Each topic below lists its newest 1 story' "$T_TMP/one.html"
ok $? "report --per-topic 1: the page says each topic lists its newest one"
script -qec "$FW_WRAP '$FW_BUILD/feedwatch' -c '$CONF' report" /dev/null > "$T_TMP/tty" 2>&1
like "$(cat "$T_TMP/tty")" "redirect it" "report to a terminal: refused, with the way to do it"

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
# chrome DOM|PNG OUT [FLAGS...]: runs headless Chromium on the report, bounded in time.
chrome() {
	local what=$1 out=$2 profile
	shift 2
	profile=$(mktemp -d "$T_TMP/chrome.XXXXXX")
	if [ "$what" = DOM ]; then
		timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$profile" "$@" --dump-dom "file://$T_TMP/report.html" \
			> "$out" 2> "$out.err"
	else
		timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
			--disable-background-networking --disable-component-update --disable-sync \
			--user-data-dir="$profile" --hide-scrollbars --window-size=1100,1500 "$@" \
			--screenshot="$out" "file://$T_TMP/report.html" > "$out.log" 2>&1
	fi
}
if [ -z "$CHROMIUM" ]; then
	for i in $(seq 13); do
		T_NUM=$((T_NUM + 1))
		echo "ok $T_NUM # skip chromium is not installed (apt-get install chromium)"
	done
	done_testing
fi

chrome DOM "$T_TMP/dom.html"
ok $? "chromium --dump-dom exits 0"
cat > "$T_TMP/dom.py" <<'PY'
import sys, json
from html.parser import HTMLParser
class P(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.ids, self.hrefs, self.srcs = {}, [], [], []
        self.stack, self.text, self.marks, self.h2 = [], [], [], []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        if "id" in a: self.ids.append(a["id"])
        if "href" in a and tag == "a": self.hrefs.append(a["href"])
        if "src" in a: self.srcs.append(a["src"])
        if tag not in ("meta", "br", "img", "link", "input", "hr"): self.stack.append(tag)
    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag: pass
    def handle_data(self, d):
        self.text.append(d)
        if self.stack and self.stack[-1] == "mark": self.marks.append(d)
        if self.stack and self.stack[-1] == "h2": self.h2.append(d)
p = P()
p.feed(open(sys.argv[1], encoding="utf-8").read())
print(json.dumps({"tags": p.tags, "ids": p.ids, "hrefs": p.hrefs, "srcs": p.srcs,
                  "text": "".join(p.text), "marks": p.marks, "h2": p.h2}))
PY
"$FW_PY" "$T_TMP/dom.py" "$T_TMP/dom.html" > "$T_TMP/dom.json"
q() { "$FW_PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print($1)" "$T_TMP/dom.json"; }
is "$(q 'd["tags"].get("script", 0)')" 0 "DOM: no script element (none from the data either)"
like "$(q 'd["text"]')" '<script>alert\(1\)</script> Milei meets Mercosur' "DOM: the <script> title is text"
is "$(q '[i for i in d["ids"] if i.startswith("topic-")]')" "['topic-milei', 'topic-mercosur', 'topic-china-swaps']" \
	"DOM: a section a topic, in config order"
is "$(q 'd["h2"]')" "['Stories a day', 'Milei', 'Mercosur', 'China swaps']" "DOM: the headings"
is "$(q 'd["tags"].get("article")')" "$(fw -c "$CONF" hits --format json --limit 0 | "$FW_PY" -c '
import json,sys; print(len({(h["story"], h["topic"]) for h in map(json.loads, sys.stdin)}))')" \
	"DOM: an article a story and topic (a story in two feeds once, also in the other)"
grep -q ' · also in Mirror Wire · hit [0-9]*</div>' "$T_TMP/report.html"
ok $? "report: the story names the feed it is also in"
like "$(q 'd["tags"].get("rect", 0) > 0 and d["tags"].get("svg")')" '^1$' "DOM: the inline SVG timeline has bars"
like "$(q 'sorted(set(m.lower() for m in d["marks"]))')" "'milei'.*'swap" "DOM: matched words in <mark>"
is "$(q 'all(h.startswith(("https://", "http://", "#")) for h in d["hrefs"]) and len(d["hrefs"]) > 30')" True \
	"DOM: links are http(s) or in the page"
is "$(q 'd["srcs"]')" "[]" "DOM: nothing loaded from anywhere"

grep -q "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">" "$T_TMP/dom.html"
ok $? "DOM: a Content-Security-Policy that lets no script run"

chrome PNG "$T_TMP/report.png"
ok $? "chromium --screenshot exits 0"
out=$("$FW_PY" - "$T_TMP/report.png" <<'PY'
import sys, struct, zlib
b = open(sys.argv[1], "rb").read()
assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
w, h = struct.unpack(">II", b[16:24])
pos, idat = 8, b""
while pos < len(b):
    n, = struct.unpack(">I", b[pos:pos + 4]); t = b[pos + 4:pos + 8]
    if t == b"IDAT": idat += b[pos + 8:pos + 8 + n]
    pos += 12 + n
raw = zlib.decompress(idat)
print(w, h, len(set(raw[i:i + 3] for i in range(0, len(raw), 997))) > 20)
PY
)
is "$out" "1100 1500 True" "the screenshot: 1100x1500, not blank"
cp "$T_TMP/report.png" "$FW_BUILD/report.png" 2>/dev/null || true
done_testing
