#!/bin/sh
# Makes docs/report.png: the HTML report (`feedwatch report`) after a week of
# hits, rendered by headless Chromium. The week: bench/gen_corpus.py's corpus
# (20 feeds of 84 items, an item every two hours from 2024-11-20, the seed
# topics' planted mentions and near misses) polled once over file://, the
# report of that week (--since/--until: the timeline ends on its last day).
# Not part of `make test`; KEEP=1 keeps the temporary directory.
#
# Needs (Debian): chromium python3 fonts-dejavu-core, and `make` run first.
# Usage: sh docs/report-screenshot.sh [OUT.png]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/docs/report.png}
tmp=$(mktemp -d /tmp/fwreport.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT INT TERM

python3 "$top/bench/gen_corpus.py" "$tmp/corpus" --feeds 20 --items 84 --seed 1 > /dev/null
# the seed topics with their display names, the feeds over file://
sed -e "s|@BASE@|file://$tmp/corpus|" \
    -e "s|^\[feedwatch\]\$|[feedwatch]\ndatabase = $tmp/fw.db|" "$tmp/corpus/feedwatch.conf" > "$tmp/fw.conf"
"$top/build/feedwatch" -c "$tmp/fw.conf" poll --no-notify > /dev/null
"$top/build/feedwatch" -c "$tmp/fw.conf" report --since 2024-11-20 --until 2024-11-27 \
	--title "feedwatch: the week of 20 November 2024" -o "$tmp/report.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --force-device-scale-factor=1 \
	--window-size=1000,1300 --screenshot="$tmp/shot.png" "file://$tmp/report.html" > /dev/null 2>&1
cp "$tmp/shot.png" "$out"
echo "wrote $out"
