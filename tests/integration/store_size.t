#!/bin/bash
# What the archive costs on disk (issue 16 item 6, issue 19 goal 5): a feed
# of large unique items that match nothing, polled three times with new
# items each time, leaves a database under a third of the bytes fetched
# (items' text is stored compressed, each field cut to 16 KiB); what is kept
# is still read back: backtest finds words at the start of an item's text
# and in its categories, not those past the cut; an unchanged item is not
# taken for an edited one. A cold cycle's first 300 bodies tell that its
# prose packs smaller a word at a time than with zstd: the database learns
# a word model from them; the cycle commits as soon as it is stored, every
# body packed after that uses it, and the next cycle's bodies all do.
. "$(dirname "$0")/../helpers/lib.sh"
plan 13

# gen ROUND: 30 items of ~95 KB of prose (words of the TAC fixture in random
# order; the first paragraph names the round), ids ROUND-0 .. ROUND-29.
gen() {
	"$FW_PY" - "$FW_TOP/tests/fixtures/tac-feed.xml" "$T_TMP/big.xml" "$1" <<'PY'
import random, re, sys
src, out, r = sys.argv[1], sys.argv[2], int(sys.argv[3])
words = [w for w in re.sub(r"<[^>]*>", " ", open(src, encoding="utf-8").read()).split()
         if w.isalpha() and w.lower() not in ("quokka", "wombat", "numbat")]
rng = random.Random(r)
items = []
for n in range(30):
    paras = ["<p>quokka%d opens item %d.</p>" % (r, n)]
    size = 0
    while size < 95000:
        p = " ".join(rng.choice(words) for _ in range(120))
        paras.append("<p>%s.</p>" % p)
        size += len(p) + 8
    paras.append("<p>numbat%d closes it.</p>" % r)
    items.append("<item><guid>%d-%d</guid><title>Round %d item %d</title>"
                 "<link>https://big.example/%d/%d</link><category>wombat%d</category>"
                 "<description><![CDATA[%s]]></description></item>"
                 % (r, n, r, n, r, n, r, "".join(paras)))
open(out, "w", encoding="utf-8").write(
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Big</title>\n'
    + "\n".join(items) + "\n</channel></rss>\n")
PY
}

conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
[feed big]
url = file://$T_TMP/big.xml
[topic nothing]
query = Zanzibarxyzzy
CONF
fetched=0
for round in 0 1 2; do
	gen "$round"
	fetched=$((fetched + $(stat -c %s "$T_TMP/big.xml")))
	fw -c "$conf" poll --no-notify 2> "$T_TMP/poll.log" ||
		diag "poll $round: $(cat "$T_TMP/poll.log")"
done
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from items")" 90 "three polls stored 90 items"
sqlite3 "$T_TMP/fw.db" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
stored=$(stat -c %s "$T_TMP/fw.db")
diag "fetched $fetched bytes, database $stored bytes"
[ "$((stored * 3))" -lt "$fetched" ]
ok $? "the database ($stored bytes) is under a third of the feed bytes polled ($fetched)"

# backtest reads the stored text back
count() { fw -c "$conf" backtest --format json --query "$1" 2> /dev/null | wc -l; }
is "$(count quokka1)" 30 "backtest finds a word at the start of each item of round 1"
is "$(count 'category:wombat2')" 30 "and the categories"
is "$(count numbat0)" 0 "but not a word past the 16 KiB kept of an item's text"

# unchanged items stay unchanged: no edit is seen in the stored ones
fw -c "$conf" poll --no-notify 2> "$T_TMP/poll.log"
like "$(cat "$T_TMP/poll.log")" ": 0 new items" "polling the same feed again finds nothing new"
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from items")" 90 "and stores nothing more"
# the dictionary: 60 feeds of 20 items polled in one cycle (one group
# commit would hold them all); the first 300 bodies are samples, the 900
# after them are packed with what they taught
"$FW_PY" - "$FW_TOP/tests/fixtures/tac-feed.xml" "$T_TMP/many" <<'PY'
import os, random, re, sys
src, out = sys.argv[1], sys.argv[2]
words = [w for w in re.sub(r"<[^>]*>", " ", open(src, encoding="utf-8").read()).split()
         if w.isalpha()]
rng = random.Random(7)
os.makedirs(out, exist_ok=True)
for f in range(60):
    items = ["<item><guid>m%d-%d</guid><title>Feed %d item %d</title><description>%s"
             "</description></item>" % (f, n, f, n, " ".join(rng.choice(words) for _ in range(150)))
             for n in range(20)]
    open("%s/f%02d.xml" % (out, f), "w", encoding="utf-8").write(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>M</title>'
        + "\n".join(items) + "</channel></rss>\n")
PY
{
	printf '[feedwatch]\ndatabase = %s\n[topic nothing]\nquery = Zanzibarxyzzy\n' "$T_TMP/many.db"
	for f in "$T_TMP"/many/*.xml; do printf '[feed %s]\nurl = file://%s\n' "$(basename "$f" .xml)" "$f"; done
} > "$T_TMP/many.conf"
fw -c "$T_TMP/many.conf" poll --no-notify 2> "$T_TMP/many.log" || diag "$(cat "$T_TMP/many.log")"
is "$(sqlite3 "$T_TMP/many.db" "select count(*) from items; select count(*) from dicts")" \
	"$(printf '1200\n1')" "a cold cycle of 1200 items stored them and learned a dictionary"
is "$(sqlite3 "$T_TMP/many.db" "select hex(substr(data, 1, 4)) from dicts")" 46575750 \
	"a word model (FWWP): words of one article packed a word at a time are smaller"
# a body packed with it begins with byte B7 (a zstd frame names a
# dictionary when its header's flag bits 0-1 are set)
with_dict="(substr(hex(body), 1, 2) = 'B7' or (instr('0123456789ABCDEF',
	substr(hex(body), 10, 1)) - 1) & 3)"
dict_bodies() { sqlite3 "$T_TMP/many.db" "select count(*) from items where $1 $with_dict $2"; }
n=$(dict_bodies "" "")
ok "$([ "$n" -le 900 ] && [ "$n" -ge 600 ] && echo 0 || echo 1)" \
	"at most the 900 bodies after the first 300 are packed with it, most of them ($n are)"
is "$(dict_bodies "not" "and id > (select min(id) from items where $with_dict)")" 0 \
	"once one body is packed with it, every later one is"
# the next cycle: 5 new feeds of 20 items, every body packed with it
cp "$T_TMP/many/f00.xml" "$T_TMP/many/g0.xml"
for f in 1 2 3 4; do sed "s/m0-/g$f-/g" "$T_TMP/many/f00.xml" > "$T_TMP/many/g$f.xml"; done
sed -i 's/m0-/g0-/g' "$T_TMP/many/g0.xml"
for f in 0 1 2 3 4; do printf '[feed g%s]\nurl = file://%s\n' "$f" "$T_TMP/many/g$f.xml"; done >> "$T_TMP/many.conf"
fw -c "$T_TMP/many.conf" poll --no-notify 2> "$T_TMP/many2.log" || diag "$(cat "$T_TMP/many2.log")"
is "$(sqlite3 "$T_TMP/many.db" "select count(*) from items; select count(*) from dicts")" \
	"$(printf '1300\n1')" "a second cycle stored 100 new items, with the same dictionary"
is "$(dict_bodies "" "and item_key like 'g%'")" 100 "and packed all 100 with it"
done_testing
