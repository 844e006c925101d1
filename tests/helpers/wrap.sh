#!/bin/sh
# prove --exec helper for `make memcheck`: unit test binaries run under
# $FW_WRAP; integration scripts (*.t) run with bash and wrap the binaries
# they start themselves.
case "$1" in
*.t) exec bash "$@" ;;
*) exec $FW_WRAP "$@" ;;
esac
