#!/bin/bash
# `feedwatch report -o FILE` writes through a new temporary file that it
# creates exclusively: a symbolic link planted at the name it used to use
# (FILE.tmp<PID>, predictable) or a file planted anywhere beside FILE is never
# followed or written; FILE gets the mode fopen would give it (0666 less the
# umask) and no temporary is left behind. Issue 16, item 9.
# What is at FILE decides how report and export -o write it: a regular file
# is replaced (keeping its mode); a character device (/dev/null) or a FIFO is
# written in place, never replaced; a symbolic link (followed, it is the
# symlink attack; replaced, the user's link is lost), a folder or a socket is
# refused, FILE untouched; a terminal is refused by report. The errors name
# FILE, never the temporary file.
. "$(dirname "$0")/../helpers/lib.sh"
plan 44

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

# What is at FILE, for both commands that take -o. As root, a regression
# would replace the machine's /dev/null: a node of our own like it (1, 3)
# stands in when one can be made.
NUL=/dev/null
if [ "$(id -u)" = 0 ] && mknod "$T_TMP/null" c 1 3 2> /dev/null && echo x > "$T_TMP/null"; then
	NUL="$T_TMP/null"
fi
for c in report export; do
	rm -rf "$O"; mkdir -p "$O"
	fw -c "$D/fw.conf" $c -o "$NUL" 2> "$T_TMP/err"
	is "$?" 0 "$c -o /dev/null: exits 0"
	test -c "$NUL"
	ok $? "$c -o /dev/null: it is still a character device"

	mkfifo "$O/fifo"
	cat "$O/fifo" > "$T_TMP/from-fifo" &
	cat_pid=$!
	fw -c "$D/fw.conf" $c -o "$O/fifo" 2> "$T_TMP/err"
	is "$?" 0 "$c -o FIFO: exits 0"
	test -p "$O/fifo" || kill $cat_pid 2> /dev/null   # replaced: nothing will open it
	wait $cat_pid
	grep -Eq '^<!DOCTYPE html>$|<opml' "$T_TMP/from-fifo"
	ok $? "$c -o FIFO: the reader gets the output"
	test -p "$O/fifo"
	ok $? "$c -o FIFO: it is still a FIFO"

	echo old > "$O/target"
	ln -s "$O/target" "$O/link"
	fw -c "$D/fw.conf" $c -o "$O/link" 2> "$T_TMP/err"
	like "$?:$(cat "$T_TMP/err")" "^1:feedwatch $c: cannot write $O/link: it is a symbolic link to $O/target, which is not followed: give the file itself \(-o $O/target\)$" \
		"$c -o SYMLINK: exit 1, names the link, where it points and what to give"
	[ -L "$O/link" ] && [ "$(readlink "$O/link")" = "$O/target" ] && [ "$(cat "$O/target")" = old ]
	ok $? "$c -o SYMLINK: the link and its target are left as they were"
	# The same link given by a relative name, to a relative target.
	ln -s target "$O/rel"
	( cd "$O" && fw -c "$D/fw.conf" $c -o rel ) 2> "$T_TMP/err"
	like "$?:$(cat "$T_TMP/err")" "^1:feedwatch $c: cannot write rel: it is a symbolic link to target, which is not followed: give the file itself \(-o $O/target\)$" \
		"$c -o RELATIVE-SYMLINK: exit 1, where it points (it crashed)"
	# A link like /dev/stdout (not /dev/stdout itself: as root, a regression
	# would replace the machine's).
	ln -s /proc/self/fd/1 "$O/stdout"
	fw -c "$D/fw.conf" $c -o "$O/stdout" > /dev/null 2> "$T_TMP/err"
	like "$?:$(cat "$T_TMP/err")" "^1:.*cannot write $O/stdout: .* to /proc/self/fd/1, .*leave -o out to write to standard output" \
		"$c -o a link to /proc/self/fd/1 (/dev/stdout): exit 1, says to leave -o out"
	[ "$(readlink "$O/stdout")" = /proc/self/fd/1 ]
	ok $? "$c -o a link to /proc/self/fd/1: the link is left as it was"

	fw -c "$D/fw.conf" $c -o "$O/nodir/x" 2> "$T_TMP/err"
	like "$?:$(cat "$T_TMP/err")" "^1:feedwatch $c: cannot write $O/nodir/x: there is no folder $O/nodir$" \
		"$c -o FILE in a missing folder: exit 1, names FILE and the folder"
	fw -c "$D/fw.conf" $c -o "$O" 2> "$T_TMP/err"
	like "$?:$(cat "$T_TMP/err")" "^1:feedwatch $c: cannot write $O: it is a folder$" "$c -o FOLDER: exit 1, says so"

	echo old > "$O/file"
	chmod 640 "$O/file"
	(umask 022; fw -c "$D/fw.conf" $c -o "$O/file" 2> "$T_TMP/err")
	is "$?" 0 "$c -o an existing file: exits 0"
	[ -f "$O/file" ] && ! [ -L "$O/file" ] && grep -Eq '^<!DOCTYPE html>$|<opml' "$O/file"
	ok $? "$c -o an existing file: it is replaced"
	is "$(stat -c %a "$O/file")" 640 "$c -o an existing file: its mode is kept"
	is "$(find "$O" -name '*.??????' | wc -l)" 0 "$c: no temporary file left behind"
done

# A terminal given with -o: report refuses it as it refuses standard output.
$FW_PY "$FW_HELPERS/pty_run.py" "" sh -c 'exec "$1" -c "$2" report -o "$(tty)"' sh \
	"$FW_BUILD/feedwatch" "$D/fw.conf" > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^1:feedwatch report: cannot write /dev/pts/[0-9]+: it is a terminal" \
	"report -o TERMINAL: exit 1, says so"
# An empty name: says what is missing.
for c in report export; do
	fw -c "$D/fw.conf" $c -o "" > /dev/null 2> "$T_TMP/err"
	like "$?:$(cat "$T_TMP/err")" "^1:feedwatch $c: -o needs a file name" "$c -o '': exit 1, says a name is needed"
done
done_testing
