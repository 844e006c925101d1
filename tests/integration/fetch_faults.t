#!/bin/bash
# Every misbehaving server of issue 4 as a [feed] in one config, polled once
# with `feedwatch poll`: what was recorded per feed (feeds table), and that
# every good feed in the same config was still polled and its hits recorded.
# Then a second poll: conditional GETs (304), a server that ignores them, an
# ETag that had CR LF in it, Retry-After feeds that are not due.
. "$(dirname "$0")/../helpers/lib.sh"
plan 76

# The fault server on 10 ports of 127.0.0.1 (the Retry-After feeds each get
# their own host:port: a 429 makes its whole host wait) and one of ::1.
start_faultserver 11 --ports 10 --ipv6 --log "$T_TMP/fault.log"
F="http://127.0.0.1:${P[0]}"
V6="http://[::1]:${P[10]}"

# Three good feeds on nginx.
mkdir -p "$T_TMP/www"
for n in 1 2 3; do
	cat > "$T_TMP/www/good$n.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Good $n</title><link>http://example.org/</link>
<item><title>Mercosur summit $n</title><link>http://example.org/good/$n</link>
<guid>good-$n</guid><description>Leaders meet.</description></item>
<item><title>Weather $n</title><link>http://example.org/weather/$n</link>
<guid>weather-$n</guid><description>Rain.</description></item>
</channel></rss>
XML
done
serve "$T_TMP/www"

conf="$T_TMP/fw.conf"
db="$T_TMP/fw.db"
{
	cat <<CONF
[feedwatch]
database = $db
timeout = 3s
max_size = 1M
max_parallel = 64
max_per_host = 64
[topic mercosur]
query = Mercosur
notify = none
CONF
	feed() { printf '[feed %s]\nurl = %s\n' "$1" "$2"; [ -n "${3:-}" ] && printf 'interval = %s\n' "$3"; }
	feed good1 "$BASE/good1.xml"
	feed good2 "$BASE/good2.xml"
	feed good3 "$BASE/good3.xml"
	feed ok "$F/ok"
	feed v6 "$V6/ok"
	feed slowloris "$F/slow"
	feed hang "$F/hang"
	feed reset "$F/reset"
	feed truncated "$F/truncated"
	feed e500 "$F/status/500"
	feed e404 "$F/status/404"
	feed e410 "$F/status/410"
	k=1
	for code in 429 503; do
		for form in seconds date garbage decade; do
			[ $form = decade ] && [ $code = 503 ] && form=decade-date
			feed "r$code-$form" "http://127.0.0.1:${P[$k]}/retry/$code/$form" 1m
			k=$((k + 1))
		done
	done
	feed loop "$F/redirect-loop"
	feed tofile "$F/redirect-file"
	feed toftp "$F/redirect-ftp"
	feed chain "$F/chain/3"
	feed toolong "$F/chain/5"
	feed bigcl "$F/big"
	feed endless "$F/chunked-endless"
	feed bomb "$F/gzip-bomb"
	feed zbomb "$F/enc/zstd-bomb"
	feed brotli "$F/enc/br"
	feed badcrc "$F/enc/bad-crc"
	feed zstd "$F/enc/zstd"
	feed rawdeflate "$F/enc/deflate-raw"
	feed empty "$F/empty"
	feed html "$F/html"
	feed wrongtype "$F/wrong-type"
	feed crlf "$F/etag-fold"
	feed ignores "$F/ignores-conditional"
} > "$conf"

t0=$(date +%s)
fw -c "$conf" poll --no-notify > "$T_TMP/poll.out" 2> "$T_TMP/poll.err"
rc=$?
t1=$(date +%s)
is "$rc" 1 "feedwatch poll exits 1 when some feeds failed"
like "$(tail -n 1 "$T_TMP/poll.err")" "polled 38 feeds \(27 failed\)" "every feed was polled: 38, 27 failed"
[ $((t1 - t0)) -lt 40 ]
ok $? "the poll is bounded by the timeout ($((t1 - t0)) s)"

# col KEY COLUMN: one column of the feed's row.
col() { sqlite3 "$db" "select $2 from feeds where key = '$1'"; }
# rec KEY: "status|failures|error" as recorded.
rec() { sqlite3 "$db" "select http_status || '|' || failures || '|' || coalesce(error, '') from feeds where key = '$1'"; }
hits() { sqlite3 "$db" "select count(*) from hits h join items i on i.id = h.item_id join feeds f on f.id = i.feed_id where f.key = '$1'"; }

