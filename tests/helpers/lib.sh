# Shared by the integration tests (tests/integration/*.t): TAP output, a
# scratch directory, the binaries, nginx on loopback. Source it with
#   . "$(dirname "$0")/../helpers/lib.sh"
# Environment: FW_BUILD (build dir, default build), FW_WRAP (a command the
# binaries run under, e.g. valgrind, set by `make memcheck`).
set -u
FW_TOP=$(cd "$(dirname "$0")/../.." && pwd)
FW_BUILD=${FW_BUILD:-build}
case "$FW_BUILD" in /*) ;; *) FW_BUILD="$FW_TOP/$FW_BUILD" ;; esac
FW_WRAP=${FW_WRAP:-}
FW_HELPERS="$FW_TOP/tests/helpers"
FW_PY=/usr/bin/python3
T_NUM=0
T_FAILED=0
T_TMP=$(mktemp -d /tmp/fwtest.XXXXXX)
T_CLEANUP=""
export HOME="$T_TMP/home" XDG_CONFIG_HOME="$T_TMP/home/.config" XDG_DATA_HOME="$T_TMP/home/.local/share"
mkdir -p "$HOME"
unset DBUS_SESSION_BUS_ADDRESS NOTIFY_SOCKET WATCHDOG_USEC JOURNAL_STREAM

t_cleanup() {
	for c in $T_CLEANUP; do eval "$c" >/dev/null 2>&1 || true; done
	rm -rf "$T_TMP"
}
trap t_cleanup EXIT
trap 'exit 130' INT TERM

# at_exit CMD: runs CMD (one word: a function name) when the test ends.
at_exit() { T_CLEANUP="$1 $T_CLEANUP"; }

plan() { echo "1..$1"; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# ok COND_STATUS NAME: passes when the status is 0.
ok() {
	T_NUM=$((T_NUM + 1))
	if [ "$1" = 0 ]; then echo "ok $T_NUM - $2"
	else echo "not ok $T_NUM - $2"; T_FAILED=$((T_FAILED + 1)); fi
}

# is GOT EXPECTED NAME
is() {
	if [ "$1" = "$2" ]; then ok 0 "$3"
	else ok 1 "$3"; diag "got:      $1" "expected: $2"; fi
}

# like GOT REGEX NAME (grep -E)
# A pattern with a newline would be several grep patterns, one of them empty
# (matching anything): it fails instead.
like() {
	case "$2" in *"
"*) ok 1 "$3"; diag "like: the pattern holds a newline: $2"; return ;; esac
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok 0 "$3"
	else ok 1 "$3"; diag "got: $1" "expected to match: $2"; fi
}

# like_ml GOT PATTERN NAME: PATTERN (a Python regex, ^ and $ at each line)
# found in GOT; the pattern may span lines (a newline in it is a newline).
like_ml() {
	if "$FW_PY" -c 'import re, sys; sys.exit(0 if re.search(sys.argv[2], sys.argv[1], re.M) else 1)' \
		"$1" "$2"; then ok 0 "$3"
	else ok 1 "$3"; diag "got: $1" "expected to match (across lines): $2"; fi
}

# fw ARGS: runs the feedwatch CLI (under FW_WRAP). To start feedwatchd in the
# background, run "$FW_WRAP" "$FW_BUILD/feedwatchd" directly, so that $! is its pid.
fw() { $FW_WRAP "$FW_BUILD/feedwatch" "$@"; }
fwd() { $FW_WRAP "$FW_BUILD/feedwatchd" "$@"; }

# wait_daemon_lock LOCKFILE PID: until feedwatchd PID has written its config
# line into LOCKFILE (30 s at most). One read of the file: a daemon killed
# before it left stale lines that the new one's first write truncates.
wait_daemon_lock() {
	for i in $(seq 600); do
		awk -v p="$2" 'NR == 1 && $1 == p { a = 1 } /^config / { c = 1 } END { exit !(a && c) }' \
			"$1" 2> /dev/null && return 0
		sleep 0.05
	done
	return 1
}

# item ID TITLE: an RSS item, its link https://x.example/ID; feed FILE: an
# RSS 2.0 document with the items on stdin, written to FILE (a test may
# define its own instead).
item() {
	printf '<item><title>%s</title><link>https://x.example/%s</link><guid>%s</guid></item>\n' "$2" "$1" "$1"
}
feed() {
	{ echo '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'; cat; echo '</channel></rss>'; } > "$1"
}

# start_faultserver N [ARGS...]: tests/helpers/faultserver.py with ARGS,
# serving until the test ends; N ports expected, in the array P.
start_faultserver() {
	local n=$1
	shift
	"$FW_PY" "$FW_HELPERS/faultserver.py" --no-stdin --lifetime 120 "$@" \
		> "$T_TMP/fault.ports" 2> "$T_TMP/fault.err" &
	FAULT_PID=$!
	at_exit stop_faultserver
	for i in $(seq 100); do [ -s "$T_TMP/fault.ports" ] && break; sleep 0.05; done
	read -r -a P < "$T_TMP/fault.ports"
	[ "${#P[@]}" = "$n" ] || { echo "Bail out! the fault server did not start"; cat "$T_TMP/fault.err"; exit 1; }
}
stop_faultserver() { kill "$FAULT_PID" 2>/dev/null; }

# free_port: a TCP port free on 127.0.0.1.
free_port() {
	$FW_PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# serve ROOT: starts nginx on ROOT; sets BASE (URL) and NGINX_LOG (access log).
serve() {
	NGINX_PORT=$(free_port)
	BASE=$(sh "$FW_HELPERS/serve.sh" start "$1" "$NGINX_PORT") || { echo "Bail out! nginx did not start"; exit 1; }
	NGINX_LOG=/tmp/feedwatch-test-nginx-$NGINX_PORT/access.log
	at_exit serve_stop
}
serve_stop() { sh "$FW_HELPERS/serve.sh" stop "$NGINX_PORT"; }

# done_testing: exit status for prove.
done_testing() { [ "$T_FAILED" = 0 ]; exit $?; }

# check NAME CMD...: one test, ok when CMD succeeds; its output as diagnostics
# when it fails.
check() {
	local name=$1 res st
	shift
	res=$("$@" 2>&1)
	st=$?
	ok "$st" "$name"
	[ "$st" = 0 ] || diag "$res"
}

# start_bus: a private D-Bus session bus for this test (exported
# DBUS_SESSION_BUS_ADDRESS), stopped when the test ends.
start_bus() {
	# Like the session bus, but without the machine's service files: no
	# notification daemon installed here can be started on the test's bus.
	cat > "$T_TMP/bus.conf" <<BUS
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$T_TMP</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
BUS
	dbus-daemon --config-file="$T_TMP/bus.conf" --fork --print-address=3 --print-pid=4 \
		3>"$T_TMP/bus.addr" 4>"$T_TMP/bus.pid" || { echo "Bail out! dbus-daemon did not start"; exit 1; }
	DBUS_SESSION_BUS_ADDRESS=$(cat "$T_TMP/bus.addr")
	export DBUS_SESSION_BUS_ADDRESS
	at_exit stop_bus
}
stop_bus() { kill "$(cat "$T_TMP/bus.pid")"; }

# start_notify_server [OPTIONS]: the recording notification server on the
# test's bus; each Notify call becomes a JSON line in $NOTIFY_LOG.
start_notify_server() {
	NOTIFY_LOG="$T_TMP/notify.log"
	rm -f "$T_TMP/notify.ready"
	$FW_PY "$FW_HELPERS/notify_server.py" --log "$NOTIFY_LOG" --ready "$T_TMP/notify.ready" "$@" &
	NOTIFY_PID=$!
	for i in $(seq 100); do [ -s "$T_TMP/notify.ready" ] && break; sleep 0.05; done
	[ -s "$T_TMP/notify.ready" ] || { echo "Bail out! notification server did not start"; exit 1; }
	at_exit stop_notify_server
}
stop_notify_server() { kill "$NOTIFY_PID"; }
