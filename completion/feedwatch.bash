# bash completion for feedwatch(1): commands, each command's options, the
# values of --format, topic and feed keys from the config (-c FILE, else
# $XDG_CONFIG_HOME/feedwatch/feedwatch.conf, else /etc/feedwatch/feedwatch.conf),
# unread hit numbers for show/open/read, the feed of status FEED, and file
# names where a file goes.
# Installed as $(PREFIX)/share/bash-completion/completions/feedwatch. Written by
# hand: tests/integration/completion.t fails when its commands or a command's
# options differ from what `feedwatch help` and `feedwatch COMMAND --help` list.

# The config file the command line names, or the default one.
_feedwatch_config()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		case ${COMP_WORDS[i]} in
		-c | --config)
			# bash splits --config=FILE at the '=' (COMP_WORDBREAKS): --config = FILE.
			local f=${COMP_WORDS[i + 1]}
			[[ $f == = ]] && f=${COMP_WORDS[i + 2]}
			printf '%s\n' "${f/#\~/$HOME}"; return ;;
		--config=*) local v=${COMP_WORDS[i]#--config=}; printf '%s\n' "${v/#\~/$HOME}"; return ;;
		esac
	done
	local user=${XDG_CONFIG_HOME:-$HOME/.config}/feedwatch/feedwatch.conf
	if [[ -r $user ]]; then printf '%s\n' "$user"; else printf '%s\n' /etc/feedwatch/feedwatch.conf; fi
}

# The keys of the config's [KIND NAME] groups (KIND: feed or topic).
_feedwatch_keys()
{
	local conf
	conf=$(_feedwatch_config)
	[[ -r $conf ]] || return
	sed -n "s/^[[:space:]]*\[[[:space:]]*$1[[:space:]]\{1,\}\([A-Za-z0-9._-]\{1,\}\)[[:space:]]*\][[:space:]]*\$/\1/p" "$conf"
}

# Numbers of the latest unread hits (the command asked, quietly).
_feedwatch_hits()
{
	local conf
	conf=$(_feedwatch_config)
	feedwatch -c "$conf" hits --unread --limit 50 --format csv 2>/dev/null | sed -n '2,$s/,.*//p'
}

_feedwatch()
{
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	# bash splits OPTION=VALUE at the '=' (COMP_WORDBREAKS) into three words,
	# "--topic" "=" "mi": the option is the word before the '='.
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]] && ((COMP_CWORD >= 2)); then
		prev=${COMP_WORDS[COMP_CWORD - 2]}
	fi
	local commands="hits show open read unread mute unmute browse stats report status check match backtest
		parse add watch unwatch import export poll reload prune help"

	# The command: the first word that is not -c FILE.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-c | --config) [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++)); ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $prev in
	-c | --config | -o | --output)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null
		return ;;
	-t | --topic)
		COMPREPLY=($(compgen -W "$(_feedwatch_keys topic)" -- "$cur"))
		return ;;
	-f | --feed)
		COMPREPLY=($(compgen -W "$(_feedwatch_keys feed)" -- "$cur"))
		return ;;
	--format)
		local formats
		case $cmd in
		hits) formats="table json csv atom" ;;
		stats) formats="table json csv" ;;
		show | parse) formats="text json" ;;
		*) formats="table json" ;;
		esac
		COMPREPLY=($(compgen -W "$formats" -- "$cur"))
		return ;;
	--since | --until | --for | --hits-before | -d | --days | --limit | --per-topic | -s | --search | --name | --title | -q | --query)
		return ;;
	-n)
		# --limit N of hits, --per-topic N of report; elsewhere --dry-run,
		# which takes no value: complete what follows it.
		case $cmd in hits | report) return ;; esac ;;
	esac

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-c --config -v --verbose -h --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	local opts="-c --config -v --verbose -h --help"
	case $cmd in
	hits) opts+=" -t --topic -f --feed --since --until -u --unread -s --search -n --limit --format -F --follow" ;;
	show) opts+=" --format" ;;
	read | unread) opts+=" -a --all -t --topic" ;;
	mute) opts+=" --for --until -a --all" ;;
	unmute) opts+=" -a --all" ;;
	stats) opts+=" -d --days --format" ;;
	report) opts+=" --since --until -t --topic --title -n --per-topic -o --output" ;;
	status) opts+=" --format" ;;
	backtest) opts+=" -q --query --since --format -r --record" ;;
	parse) opts+=" --format" ;;
	match) opts+=" -w --why" ;;
	add | watch) opts+=" --name --title -n --dry-run" ;;
	import | unwatch) opts+=" -n --dry-run" ;;
	export) opts+=" -o --output" ;;
	poll) opts+=" -f --feed --no-notify --no-wait --now" ;;
	prune) opts+=" --hits-before -n --dry-run -y --yes" ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
	fi
	case $cmd in
	show | open | read | unread)
		COMPREPLY=($(compgen -W "$(_feedwatch_hits)" -- "$cur")) ;;
	backtest | unwatch | mute | unmute)
		COMPREPLY=($(compgen -W "$(_feedwatch_keys topic)" -- "$cur")) ;;
	status)
		COMPREPLY=($(compgen -W "$(_feedwatch_keys feed)" -- "$cur")) ;;
	help)
		COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	import)
		COMPREPLY=($(compgen -f -X '!*.opml' -- "$cur") $(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	parse | match)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	esac
}
complete -F _feedwatch feedwatch
