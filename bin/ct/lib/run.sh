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
			*=*) mount_args="$mount_args -e $(q "$2")" ;;
			[A-Za-z_]*)
				case $2 in *[!A-Za-z0-9_]*) usage_die "invalid environment variable name: $2" ;; esac
				if eval "[ -n \"\${$2+x}\" ]"; then
					eval "val=\$$2"
					mount_args="$mount_args -e $(q "$2=$val")"
				fi ;;
			*) usage_die "invalid environment variable: $2" ;;
			esac
			shift ;;
		--env-file)
			need "$@"
			[ -r "$2" ] || die "open env file $2: no such file"
			while IFS= read -r line || [ -n "$line" ]; do
				case $line in ''|'#'*) continue ;; esac
				mount_args="$mount_args -e $(q "$line")"
			done <"$2"
			shift ;;
		-p|--publish) need "$@"; net_args="$net_args -p $(q "$2")"; shift ;;
		--network|--net) need "$@"; network=$2; shift ;;
		--network-alias|--alias) need "$@"; net_args="$net_args --alias $(q "$2")"; shift ;;
		--ip) need "$@"; net_args="$net_args --ip $(q "$2")"; shift ;;
		--ip6) need "$@"; net_args="$net_args --ip6 $(q "$2")"; shift ;;
		--add-host) need "$@"; net_args="$net_args --add-host $(q "$2")"; shift ;;
		--dns) need "$@"; net_args="$net_args --dns $(q "$2")"; shift ;;
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
			mount_args="$mount_args $a $(q "$2")"
			shift ;;
		--label-file)
			need "$@"
			[ -r "$2" ] || die "open label file $2: no such file"
			while IFS= read -r line || [ -n "$line" ]; do
				case $line in ''|'#'*) continue ;; esac
				mount_args="$mount_args --label $(q "$line")"
			done <"$2"
			shift ;;
		--init) init=1 ;;
		--restart) need "$@"; restart=$2; shift ;;
		-v|--volume) need "$@"; mount_args="$mount_args --volume=$(q "$2")"; shift ;;
		--mount) need "$@"; mount_args="$mount_args --mount=$(q "$2")"; shift ;;
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

	# 1. the image: pulled when missing, as docker run does
	# 2. its layers, unpacked once and shared (when ct-unpack fails, ask
	#    the store whether the image is there at all: one process less
	#    when it is, as it nearly always is)
	pa=
	[ -z "$platform" ] || pa="--platform $platform"
	if [ "$pull" = always ] || [ -n "$verbose" ] ||
	   ! layers=$(tool unpack $pa "$image" 2>/dev/null); then
		if [ "$pull" = always ] || ! tool image inspect "$image" >/dev/null 2>&1; then
			[ "$pull" = never ] && { err "Error: image $image not found locally and --pull never"; exit 125; }
			[ "$pull" = always ] || err "Unable to find image '$image' locally"
			tool pull $pa "$image" >/dev/null || exit 125
		fi
		layers=$(tool unpack $verbose $pa "$image") || exit 125
	fi
	# 3. the container: an overlay root and an OCI bundle (ct-mount
	#    makes up a name when none is given); a --rm container's overlay
	#    is volatile, as Podman's: never synced, since it is thrown away
	[ -z "$rm" ] || { CT_OVERLAY_VOLATILE=1; export CT_OVERLAY_VOLATILE; }
	m="$verbose"
	[ -z "$name" ] || m="$m --name $(q "$name")"
	[ -z "$hostname" ] || m="$m --hostname $(q "$hostname")"
	[ -z "$workdir" ] || m="$m -w $(q "$workdir")"
	[ -z "$user" ] || m="$m -u $(q "$user")"
	[ -z "$entry_set" ] || m="$m --entrypoint $(q "$entrypoint")"
	[ -z "$restart" ] || m="$m --restart $(q "$restart")"	# kept in ct.ini for ct start
	[ -z "$init" ] || m="$m --init"
	cmd=
	for w in "$@"; do cmd="$cmd $(q "$w")"; done
	bundle=$(printf '%s\n' "$layers" | eval "tool mount $m $mount_args -- $cmd") || exit 125
	id=${bundle##*/}
	# 4. the network
	case ${network:-bridge} in none) ;; *)
		na="$verbose --network $(q "${network:-bridge}")"
		[ -z "$publish_all" ] || na="$na -P"
		if ! eval "tool net attach $na $net_args $(q "$bundle")" >/dev/null; then
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
	[ -z "$restart" ] || s="$s --restart $(q "$restart")"
	# A detached container, or one on a terminal (so that Ctrl-P Ctrl-Q
	# can leave it running), lives under ct-spawn's supervisor, which
	# runs `ct rm` when it is over for --rm.
	if [ -n "$detach" ] || [ -n "$tty" ]; then
		[ -z "$rm" ] || s="$s --on-exit $(q "exec $(q "$here/ct") rm -f -v $id >/dev/null 2>&1")"
	fi
	if [ -n "$detach" ]; then
		eval "tool spawn run $verbose $s $(q "$bundle")" >/dev/null || {
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
		eval "tool spawn run $verbose $s $(q "$bundle")"
		exit
	fi
	[ -n "$interactive" ] || exec </dev/null
	eval "tool spawn run $verbose $s $(q "$bundle")"
	rc=$?
	[ -z "$rm" ] || volume_rm_container "$id" >/dev/null 2>&1
	exit "$rc"
}

ct_run() { run_cmd "" "$@"; }
ct_create() { run_cmd 1 "$@"; }
