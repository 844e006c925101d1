#!/bin/bash
# feedwatch(1) is lint-clean (groff -ww, and mandoc -T lint where installed)
# and documents every command and every option that `feedwatch COMMAND
# --help` lists; every command has --help (exit 0) and a usage error (exit 2);
# the bash completion loads and completes commands, options, formats and
# the config's topic and feed keys.
. "$(dirname "$0")/../helpers/lib.sh"
COMMANDS="hits show open read unread browse stats report status check match backtest parse add import export poll reload"
plan 52
page="$FW_TOP/man/feedwatch.1"

out=$(LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$page" 2>&1)
is "$out" "" "feedwatch.1: groff -ww prints no warning"
if command -v mandoc > /dev/null; then
	out=$(mandoc -T lint -W warning "$page" 2>&1)
	is "$out" "" "feedwatch.1: mandoc -T lint prints nothing"
else
	T_NUM=$((T_NUM + 1)); echo "ok $T_NUM # skip mandoc is not installed"
fi

# The page as text, and each command's options as --help lists them.
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 groff -man -Tutf8 -P-c -P-b -P-u "$page" 2>/dev/null)
for c in $COMMANDS; do
	fw "$c" --help > "$T_TMP/help" 2>&1
	st=$?
	missing=""
	for o in $(sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' "$T_TMP/help" | grep -v -- '--help'); do
		printf '%s\n' "$text" | grep -q -- "$o" || missing="$missing $o"
	done
	printf '%s\n' "$text" | grep -qE "^   $c(,|\$)|^   [a-z]+, $c\$" || missing="$missing (no section)"
	is "$st:$missing" "0:" "$c: --help exits 0; the page has its section and every option"
done
for c in $COMMANDS; do
	fw "$c" --no-such-option > /dev/null 2> "$T_TMP/err"
	st=$?
	like "$st:$(cat "$T_TMP/err")" "^2:feedwatch $c: Unknown option --no-such-option" "$c: an unknown option is a usage error naming it"
done
fw nosuch > /dev/null 2> "$T_TMP/err"
like "$?:$(cat "$T_TMP/err")" "^2:feedwatch: unknown command 'nosuch'" "an unknown command: exit 2, named"
fw --help > "$T_TMP/help"
ok $? "feedwatch --help exits 0"
missing=""
for c in $COMMANDS; do grep -q "^  $c " "$T_TMP/help" || missing="$missing $c"; done
is "$missing" "" "feedwatch --help lists every command"
fw help report > "$T_TMP/help.report"
is "$?:$(sed -n 1,2p "$T_TMP/help.report")" $'0:Usage:\n  feedwatch report [OPTION…]' "feedwatch help COMMAND: that command's help"

# bash completion
comp="$FW_TOP/completion/feedwatch.bash"
bash -n "$comp"
ok $? "completion: bash -n finds no syntax error"
cat > "$T_TMP/c.conf" <<EOF
[feedwatch]
database = $T_TMP/c.db
[feed tac]
url = https://tac.example/feed/
[ feed   spaced ]
url = https://s.example/
[topic milei]
query = Milei
[topic china-swaps]
query = China NEAR swap*
EOF
# complete WORDS...: what the completion offers for the last word.
complete_words() {
	PATH="$FW_BUILD:$PATH" bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_feedwatch; [ ${#COMPREPLY[@]} = 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$@"
}
is "$(complete_words feedwatch h)" "help hits " "completion: commands"
is "$(complete_words feedwatch -c x.conf st)" "stats status " "completion: commands after -c FILE"
is "$(complete_words feedwatch hits --f)" "--feed --follow --format " "completion: a command's options"
is "$(complete_words feedwatch hits --format '')" "atom csv json table " "completion: hits formats"
is "$(complete_words feedwatch stats --format '')" "csv json table " "completion: stats formats"
is "$(complete_words feedwatch -c "$T_TMP/c.conf" hits --topic '')" "china-swaps milei " "completion: topic keys from the config"
is "$(complete_words feedwatch hits -c "$T_TMP/c.conf" -f '')" "spaced tac " "completion: feed keys from the config"
is "$(complete_words feedwatch -c "$T_TMP/c.conf" backtest m)" "milei " "completion: backtest takes a topic"
is "$(complete_words feedwatch -c "$T_TMP/c.conf" show '')" "" "completion: show offers unread hits (none here)"
done_testing
