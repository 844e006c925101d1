#!/bin/bash
# The tool run by another user than the one whose database it names (the
# system service's, in a folder of its own, mode 700): every command says
# the database is another user's and whom to run as, and exits 1; none
# says "nothing has been polled yet" or shows an empty log. A daemon it may
# not signal gets the same hint. The commands run as nobody (setpriv), the
# database and the stand-in daemon as us: root, as CI runs.
. "$(dirname "$0")/../helpers/lib.sh"
plan 6

if [ "$(id -u)" != 0 ]; then
	for i in $(seq 6); do ok 0 "# SKIP running as another user needs root (CI runs as root)"; done
	exit 0
fi
shared="$T_TMP/shared"
mkdir -m 755 "$shared"
chmod 711 "$T_TMP"
install -m 755 "$FW_BUILD/feedwatch" "$shared/feedwatch"
nobody_run() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		env HOME="$shared" XDG_CONFIG_HOME="$shared" XDG_DATA_HOME="$shared" "$shared/feedwatch" "$@"
}
hint="it is another user's, the system service's maybe: run this as that user, or as root"

# The service's database in its own folder (mode 700), the config readable.
mkdir -m 700 "$T_TMP/state"
printf '[feedwatch]\ndatabase = %s/state/fw.db\n[topic milei]\nquery = Milei\n' "$T_TMP" > "$shared/fw.conf"
chmod 644 "$shared/fw.conf"
fw -c "$shared/fw.conf" poll --no-notify > /dev/null 2>&1
[ -s "$T_TMP/state/fw.db" ]
ok $? "the service's database is made"
for c in hits status; do
	nobody_run -c "$shared/fw.conf" $c > "$T_TMP/out" 2> "$T_TMP/err"
	is "$?:$(cat "$T_TMP/out")|$(cat "$T_TMP/err")" \
		"1:|feedwatch $c: cannot read the database $T_TMP/state/fw.db: Permission denied ($hint)" \
		"$c as another user: the database is not ours to read, and whom to run as"
done
nobody_run -c "$shared/fw.conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" \
	"1:feedwatch poll: cannot open $T_TMP/state/fw.db.lock: Permission denied (the database is another user's, the system service's maybe: run this as that user, or as root)" \
	"poll as another user: the same, from the lock"

# A daemon of another user whose lock file and config are readable:
# signalling it is not permitted, and the hint says whom to run as.
sed "s|^database = .*|database = $shared/fw.db|" "$shared/fw.conf" > "$shared/d.conf"
chmod 644 "$shared/d.conf"
$FW_PY "$FW_HELPERS/daemon_standin.py" "$shared/fw.db.lock" "$shared/d.conf" deaf > "$T_TMP/standin.out" &
spid=$!
for i in $(seq 200); do grep -q ready "$T_TMP/standin.out" && break; sleep 0.05; done
chmod 644 "$shared/fw.db.lock"
nobody_run -c "$shared/d.conf" reload > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "1:feedwatch reload: cannot signal feedwatchd (pid $spid): Operation not permitted (it runs as another user, the system service maybe: run this as that user, or as root)" \
	"reload of another user's daemon: not permitted, and whom to run as"
nobody_run -c "$shared/d.conf" poll > "$T_TMP/out" 2> "$T_TMP/err"
is "$?:$(cat "$T_TMP/err")" "1:feedwatch poll: cannot open $shared/fw.db.lock: Permission denied (the database is another user's, the system service's maybe: run this as that user, or as root)" \
	"poll of another user's daemon: its lock is not ours to take, and whom to run as"
kill $spid; wait $spid
done_testing
