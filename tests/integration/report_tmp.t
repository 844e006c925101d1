#!/bin/bash
# `feedwatch report -o FILE` writes through a new temporary file that it
# creates exclusively: a symbolic link planted at the name it used to use
# (FILE.tmp<PID>, predictable) or a file planted anywhere beside FILE is never
# followed or written; FILE gets the mode fopen would give it (0666 less the
# umask) and no temporary is left behind. Issue 16, item 9.
. "$(dirname "$0")/../helpers/lib.sh"
plan 9

D="$T_TMP/data"
mkdir -p "$D" "$T_TMP/out"
cp "$FW_TOP/tests/fixtures/tac-feed.xml" "$D/tac.xml"
cat > "$D/fw.conf" <<CONF
[feedwatch]
database = fw.db
[feed tac]
url = file://$D/tac.xml
[topic milei]
query = Milei
notify = none
CONF
fw -c "$D/fw.conf" poll > "$T_TMP/poll.log" 2>&1 ||
	{ echo "Bail out! the first poll failed: $(cat "$T_TMP/poll.log")"; exit 1; }

O="$T_TMP/out"
echo "victim" > "$T_TMP/victim"
# The shell plants the link at FILE.tmp$$ and execs the CLI, which keeps its
# pid: the exact name the old code opened with fopen("w"). Plain binary (a
# wrapper such as valgrind would change the pid).
sh -c 'ln -s "$1" "$2.tmp$$"; exec "$3" -c "$4" report -o "$2"' sh \
	"$T_TMP/victim" "$O/r.html" "$FW_BUILD/feedwatch" "$D/fw.conf" 2> "$T_TMP/err"
ok $? "report -o with a symlink planted at FILE.tmp<PID>: exits 0"
is "$(cat "$T_TMP/victim")" "victim" "the symlink's target is not written"
[ ! -L "$O/r.html" ] && head -n 1 "$O/r.html" | grep -q '^<!DOCTYPE html>$'
ok $? "FILE is a new regular file holding the page"
is "$(find "$O" -name 'r.html.*' ! -type l | wc -l)" 0 "no temporary file left behind"

# The same under valgrind or whatever FW_WRAP is, with links planted at every
# name the old scheme could pick for the next pids.
rm -f "$O"/*
for i in $(seq 0 200); do ln -s "$T_TMP/victim" "$O/r.html.tmp$(( $$ + i ))"; done
fw -c "$D/fw.conf" report -o "$O/r.html" 2> "$T_TMP/err"
ok $? "report -o beside 201 planted symlinks: exits 0"
is "$(cat "$T_TMP/victim")" "victim" "no planted symlink is followed"
is "$(find "$O" -type l | wc -l)" 201 "the planted symlinks are left as they were"

# The mode fopen("w") would give: 0666 less the umask.
rm -f "$O"/*
(umask 022; fw -c "$D/fw.conf" report -o "$O/a.html" 2> /dev/null)
is "$(stat -c %a "$O/a.html")" 644 "umask 022: FILE is 0644"
(umask 077; fw -c "$D/fw.conf" report -o "$O/b.html" 2> /dev/null)
is "$(stat -c %a "$O/b.html")" 600 "umask 077: FILE is 0600"
done_testing
