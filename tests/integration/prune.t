#!/bin/bash
# feedwatch prune: hits are kept unless --hits-before says otherwise; old
# items that hit nothing and left their feed are forgotten.
. "$(dirname "$0")/../helpers/lib.sh"
plan 7

cat > "$T_TMP/tac.xml" <<'XML'
<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Milei in Washington</title><link>https://x.example/1</link><guid>1</guid></item>
<item><title>Weather</title><link>https://x.example/2</link><guid>2</guid></item>
<item><title>Markets</title><link>https://x.example/3</link><guid>3</guid></item>
</channel></rss>
XML
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
retention = 1d
[feed tac]
url = file://$T_TMP/tac.xml
[topic milei]
query = Milei
CONF
fw -c "$conf" poll --no-notify 2> /dev/null
items=$(sqlite3 "$T_TMP/fw.db" "select count(*) from items")
[ "$items" -gt 1 ]
ok $? "the poll stored the feed's items ($items)"

out=$(fw -c "$conf" prune)
ok $? "prune exits 0"
is "$(fw -c "$conf" hits --format json | wc -l)" 1 "without --hits-before the hit is kept"

# Age every item and the feed's poll by two days: the ones with no hit go.
sqlite3 "$T_TMP/fw.db" "update items set last_seen = last_seen - 172800, first_seen = first_seen - 172800; update feeds set last_poll = last_poll - 172800"
out=$(fw -c "$conf" prune)
like "$out" "^forgot 0 hits and $((items - 1)) items$" "items past the retention that hit nothing are forgotten"
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from items")" 1 "the item with a hit stays"

out=$(fw -c "$conf" prune --hits-before "$(date -u -d tomorrow +%Y-%m-%d)")
like "$out" "^forgot 1 hit and " "--hits-before forgets older hits"
fw -c "$conf" prune --hits-before yesterday-ish 2> /dev/null
is "$?" 2 "a bad WHEN is a usage error"
done_testing
