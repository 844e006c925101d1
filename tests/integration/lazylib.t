#!/bin/bash
# libcurl, libpq and libnotify are loaded when a command first needs them
# (daemon/lazylib.c), not at every start: the dynamic linker's own log
# (LD_DEBUG=files) names each object a process loads. Where one cannot be
# loaded (hidden by a bind mount in a private mount namespace), the command
# that needs it fails with an error naming it, and the others still work.
. "$(dirname "$0")/../helpers/lib.sh"
plan 13
FW="$FW_BUILD/feedwatch"
CURL=libcurl PQ=libpq NOTIFY=libnotify

cat > "$T_TMP/tac.xml" <<'XML'
<?xml version="1.0"?><rss version="2.0"><channel><title>TAC</title>
<item><title>Milei in Washington</title><link>https://x.example/1</link><guid>1</guid></item>
</channel></rss>
XML
conf="$T_TMP/fw.conf"
cat > "$conf" <<CONF
[feedwatch]
database = $T_TMP/fw.db
[feed tac]
url = file://$T_TMP/tac.xml
[topic milei]
query = Milei
CONF
pgconf="$T_TMP/pg.conf"
cat > "$pgconf" <<CONF
[feedwatch]
database = postgresql:///feedwatch?host=$T_TMP/no-server&connect_timeout=2
[topic milei]
query = Milei
CONF

# The objects a command loaded, one a line (their names as the linker read them).
loaded() { LD_DEBUG=files "$FW" "$@" 2>&1 >/dev/null | sed -n 's/.*file=\([^ ]*\) .*dynamically loaded by.*/\1/p; s/.*file=\([^ ]*\) .*needed by.*/\1/p' | sort -u; }

fw -c "$conf" poll --no-notify > /dev/null 2>&1
is "$(fw -c "$conf" hits --format csv | tail -n +2 | wc -l)" 1 "a poll of a file:// feed stored its hit"
for c in "--version" "hits" "show 1" "stats" "status" "check"; do
	libs=$(loaded -c "$conf" $c)
	unlike=$(printf '%s\n' "$libs" | grep -E "^($CURL|$PQ|$NOTIFY)" | tr '\n' ' ')
	is "$unlike" "" "feedwatch $c loads none of libcurl, libpq, libnotify"
done
# The SONAME each library was loaded by, from the lines of a command that loads it.
has() { printf '%s\n' "$1" | grep -m1 "^$2"; }
curl_so=$(has "$(loaded parse "http://127.0.0.1:$(free_port)/feed.xml")" "$CURL")
like "$curl_so" "^$CURL.*\\.so\\.[0-9]+$" "feedwatch parse URL loads libcurl ($curl_so)"
pq_so=$(has "$(loaded -c "$pgconf" hits)" "$PQ")
like "$pq_so" "^$PQ\\.so\\.[0-9]+$" "a command on a PostgreSQL database loads libpq ($pq_so)"
notify_so=$(has "$(loaded -c "$conf" poll)" "$NOTIFY")
like "$notify_so" "^$NOTIFY\\.so\\.[0-9]+$" "poll that notifies loads libnotify ($notify_so)"

# The path each library is loaded from (ldconfig's cache).
libpath() { ldconfig -p | awk -v s="$1" '$1 == s && /x86-64/ { print $NF; exit }'; }
hide() {   # hide LIB CMD...: runs CMD with LIB's file hidden (an empty file over it)
	local p; p=$(libpath "$1"); shift
	[ -n "$p" ] || { echo "no $1 in ldconfig -p" >&2; return 99; }
	unshare -m sh -c 'mount --bind /dev/null "$0" && exec "$@"' "$p" "$@"
}
out=$(hide "$pq_so" "$FW" -c "$pgconf" hits 2>&1); rc=$?
like "$rc:$out" "^1:.*PostgreSQL: cannot load $PQ\\.so\\.[0-9]+: " "without libpq, a PostgreSQL database is refused, naming the library"
out=$(hide "$curl_so" "$FW" parse "http://127.0.0.1:$(free_port)/feed.xml" 2>&1); rc=$?
like "$rc:$out" "^1:feedwatch parse: cannot load $CURL[^ ]*\\.so\\.[0-9]+: .*; install it \\(or reinstall feedwatch\\)" \
	"without libcurl, fetching a URL stops with an error naming the library"
out=$(hide "$curl_so" "$FW" -c "$conf" hits --format csv 2>&1); rc=$?
is "$rc:$(printf '%s\n' "$out" | tail -n +2 | wc -l)" "0:1" "without libcurl, the review commands still work"
done_testing
