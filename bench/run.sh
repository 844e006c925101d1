#!/bin/sh
# `make bench`: the benchmark table of issue 10 (corpus, nginx on loopback,
# feedwatch against its floors and peers). Options: python3 bench/bench.py --help.
exec python3 "$(dirname "$0")/bench.py" "$@"
