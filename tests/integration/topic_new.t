#!/bin/bash
# A topic new to the database looks through the items its feeds list now,
# once: what it finds goes into the hit log as initial hits (not notified,
# unless notify_initial), and from then on it matches items as they arrive.
# A known topic whose query changed does the same (a query written another
# way, matching alike, has not changed).
# Items gone from their feed and feeds that left the config are not looked
# at; a topic the database had before (an upgraded one: those with hits) is
# not new; a reload that adds a topic catches it up in the daemon.
. "$(dirname "$0")/../helpers/lib.sh"
plan 33

db="$T_TMP/fw.db"
q() { sqlite3 "$db" "$1"; }
hits_of() {  # the item ids TOPIC hit, and how: "a1:initial a3:initial"
	q "SELECT group_concat(item_key || ':' || notified, ' ') FROM (SELECT i.item_key, h.notified
	   FROM hits h JOIN items i ON i.id = h.item_id WHERE h.topic = '$1' ORDER BY i.item_key)"
}
cat > "$T_TMP/rec.sh" <<'SH'
#!/bin/sh
# Records each hook's run: the topic and the title.
printf '%s %s\n' "$FEEDWATCH_TOPIC" "$FEEDWATCH_TITLE" >> "$REC"
SH
chmod +x "$T_TMP/rec.sh"
export REC="$T_TMP/rec.log"
: > "$REC"

{ item a1 "Milei visits Washington"; item a2 "Mercosur summit ends"
  item a3 "Milei at the Mercosur summit"; } | feed "$T_TMP/a.xml"
item b1 "Mercosur in Asuncion" | feed "$T_TMP/b.xml"
topic() {  # topic KEY QUERY
	printf '[topic %s]\nquery = %s\nnotify = exec\nexec = %s\n' "$1" "$2" "$T_TMP/rec.sh"
}
conf="$T_TMP/fw.conf"
{ printf '[feedwatch]\ndatabase = %s\n' "$db"
  printf '[feed a]\nurl = file://%s\ninterval = 1h\n' "$T_TMP/a.xml"
  printf '[feed b]\nurl = file://%s\ninterval = 1h\n' "$T_TMP/b.xml"
  topic milei Milei; } > "$conf"

fw -c "$conf" poll 2> "$T_TMP/p1.err"
is "$(hits_of milei)" "a1:initial a3:initial" "a first poll: the feeds' hits are initial"
grep -q "new topic" "$T_TMP/p1.err"
is "$?" 1 "a fresh database: its topics have nothing to catch up on, and say nothing"

# a2 left feed a (last seen more than an hour before its newest); feed b
# leaves the config; a topic is added.
q "UPDATE items SET last_seen = last_seen - 7200 WHERE item_key = 'a2'"
{ printf '[feedwatch]\ndatabase = %s\n' "$db"
  printf '[feed a]\nurl = file://%s\ninterval = 1h\n' "$T_TMP/a.xml"
  topic milei Milei; topic mercosur Mercosur; } > "$conf"
{ item a1 "Milei visits Washington"; item a3 "Milei at the Mercosur summit"; } | feed "$T_TMP/a.xml"
fw -c "$conf" poll 2> "$T_TMP/p2.err"
is "$?" 0 "the poll after adding a topic exits 0"
like "$(cat "$T_TMP/p2.err")" "info: new topic mercosur: 1 hit among the feeds' 2 current items, logged, not notified" \
	"it says what the new topic found among the current items"
is "$(grep -c 'new topic' "$T_TMP/p2.err")" 1 "and names no other topic"
is "$(hits_of mercosur)" "a3:initial" "the new topic's hit is in the log, initial: not a2 (gone from its feed), not b1 (feed left the config)"
is "$(cat "$REC")" "" "and nothing was notified"
like "$(fw -c "$conf" hits --topic mercosur)" "Milei at the Mercosur summit" "hits shows it"
like "$(fw -c "$conf" hits --format json --topic mercosur)" '"notified":"initial"' "as initial in JSON"

fw -c "$conf" poll 2> "$T_TMP/p3.err"
grep -q "new topic" "$T_TMP/p3.err"
is "$?" 1 "the next poll: the topic is known, nothing caught up again"
is "$(q "SELECT count(*) FROM hits WHERE topic = 'mercosur'")" 1 "and nothing stored twice"

# From then on it matches what arrives, and notifies.
{ item a4 "Mercosur tariffs"; item a1 "Milei visits Washington"; item a3 "Milei at the Mercosur summit"; } |
	feed "$T_TMP/a.xml"
fw -c "$conf" poll 2> /dev/null
like "$(hits_of mercosur)" "^a3:initial a4:(pending|delivered)$" "a new item hits the topic as usual"
is "$(cat "$REC")" "mercosur Mercosur tariffs" "and is notified, alone"

# A new query for a known topic: the current items it finds without a hit
# of the topic are caught up, the same way.
sed -i 's/^query = Mercosur$/query = Mercosur OR Washington/' "$conf"
fw -c "$conf" poll 2> "$T_TMP/pq.err"
like "$(cat "$T_TMP/pq.err")" "info: topic mercosur has a new query: 1 new hit among the feeds' 3 current items, logged, not notified" \
	"a changed query: the current items it finds are caught up, and it says so"