# The good feeds: polled, recorded ok, hits stored, despite everything else.
for k in good1 good2 good3 ok v6 chain wrongtype crlf ignores zstd rawdeflate; do
	is "$(rec $k)|$(hits $k)" "200|0||1" "$k: 200, no error, its hit recorded"
done
is "$(col good1 "last_poll > 0 and next_poll > last_poll and bytes > 0 and seconds >= 0")" 1 \
	"a poll records when, bytes, duration and the next poll"

like "$(rec slowloris)" "^200\|1\|.*(timed out|too slow|slower than)" "slow-loris (1 byte/s): timed out"
like "$(rec hang)" "^0\|1\|.*(timed out|too slow|slower than)" "a server that never answers: timed out"
like "$(rec reset)" "^200\|1\|.*reset" "connection reset mid-body"
like "$(rec truncated)" "^200\|1\|.*transfer closed with [0-9]+ bytes remaining" "truncated body"
is "$(rec e500)" "500|1|HTTP 500" "500"
is "$(rec e404)" "404|1|HTTP 404" "404"
is "$(rec e410)" "410|1|HTTP 410" "410"
is "$(col e404 "next_poll - last_poll >= 900")" 1 "404 backs off from the interval"

# Retry-After: seconds, date, garbage (the minimum), ten years (the maximum).
for code in 429 503; do
	is "$(rec r$code-seconds)" "$code|1|HTTP $code, retry after 120 s" "$code Retry-After: 120"
	like "$(rec r$code-date)" "^$code\|1\|HTTP $code, retry after 1(1[0-9]|20) s$" "$code Retry-After as a date 2 minutes ahead"
	is "$(rec r$code-garbage)" "$code|1|HTTP $code, retry after 60 s" "$code Retry-After: garbage counts as 1 minute"
	d=decade; [ $code = 503 ] && d=decade-date
	is "$(rec r$code-$d)" "$code|1|HTTP $code, retry after 86400 s" "$code Retry-After: 10 years, clamped to a day"
	is "$(col r$code-seconds "next_poll - last_poll between 120 and 121")" 1 "$code: next poll after Retry-After, not after the 1 min interval"
	is "$(col r$code-$d "next_poll - last_poll")" 86400 "$code: at most a day"
done

like "$(rec loop)" "^302\|1\|.*(Maximum|redirects)" "redirect loop: stopped"
like "$(rec toolong)" "^301\|1\|Maximum \(5\) redirects" "a 301 chain of 6: stopped at 5"
like "$(rec tofile)" "^302\|1\|.*\"file\" not supported" "redirect to file:///etc/passwd refused"
like "$(rec toftp)" "^302\|1\|.*\"ftp\" not supported" "redirect to ftp:// refused"
is "$(rec bigcl)" "200|1|body larger than max_size (1048576 bytes)" "Content-Length over the cap"
is "$(rec endless)" "200|1|body larger than max_size (1048576 bytes)" "endless chunked body: cut at the cap"
is "$(rec bomb)" "200|1|body larger than max_size (1048576 bytes)" "gzip bomb (100 MB from 100 KB): cut at the cap of decoded bytes"
is "$(col bomb "bytes <= 1048576")" 1 "the bomb's recorded bytes stay under the cap"
is "$(rec zbomb)" "200|1|body larger than max_size (1048576 bytes)" "zstd bomb (100 MB from 3 KB): cut at the cap"
is "$(rec brotli)" '200|1|content coding "br" is not supported' "a coding never offered (br): the feed's error names it"
is "$(rec badcrc)" "200|1|gzip body is corrupt or truncated" "gzip whose CRC does not match: an error, nothing stored"
like "$(grep -c 'brotli.*content coding \"br\" is not supported' "$T_TMP/poll.err")" '^[1-9]' \
	"the poll's log names the feed and the coding"
like "$(rec empty)" "^200\|1\|.+" "empty 200: an error, not a crash"
like "$(rec html)" "^200\|1\|.*not a feed" "HTML page 200: not a feed"
is "$(sqlite3 "$db" "select count(*) from feeds where etag like '%'||char(13)||'%' or etag like '%'||char(10)||'%'")" 0 \
	"no stored ETag holds CR or LF"
is "$(col crlf etag)" '"crlf folded"' "a folded ETag is stored unfolded"
is "$(sqlite3 "$db" "select count(*) from feeds where error like '%'||char(10)||'%'")" 0 "no error text holds a newline"

