#!/bin/sh
# pg.sh — a private PostgreSQL for the tests: initdb into a fresh directory,
# a Unix socket in that directory, no TCP (listen_addresses = ''), fsync off.
# Run as root (CI), the server runs as the `postgres` user (it refuses root);
# otherwise as the caller. The binaries are looked for in
# /usr/lib/postgresql/15/bin (Debian), then on PATH. Nothing is skipped when
# PostgreSQL is missing: it is a dependency (.ci/deps).
#
#   sh pg.sh start DIR    initdb DIR (made fresh, DIR must not exist), start
#                         the server, create database `feedwatch`; prints the
#                         connection string ("host=DIR user=... dbname=feedwatch")
#   sh pg.sh stop DIR     stop it (fast) and remove DIR
#   sh pg.sh halt DIR     stop it, keep DIR      sh pg.sh restart DIR: start again
#   sh pg.sh db DIR NAME  create database NAME; prints its connection string
#
# Sourced by a .t (after lib.sh), pg_start sets FW_PG and stops the server
# (and removes its directory) when the test ends.
set -u

pg_bin() {
	if [ -x "/usr/lib/postgresql/15/bin/$1" ]; then echo "/usr/lib/postgresql/15/bin/$1"
	else command -v "$1"; fi
}

# as_pg CMD...: runs CMD as the server's user.
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"
	else "$@"; fi
}

pg_user() { if [ "$(id -u)" = 0 ]; then echo postgres; else id -un; fi; }

pg_conninfo() { echo "host=$1 user=$(pg_user) dbname=$2"; }

pg_server_start() {
	as_pg "$(pg_bin pg_ctl)" -D "$1/data" -l "$1/log" -w -t 60 \
		-o "-c listen_addresses='' -k $1 -c fsync=off -c full_page_writes=off -c max_connections=60" \
		start > /dev/null
}

pg_create() {
	"$(pg_bin psql)" -qX -h "$1" -U "$(pg_user)" -d postgres -c "CREATE DATABASE \"$2\"" > /dev/null &&
		pg_conninfo "$1" "$2"
}

pg_cmd_start() {
	dir=$1
	mkdir -m 0700 "$dir" || return 1
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	as_pg "$(pg_bin initdb)" -D "$dir/data" -U "$(pg_user)" -A trust -E UTF8 --locale=C.UTF-8 \
		--no-sync > "$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
	pg_server_start "$dir" || { cat "$dir/log" >&2; return 1; }
	pg_create "$dir" feedwatch
}

pg_cmd_halt() {
	as_pg "$(pg_bin pg_ctl)" -D "$1/data" -m fast -w stop > /dev/null 2>&1
}

pg_cmd_stop() {
	pg_cmd_halt "$1"
	rm -rf "$1"
}

# pg_start (sourced): a server for this test in a directory of its own under
# /tmp (the postgres user must reach it; the test's own is private); FW_PG
# and FW_PG_DIR are set.
pg_start() {
	FW_PG_DIR=$(mktemp -u /tmp/fwpg.XXXXXX)
	FW_PG=$(pg_cmd_start "$FW_PG_DIR") || { echo "Bail out! cannot start PostgreSQL"; exit 1; }
	export FW_PG FW_PG_DIR
	at_exit pg_at_exit
}
pg_at_exit() { pg_cmd_stop "$FW_PG_DIR"; }

# pg_sql SQL (sourced, after pg_start): one query on the test's database,
# its rows unaligned ("a|b"), errors dropped.
pg_sql() { "$(pg_bin psql)" -qAtX -h "$FW_PG_DIR" -U "$(pg_user)" -d feedwatch -c "$1" 2> /dev/null; }

# pg_wait SQL: until the query answers t (bounded: 180 s); 0 when it did.
pg_wait() {
	local n=0
	while [ "$(pg_sql "$1")" != t ]; do
		n=$((n + 1))
		[ $n -gt 1800 ] && return 1
		sleep 0.1
	done
	return 0
}

# Run as a command (not sourced by a .t).
case "${0##*/}" in
pg.sh)
	cmd=${1:-}; shift || true
	case "$cmd" in
	start) pg_cmd_start "$1" ;;
	stop) pg_cmd_stop "$1" ;;
	halt) pg_cmd_halt "$1" ;;
	restart) pg_server_start "$1" ;;
	db) pg_create "$1" "$2" ;;
	*) echo "usage: pg.sh start|stop|halt|restart DIR | db DIR NAME" >&2; exit 2 ;;
	esac
	;;
esac
