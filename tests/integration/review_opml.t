#!/bin/bash
# import / export / add. A real-world shaped OPML (nested folders, odd
# attribute case, entities, text-only and title-less outlines, duplicate
# URLs, ftp feeds, links) is imported into a config with comments; the
# comments and every old byte stay, the feeds come back out of export
# without loss; `add` finds a site's feed by autodiscovery on nginx.
. "$(dirname "$0")/../helpers/lib.sh"
plan 45
FIX="$FW_TOP/tests/fixtures/opml/realworld.opml"
CONF="$T_TMP/feedwatch.conf"

# The reference reading of an OPML file (python's ElementTree, written from
# the OPML 2.0 spec): feeds with http(s) xmlUrl, folder path as category,
# first of each URL only (scheme and host case-folded, trailing / ignored).
cat > "$T_TMP/ref.py" <<'PY'
import sys, json
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit
def canon(u):
    p = urlsplit(u)
    return (p.scheme.lower(), p.netloc.lower(), p.path.rstrip("/"), p.query)
def attr(o, name):
    for k, v in o.attrib.items():
        if k.lower() == name.lower(): return v
    return None
def walk(node, path, out):
    for o in node.findall("outline"):
        x = attr(o, "xmlUrl")
        if x and x.strip():
            x = x.strip()
            if x.startswith("feed://"): x = "http://" + x[7:]
            if x.startswith(("http://", "https://")):
                title = attr(o, "title") or attr(o, "text")
                cat = "/".join(path)
                if not cat and attr(o, "category"):
                    cat = "/".join(s.strip() for s in attr(o, "category").split(",")[0].split("/") if s.strip())
                out.append({"url": x, "title": " ".join(title.split()) if title else None,
                            "site": attr(o, "htmlUrl"), "category": cat or None})
            walk(o, path, out)
        else:
            name = attr(o, "text") or attr(o, "title")
            walk(o, path + [name.replace("/", "\u2215")] if name else path, out)
feeds = []
walk(ET.parse(sys.argv[1]).getroot().find("body"), [], feeds)
seen, uniq = set(), []
skip = set(canon(u) for u in sys.argv[2:])
for f in feeds:
    c = canon(f["url"])
    if c in seen or c in skip: continue
    seen.add(c); uniq.append(f)
print(json.dumps(uniq, ensure_ascii=False, sort_keys=True))
PY

cat > "$CONF" <<EOF
# My feedwatch config — keep this comment
; and this one
[feedwatch]
database = $T_TMP/fw.db   # an inline comment

[topic milei]
# why: the election
query = Milei
EOF
truncate -s -1 "$CONF"   # no newline at the end of the last line
cp "$CONF" "$T_TMP/orig.conf"

fw -c "$CONF" import --dry-run "$FIX" > "$T_TMP/dry" 2>&1
ok $? "import --dry-run exits 0"
cmp -s "$CONF" "$T_TMP/orig.conf"
ok $? "import --dry-run changes nothing"
like "$(tail -n 1 "$T_TMP/dry")" '^would import 10 feeds into .* \(1 already there, 1 skipped: not an http\(s\) feed URL\)$' \
	"import --dry-run says what it would do"

fw -c "$CONF" import "$FIX" > "$T_TMP/import" 2> "$T_TMP/import.err"
ok $? "import exits 0"
like "$(tail -n 1 "$T_TMP/import")" '^imported 10 feeds into .* \(1 already there, 1 skipped' "import: counts"
cmp -s -n "$(stat -c %s "$T_TMP/orig.conf")" "$CONF" "$T_TMP/orig.conf"
ok $? "import: every byte of the old config is kept (comments too)"
fw -c "$CONF" check > "$T_TMP/check" 2>&1
ok $? "import: the config still checks"
like "$(cat "$T_TMP/check")" 'ok, 10 feeds, 1 topic' "import: 10 feeds in the config"
grep -q '^# Imported from realworld.opml on [0-9-]* (10 feeds)\.$' "$CONF"
ok $? "import: a comment says where the feeds came from"
is "$(grep -A4 '^\[feed pagina-12-economia\]' "$CONF")" \
	$'[feed pagina-12-economia]\nurl = https://www.pagina12.example/rss/secciones/economia/notas\ntitle = Página/12 — Economía\nsite = https://www.pagina12.example/secciones/economia\ncategory = News/Argentina' \
	"import: a group with entities decoded, site and category"
grep -q '^url = http://swaps.example/rss$' "$CONF"
ok $? "import: feed:// read as http://"
grep -q '^url = https://www.lanacion.example/arc/outboundfeeds/rss/?outputType=xml&x=1$' "$CONF"
ok $? "import: xmlurl in lower case, &amp; in a URL"
grep -q '^\[feed notitle-example\]$' "$CONF"
ok $? "import: an outline without title or text is named from its host"

fw -c "$CONF" import "$FIX" > "$T_TMP/import2" 2>&1
like "$(tail -n 1 "$T_TMP/import2")" '^imported 0 feeds into .* \(11 already there' "import again: nothing new"
is "$(grep -c '^\[feed ' "$CONF")" 10 "import again: no group twice"

