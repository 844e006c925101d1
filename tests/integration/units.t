#!/bin/bash
# The systemd units and the install: `make install` puts everything in place
# with @bindir@ substituted, both units pass `systemd-analyze verify` without
# a single warning, the system unit's exposure is scored, and `make
# uninstall` leaves nothing behind.
. "$(dirname "$0")/../helpers/lib.sh"
plan 11

prefix="$T_TMP/prefix"
make -s -C "$FW_TOP" install PREFIX="$prefix" > "$T_TMP/install.out" 2>&1
ok $? "make install PREFIX=... succeeds"
for f in bin/feedwatch bin/feedwatchd lib/systemd/user/feedwatch.service \
         lib/systemd/system/feedwatch.service share/man/man1/feedwatch.1 \
         share/doc/feedwatch/feedwatch.conf; do
	[ -e "$prefix/$f" ] || missing="${missing:-} $f"
done
is "${missing:-}" "" "binaries, units, man pages and the example config are installed"
like "$(grep ^ExecStart= "$prefix/lib/systemd/user/feedwatch.service")" "^ExecStart=$prefix/bin/feedwatchd$" "@bindir@ is substituted"

if command -v systemd-analyze > /dev/null; then
	export MANPATH="$prefix/share/man" XDG_RUNTIME_DIR="$T_TMP/run"
	mkdir -m 700 -p "$XDG_RUNTIME_DIR"
	out=$(systemd-analyze verify "$prefix/lib/systemd/system/feedwatch.service" 2>&1)
	ok $? "systemd-analyze verify: the system unit"
	is "$out" "" "and it prints no warning"
	out=$(systemd-analyze --user verify "$prefix/lib/systemd/user/feedwatch.service" 2>&1)
	ok $? "systemd-analyze --user verify: the user unit"
	is "$out" "" "and it prints no warning"
	score=$(systemd-analyze security --offline=true "$prefix/lib/systemd/system/feedwatch.service" 2>&1 |
		sed -n 's/.*Overall exposure level for feedwatch.service: \([0-9.]*\).*/\1/p')
	diag "system unit exposure (systemd-analyze security --offline=true): $score"
	like "$score" "^[0-2]\.[0-9]$" "the system unit's exposure is below 3 (got $score)"
else
	for i in 1 2 3 4 5; do echo "ok $((T_NUM + i)) # skip systemd-analyze is not installed"; done
	T_NUM=$((T_NUM + 5))
fi

dest="$T_TMP/dest"
make -s -C "$FW_TOP" install DESTDIR="$dest" > /dev/null 2>&1
ok $? "make install DESTDIR=... succeeds"
make -s -C "$FW_TOP" uninstall DESTDIR="$dest" > /dev/null 2>&1
ok $? "make uninstall DESTDIR=... succeeds"
left=$(find "$dest" -type f -o -type l)
is "$left" "" "uninstall leaves no file behind"
done_testing
