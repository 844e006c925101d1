#!/bin/bash
# feedwatch prune: hits are kept unless --hits-before says otherwise; old
# items that hit nothing and left their feed are forgotten. On a terminal it
# says what it would forget and asks; --dry-run and --yes (issue 15 item 10).
. "$(dirname "$0")/../helpers/lib.sh"
plan 14
PTY="$FW_PY $FW_HELPERS/pty_run.py"

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

tomorrow=$(date -u -d tomorrow +%Y-%m-%d)
# undated OUT: OUT with the hits' dates (YYYY-MM-DD) as DATE.
undated() { printf '%s\n' "$1" | sed -E 's/^(  [0-9]+  )[0-9]{4}-[0-9]{2}-[0-9]{2}(  )/\1DATE\2/'; }
out=$(fw -c "$conf" prune --dry-run --hits-before "$tomorrow")
is "$?:$(undated "$out")" $'0:would forget 1 hit and 1 item (items past the 1d retention that hit nothing):\n  1  DATE  milei  Milei in Washington' \
	"--dry-run says what it would forget (the hit, then its item), and lists the hits"
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from hits")" 1 "--dry-run forgets nothing"
out=$($PTY --after '[y/N] ' $'n\n' "$FW_BUILD/feedwatch" -c "$conf" prune --hits-before "$tomorrow")
is "$?:$(undated "$out")" $'1:would forget 1 hit and 1 item (items past the 1d retention that hit nothing):\n  1  DATE  milei  Milei in Washington\nForget them? [y/N] nothing forgotten' \
	"on a terminal: says what it would forget and asks; 'n' is no (exit 1)"
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from hits")" 1 "and the hit is kept"
out=$($PTY --after '[y/N] ' $'y\n' "$FW_BUILD/feedwatch" -c "$conf" prune --hits-before "$tomorrow")
is "$?:$(undated "$out")" $'0:would forget 1 hit and 1 item (items past the 1d retention that hit nothing):\n  1  DATE  milei  Milei in Washington\nForget them? [y/N] forgot 1 hit and 1 item' \
	"'y' forgets the hit (and then its item)"
is "$(sqlite3 "$T_TMP/fw.db" "select count(*) from hits")" 0 "--hits-before forgets older hits"
out=$($PTY "" "$FW_BUILD/feedwatch" -c "$conf" prune --yes --hits-before "$tomorrow")
is "$?:$out" "0:forgot 0 hits and 0 items" "--yes on a terminal: no question"
out=$($PTY "" "$FW_BUILD/feedwatch" -c "$conf" prune)
is "$?:$out" "0:nothing to forget" "on a terminal with nothing to forget: says so, no question"
fw -c "$conf" prune --hits-before yesterday-ish 2> /dev/null
is "$?" 2 "a bad WHEN is a usage error"
done_testing
