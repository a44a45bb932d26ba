# ct run, ct create: the pipeline of the design, one tool per step.
# Sourced by ct; uses its helpers (tool, cid, q, rm_container, ...).


run_usage() {
	cat <<'EOF'
usage: ct run [OPTIONS] IMAGE [COMMAND] [ARG...]
       ct create [OPTIONS] IMAGE [COMMAND] [ARG...]

  -d, --detach            run in the background, print the container id
  -i, --interactive       keep stdin open        -t, --tty   allocate a terminal
      --rm                remove the container when it exits
      --name NAME         a unique name (default: a generated one)
  -e, --env K=V|K         environment            --env-file FILE
  -w, --workdir DIR       working directory      -u, --user USER[:GROUP]
      --entrypoint CMD    replace the entrypoint --hostname NAME
  -p, --publish [IP:]HOST:CTR[/udp]   publish a port   -P  publish all EXPOSEd
      --network NET       bridge (default), none, host, NAME, container:ID
      --network-alias A   --ip IP   --ip6 IP   --add-host H:IP   --dns IP
      --platform P        --pull always|missing|never
      --read-only  --privileged  --init  --restart POLICY  --tmpfs PATH[:OPTS]
  -m, --memory SIZE  --memory-swap SIZE  --cpus N  --cpu-shares N
      --cpuset-cpus LIST  --pids-limit N  --ulimit NAME=SOFT[:HARD]
      --cap-add CAP  --cap-drop CAP  --security-opt OPT
  -l, --label K=V  --label-file F  --stop-signal SIG  --stop-timeout SECS
      --health-cmd CMD  --health-interval|-timeout|-start-period D
      --health-retries N  --no-healthcheck
  -v, --volume [SRC:]DST[:ro]   a volume (NAME:, none: anonymous) or bind
      --mount type=bind|volume|tmpfs,source=S,target=T[,readonly]
      --verbose-ct        narrate each tool's kernel-level steps

See ct(1) for every option.
EOF
}

