#!/bin/bash
# The systemd units and the install: `make install` puts everything in place
# with @bindir@ and @sysconfdir@ substituted, the three units (the user and
# system pollers, the user's desk notifier) pass `systemd-analyze verify`
# without a single warning, the system unit's exposure is scored, every unit
# makes files private (UMask=0077), the user units do not order themselves
# after a target a user manager does not have, the system unit and an
# admin's `feedwatch -c CONFIG hits` find the same database, the installed
# binaries know their PREFIX, and `make uninstall` leaves nothing behind (but
# an admin's edited system config).
. "$(dirname "$0")/../helpers/lib.sh"
plan 29

prefix="$T_TMP/prefix"
make -s -C "$FW_TOP" install PREFIX="$prefix" > "$T_TMP/install.out" 2>&1
ok $? "make install PREFIX=... succeeds"
for f in bin/feedwatch bin/feedwatchd lib/systemd/user/feedwatch.service \
         lib/systemd/user/feedwatch-notify.service \
         lib/systemd/system/feedwatch.service share/man/man1/feedwatch.1 \
         share/doc/feedwatch/feedwatch.conf; do
	[ -e "$prefix/$f" ] || missing="${missing:-} $f"
done
is "${missing:-}" "" "binaries, units, man pages and the example config are installed"
like "$(grep ^ExecStart= "$prefix/lib/systemd/user/feedwatch.service")" "^ExecStart=$prefix/bin/feedwatchd$" "@bindir@ is substituted"
user="$prefix/lib/systemd/user/feedwatch.service"
sys="$prefix/lib/systemd/system/feedwatch.service"
desk="$prefix/lib/systemd/user/feedwatch-notify.service"
is "$(grep -c '@[a-z]*@' "$user" "$sys" "$desk" | tr '\n' ' ')" "$user:0 $sys:0 $desk:0 " "no @placeholder@ is left in any unit"
like "$(grep ^ExecStart= "$desk")" "^ExecStart=$prefix/bin/feedwatchd --notify-only$" \
	"the notifier's unit runs feedwatchd --notify-only"

# The user manager has no network-online.target: ordering after it does nothing.
is "$(grep -cE '^(After|Wants|Requires)=.*network-online' "$user" "$desk" | tr '\n' ' ')" "$user:0 $desk:0 " \
	"the user units are not ordered after network-online.target"

# The system unit's config: installed, and naming the StateDirectory's database.
conf=$(sed -n 's/^ExecStart=.* -c \([^ ]*\).*/\1/p' "$sys")
is "$conf" "$prefix/etc/feedwatch/feedwatch.conf" "the system unit reads SYSCONFDIR/feedwatch/feedwatch.conf (PREFIX/etc here)"
[ -f "$conf" ]
ok $? "make install installed that system config"
# Issue 15 item 13: the binaries know the PREFIX they were installed with,
# even after a plain `make` built them for another one.
out=$(cd / && env -i HOME="$T_TMP/nohome" "$prefix/bin/feedwatch" check 2>&1)
like "$out" "^$conf: ok, " "the installed feedwatch finds PREFIX/etc/feedwatch/feedwatch.conf without -c"
mv "$conf" "$conf.aside"
out=$(cd / && env -i HOME="$T_TMP/nohome" "$prefix/bin/feedwatch" check 2>&1)
mv "$conf.aside" "$conf"
like "$out" "looked for .* and $conf \\(copy the example from config/feedwatch.conf or $prefix/share/doc/feedwatch/feedwatch.conf," \
	"without a config it points to PREFIX's system config and example"
state=$(sed -n 's/^StateDirectory=//p' "$sys")
db=$(cd / && HOME=/nonexistent XDG_DATA_HOME= "$prefix/bin/feedwatch" -c "$conf" check 2>&1 | sed -n 's/.*, database //p')
is "$db" "/var/lib/$state/feedwatch.db" "an admin's feedwatch -c $conf finds /var/lib/$state/feedwatch.db, the unit's StateDirectory"
# Loaded as the service loads it (its Environment=, a DynamicUser's HOME of /).
env_line=$(sed -n 's/^Environment=//p' "$sys")
dbd=$(cd / && env -i HOME=/ $env_line "$prefix/bin/feedwatch" -c "$conf" check 2>&1 | sed -n 's/.*, database //p')
is "$dbd" "$db" "and so does the service's environment ($env_line)"

