#!/bin/sh
# Serves a directory over HTTP with nginx on loopback (real ETag/Last-Modified,
# so conditional GETs get 304s; gzip on).
#
#   serve.sh start ROOT PORT   prints the base URL (http://127.0.0.1:PORT)
#   serve.sh stop PORT
#
# /copies/PATH?copy=K serves PATH with "example.org" and "example.com" made
# "example.org.cK" and "example.com.cK" (distinct feeds from one file).
# nginx's files live in /tmp/feedwatch-test-nginx-PORT; access.log there has
# one line a request: "STATUS BYTES URI".
set -eu
cmd=${1:?usage: serve.sh start ROOT PORT | stop PORT}
case "$cmd" in
start) root=$(cd "${2:?root}" && pwd); port=${3:?port} ;;
stop) port=${2:?port} ;;
*) echo "usage: serve.sh start ROOT PORT | stop PORT" >&2; exit 2 ;;
esac
dir=/tmp/feedwatch-test-nginx-$port
nginx=$(command -v nginx || echo /usr/sbin/nginx)
if [ "$cmd" = stop ]; then
	[ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null
	rm -rf "$dir"
	exit 0
fi
[ -x "$nginx" ] || { echo "serve.sh: nginx is not installed (apt-get install nginx-light)" >&2; exit 1; }
mkdir -p "$dir/tmp"
[ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null && sleep 0.2
# As root, nginx's workers would switch to nobody and could not read 0700 folders.
user=""; [ "$(id -u)" = 0 ] && user="user root;"
cat > "$dir/nginx.conf" <<CONF
$user
daemon on;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log;
events { worker_connections 4096; }
http {
	log_format fw "\$status \$body_bytes_sent \$request_uri";
	access_log $dir/access.log fw;
	client_body_temp_path $dir/tmp;
	proxy_temp_path $dir/tmp;
	fastcgi_temp_path $dir/tmp;
	uwsgi_temp_path $dir/tmp;
	scgi_temp_path $dir/tmp;
	types { application/rss+xml xml; application/atom+xml atom; text/html html; text/x-opml opml; }
	keepalive_requests 1000000;
	gzip on;
	gzip_types application/rss+xml application/atom+xml;
	server {
		listen 127.0.0.1:$port;
		root $root;
		# /copies/PATH?copy=K is PATH with its hosts made K's own (bench.py's
		# scale row: many distinct feeds from a few files)
		location /copies/ {
			alias $root/;
			sub_filter_types application/rss+xml application/atom+xml;
			sub_filter_once off;
			sub_filter_last_modified on;
			sub_filter 'example.org' 'example.org.c\$arg_copy';
			sub_filter 'example.com' 'example.com.c\$arg_copy';
		}
	}
}
CONF
"$nginx" -c "$dir/nginx.conf" -p "$dir" 2>"$dir/start.log" || { cat "$dir/start.log" >&2; exit 1; }
i=0
until curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; do
	i=$((i + 1)); [ $i -ge 50 ] && { echo "serve.sh: nginx did not answer on port $port" >&2; exit 1; }
	sleep 0.1
done
echo "http://127.0.0.1:$port"
