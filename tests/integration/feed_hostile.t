#!/bin/bash
# Hostile feeds through `feedwatch parse`, by URL from nginx (as the daemon
# reads them) and as files: external entities over http:// and file://,
# an external DTD, a parameter entity, XInclude, an xml-stylesheet and a
# schemaLocation pointing at the test server must read nothing and send no
# request (nginx's access log sees only the feeds themselves); billion laughs
# is refused; an HTML page names the feed it links to.
. "$(dirname "$0")/../helpers/lib.sh"
plan 27
[ -x "$FW_BUILD/feedwatch" ] || { echo "Bail out! $FW_BUILD/feedwatch is not built"; exit 1; }

www="$T_TMP/www"
mkdir -p "$www"
serve "$www"
echo "TOPSECRET-7f3a" > "$www/secret.txt"
printf '<!ENTITY leak SYSTEM "%s/secret.txt">\n' "$BASE" > "$www/evil.dtd"
echo '<xsl:stylesheet/>' > "$www/style.xsl"

item='<item><title>T &leak;</title><guid>g1</guid><description>after</description></item>'
feed() { printf '<?xml version="1.0"?>%s<rss version="2.0"><channel><title>H</title>%s</channel></rss>\n' "$1" "$2"; }
feed "<!DOCTYPE rss [<!ENTITY leak SYSTEM \"$BASE/secret.txt\">]>" "$item" > "$www/xxe-http.xml"
feed '<!DOCTYPE rss [<!ENTITY leak SYSTEM "file:///etc/passwd">]>' "$item" > "$www/xxe-file.xml"
feed "<!DOCTYPE rss SYSTEM \"$BASE/evil.dtd\">" "$item" > "$www/dtd-http.xml"
feed "<!DOCTYPE rss [<!ENTITY % p SYSTEM \"$BASE/evil.dtd\"> %p;]>" "$item" > "$www/pe-http.xml"
feed "" "<item><title>xi</title><guid>xi</guid><description><xi:include
	xmlns:xi=\"http://www.w3.org/2001/XInclude\" href=\"$BASE/secret.txt\" parse=\"text\"/>after</description></item>" \
	> "$www/xinclude.xml"
feed "<?xml-stylesheet type=\"text/xsl\" href=\"$BASE/style.xsl\"?>" \
	"<item xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:x $BASE/schema.xsd\"><title>ss</title><guid>ss</guid></item>" \
	> "$www/stylesheet.xml"
{
	printf '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
	prev=lol
	for i in 2 3 4 5 6 7 8 9; do
		printf '<!ENTITY lol%s "%s">' "$i" "$(printf "&$prev;%.0s" 1 2 3 4 5 6 7 8 9 10)"
		prev=lol$i
	done
	printf ']><rss><channel><item><title>&lol9;</title></item></channel></rss>\n'
} > "$www/laughs.xml"
printf '<!DOCTYPE html>\n<html><head><title>News</title><link rel="alternate" type="application/rss+xml" href="/feeds/real.xml"></head><body>hi</body></html>\n' \
	> "$www/page.html"

# parse NAME SRC: runs `feedwatch parse SRC --format json`; sets OUT, ERR, ST.
parse() {
	fw parse "$2" --format json > "$T_TMP/$1.out" 2> "$T_TMP/$1.err"
	ST=$?
	OUT=$(cat "$T_TMP/$1.out")
	ERR=$(cat "$T_TMP/$1.err")
}

for how in url file; do
	src() { if [ $how = url ]; then echo "$BASE/$1"; else echo "$www/$1"; fi; }
	parse xxe-http "$(src xxe-http.xml)"
	like "$ST $ERR" '^1 .*feed declares entities' "$how: external entity over http:// refused"
	parse xxe-file "$(src xxe-file.xml)"
	like "$ST $ERR" '^1 .*feed declares entities' "$how: external entity over file:// refused"
	parse dtd-http "$(src dtd-http.xml)"
	like "$ST $OUT" '^0 .*"title":"T &leak;"' "$how: external DTD not loaded, the reference stays text"
	parse pe-http "$(src pe-http.xml)"
	like "$ST $ERR" '^1 .*feed declares entities' "$how: parameter entity refused"
	parse xinclude "$(src xinclude.xml)"
	like "$ST $OUT" '^0 .*"summary":"after"' "$how: XInclude not followed"
	parse stylesheet "$(src stylesheet.xml)"
	like "$ST $OUT" '^0 .*"id":"ss"' "$how: stylesheet and schemaLocation ignored"
	parse laughs "$(src laughs.xml)"
	like "$ST $ERR" '^1 .*feed declares entities' "$how: billion laughs refused"
	is "$(cat "$T_TMP"/*.out | grep -c -e TOPSECRET -e 'root:')" 0 "$how: nothing read from the server or /etc/passwd"
