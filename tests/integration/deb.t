#!/bin/bash
# The Debian package (debian/, `make deb`): built from a copy of the tree with
# dpkg-buildpackage (the worktree is left as it was, nothing is installed on
# this machine), its file list (dpkg-deb -c), lintian with no error or
# warning and every override justified, blhc on the build log, the binaries
# unpacked with dpkg -x (--version, the example config), systemd-analyze
# verify on the unpacked units, hardening-check on the binaries, and the
# maintainer scripts run against logging stand-ins for adduser, systemctl and
# the rest. About 2-3 minutes: the build compiles the tree and runs the unit
# tests once.
. "$(dirname "$0")/../helpers/lib.sh"

for t in dpkg-buildpackage dh lintian blhc hardening-check systemd-analyze readelf objdump; do
	command -v $t > /dev/null || missing="${missing:-} $t"
done
[ -z "${missing:-}" ] || { echo "Bail out! missing:$missing (make deps installs them)"; exit 1; }
plan 33

# Not the jobs or variables of a make that runs this test (make test
# SANITIZE=1 must not build the package with sanitizers).
unset MAKEFLAGS MFLAGS MAKELEVEL
version=$(sed -n 's/^VERSION = //p' "$FW_TOP/Makefile")
debversion=$(dpkg-parsechangelog -l "$FW_TOP/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)
is "${debversion%-*}" "$version" "debian/changelog's upstream version is the Makefile's ($version)"

# --- the build --------------------------------------------------------------
git_status() { git -C "$FW_TOP" status --porcelain --ignored=no 2>/dev/null; }
before=$(git_status)
D="$T_TMP/deb"
start=$(date +%s)
make -s -C "$FW_TOP" deb DEBDIR="$D" > "$T_TMP/make-deb.out" 2>&1
ok $? "make deb builds the package"
diag "make deb took $(($(date +%s) - start)) s"
[ -f "$D/feedwatch_${debversion}_$arch.deb" ] || { cat "$T_TMP/make-deb.out"; echo "Bail out! no .deb"; exit 1; }
is "$(git_status)" "$before" "the build leaves the tree as it was (it builds a copy)"
like "$(grep -E '^build/tests/test_[a-z]+$' "$D/build.log" | wc -l)" "^[1-9][0-9]*$" \
	"dh_auto_test ran the unit tests"
is "$(grep -c "tests/integration" "$D/build.log")" "0" "and no integration test"

# --- the file list ----------------------------------------------------------
dpkg-deb -c "$D/feedwatch_${debversion}_$arch.deb" | awk '{print $6}' | sed 's|^\./|/|' > "$T_TMP/files"
for f in /usr/bin/feedwatch /usr/bin/feedwatchd \
         /usr/share/man/man1/feedwatch.1.gz /usr/share/man/man5/feedwatch.conf.5.gz \
         /usr/share/man/man8/feedwatchd.8.gz /usr/share/bash-completion/completions/feedwatch \
         /usr/share/doc/feedwatch/examples/feedwatch.conf /usr/share/doc/feedwatch/copyright \
         /usr/share/doc/feedwatch/changelog.Debian.gz /usr/lib/systemd/user/feedwatch.service \
         /usr/lib/systemd/user/feedwatch-notify.service \
         /lib/systemd/system/feedwatch.service /lib/systemd/system/feedwatch.service.d/debian.conf \
         /etc/feedwatch/feedwatch.conf; do
	grep -qxF "$f" "$T_TMP/files" || lacking="${lacking:-} $f"
done
is "${lacking:-}" "" "dpkg-deb -c: programs, man pages, completion, example and system config, both units"
stray=$(grep -vE '^/$|^/usr/$|^/usr/bin/|^/usr/share/$|^/usr/share/(man|bash-completion)/|^/usr/share/lintian/(overrides/(feedwatch)?)?$|^/usr/share/doc/(feedwatch/.*)?$|^/usr/lib/$|^/usr/lib/systemd/(user/.*)?$|^/lib/$|^/lib/systemd/(system/.*)?$|^/etc/$|^/etc/feedwatch/(feedwatch\.conf)?$' "$T_TMP/files")
is "$stray" "" "nothing outside those directories (in /etc only the system config; no /usr/local)"
# The system config is a conffile: an upgrade keeps the admin's edits.
is "$(dpkg-deb -I "$D/feedwatch_${debversion}_$arch.deb" conffiles 2>&1)" "/etc/feedwatch/feedwatch.conf" \
	"the system config is the package's one conffile"
# libcurl, libpq and libnotify are loaded on first use (daemon/lazylib.c), so
# dpkg-shlibdeps cannot see them: debian/control names their packages.
deps=$(dpkg-deb -f "$D/feedwatch_${debversion}_$arch.deb" Depends)
missing=""
for p in libcurl3-gnutls libpq5 libnotify4 libsqlite3-0 libxml2; do
	printf '%s\n' "$deps" | tr ',' '\n' | grep -q "^ *$p\b" || missing="$missing $p"
done
is "$missing" "" "Depends names the libraries loaded on first use and the linked ones ($deps)"

# --- lintian ----------------------------------------------------------------
lintian --pedantic --display-info "$D/feedwatch_${debversion}_$arch.changes" > "$T_TMP/lintian" 2>&1
diag "lintian: $(grep -cE '^[EWIPX]: ' "$T_TMP/lintian") tags shown (errors and warnings fail)"
grep -E '^[IPX]: ' "$T_TMP/lintian" | sed 's/^/  /' | while read -r l; do diag "$l"; done
is "$(grep -E '^[EW]: ' "$T_TMP/lintian")" "" "lintian: no error or warning"
# Each override is justified by the comment right above it.
unjustified=$(awk 'FNR == 1 { c = 0 } /^#/ { c = 1; next } /^[ \t]*$/ { c = 0; next }
	!c { print FILENAME ": " $0 }' "$FW_TOP"/debian/*.lintian-overrides)
is "$unjustified" "" "every lintian override has its reason in a comment"
# And each is still needed: lintian --show-overrides shows it applied.
lintian --show-overrides "$D/feedwatch_${debversion}_$arch.changes" > "$T_TMP/lintian-o" 2>&1
for tag in $(grep -hvE '^[[:space:]]*(#|$)' "$FW_TOP"/debian/*.lintian-overrides | awk '{print $1}'); do
	grep -qE "^O: [^ ]+ $tag( |$)" "$T_TMP/lintian-o" || unused="${unused:-} $tag"
done
is "${unused:-}" "" "every override applies to a tag lintian finds"

# --- blhc -------------------------------------------------------------------
out=$(blhc --arch="$arch" "$D/build.log" 2>&1)
ok $? "blhc runs on the build log"
is "$out" "" "blhc: every compile has CPPFLAGS and CFLAGS, every link LDFLAGS"
# The same log with -D_FORTIFY_SOURCE=2 taken off its first compile line: blhc
# must see it, so the empty report above comes from real compile lines.
sed '0,/ -D_FORTIFY_SOURCE=2 /s// /' "$D/build.log" > "$T_TMP/build-nofortify.log"
like "$(blhc --arch="$arch" "$T_TMP/build-nofortify.log" 2>&1)" "CPPFLAGS missing \(-D_FORTIFY_SOURCE=2\)" \
	"blhc reports a compile line without the fortify flag"

# --- the unpacked binaries --------------------------------------------------
R="$T_TMP/root"
dpkg -x "$D/feedwatch_${debversion}_$arch.deb" "$R"
is "$("$R/usr/bin/feedwatch" --version 2>&1)" "feedwatch $version" "the unpacked feedwatch --version"
is "$("$R/usr/bin/feedwatchd" --version 2>&1)" "feedwatchd $version" "the unpacked feedwatchd --version"
is "$(ldd "$R/usr/bin/feedwatch" "$R/usr/bin/feedwatchd" | grep -c 'not found')" "0" \
	"both link only libraries of the system"
"$R/usr/bin/feedwatch" -c "$R/usr/share/doc/feedwatch/examples/feedwatch.conf" check > "$T_TMP/check.out" 2>&1
ok $? "feedwatch check passes on the packaged example config"
if [ -e /etc/feedwatch/feedwatch.conf ]; then
	echo "ok $((T_NUM += 1)) # skip this machine has /etc/feedwatch/feedwatch.conf"
else
	like "$("$R/usr/bin/feedwatch" hits 2>&1)" "/usr/share/doc/feedwatch/examples/feedwatch.conf" \
		"without a config, feedwatch names the example where the package puts it"
fi

# --- the units --------------------------------------------------------------
# Copies whose ExecStart points into the unpacked root (systemd-analyze checks
# that the program exists); the drop-in beside the system unit, as installed.
V="$T_TMP/verify"
mkdir -p "$V/system/feedwatch.service.d" "$V/user"
sed "s|^ExecStart=/usr/bin/|ExecStart=$R/usr/bin/|" "$R/lib/systemd/system/feedwatch.service" > "$V/system/feedwatch.service"
cp "$R/lib/systemd/system/feedwatch.service.d/debian.conf" "$V/system/feedwatch.service.d/"
sed "s|^ExecStart=/usr/bin/|ExecStart=$R/usr/bin/|" "$R/usr/lib/systemd/user/feedwatch.service" > "$V/user/feedwatch.service"
export MANPATH="$R/usr/share/man" XDG_RUNTIME_DIR="$T_TMP/run"
mkdir -m 700 -p "$XDG_RUNTIME_DIR"
out=$(systemd-analyze verify "$V/system/feedwatch.service" 2>&1)
ok $? "systemd-analyze verify: the system unit and its drop-in"
is "$out" "" "and it prints nothing"
out=$(systemd-analyze --user verify "$V/user/feedwatch.service" 2>&1)
ok $? "systemd-analyze --user verify: the user unit"
is "$out" "" "and it prints nothing"
like "$(systemd-analyze security --offline=true "$V/system/feedwatch.service" 2>&1)" \
	"User=/DynamicUser=.*static non-root user" "the drop-in makes the system service run as a static system user"

# --- hardening --------------------------------------------------------------
# Control flow integrity needs every object linked to carry the IBT/SHSTK
# notes, the C library's start files too: where they do not (Debian 12),
# no binary can have it, and hardening-check is told not to ask.
nocf=""
readelf -n "$(cc -print-file-name=Scrt1.o)" 2>/dev/null | grep -q 'x86 feature:.*IBT' || nocf=--nocfprotection
[ -n "$nocf" ] && diag "this C library's Scrt1.o has no IBT/SHSTK notes: hardening-check $nocf"
hardening-check $nocf "$R/usr/bin/feedwatch" "$R/usr/bin/feedwatchd" > "$T_TMP/hardening" 2>&1
ok $? "hardening-check: PIE, stack protector, fortify, relro, bindnow on both binaries"
sed "s|$R||" "$T_TMP/hardening" | while read -r l; do diag "$l"; done
# hardening-check only recognises one form of stack clash probe (it says
# "unknown" here); the probes GCC emits for large frames on x86-64 are a
# 4 KiB step and a touch of the new top of stack.
if [ "$(uname -m)" = x86_64 ]; then
	probes() { objdump -d --no-show-raw-insn -M intel "$1" | grep -A1 -E 'sub +rsp,0x1000$' | grep -cE 'or +QWORD PTR \[rsp\],0x0'; }
	like "$(probes "$R/usr/bin/feedwatch") $(probes "$R/usr/bin/feedwatchd")" "^[1-9][0-9]* [1-9][0-9]*$" \
		"stack clash probes in both binaries (-fstack-clash-protection)"
else
	echo "ok $((T_NUM += 1)) # skip stack clash probe check is for x86-64"
fi


# --- the maintainer scripts -------------------------------------------------
# Copies run with PATH holding only logging stand-ins (and cut), so nothing on
# this machine changes: each command's arguments go to $M/log. In the copies
# /run/systemd/system and /var/lib/feedwatch are directories under $M (the
# first present, as on a machine that runs systemd). getent answers as
# FW_GETENT says: none (no user feedwatch), ours (as adduser writes it) or
# other (a user feedwatch an administrator made).
M="$T_TMP/maint"
S="$M/var/lib/feedwatch"
mkdir -p "$M/bin" "$M/run-systemd"
dpkg-deb -e "$D/feedwatch_${debversion}_$arch.deb" "$M/control"
for s in preinst postinst prerm postrm; do
	[ -f "$M/control/$s" ] && sed -e "s|/run/systemd/system|$M/run-systemd|g" \
		-e "s|/var/lib/feedwatch|$S|g" "$M/control/$s" > "$M/$s"
done
for c in adduser deluser delgroup install rm systemctl deb-systemd-invoke; do
	printf '#!/bin/sh\necho "%s $*" >> "%s/log"\n' "$c" "$M" > "$M/bin/$c"
done
# deb-systemd-helper as on a fresh install: the unit was not installed
# before, and was-enabled says yes (its default).
printf '#!/bin/sh\necho "deb-systemd-helper $*" >> "%s/log"\ncase "$*" in *debian-installed*) exit 1 ;; esac\n' \
	"$M" > "$M/bin/deb-systemd-helper"
printf '#!/bin/sh\ncase "$FW_GETENT" in\nours) echo "%s" ;;\nother) echo "%s" ;;\n*) exit 2 ;;\nesac\n' \
	"feedwatch:x:998:998:feedwatch system service,,,:$S:/usr/sbin/nologin" \
	"feedwatch:x:1001:1001:Fee Watch:/home/feedwatch:/bin/bash" > "$M/bin/getent"
ln -s "$(command -v cut)" "$M/bin/cut"
chmod 755 "$M/bin/adduser" "$M/bin/deluser" "$M/bin/delgroup" "$M/bin/install" "$M/bin/rm" \
	"$M/bin/systemctl" "$M/bin/deb-systemd-invoke" "$M/bin/deb-systemd-helper" "$M/bin/getent"
# maint GETENT SCRIPT ARGS...: runs the package's SCRIPT, if it has one;
# prints the commands it ran, and "exit N" if it failed.
maint() {
	local g=$1 s=$2
	shift 2
	rm -f "$M/log"
	[ -f "$M/$s" ] || return 0
	env -i PATH="$M/bin" FW_GETENT="$g" /bin/sh "$M/$s" "$@" > /dev/null 2>&1 || echo "exit $?"
	[ -f "$M/log" ] && cat "$M/log"
	return 0
}
# only REGEX: the lines of $log that match.
only() { printf '%s\n' "$log" | grep -E "$1"; }

log=$(maint none preinst install; maint none postinst configure)
is "$(only 'exit |adduser|install ')" "adduser --system --group --quiet --home $S --no-create-home --comment feedwatch system service feedwatch
install -d -o feedwatch -g feedwatch -m 0700 $S" \
	"install: postinst creates the system user feedwatch and its state directory"
is "$(only 'systemctl (start|restart|enable)|deb-systemd-invoke|deb-systemd-helper (--user )?enable')" "" \
	"and enables or starts no service, user or system"
mkdir -p "$S"
log=$(maint ours preinst upgrade 0.1.0-1; maint ours postinst configure 0.1.0-1)
is "$(only 'exit |adduser|install |rm |deb-systemd-invoke|(start|restart|enable) ')" \
	"deb-systemd-invoke try-restart feedwatch.service" \
	"upgrade: user, state directory and database kept; the system service restarted only if it runs"
log=$(maint ours prerm remove; maint ours postrm remove)
is "$(only 'exit |deb-systemd-invoke|rm |deluser|delgroup')" "deb-systemd-invoke stop feedwatch.service" \
	"remove: the system service stops; its user and data stay"
log=$(maint ours postrm purge)
is "$(only 'exit |rm |deluser|delgroup')" "rm -rf $S
deluser --system --quiet feedwatch
delgroup --system --quiet --only-if-empty feedwatch" \
	"purge: the state directory, the user and its group go, nothing else"
log=$(maint other postrm purge)
is "$(only 'exit |deluser|delgroup')" "" "purge: a user feedwatch the package did not create stays"
done_testing
