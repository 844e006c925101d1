#!/bin/bash
# TLS verification is on: a feed served over HTTPS with a certificate nobody
# signed (tests/fixtures/tls, for 127.0.0.1) fails with the certificate
# problem recorded and logged, is never read (the fault server saw no
# request), and a good feed in the same poll is still polled and its hit
# stored.
. "$(dirname "$0")/../helpers/lib.sh"
plan 6

start_faultserver 1 --tls "$FW_TOP/tests/fixtures/tls/cert.pem" \
	"$FW_TOP/tests/fixtures/tls/key.pem" --log "$T_TMP/fault.log"
PORT=${P[0]}
: >> "$T_TMP/fault.log"

mkdir -p "$T_TMP/www"
cat > "$T_TMP/www/good.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Good</title><link>http://example.org/</link>
<item><title>Mercosur summit</title><link>http://example.org/good/1</link>
<guid>good-1</guid><description>Leaders meet.</description></item>
</channel></rss>
XML
conf="$T_TMP/fw.conf"
db="$T_TMP/fw.db"
cat > "$conf" <<CONF
[feedwatch]
database = $db
timeout = 5s
[topic mercosur]
query = Mercosur
notify = none
[feed good]
url = file://$T_TMP/www/good.xml
[feed selfsigned]
url = https://127.0.0.1:$PORT/ok
CONF

fw -c "$conf" poll --no-notify > "$T_TMP/poll.out" 2> "$T_TMP/poll.err"
is "$?" 1 "feedwatch poll exits 1: a feed failed"
like "$(tail -n 1 "$T_TMP/poll.err")" "polled 2 feeds \(1 failed\)" "both feeds polled, one failed"
rec() { sqlite3 "$db" "select coalesce(error, '') from feeds where key = '$1'"; }
like "$(rec selfsigned)" "[Cc]ertificate|SSL|TLS" "the certificate problem is recorded"
like "$(grep selfsigned "$T_TMP/poll.err")" "selfsigned: .*([Cc]ertificate|SSL|TLS)" \
	"and logged, naming the feed"
is "$(wc -l < "$T_TMP/fault.log")" 0 "no request reached the server: the handshake was refused"
is "$(sqlite3 "$db" "select count(*) from hits")" 1 "the good feed's hit is stored"
