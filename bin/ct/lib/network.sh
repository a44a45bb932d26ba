# ct network verbs: create, ls, inspect, connect, disconnect, rm, prune.
# Each is ct-net (see ct-net(1)) with Docker's flags and words.
# Sourced by ct; uses its helpers (tool, cid, q, usage_die, ...).

network_usage() {
	cat <<'EOF'
usage: ct network COMMAND

  create [--subnet CIDR] [--gateway IP] [--internal] [--label K=V]
         [--ipv6 [--subnet V6CIDR] [--gateway V6IP]] [-d bridge] NAME
                                    a bridge network with its own names
  ls [-q] [--no-trunc] [-f name=|id=|label=|dangling=|driver=|type=]
     [--format '{{.ID}} {{.Name}}'] list networks
  inspect [-f '{{.Path}}'] NET...   Docker-shaped JSON, live members
  connect [--alias A] [--ip IP] [--ip6 IP] NET CONTAINER
  disconnect [-f] NET CONTAINER
  rm NET...                         refused while containers use it
  prune [-f] [--filter label=K]     remove networks no container uses

NET is a network name, id or unique id prefix. See ct(1), ct-net(1).
EOF
}

ct_network_help() { network_usage; }

ct_network_create() {
	args=
	while [ $# -gt 0 ]; do
		a=$1
		case $a in --*=*) shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;; esac
		case $a in
		-d|--driver|--subnet|--gateway|--label|--subnet6|--gateway6)
			[ $# -ge 2 ] || usage_die "flag needs an argument: $a"
			args="$args $a $(q "$2")"; shift ;;
		--internal|--attachable|--ipv6) args="$args $a" ;;
		--ip-range|--aux-address|-o|--opt|--ipam-driver|--ipam-opt|--config-from|--scope|--ingress)
			die "network create: $a is not supported by ct-net (bridge networks, --subnet, --gateway, --internal, --ipv6, --label)" ;;
		-h|--help) network_usage; return 0 ;;
		-*) usage_die "unknown flag: $a" ;;
		*) break ;;
		esac
		shift
	done
	[ $# -eq 1 ] || usage_die "\"ct network create\" requires exactly 1 argument"
	eval "tool net create $args $(q "$1")" >/dev/null || return 1
	# Docker prints the new network's full id
	tool net ls -q --no-trunc --filter "name=^$(printf '%s' "$1" | sed 's/\./\\./g')\$"
}

ct_network_ls() {
	args=
	while [ $# -gt 0 ]; do
		a=$1
		case $a in --*=*) shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;; esac
		case $a in
		-q|--quiet|--no-trunc) args="$args $a" ;;
		-f|--filter|--format)
			[ $# -ge 2 ] || usage_die "flag needs an argument: $a"
			args="$args $a $(q "$2")"; shift ;;
		-h|--help) network_usage; return 0 ;;
		*) usage_die "unknown flag: $a (see ct network --help)" ;;
		esac
		shift
	done
	eval "tool net ls $args"
}
ct_network_list() { ct_network_ls "$@"; }

ct_network_inspect() {
	args=
	while [ $# -gt 0 ]; do
		a=$1
		case $a in --*=*) shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;; esac
		case $a in
		-f|--format)
			[ $# -ge 2 ] || usage_die "flag needs an argument: $a"
			args="$args -f $(q "$2")"; shift ;;
		-h|--help) network_usage; return 0 ;;
		-*) usage_die "unknown flag: $a" ;;
		*) break ;;
		esac
		shift
	done
	[ $# -ge 1 ] || usage_die "\"ct network inspect\" requires at least 1 argument"
	n=
	for w in "$@"; do n="$n $(q "$w")"; done
	eval "tool net inspect $args $n"
}

# connect/disconnect: the container by name, id or prefix, as ct finds them
ct_network_connect() {
	args=
	while [ $# -gt 0 ]; do
		a=$1
		case $a in --*=*) shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;; esac
		case $a in
		--alias|--ip|--ip6)
			[ $# -ge 2 ] || usage_die "flag needs an argument: $a"
			args="$args $a $(q "$2")"; shift ;;
		--link|--link-local-ip|--driver-opt)
			die "network connect: $a is not supported by ct-net" ;;
		-h|--help) network_usage; return 0 ;;
		-*) usage_die "unknown flag: $a" ;;
		*) break ;;
		esac
		shift
	done
	[ $# -eq 2 ] || usage_die "\"ct network connect\" requires exactly 2 arguments"
	id=$(cid "$2") || return 1
	eval "tool net connect $args $(q "$1") $(q "$id")"
}

ct_network_disconnect() {
	while [ $# -gt 0 ]; do
		case $1 in
		-f|--force) ;;	# the endpoint goes whatever state the container is in
		-h|--help) network_usage; return 0 ;;
		-*) usage_die "unknown flag: $1" ;;
		*) break ;;
		esac
		shift
	done
	[ $# -eq 2 ] || usage_die "\"ct network disconnect\" requires exactly 2 arguments"
	id=$(cid "$2") || return 1
	tool net disconnect "$1" "$id"
}

ct_network_rm() {
	case ${1:-} in -f|--force) shift ;; -h|--help) network_usage; return 0 ;; -*) usage_die "unknown flag: $1" ;; esac
	[ $# -ge 1 ] || usage_die "\"ct network rm\" requires at least 1 argument"
	# ct-net refuses host and none itself ("a pre-defined network")
	tool net rm "$@"
}
ct_network_remove() { ct_network_rm "$@"; }

# prune: the user networks no container uses. A stopped container keeps its
# networks (ct start brings it back on them), as in Docker; endpoints of
# containers whose directory is gone are reclaimed first.
ct_network_prune() {
	force= filters=
	while [ $# -gt 0 ]; do
		a=$1
		case $a in --*=*) shift; set -- "${a%%=*}" "${a#*=}" "$@"; continue ;; esac
		case $a in
		-f|--force) force=1 ;;
		--filter)
			[ $# -ge 2 ] || usage_die "flag needs an argument: $a"
			case $2 in label=*) ;; *) die "network prune: only --filter label=KEY[=VALUE] is supported" ;; esac
			filters="$filters --filter $(q "$2")"; shift ;;
		-h|--help) network_usage; return 0 ;;
		*) usage_die "unknown flag: $a" ;;
		esac
		shift
	done
	if [ -z "$force" ]; then
		printf 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] '
		read -r answer || answer=
		case $answer in y|Y|yes|YES) ;; *) return 0 ;; esac
	fi
	tool net prune --removed >/dev/null || return 1
	names=$(eval "tool net ls --filter dangling=true $filters --format '{{.Name}}'") || return 1
	[ -n "$names" ] || return 0
	echo "Deleted Networks:"
	rc=0
	for n in $names; do tool net rm "$n" || rc=1; done
	echo
	return $rc
}