# export, and the round trip: what export writes is what the OPML said.
fw -c "$CONF" export > "$T_TMP/export.opml"
ok $? "export exits 0"
xmllint --noout "$T_TMP/export.opml"
ok $? "export: well-formed XML"
like "$(sed -n 2p "$T_TMP/export.opml")" '^<opml version="2.0">$' "export: OPML 2.0"
"$FW_PY" "$T_TMP/ref.py" "$FIX" > "$T_TMP/want.json"
"$FW_PY" "$T_TMP/ref.py" "$T_TMP/export.opml" > "$T_TMP/got.json"
out=$("$FW_PY" - "$T_TMP/want.json" "$T_TMP/got.json" <<'PY'
import json, sys
want, got = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
bad = []
g = {f["url"]: f for f in got}
for w in want:
    f = g.get(w["url"])
    if f is None: bad.append("missing %s" % w["url"]); continue
    for k in ("site", "category"):
        if f[k] != w[k]: bad.append("%s %s: %r != %r" % (w["url"], k, f[k], w[k]))
    if w["title"] is not None and f["title"] != w["title"]:
        bad.append("%s title: %r != %r" % (w["url"], f["title"], w["title"]))
if len(got) != len(want): bad.append("%d feeds, want %d" % (len(got), len(want)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PY
)
ok $? "round trip: title, xmlUrl, htmlUrl and category of every feed survive import + export"
[ -z "$out" ] || diag "$out"
like "$(grep -c '<outline text="News">' "$T_TMP/export.opml")" '^1$' "export: folders nested once, in order"

# export -> import into an empty config -> export: the same document.
printf '[feedwatch]\ndatabase = %s/fw2.db\n' "$T_TMP" > "$T_TMP/second.conf"
fw -c "$T_TMP/second.conf" import "$T_TMP/export.opml" > /dev/null
fw -c "$T_TMP/second.conf" export | grep -v '<dateCreated>' > "$T_TMP/export2.opml"
grep -v '<dateCreated>' "$T_TMP/export.opml" | sed 's/text="notitle-example" title="notitle-example"/X/' > "$T_TMP/e1"
sed 's/text="notitle-example" title="notitle-example"/X/' "$T_TMP/export2.opml" > "$T_TMP/e2"
diff "$T_TMP/e1" "$T_TMP/e2" > "$T_TMP/diff"
ok $? "export, import, export: the same OPML"
[ -s "$T_TMP/diff" ] && diag "$(head -n 20 "$T_TMP/diff")"

# Bad input: named errors, exit 1; nothing written.
cp "$CONF" "$T_TMP/before.conf"
printf '<opml version="2.0"><body><outline text="x" xmlUrl="https://x.example/"></body></opml>' > "$T_TMP/bad.opml"
fw -c "$CONF" import "$T_TMP/bad.opml" > /dev/null 2> "$T_TMP/err"
is "$?" 1 "import of broken XML: exit 1"
like "$(cat "$T_TMP/err")" '^feedwatch import: .*bad.opml: not XML: line 1: ' "the error names the file and the line"
printf '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml version="2.0"><body><outline text="&x;" xmlUrl="https://x.example/"/></body></opml>' > "$T_TMP/xxe.opml"
fw -c "$CONF" import "$T_TMP/xxe.opml" > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" '^1:feedwatch import: .*xxe.opml: OPML declares entities: refused' "import refuses entities"
fw -c "$CONF" import "$T_TMP/nosuch.opml" > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" '^1:feedwatch import: .*nosuch.opml' "import of a missing file: exit 1, named"
cmp -s "$CONF" "$T_TMP/before.conf"
ok $? "nothing was written by the failed imports"

# add: autodiscovery on a page served by nginx.
mkdir -p "$T_TMP/www/blog" "$T_TMP/www/plain"
cp "$FW_TOP/tests/fixtures/review/review.xml" "$T_TMP/www/blog/feed.xml"
cat > "$T_TMP/www/blog/index.html" <<'EOF'
<!DOCTYPE html>
<html><head><title>A blog</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="The blog's feed" href="feed.xml">
</head><body><p>Posts.</p></body></html>
EOF
printf '<!DOCTYPE html><html><head><title>No feed here</title></head><body></body></html>' > "$T_TMP/www/plain/index.html"
serve "$T_TMP/www"
fw -c "$CONF" add "$BASE/blog/" > "$T_TMP/add" 2> "$T_TMP/add.err"
ok $? "add of a page with a feed link exits 0"
is "$(cat "$T_TMP/add")" "added [feed review-test-desk] $BASE/blog/feed.xml to $CONF" "add: found the feed, named it from its title"
is "$(tail -n 5 "$CONF")" $'# Added by feedwatch add: Review & Test Desk (1 item)\n[feed review-test-desk]\nurl = '"$BASE"$'/blog/feed.xml\ntitle = Review & Test Desk\nsite = '"$BASE/blog/" \
	"add: the group appended, with the feed's title and the page as its site (issue 15 item 12)"
cmp -s -n "$(stat -c %s "$T_TMP/before.conf")" "$CONF" "$T_TMP/before.conf"
ok $? "add: every byte of the old config is kept"
fw -c "$CONF" check > /dev/null 2>&1
ok $? "add: the config still checks"
is "$(fw -c "$CONF" add "$BASE/blog/feed.xml")" "$BASE/blog/feed.xml is already in $CONF as [feed review-test-desk]" \
	"add of a feed already there: says so, exit 0"
fw -c "$CONF" add "$BASE/plain/" > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" '^1:feedwatch add: .*/plain/ is a page that announces no feed' "add of a page without a feed: exit 1, says why"
fw -c "$CONF" add "$BASE/missing.xml" > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" '^1:feedwatch add: .*missing.xml: HTTP 404' "add of a 404: exit 1"
fw -c "$CONF" add --name 'bad name!' "$BASE/blog/" > /dev/null 2>&1
is "$?" 2 "add --name with a bad name: usage error"

# A new user's first command: no config anywhere. A failed add makes none;
# add makes one at the user's place, for the user alone; import makes the
# -c FILE it is given.
user_conf="$XDG_CONFIG_HOME/feedwatch/feedwatch.conf"
fw add "$BASE/missing.xml" > /dev/null 2>&1
ok $([ ! -e "$user_conf" ] && echo 0 || echo 1) "no config yet: a failed add makes none"
out=$(fw add "$BASE/blog/" 2>&1)
is "$?:$(printf '%s\n' "$out" | grep -c "^made $user_conf, a new configuration")" "0:1" \
	"no config yet: add makes one at \$XDG_CONFIG_HOME/feedwatch and says so"
is "$(stat -c %a "$user_conf") $(stat -c %a "$(dirname "$user_conf")")" "600 700" \
	"the new config and its folder are the user's alone"
like "$(fw check 2>&1)" "feedwatch.conf: ok, 1 feed, 0 topics" "the new config checks, with the feed"
fw -c "$T_TMP/new/team.conf" import "$FIX" > "$T_TMP/import-new" 2>&1
is "$?:$(grep -c "^made $T_TMP/new/team.conf" "$T_TMP/import-new")" "0:1" \
	"import -c FILE makes the missing FILE"

# With feedwatchd running on the config, add has it reload, and says what
# it now holds; a daemon on another file is named, not reloaded.
cp "$T_TMP/www/blog/feed.xml" "$T_TMP/www/second.xml"
$FW_WRAP "$FW_BUILD/feedwatchd" 2> "$T_TMP/d.err" &
dpid=$!
for i in $(seq 600); do grep -q '^config ' "$XDG_DATA_HOME/feedwatch/feedwatch.db.lock" 2> /dev/null && break; sleep 0.05; done
out=$(fw add --name second "$BASE/second.xml" 2>&1)
is "$?:$out" "0:added [feed second] $BASE/second.xml to $user_conf
feedwatchd (pid $dpid) reloaded $user_conf: 2 feeds, 0 topics
feedwatch add: feedwatchd polled 1 feed (0 failed): 1 new item, 0 new hits" \
	"add while feedwatchd runs: it reloads, and add says so, then the feed's first poll"
grep -q "reloaded: 2 feeds, 0 topics" "$T_TMP/d.err"
ok $? "the daemon had reloaded when add returned"
# import too waits for its feeds' first polls, and names a feed that fails.
cp "$T_TMP/www/blog/feed.xml" "$T_TMP/www/fourth.xml"
cat > "$T_TMP/two.opml" <<OPML
<?xml version="1.0"?>
<opml version="2.0"><body>
<outline type="rss" text="Fourth" xmlUrl="$BASE/fourth.xml"/>
<outline type="rss" text="Gone" xmlUrl="$BASE/gone.xml"/>
</body></opml>
OPML
fw import "$T_TMP/two.opml" > "$T_TMP/imp.out" 2> "$T_TMP/imp.err"
is "$?:$(tail -n 1 "$T_TMP/imp.out")" "1:feedwatchd (pid $dpid) reloaded $user_conf: 4 feeds, 0 topics" \
	"import while feedwatchd runs: it reloads; a feed whose first poll failed: exit 1"
is "$(cat "$T_TMP/imp.err")" "feedwatch import: gone: HTTP 404
feedwatch import: feedwatchd polled 2 feeds (1 failed): 1 new item, 0 new hits" \
	"the failed feed named, then the first polls' figures"
cp "$user_conf" "$T_TMP/copy.conf"
cp "$T_TMP/www/blog/feed.xml" "$T_TMP/www/third.xml"
out=$(fw -c "$T_TMP/copy.conf" add --name third "$BASE/third.xml" 2>&1)
is "$?:$out" "0:added [feed third] $BASE/third.xml to $T_TMP/copy.conf
feedwatchd (pid $dpid) runs on $user_conf, not $T_TMP/copy.conf: it does not read this file" \
	"add to another file that names the same database: the daemon's file is named"
kill -TERM $dpid; wait $dpid
done_testing
