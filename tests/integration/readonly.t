#!/bin/bash
# A database the reader cannot write (a read-only file, in a folder it cannot
# write or can) still serves every command that only reads: hits, show,
# status, stats, report and backtest open it read-only. The reader leaves no
# -wal or -shm file behind (one made read-only would stop the writer later),
# a writer (poll) still refuses it clearly, and a reader who is another user
# reads a database a running daemon is writing.
# As root the reader is "nobody" (setpriv); otherwise the test's own user
# with the file's and folder's write bits taken away.
. "$(dirname "$0")/../helpers/lib.sh"
plan 18

D="$T_TMP/data"
mkdir -p "$D" "$T_TMP/out"
chmod 755 "$T_TMP" "$T_TMP/home"
chmod 777 "$T_TMP/out"
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
chmod -R a+rX "$D"

if [ "$(id -u)" = 0 ]; then
	command -v setpriv > /dev/null || { echo "1..0 # skip setpriv is not installed"; exit 0; }
	# valgrind (FW_WRAP) could not write its log as nobody: plain binaries.
	as_reader() { setpriv --reuid=nobody --regid=nogroup --clear-groups env HOME="$T_TMP/home" "$@"; }
	rfw() { as_reader "$FW_BUILD/feedwatch" "$@"; }
	who="nobody"
else
	rfw() { fw "$@"; }
	who="the file's owner, its write bits off"
fi

# ro_case NAME: every reading command on $D/fw.db as the reader.
ro_case() {
	local name=$1 out
	out=$(rfw -c "$D/fw.conf" hits 2>&1)
	like "$out" "Trump-Milei Alignment" "$name: hits lists the hit ($who)"
	out=$(rfw -c "$D/fw.conf" show 1 2>&1)
	like "$out" "^Hit 1 · Milei" "$name: show 1"
	out=$(rfw -c "$D/fw.conf" status 2>&1)
	like "$out" "tac " "$name: status lists the feed"
	# the TAC item was published in 2024: stats and report count by that date
	out=$(rfw -c "$D/fw.conf" stats --days 3650 2>&1)
	like "$out" "Milei +1 " "$name: stats counts the hit"
	rm -f "$T_TMP/out/r.html"
	rfw -c "$D/fw.conf" report --since 3650d -o "$T_TMP/out/r.html" > /dev/null 2>&1
	grep -q "Trump-Milei" "$T_TMP/out/r.html" 2>/dev/null
	ok $? "$name: report writes the hit"
	out=$(rfw -c "$D/fw.conf" backtest milei --since 3650d 2>&1)
	like "$out" "Trump-Milei" "$name: backtest reads the items"
}

# 1. A read-only file in a read-only folder, nothing else there.
chmod 444 "$D/fw.db"
chmod 555 "$D"
before=$(cd "$D" && ls -a | tr '\n' ' ')
ro_case "read-only file and folder"
is "$(cd "$D" && ls -a | tr '\n' ' ')" "$before" "read-only folder: the reader made no file"
rfw -c "$D/fw.conf" poll > "$T_TMP/wpoll.out" 2>&1
st=$?
ok $([ $st != 0 ] && echo 0 || echo 1) "poll (a writer) still fails on it (exit $st)"
like "$(cat "$T_TMP/wpoll.out")" "read-only|Permission denied" "and says why (read-only, or no permission)"

# 2. A read-only file in a folder the reader can write: no -wal/-shm left,
# and once the file is writable again the writer works.
chmod 777 "$D"
[ "$(id -u)" = 0 ] || chmod 755 "$D"
ro_case "read-only file, writable folder"
ls "$D"/fw.db-wal "$D"/fw.db-shm > /dev/null 2>&1
ok $([ $? != 0 ] && echo 0 || echo 1) "no -wal or -shm file left by the reader"
chmod 644 "$D/fw.db"
touch "$D/tac.xml"
fw -c "$D/fw.conf" poll > "$T_TMP/poll2.log" 2>&1
ok $? "the writer polls again once the file is writable ($(tail -n 1 "$T_TMP/poll2.log"))"

# 3. Another user reads while the daemon (its owner) writes: through the
# daemon's -shm, read-only.
if [ "$(id -u)" = 0 ]; then
	chmod 755 "$D"
	"$FW_BUILD/feedwatchd" -c "$D/fw.conf" 2> "$T_TMP/daemon.log" &
	dpid=$!
	stop_daemon() { kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null; }
	at_exit stop_daemon
	for i in $(seq 100); do [ -e "$D/fw.db-shm" ] && break; sleep 0.1; done
	chmod 644 "$D"/fw.db*
	out=$(rfw -c "$D/fw.conf" hits 2>&1)
	like "$out" "Trump-Milei Alignment" "nobody reads hits while the daemon runs"
	stop_daemon
else
	echo "ok $((T_NUM + 1)) # skip needs root to read as another user"
	T_NUM=$((T_NUM + 1))
fi
done_testing
