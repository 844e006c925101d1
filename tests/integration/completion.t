#!/bin/bash
# completion/feedwatch.bash is checked in, and written by hand: this test
# holds it to the command table of cli/feedwatch.c as the binary prints it.
# The commands it completes are those `feedwatch help` lists (and help), and
# each command's options are those `feedwatch COMMAND --help` lists.
. "$(dirname "$0")/../helpers/lib.sh"
comp="$FW_TOP/completion/feedwatch.bash"
commands=$(fw help | sed -n 's/^  \([a-z][a-z]*\)  .*/\1/p')
set -- $commands
plan $((11 + $#))

# complete WORDS...: what the completion offers for the last word, sorted.
complete_words() {
	PATH="$FW_BUILD:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_feedwatch; [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$@"
}
# complete_in DIR WORDS...: complete_words run in DIR.
complete_in() { (cd "$1" && shift && complete_words "$@"); }
# help_options CMD: the options `feedwatch CMD --help` lists, sorted.
help_options() {
	fw "$1" --help | sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z-]*\).*/\1\n\2/p; s/^  \(--[a-z-]*\).*/\1/p' |
		sort | tr '\n' ' '
}

ok $([ $# -gt 0 ]; echo $?) "feedwatch help lists commands ($#)"
want=$(printf '%s\n' $commands help | sort | tr '\n' ' ')
is "$(complete_words feedwatch '')" "$want" "completion: the commands of 'feedwatch help', and help"
is "$(complete_words feedwatch help '')" "$want" "completion: feedwatch help COMMAND"
for c in $commands; do
	is "$(complete_words feedwatch "$c" -)" "$(help_options "$c")" "completion: $c's options are those of its --help"
done

# What follows an option: -n is a value only where it is --limit or
# --per-topic; import's -n (--dry-run) takes none, so the OPML file comes next.
mkdir -p "$T_TMP/files"
touch "$T_TMP/files/subs.opml" "$T_TMP/files/notes.txt"
is "$(complete_in "$T_TMP/files" feedwatch import -n '')" "subs.opml " "completion: import -n FILE offers the OPML files"
is "$(complete_in "$T_TMP/files" feedwatch import --dry-run '')" "subs.opml " "completion: import --dry-run FILE, the same"
is "$(complete_words feedwatch hits -n '')" "" "completion: hits -n N offers nothing (a number goes there)"
# status FEED takes a feed key of the config, as --feed does.
cat > "$T_TMP/c.conf" <<CONF
[feed tac]
url = file:///dev/null
[feed mpress]
url = file:///dev/null
[topic milei]
query = Milei
CONF
is "$(complete_words feedwatch -c "$T_TMP/c.conf" status '')" "mpress tac " "completion: status FEED offers the config's feed keys"
# OPTION=VALUE, as feedwatch(1) and --help write --config=FILE and --topic=T:
# bash splits the line at '=' (COMP_WORDBREAKS), so the completion gets
# "--config" "=" "FILE" as three words.
is "$(complete_words feedwatch --config = "$T_TMP/c.conf" hits --feed '')" "mpress tac " \
	"completion: --config=FILE before the command is read (hits --feed offers its feeds)"
is "$(complete_words feedwatch -c "$T_TMP/c.conf" hits --topic = mi)" "milei " "completion: --topic=mi offers milei"
is "$(complete_words feedwatch -c "$T_TMP/c.conf" hits --feed =)" "mpress tac " "completion: --feed= offers the feeds"
# The options before a command: each is one feedwatch takes there.
got=$(complete_words feedwatch -)
bad=""
for o in $got; do
	case $o in
	-c | --config) fw "$o" /dev/null help ;;
	-v | --verbose) fw "$o" help ;;
	*) fw "$o" ;;
	esac > /dev/null 2>&1 || bad="$bad $o"
done
is "$got|$bad" "--config --help --verbose --version -c -h -v |" "completion: the global options, -h too, each accepted before a command"
done_testing
