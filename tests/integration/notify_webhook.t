#!/bin/bash
# Webhooks against a loopback receiver that records every request: the hit
# as JSON with Idempotency-Key, ntfy's form (Title, Priority, Click, Tags),
# a 500 answer that fails the row until the retry after the backoff (same
# Idempotency-Key), an unreachable receiver, and a 2xx whose body claims a
# coding it is not in (the answer is not read: still delivered).
. "$(dirname "$0")/../helpers/lib.sh"
. "$(dirname "$0")/notify_setup.sh"
plan 21

W="$T_TMP/www"
mkdir -p "$W"
cat > "$T_TMP/recv.py" <<'PY'
"""Records each POST as a JSON line; paths containing "fail" answer 500 the first
time; paths containing "brotli" answer with Content-Encoding: br on a plain body."""
import http.server, json, os, sys
port_file, log = sys.argv[1], sys.argv[2]
seen = set()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status = 500 if "fail" in self.path and self.path not in seen else 200
        seen.add(self.path)
        rec = {"path": self.path, "status": status, "headers": dict(self.headers.items()),
               "body": body.decode("utf-8", "replace")}
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.send_response(status)
        self.send_header("Content-Length", "2")
        if "brotli" in self.path:
            self.send_header("Content-Encoding", "br")
        self.end_headers()
        self.wfile.write(b"ok")
    def log_message(self, *a):
        pass
srv = http.server.HTTPServer(("127.0.0.1", 0), H)
with open(port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(port_file + ".tmp", port_file)
srv.serve_forever()
PY
RLOG="$T_TMP/requests.log"
$FW_PY "$T_TMP/recv.py" "$T_TMP/port" "$RLOG" &
rpid=$!
stop_recv() { kill "$rpid"; }
at_exit stop_recv
wait_until 10 test -s "$T_TMP/port"
port=$(cat "$T_TMP/port")
dead=$(free_port)

# req N EXPR: a Python expression over r, the N-th request recorded.
req() {
	$FW_PY - "$RLOG" "$1" "$2" <<'PY'
import json, sys, email.header
rs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
r = rs[int(sys.argv[2]) - 1]
def hdr(name):
    return "".join(p.decode(c or "ascii") if isinstance(p, bytes) else p
                   for p, c in email.header.decode_header(r["headers"][name]))
v = eval(sys.argv[3])
print(json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v)
PY
}
nreq() { if [ -f "$RLOG" ]; then wc -l < "$RLOG" | tr -d ' '; else echo 0; fi; }

conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
notify_initial = true
timeout = 5s
[feed news]
url = file://$W/news.xml
title = News
[topic milei]
query = Milei
notify = webhook
webhook = http://127.0.0.1:$port/json
[topic urgent]
query = Urgent
notify = webhook
webhook = http://127.0.0.1:$port/ntfy/topic
webhook_format = ntfy
urgency = critical
[topic mercado]
query = Mercado
notify = webhook
webhook = http://127.0.0.1:$port/brotli
CONF
write_feed "$W/news.xml" "News" 'Milei & <b>friends</b>|Milei met "them"' 'Urgent Mercado Común|the text'

fw -c "$conf" poll 2> "$T_TMP/poll.err"
ok $? "poll exits 0"
is "$(nreq)" 3 "three requests"
j=$(grep -n '"/json"' "$RLOG" | cut -d: -f1)
n=$(grep -n '"/ntfy/topic"' "$RLOG" | cut -d: -f1)
is "$(req "$j" 'r["headers"]["Content-Type"]')" "application/json" "JSON: Content-Type application/json"
is "$(req "$j" 'r["headers"]["Idempotency-Key"]')" \
	"$(sqlite3 "$T_TMP/fw.db" "select o.id from outbox o join hits h on h.id = o.hit_id where h.topic = 'milei'")" \
	"Idempotency-Key: the outbox row's id"
is "$(fw -c "$conf" hits --topic milei --format json | $FW_PY -c '
import json, sys
h = json.loads(sys.stdin.readline())
b = json.loads(json.loads(open(sys.argv[1]).readlines()[int(sys.argv[2]) - 1])["body"])
for k in ("read", "notified"):
    h.pop(k); b.pop(k)
print("same" if h == b else "%r != %r" % (b, h))' "$RLOG" "$j")" same "the body is the hit as the hit log's JSON"
is "$(req "$n" 'r["headers"]["Content-Type"]')" "text/plain; charset=utf-8" "ntfy: a text body"
like "$(req "$n" 'r["headers"]["Title"]')" '^=\?UTF-8\?B\?' "ntfy: the non-ASCII Title is an RFC 2047 encoded word"
is "$(req "$n" 'hdr("Title")')" "Urgent — News" "which decodes to the topic and the feed"
is "$(req "$n" 'r["headers"]["Priority"] + " " + r["headers"]["Tags"] + " " + r["headers"]["Click"]')" \
	"5 urgent https://example.com/news/1" "Priority 5 (critical), Tags the topic, Click the link"
is "$(req "$n" 'r["body"]')" "$(hits "$conf" '[x["title"] + "\n" + x["snippet"] for x in h if x["topic"] == "urgent"][0]')" \
	"the body is the title, then the snippet"
is "$(hits "$conf" 'sorted({x["notified"] for x in h})')" '["delivered"]' "2xx: delivered"
b=$(grep -n '"/brotli"' "$RLOG" | cut -d: -f1)
is "$(req "$b" '"Accept-Encoding" in r["headers"]')" "False" "a POST offers no Content-Encoding"
is "$(hits "$conf" '[x["notified"] for x in h if x["topic"] == "mercado"]')" '["delivered"]' \
	"a 2xx whose body is in a coding never offered is delivered all the same"

# A 500 fails the row; after the backoff it is sent again, with the same key.
now=$(date +%s)
cat >> "$conf" <<CONF
[feed f]
url = file://$W/f.xml
[topic flaky]
query = Flaky
notify = webhook
webhook = http://127.0.0.1:$port/fail
[topic gone]
query = Gone
notify = webhook
webhook = http://127.0.0.1:$dead/x
CONF
write_feed "$W/f.xml" "F" "Flaky story|x" "Gone story|x"
fw -c "$conf" poll --test-now=$((now + 60)) --feed f 2> "$T_TMP/f.err"
like "$(cat "$T_TMP/f.err")" "topic flaky: webhook: HTTP 500" "a 500 is logged"
like "$(cat "$T_TMP/f.err")" "topic gone: webhook: .*(onnect|refused)" "so is an unreachable receiver"
is "$(hits "$conf" '[x["notified"] for x in h if x["topic"] in ("flaky", "gone")]')" '["pending", "pending"]' \
	"both hits stay pending"
k1=$(req "$(nreq)" 'r["headers"]["Idempotency-Key"]')
fw -c "$conf" poll --test-now=$((now + 90)) --feed f 2> /dev/null
is "$(nreq)" 4 "not sent again before the backoff"
fw -c "$conf" poll --test-now=$((now + 200)) --feed f 2> /dev/null
is "$(nreq)" 5 "sent again after it"
is "$(req 5 'r["path"] + " " + str(r["status"])')" "/fail 200" "and taken"
is "$(req 5 'r["headers"]["Idempotency-Key"]')" "$k1" "with the same Idempotency-Key"
is "$(hits "$conf" '[x["notified"] for x in h if x["topic"] in ("flaky", "gone")]')" '["delivered", "pending"]' \
	"delivered; the unreachable one is still pending"
done_testing