# A second install keeps an admin's edited config.
case $conf in "$prefix"/*) echo "# edited" >> "$conf" ;; esac
make -s -C "$FW_TOP" install PREFIX="$prefix" > /dev/null 2>&1
like "$(tail -n 1 "$conf")" "^# edited$" "make install never overwrites the admin's system config"

if command -v systemd-analyze > /dev/null; then
	export MANPATH="$prefix/share/man" XDG_RUNTIME_DIR="$T_TMP/run"
	mkdir -m 700 -p "$XDG_RUNTIME_DIR"
	out=$(systemd-analyze verify "$prefix/lib/systemd/system/feedwatch.service" 2>&1)
	ok $? "systemd-analyze verify: the system unit"
	is "$out" "" "and it prints no warning"
	out=$(systemd-analyze --user verify "$prefix/lib/systemd/user/feedwatch.service" 2>&1)
	ok $? "systemd-analyze --user verify: the user unit"
	is "$out" "" "and it prints no warning"
	out=$(systemd-analyze --user verify "$desk" 2>&1)
	ok $? "systemd-analyze --user verify: the notifier's unit"
	is "$out" "" "and it prints no warning"
	score=$(systemd-analyze security --offline=true "$prefix/lib/systemd/system/feedwatch.service" 2>&1 |
		sed -n 's/.*Overall exposure level for feedwatch.service: \([0-9.]*\).*/\1/p')
	diag "system unit exposure (systemd-analyze security --offline=true): $score"
	like "$score" "^[0-2]\.[0-9]$" "the system unit's exposure is below 3 (got $score)"
	# UMask=0077 as systemd itself reads it: files only for the service's user.
	for u in system/feedwatch user/feedwatch user/feedwatch-notify; do
		flag=; case $u in user/*) flag=--user ;; esac
		line=$(systemd-analyze security $flag --offline=true "$prefix/lib/systemd/$u.service" 2>&1 |
			grep -E '^. UMask=')
		like "$line" "^✓ UMask=" "the unit $u's files are private (systemd-analyze security: UMask=)"
	done
else
	for i in 1 2 3 4 5 6 7 8 9 10; do echo "ok $((T_NUM + i)) # skip systemd-analyze is not installed"; done
	T_NUM=$((T_NUM + 10))
fi

dest="$T_TMP/dest"
make -s -C "$FW_TOP" install DESTDIR="$dest" > /dev/null 2>&1
ok $? "make install DESTDIR=... succeeds"
make -s -C "$FW_TOP" uninstall DESTDIR="$dest" > /dev/null 2>&1
ok $? "make uninstall DESTDIR=... succeeds"
left=$(find "$dest" -type f -o -type l)
is "$left" "" "uninstall leaves no file behind"
make -s -C "$FW_TOP" install DESTDIR="$dest" > /dev/null 2>&1
find "$dest" -path '*etc/feedwatch/feedwatch.conf' | grep -q .
ok $? "make install DESTDIR=... (PREFIX=/usr/local) puts the system config under DESTDIR/etc"
echo "# edited" >> "$(find "$dest" -path '*etc/feedwatch/feedwatch.conf')"
make -s -C "$FW_TOP" uninstall DESTDIR="$dest" > /dev/null 2>&1
left=$(cd "$dest" && find . -type f)
is "$left" "./etc/feedwatch/feedwatch.conf" "uninstall keeps an edited system config, and only that"

# MemoryDenyWriteExecute=yes (all three units) refuses writable and
# executable memory, which PCRE2's JIT asks for: a /regex/ topic must still
# match (GRegex falls back to the interpreter). The kernel's own form of the
# same rule (PR_SET_MDWE, Linux 6.3) stands in for systemd's seccomp filter.
out=$("$FW_PY" -c 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(65, 1, 0, 0, 0) != 0:
    sys.exit("prctl(PR_SET_MDWE): " + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])' "$FW_BUILD/feedwatch" match '/Mil[e]i/' "$FW_TOP/tests/fixtures/tac-feed.xml" 2>&1)
like "$out" "Javier \\[Milei\\]" "a /regex/ topic matches under MemoryDenyWriteExecute (PR_SET_MDWE)"
done_testing