# `feedwatch status` shows the failing feeds as failing, the gone one as gone.
fw -c "$conf" status --format json > "$T_TMP/status.json" 2> /dev/null
is "$("$FW_PY" - "$T_TMP/status.json" <<'PY'
import json, sys
feeds = {f["feed"]: f for f in json.load(open(sys.argv[1]))["feeds"]}
print(" ".join([feeds["good1"]["health"] == "ok" and "ok" or "?",
                feeds["e500"]["health"] != "ok" and feeds["e500"]["failures"] == 1 and "failing" or "?",
                feeds["e410"]["gone"] and "gone" or "?", str(len(feeds))]))
PY
)" "ok failing gone 38" "feedwatch status --format json: good ok, failing marked, gone marked"

# Logged once each, naming the feed.
is "$(grep -c 'e500: HTTP 500' "$T_TMP/poll.err")" 1 "a failing feed is logged, once"
like "$(grep 'e410:' "$T_TMP/poll.err")" "e410: gone: .*410.* will not be polled again" "410 is logged clearly"
is "$(col e410 gone)" 1 "410: the feed is marked gone"

# Second poll: conditional GETs answer 304; the server that ignores them is
# still read correctly (nothing new); Retry-After feeds are not polled early.
sleep 1
hits_before=$(sqlite3 "$db" "select count(*) from hits")
items_before=$(sqlite3 "$db" "select count(*) from items")
: > "$T_TMP/fault.log"
fw -c "$conf" poll --no-notify -f good1 -f ok -f crlf -f ignores -f e410 -f e404 \
	> "$T_TMP/poll2.out" 2> "$T_TMP/poll2.err"
is "$(rec good1)" "304|0|" "nginx: 304 with the stored validators"
is "$(rec ok)" "304|0|" "fault server: 304"
is "$(rec crlf)" "304|0|" "the sanitised ETag is sent back as one clean header: 304"
is "$(rec ignores)" "200|0|" "a server that ignores conditional headers: 200, read again"
is "$(sqlite3 "$db" "select count(*) from hits")" "$hits_before" "no duplicate hits"
is "$(sqlite3 "$db" "select count(*) from items")" "$items_before" "no duplicate items"
is "$(rec e404)" "404|2|HTTP 404" "404 again: two failures in a row"
is "$(grep -c 'e404' "$T_TMP/poll2.err")" 0 "a feed that keeps failing is not logged again"
is "$(grep -c ' /status/410$' "$T_TMP/fault.log")" 0 "a gone feed is not requested again"
is "$(rec e410)" "410|1|HTTP 410" "and its record stays"
like "$(cat "$T_TMP/poll2.err")" "e410: gone \(HTTP 410\): not polled" "and the poll says so"
# the same when it waits for a free slot first (one poll at a time)
sed 's/^max_parallel = .*/max_parallel = 1/' "$conf" > "$T_TMP/one.conf"
: > "$T_TMP/fault.log"
fw -c "$T_TMP/one.conf" poll --no-notify -f ok -f ignores -f e410 2> "$T_TMP/poll3.err"
is "$(grep -c ' /status/410$' "$T_TMP/fault.log")" 0 "a gone feed that waited is not requested either"
like "$(cat "$T_TMP/poll3.err")" "e410: gone \(HTTP 410\): not polled" "and the poll says so"

# A permanent redirect (a 301 chain) seen on 3 polls in a row moves the feed.
for i in 2 3; do fw -c "$conf" poll --no-notify -f chain > /dev/null 2> "$T_TMP/poll-chain$i.err"; done
is "$(col chain moved_to)" "$F/ok" "after 3 polls ending in the same permanent redirect, moved_to is its target"
like "$(cat "$T_TMP/poll-chain3.err")" "chain: moved permanently to $F/ok" "the move is logged"
: > "$T_TMP/fault.log"
fw -c "$conf" poll --no-notify -f chain > /dev/null 2> "$T_TMP/poll-chain4.err"
is "$(cat "$T_TMP/fault.log")" "${P[0]} /ok" "then the new URL is fetched, not the old one"
is "$(rec chain)|$(grep -c moved "$T_TMP/poll-chain4.err")" "304|0||0" "304 at the new URL; the move is not logged again"
# Recovery is logged: the 404 feed now points at a good file.
sed -i "s|$F/status/404|$BASE/good3.xml|" "$conf"
fw -c "$conf" poll --no-notify -f e404 > /dev/null 2> "$T_TMP/poll3.err"
is "$(rec e404)" "200|0|" "a failing feed recovers: failures reset"
like "$(cat "$T_TMP/poll3.err")" "e404: recovered after 2 failed polls" "recovery is logged"
is "$(col e404 "next_poll - last_poll between 900 and 945")" 1 "after recovery the interval (plus jitter) again"

done_testing
