#!/bin/bash
# The man pages are lint-clean (groff -ww warns about every questionable request).
. "$(dirname "$0")/../helpers/lib.sh"
plan 3
for page in feedwatch.1 feedwatch.conf.5 feedwatchd.8; do
	out=$(LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$FW_TOP/man/$page" 2>&1)
	is "$out" "" "$page: groff -ww prints no warning"
done
done_testing