done

parse page "$BASE/page.html"
like "$ST $ERR" "^1 .*not a feed: text/html \\(it links to a feed: $BASE/feeds/real.xml\\)" \
	"an HTML page names the feed it links to"
parse page-file "$www/page.html"
like "$ST $ERR" '^1 .*not a feed: text/html' "the same page as a file: not a feed"

# term_cut (match's output) replaced one byte of a two-byte C1 control and
# printed the other alone: invalid UTF-8 on the terminal (issue 16)
printf 'Milei \xc2\x85 wins \xe2\x80\xae here\n' | fw match milei - > "$T_TMP/match.out"
iconv -f UTF-8 -t UTF-8 "$T_TMP/match.out" > /dev/null 2>&1 &&
	! LC_ALL=C grep -q -P '\xc2[\x80-\x9f]|\xe2\x80\xae' "$T_TMP/match.out"
ok $? "match prints valid UTF-8 without the C1 control or the bidi override"

# A feed of 10050 items: the first 10000 are read, and the log and status
# say that the rest were left out (they were dropped without a word).
"$FW_PY" -c '
import sys
sys.stdout.write("<rss><channel><title>many</title>" + "".join(
    "<item><guid>%d</guid><title>t %d%s</title></item>" % (i, i, " Milei" if i in (9999, 10049) else "")
    for i in range(10050)) + "</channel></rss>")' > "$T_TMP/many.xml"
printf '[feedwatch]\ndatabase = %s/many.db\n[feed many]\nurl = file:%s/many.xml\n[topic milei]\nquery = Milei\n' \
	"$T_TMP" "$T_TMP" > "$T_TMP/many.conf"
fw -c "$T_TMP/many.conf" poll --no-notify > /dev/null 2> "$T_TMP/many.err"
like "$(cat "$T_TMP/many.err")" "many: feed read despite a problem: too many items: only the first 10000 read" \
	"poll: the log says items were left out"
is "$(fw -c "$T_TMP/many.conf" status --format json | "$FW_PY" -c '
import json, sys; f = json.load(sys.stdin)["feeds"][0]; print(f["degraded"], f["items"])')" "True 10000" \
	"status: the feed is degraded, 10000 items stored"
# safe_text FILE: valid UTF-8 with no C0 control but newline, DEL, C1
# control or bidi control
safe_text() {
	iconv -f UTF-8 -t UTF-8 "$1" > /dev/null 2>&1 &&
		! LC_ALL=C grep -q -P '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xd8\x9c' "$1"
}

# json-glib's error quoted a JSON string raw (escapes, C1, bidi, a cut
# character); a lone surrogate before the closing quote lost the whole feed
printf '{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"x","title":"Milei \033]0;PWNED\007\033[31mRED\302\2331m\342\200\256\001" x]}' > "$www/jerr.json"
parse jerr "$www/jerr.json"
safe_text "$T_TMP/jerr.err"
ok $? "a JSON error quotes nothing of the feed raw: $ERR"
printf '{"version":"https://jsonfeed.org/version/1.1","items":[{"id":"1","title":"Milei emoji cut \\ud83d"},{"id":"x\\u0000b","title":"Milei innocent\\u0000 neighbour"}]}' > "$www/jsur.json"
parse jsur "$www/jsur.json"
like "$ST $(printf '%s' "$OUT" | tr '\n' ' ')" $'^0 .*"title":"Milei emoji cut \xef\xbf\xbd".*"id":"xb","title":"Milei innocent neighbour"' \
	"a lone surrogate becomes U+FFFD, \\u0000 is dropped, the neighbour is kept"
# libxml2's message quotes a namespace URI
feed '' '<item><guid>u</guid></item>' | sed 's|<rss |<rss xmlns:x="http://a/\xc2\x9b\xe2\x80\xae\x1b[2J" |; s|</rss>|</rss></x>|' > "$www/xmlerr.xml"
parse xmlerr "$www/xmlerr.xml"
safe_text "$T_TMP/xmlerr.err" && grep -q 'is not a valid URI' "$T_TMP/xmlerr.err"
ok $? "an XML error's quoted URI is made safe: $ERR"

sleep 0.2
requests=$(grep -c . "$NGINX_LOG")
is "$(grep -c -v -E ' /(xxe-http|xxe-file|dtd-http|pe-http|xinclude|stylesheet|laughs)\.xml$| /page\.html$| /$' "$NGINX_LOG")" 0 \
	"the server saw only the feeds themselves (and serve.sh's probe of /)"
is "$(grep -c -E 'secret|evil|style\.xsl|schema' "$NGINX_LOG")" 0 "no request for the secret, the DTD, the stylesheet or the schema"
ok $([ "$requests" -ge 8 ]; echo $?) "the access log works (the feed requests are there)"
done_testing
