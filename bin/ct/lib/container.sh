# ct container verbs: ps, start, stop, kill, rm, logs, exec, wait.
# Sourced by ct; uses its helpers (tool, cid, status_of, ini_get, ...).

ct_ps() {
	all= quiet= notrunc=
	while [ $# -gt 0 ]; do
		case $1 in
		-a|--all) all=1 ;;
		-q|--quiet) quiet=1 ;;
		--no-trunc) notrunc=1 ;;
		-aq|-qa) all=1; quiet=1 ;;
		*) usage_die "unknown flag: $1" ;;
		esac
		shift
	done
	[ -n "$quiet" ] ||
		printf '%-12s   %-20s %-22s %-20s %-15s %s\n' "CONTAINER ID" IMAGE COMMAND CREATED STATUS NAMES
	for id in $(ids_all); do
		st=$(status_of "$id")
		[ -n "$all" ] || [ "$st" = running ] || [ "$st" = paused ] || continue
		if [ -n "$quiet" ]; then
			[ -n "$notrunc" ] && echo "$id" || short "$id"; [ -n "$notrunc" ] || echo
			continue
		fi
		ini=$CDIR/$id/ct.ini
		img=$(ini_get "$ini" container image_ref)
		[ -n "$img" ] || img=$(short "$(ini_get "$ini" container image | sed 's/^sha256://')")
		img=${img#docker.io/library/}
		cmdline=$(ini_get "$ini" container command)
		[ -n "$notrunc" ] || cmdline=$(printf '%.20s' "$cmdline")
		printf '%-12s   %-20s %-22s %-20s %-15s %s\n' "$( [ -n "$notrunc" ] && echo "$id" || short "$id")" \
			"$img" "\"$cmdline\"" "$(ini_get "$ini" container created)" "$st" \
			"$(ini_get "$ini" container name)"
	done
}

ct_start() {
	[ $# -ge 1 ] || usage_die "\"ct start\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		case $(status_of "$id") in
		running|paused) echo "$c"; continue ;;
		exited) tool spawn delete "$id" >/dev/null 2>&1 ;;
		esac
		# after a reboot the overlay is gone: mount it again
		mountpoint -q "$CDIR/$id/rootfs" 2>/dev/null ||
			tool mount --remount "$id" >/dev/null || { rc=1; continue; }
		tool spawn run -d "$CDIR/$id" >/dev/null && echo "$c" || rc=1
	done
	return $rc
}

# stop_kill stop|kill ARGS...
stop_kill() {
	what=$1
	shift
	t= sig=
	while [ $# -gt 0 ]; do case $1 in
		-t|--time|--timeout) t=$2; shift 2 ;;
		-s|--signal) sig=$2; shift 2 ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct $verb\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		if [ "$what" = stop ]; then
			tool spawn stop ${t:+-t "$t"} "$id" && echo "$c" || rc=1
		else
			tool spawn kill "$id" "${sig:-KILL}" && echo "$c" || rc=1
		fi
	done
	return $rc
}

ct_stop() { stop_kill stop "$@"; }
ct_kill() { stop_kill kill "$@"; }

ct_rm() {
	force= vols=
	while [ $# -gt 0 ]; do case $1 in
		-f|--force) force=1; shift ;;
		-v|--volumes) vols=1; shift ;;
		-fv|-vf) force=1; vols=1; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -ge 1 ] || usage_die "\"ct rm\" requires at least 1 argument"
	rc=0
	for c in "$@"; do
		id=$(cid "$c") || { rc=1; continue; }
		st=$(status_of "$id")
		if [ "$st" = running ] || [ "$st" = paused ]; then
			[ -n "$force" ] || { err "Error response: cannot remove container \"$c\": container is $st: stop the container before removing or force remove"; rc=1; continue; }
			tool spawn kill "$id" KILL >/dev/null 2>&1
		fi
		if [ -n "$vols" ]; then volume_rm_container "$id" >/dev/null && echo "$c" || rc=1
		else rm_container "$id" >/dev/null && echo "$c" || rc=1; fi
	done
	return $rc
}

ct_logs() {
	follow= stamps= tailn=all
	while [ $# -gt 0 ]; do case $1 in
		-f|--follow) follow=1; shift ;;
		-t|--timestamps) stamps=1; shift ;;
		-n|--tail) tailn=$2; shift 2 ;;
		--tail=*) tailn=${1#*=}; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	[ $# -eq 1 ] || usage_die "\"ct logs\" requires exactly 1 argument"
	id=$(cid "$1") || exit 1
	log=$CDIR/$id/log
	[ -f "$log" ] || exit 0
	# The log holds "TIME STREAM F|P TEXT" lines (the CRI format); P marks
	# a line cut short, continued by the next record.
	if [ "$tailn" = all ]; then n=+1; else n=$tailn; fi
	show_log() {
		awk -v stamps="$stamps" '{
			t = $1; s = $2; f = $3
			text = $0; sub(/^[^ ]* [^ ]* [^ ]* ?/, "", text)
			out = (s == "stderr") ? "/dev/stderr" : "/dev/stdout"
			if (stamps != "" && !cont[s]) printf "%s ", t > out
			printf "%s%s", text, (f == "P" ? "" : "\n") > out
			cont[s] = (f == "P"); fflush(out)
		}'
	}
	if [ -n "$follow" ]; then tail -n "$n" -f "$log" | show_log
	else tail -n "$n" "$log" | show_log; fi
}

ct_exec() {
	[ $# -ge 2 ] || usage_die "\"ct exec\" requires at least 2 arguments"
	opts=
	while [ $# -gt 0 ]; do case $1 in
		-t|--tty|-it|-ti) opts="$opts -t"; shift ;;
		-i|--interactive) shift ;;
		-d|--detach) opts="$opts -d"; shift ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;; esac; done
	id=$(cid "$1") || exit 1
	shift
	tool spawn exec $opts "$id" "$@"
}

ct_wait() {
	[ $# -ge 1 ] || usage_die "\"ct wait\" requires at least 1 argument"
	for c in "$@"; do
		id=$(cid "$c") || exit 1
		while [ "$(status_of "$id")" = running ]; do sleep 0.1; done
		code=$(ini_get "$CDIR/$id/state.ini" state exit_code)
		echo "${code:-0}"
	done
}

ct_container_ls() { ct_ps "$@"; }
ct_container_list() { ct_ps "$@"; }