like "$(hits_of mercosur)" "^a1:initial a3:initial a4:(pending|delivered)$" "the hit of a1 is added, initial; the others kept"
is "$(cat "$REC")" "mercosur Mercosur tariffs" "and nothing more was notified"

# The same query written another way (case, spaces, parentheses) is no
# change; nor is the query as a feedwatch from before canonical forms kept
# it (its text as written): that takes the canonical form silently.
sed -i 's/^query = Mercosur OR Washington$/query = (mercosur)   OR  WASHINGTON/' "$conf"
fw -c "$conf" poll 2> "$T_TMP/pr.err"
grep -q "new query" "$T_TMP/pr.err"
is "$?" 1 "the same query written another way: nothing to catch up"
q "UPDATE topics SET query = '(mercosur)   OR  WASHINGTON' WHERE topic = 'mercosur'"
fw -c "$conf" poll 2> "$T_TMP/pr2.err"
grep -q "new query" "$T_TMP/pr2.err"
is "$?" 1 "a query kept as written, unchanged: nothing to catch up"
is "$(q "SELECT query <> '(mercosur)   OR  WASHINGTON' AND query LIKE '%\"mercosur\"%\"washington\"%'
	FROM topics WHERE topic = 'mercosur'")" 1 "and it is kept in its canonical form now"

# A topic removed and added again is not new: its hits are its own business.
q "PRAGMA foreign_keys = ON; DELETE FROM hits WHERE topic = 'mercosur'"
fw -c "$conf" poll 2> "$T_TMP/p4.err"
is "$(hits_of mercosur)" "" "a known topic whose hits were deleted is not caught up again"

# The daemon: a reload that adds a topic catches it up, without notifying.
: > "$REC"
$FW_WRAP "$FW_BUILD/feedwatchd" -c "$conf" 2> "$T_TMP/d.err" &
dpid=$!
for i in $(seq 100); do grep -q "watching" "$T_TMP/d.err" && break; sleep 0.1; done
topic washington Washington >> "$conf"
kill -HUP $dpid
for i in $(seq 100); do grep -q "new topic washington" "$T_TMP/d.err" && break; sleep 0.1; done
like "$(cat "$T_TMP/d.err")" "new topic washington: 1 hit among the feeds' 3 current items" "a reload: the daemon catches the added topic up"
is "$(hits_of washington)" "a1:initial" "its hit is in the log, initial"
kill -TERM $dpid; wait $dpid
is "$?" 0 "the daemon stops cleanly"
is "$(cat "$REC")" "" "nothing was notified"

# A catch-up the store refuses half-way is rolled back, said, and tried
# again at the next start: the poll itself goes on.
q "CREATE TRIGGER boom BEFORE INSERT ON hits WHEN NEW.topic = 'boom'
   BEGIN SELECT RAISE(ABORT, 'no hits for boom today'); END"
topic boom Milei >> "$conf"
fw -c "$conf" poll 2> "$T_TMP/pb.err"
is "$?" 0 "a catch-up that fails does not fail the poll"
like "$(cat "$T_TMP/pb.err")" "warning: cannot look for what new topics and queries find among the stored items: .*no hits for boom today \(they will look again at the next start or reload\)" \
	"it says why, and that it will look again"
is "$(q "SELECT count(*) FROM topics WHERE topic = 'boom'") $(hits_of boom)" "0 " "nothing of it was kept"
q "DROP TRIGGER boom"
fw -c "$conf" poll 2> "$T_TMP/pb2.err"
like "$(cat "$T_TMP/pb2.err")" "new topic boom: 2 hits among the feeds' 3 current items" "the next poll catches it up"
sed -i '/^\[topic boom\]$/,+3d' "$conf"

# notify_initial = true: a new topic's hits are notified, as a first fetch's.
sed -i "s|^database = .*|&\nnotify_initial = true|" "$conf"
topic summit Summit >> "$conf"
fw -c "$conf" poll 2> "$T_TMP/p5.err"
like "$(cat "$T_TMP/p5.err")" "new topic summit: 1 hit among the feeds' 3 current items$" "notify_initial: the new topic's hit ..."
is "$(cat "$REC")" "summit Milei at the Mercosur summit" "... is notified"

# A database from before schema 12: the topics with hits were met before.
q "DROP TABLE topics; PRAGMA user_version = 11"
topic lula Lula >> "$conf"
fw -c "$conf" poll 2> "$T_TMP/p6.err"
is "$(grep -o 'new topic [a-z]*' "$T_TMP/p6.err" | tr '\n' ' ')" "new topic mercosur new topic lula " \
	"an upgraded database: the topics without hits are new (mercosur's were deleted), the others not"
is "$(q "SELECT group_concat(topic, ' ') FROM (SELECT topic FROM topics ORDER BY topic)")" \
	"boom lula mercosur milei summit washington" "and it knows the topics (boom, gone from the config, by its hits)"
grep -q "has a new query" "$T_TMP/p6.err"
is "$?" 1 "the others take their queries silently"
done_testing