# run_cmd CREATE_ONLY ARGS...: ct run and ct create
run_cmd() {
	create_only=$1
	shift
	detach= interactive= tty= rm= name= hostname= workdir= user= entrypoint=
	entry_set= network= platform= pull=missing verbose= init= restart=
	mount_args= net_args= publish_all=	# quoted words (q) for eval
	while [ $# -gt 0 ]; do
		a=$1
		case $a in
		--*=*)	# --flag=value
			shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;;
		-[!-]?*)
			f=${a%"${a#??}"} rest=${a#??}
			shift
			case $f in
			-[itdP]) set -- "$f" "-$rest" "$@" ;;	# -itd
			*) set -- "$f" "$rest" "$@" ;;		# -p8080:80
			esac
			continue ;;
		esac
		need() { [ $# -ge 2 ] || usage_die "flag needs an argument: $a"; }
		case $a in
		-d|--detach) detach=1 ;;
		-i|--interactive) interactive=1 ;;
		-t|--tty) tty=1 ;;
		--rm) rm=1 ;;
		-P|--publish-all) publish_all=1 ;;
		--name) need "$@"; name=$2; shift ;;
		--hostname|-h) need "$@"; hostname=$2; shift ;;
		-w|--workdir) need "$@"; workdir=$2; shift ;;
		-u|--user) need "$@"; user=$2; shift ;;
		--entrypoint) need "$@"; entrypoint=$2; entry_set=1; shift ;;
		-e|--env)
			need "$@"
			case $2 in
			*=*) qa mount_args -e "$2" ;;
			[A-Za-z_]*)
				case $2 in *[!A-Za-z0-9_]*) usage_die "invalid environment variable name: $2" ;; esac
				if eval "[ -n \"\${$2+x}\" ]"; then
					eval "val=\$$2"
					qa mount_args -e "$2=$val"
				fi ;;
			*) usage_die "invalid environment variable: $2" ;;
			esac
			shift ;;
		--env-file)
			need "$@"
			[ -r "$2" ] || die "open env file $2: no such file"
			while IFS= read -r line || [ -n "$line" ]; do
				case $line in ''|'#'*) continue ;; esac
				qa mount_args -e "$line"
			done <"$2"
			shift ;;
		-p|--publish) need "$@"; qa net_args -p "$2"; shift ;;
		--network|--net) need "$@"; network=$2; shift ;;
		--network-alias|--alias) need "$@"; qa net_args --alias "$2"; shift ;;
		--ip) need "$@"; qa net_args --ip "$2"; shift ;;
		--ip6) need "$@"; qa net_args --ip6 "$2"; shift ;;
		--add-host) need "$@"; qa net_args --add-host "$2"; shift ;;
		--dns) need "$@"; qa net_args --dns "$2"; shift ;;
		--platform) need "$@"; platform=$2; shift ;;
		--pull) need "$@"; pull=$2; shift
			case $pull in always|missing|never) ;; *) usage_die "invalid --pull \"$pull\": always, missing or never" ;; esac ;;
		# docker run's runtime flags: ct-mount writes them into config.json
		--read-only|--privileged|--no-healthcheck) mount_args="$mount_args $a" ;;
		-m|--memory|--memory-swap|--cpus|-c|--cpu-shares|--cpuset-cpus|--pids-limit|\
		--cap-add|--cap-drop|--security-opt|--ulimit|-l|--label|--tmpfs|\
		--stop-signal|--stop-timeout|--health-cmd|--health-interval|\
		--health-timeout|--health-retries|--health-start-period)
			need "$@"
			case $a in -m) a=--memory ;; -c) a=--cpu-shares ;; -l) a=--label ;; esac
			qa mount_args "$a" "$2"
			shift ;;
		--label-file)
			need "$@"
			[ -r "$2" ] || die "open label file $2: no such file"
			while IFS= read -r line || [ -n "$line" ]; do
				case $line in ''|'#'*) continue ;; esac
				qa mount_args --label "$line"
			done <"$2"
			shift ;;
		--init) init=1 ;;
		--restart) need "$@"; restart=$2; shift ;;
		-v|--volume) need "$@"; qa mount_args --volume="$2"; shift ;;
		--mount) need "$@"; qa mount_args --mount="$2"; shift ;;
		--verbose-ct) verbose=-v ;;
		--help) run_usage; exit 0 ;;
		--) shift; break ;;
		-*) usage_die "unknown flag: $a" ;;
		*) break ;;
		esac
		shift
	done
	[ $# -ge 1 ] || usage_die "\"ct run\" requires at least 1 argument: an image"
	case ${restart:-no} in
	no) restart= ;;
	always|unless-stopped|on-failure|on-failure:[0-9]*)
		[ -z "$rm" ] || usage_die "conflicting options: --restart and --rm"
		[ -n "$detach" ] || [ -n "$create_only" ] ||
			usage_die "--restart $restart needs -d: ct keeps a restarting container under its detached supervisor" ;;
	*) usage_die "invalid restart policy \"$restart\": no, always, unless-stopped or on-failure[:N]" ;;
	esac
	image=$1
	shift

	# The container is made in three steps:
	#   1. ct-pull IMAGE                   (only when it is not in the store)
	#   2. ct-unpack IMAGE                 -> the image digest and its layer dirs
	#   3. ct-mount --name N ... -- CMD    -> containers/<id>/, the OCI bundle
	# A --rm container is a throw-away one (ct-mount --volatile): its
	# overlay volatile, as Podman's, and its files never synced.
	m="$verbose"
	[ -z "$name" ] || qa m --name "$name"
	[ -z "$hostname" ] || qa m --hostname "$hostname"
	[ -z "$workdir" ] || qa m -w "$workdir"
	[ -z "$user" ] || qa m -u "$user"
	[ -z "$entry_set" ] || qa m --entrypoint "$entrypoint"
	[ -z "$restart" ] || qa m --restart "$restart"	# kept in ct.ini for ct start
	[ -z "$init" ] || m="$m --init"
	[ -z "$rm" ] || m="$m --volatile"
	cmd=
	for w in "$@"; do qa cmd "$w"; done
	pa=
	[ -z "$platform" ] || qa pa --platform "$platform"
	# When the image is here with its layers unpacked, as it nearly always
	# is, `ct-mount --image IMAGE` finds them in the store itself: steps 2
	# and 3 without a second process. It exits 3 when the image is yet to
	# be pulled or unpacked; then the three steps run one by one.
	rc=3
	if [ "$pull" != always ] && [ -z "$verbose" ]; then
		qset "$image"
		out=$(eval "tool_exec mount --image $qv $pa $m $mount_args -- $cmd" 2>&1)
		rc=$?
	fi
	case $rc in
	0)	# the bundle is the last line; warnings before it go to stderr
		bundle=${out##*"$nl"}
		[ "$bundle" = "$out" ] || printf '%s\n' "${out%"$nl"*}" >&2 ;;
	3)	# 1. the image: pulled when missing, as docker run does
		if [ "$pull" = always ] || ! tool image inspect "$image" >/dev/null 2>&1; then
			[ "$pull" = never ] && { err "Error: image $image not found locally and --pull never"; exit 125; }
			[ "$pull" = always ] || err "Unable to find image '$image' locally"
			eval "tool pull $pa \"\$image\"" >/dev/null || exit 125
		fi
		# 2. its layers, unpacked once and shared by every container
		layers=$(eval "tool_exec unpack $verbose $pa \"\$image\"") || exit 125
		# 3. the container
		bundle=$(eval "tool_exec mount $m $mount_args -- $cmd" <<EOF
$layers
EOF
) || exit 125 ;;
	*)	printf '%s\n' "$out" >&2
		exit 125 ;;
	esac
	id=${bundle##*/}
	# 4. the network
	case ${network:-bridge} in none) ;; *)
		na=$verbose
		qa na --network "${network:-bridge}"
		[ -z "$publish_all" ] || na="$na -P"
		qa net_args "$bundle"
		if ! eval "tool net attach $na $net_args" >/dev/null; then
			tool mount --umount --rm "$id" >/dev/null 2>&1
			exit 125
		fi ;;
	esac
	[ -z "$create_only" ] || { echo "$id"; exit 0; }
	# 5. the process
	s=
	[ -z "$detach" ] || s="$s -d"
	[ -z "$tty" ] || s="$s -t"
	[ -z "$rm" ] || s="$s --rm"
	[ -z "$init" ] || s="$s --init"
	[ -z "$restart" ] || qa s --restart "$restart"
	# A detached container, or one on a terminal (so that Ctrl-P Ctrl-Q
	# can leave it running), lives under ct-spawn's supervisor, which
	# runs `ct rm` when it is over for --rm.
	if [ -n "$detach" ] || [ -n "$tty" ]; then
		[ -z "$rm" ] || { qset "$here/ct"; qa s --on-exit "exec $qv rm -f -v $id >/dev/null 2>&1"; }
	fi
	qset "$bundle"
	qb=$qv
	if [ -n "$detach" ]; then
		eval "tool spawn run $verbose $s $qb" >/dev/null || {
			rc=$?
			volume_rm_container "$id" >/dev/null 2>&1
			case $rc in 126|127) exit "$rc" ;; esac	# cannot run / not found
			exit 125
		}
		echo "$id"
		exit 0
	fi
	if [ -n "$tty" ]; then
		s="$s -d --attach"
		[ -z "$interactive" ] || s="$s -i"
		eval "tool spawn run $verbose $s $qb"
		exit
	fi
	[ -n "$interactive" ] || exec </dev/null
	eval "tool spawn run $verbose $s $qb"
	rc=$?
	# ct-spawn has already deleted its runtime state: the rest goes
	[ -z "$rm" ] || volume_rm_container "$id" gone >/dev/null 2>&1
	exit "$rc"
}

ct_run() { run_cmd "" "$@"; }
ct_create() { run_cmd 1 "$@"; }
