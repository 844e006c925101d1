#!/bin/sh
# After `make memcheck`: every valgrind log (one a process, written with -q,
# so empty when clean) must be empty. Prints the ones that are not.
dir=${1:?usage: vgcheck.sh DIR}
bad=0
for f in "$dir"/*.log; do
	[ -s "$f" ] || continue
	echo "valgrind: $f:"; cat "$f"; bad=$((bad + 1))
done
n=$(ls "$dir"/*.log 2>/dev/null | wc -l)
if [ $bad -gt 0 ]; then echo "valgrind: $bad of $n processes reported errors"; exit 1; fi
echo "valgrind: $n processes, no errors"
