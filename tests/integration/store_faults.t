#!/bin/bash
# Disk full for real: the database on a 512 KiB tmpfs, `feedwatch poll` over a
# generated corpus (30 feeds x 10 items) that cannot fit. The feeds that do
# not fit fail with a clear error naming the database; what was committed
# stays (integrity ok, readable); once the file system grows, the next poll
# stores the rest, and every hit committed before is still there, once.
# Needs root (mount -t tmpfs); skipped otherwise. (SQLITE_FULL from the pager
# is also tested without root in tests/unit/test_store.c, /store/full.)
. "$(dirname "$0")/../helpers/lib.sh"

[ -x "$FW_BUILD/feedwatch" ] || { echo "Bail out! $FW_BUILD/feedwatch is not built"; exit 1; }
small="$T_TMP/small"
mkdir -p "$small"
if [ "$(id -u)" != 0 ] || ! mount -t tmpfs -o size=512k,mode=0700 tmpfs "$small" 2>/dev/null; then
	echo "1..0 # SKIP cannot mount a tmpfs (needs root)"
	exit 0
fi
unmount_small() { umount "$small" || umount -l "$small"; }
at_exit unmount_small
plan 10

gen="$FW_TOP/bench/gen_corpus.py"
out="$T_TMP/corpus"
conf="$T_TMP/fw.conf"
db="$small/fw.db"
"$FW_PY" "$gen" "$out" --feeds 30 --items 10 --seed 3 > /dev/null ||
	{ echo "Bail out! gen_corpus.py failed"; exit 1; }
serve "$out"
sed -e "s|@BASE@|$BASE|g" -e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $db|" \
	"$out/feedwatch.conf" > "$conf"

# hit_keys FILE: "id feed item topic" of each hit in a JSON Lines file, sorted.
hit_keys() {
	"$FW_PY" -c 'import json,sys
for l in open(sys.argv[1]):
    h = json.loads(l); print(h["id"], h["feed"], h["item_id"], h["topic"])' "$1" | sort
}
integrity() {
	"$FW_PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$1"
}

fw -c "$conf" poll --no-notify > "$T_TMP/poll1.out" 2> "$T_TMP/poll1.err"
st=$?
ok $([ $st -lt 128 ]; echo $?) "the poll on a full disk ends by itself (exit $st)"
like "$(cat "$T_TMP/poll1.err")" "$db: .*database or disk is full" \
	"a feed that does not fit: an error naming the database and saying the disk is full"
nfull=$(grep -c "disk is full" "$T_TMP/poll1.err")
diag "$nfull error lines; $(df -k "$small" | awk 'NR == 2 { print $3 " KiB used of " $2 }')"
fw -c "$conf" hits --format json --limit 0 > "$T_TMP/hits1.json" 2> "$T_TMP/hits1.err"
ok $? "the hits committed before the disk filled are readable"
hit_keys "$T_TMP/hits1.json" > "$T_TMP/keys1"
n1=$(wc -l < "$T_TMP/keys1")
is "$(integrity "$db")" ok "integrity_check on the full disk"
res=$("$FW_PY" "$FW_HELPERS/truth_diff.py" hits "$T_TMP/hits1.json" --truth "$out/truth.tsv" 2>&1)
missing=$(($(grep -c . "$out/truth.tsv") - n1))
others=$(printf '%s\n' "$res" | grep -Ec '^(unexpected|duplicate)')
is "$others" 0 "what was stored is part of the truth, once ($n1 hits stored, $missing not yet)"
ok $([ "$missing" -gt 0 ]; echo $?) "the corpus did not fit: some hits are not stored yet"

# More room: the next poll stores the rest; nothing committed was lost.
mount -o remount,size=32m "$small"
ok $? "the file system grows to 32 MiB"
fw -c "$conf" poll --no-notify > "$T_TMP/poll2.out" 2> "$T_TMP/poll2.err"
ok $? "the next poll exits 0"
[ -s "$T_TMP/poll2.err" ] && diag "$(tail -n 5 "$T_TMP/poll2.err")"
fw -c "$conf" hits --format json --limit 0 > "$T_TMP/hits2.json" 2> /dev/null
res=$("$FW_PY" "$FW_HELPERS/truth_diff.py" hits "$T_TMP/hits2.json" --truth "$out/truth.tsv" 2>&1)
ok $? "now every hit of the corpus is stored, once"
[ -z "$res" ] || diag "$res"
hit_keys "$T_TMP/hits2.json" > "$T_TMP/keys2"
is "$(comm -23 "$T_TMP/keys1" "$T_TMP/keys2" | wc -l)" 0 \
	"the $n1 hits committed on the full disk are all there, with the same ids"
done_testing
