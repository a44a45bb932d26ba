# ct system verbs: system prune, system df, info, version (and the
# reserved build, compose). Sourced by ct; uses its helpers (tool,
# ids_all, status_of, ini_get, rm_container ...). Helpers here are sys_*.

# sys_bytes PATH...: the bytes of the files in those trees, on their own
# file system only (a container's mounted rootfs is not counted twice)
sys_bytes() {
	for p in "$@"; do [ -e "$p" ] && find "$p" -xdev ! -type d -printf '%s\n' 2>/dev/null; done |
		awk '{ s += $1 } END { print s + 0 }'
}

# sys_human BYTES: Docker's size words, 4 significant digits (1.032MB, 0B)
sys_human() {
	awk -v n="$1" 'BEGIN {
		split("B kB MB GB TB PB", u, " "); i = 1
		while (n >= 1000 && i < 6) { n /= 1000; i++ }
		printf "%.4g%s\n", n, u[i] }'
}

# sys_pct PART WHOLE: " (NN%)", nothing when WHOLE is 0
sys_pct() { [ "$2" -gt 0 ] && printf ' (%d%%)' $(($1 * 100 / $2)); }

# ---------------------------------------------------------------- version

ct_version() {
	case ${1:-} in
	--format|-f) usage_die "ct version: --format is not supported" ;;
	esac
	echo "ct version $CT_VERSION"
	echo "Client:"
	echo " Version:      $CT_VERSION"
	echo " Front end:    $0 (POSIX sh, verbs in $CT_LIB)"
	echo " OS/Arch:      $(uname -s | tr A-Z a-z)/$(uname -m)"
	echo "Tools:"
	for t in pull push image unpack mount net spawn build compose; do
		have_tool "$t" || continue
		v=$(tool "$t" --version 2>/dev/null | head -n 1)
		printf ' %-12s %s\n' "ct-$t:" "${v#ct-$t }"
	done
}
ct_system_version() { ct_version "$@"; }

# ---------------------------------------------------------------- info

ct_info() {
	run=0 paused=0 stopped=0 n=0
	for id in $(ids_all); do
		n=$((n + 1))
		case $(status_of "$id") in
		running) run=$((run + 1)) ;;
		paused) paused=$((paused + 1)) ;;
		*) stopped=$((stopped + 1)) ;;
		esac
	done
	nimg=$(tool image ls -q --no-trunc 2>/dev/null | sort -u | wc -l)
	if [ -f /sys/fs/cgroup/cgroup.controllers ]; then cg=2
	elif [ -d /sys/fs/cgroup/unified ]; then cg="1 (hybrid: v1 controllers, cgroup2 at /sys/fs/cgroup/unified)"
	else cg=1; fi
	grep -qw overlay /proc/filesystems 2>/dev/null && ov=yes || ov="no (containers get copies: --copy)"
	os=$(. /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-}")
	mem=$(awk '/^MemTotal:/ { printf "%.4gGiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
	sec=none
	grep -q '^Seccomp:' /proc/self/status 2>/dev/null && sec="seccomp (default profile: share/seccomp/default.json)"
	cat <<EOF
ct version $CT_VERSION
Containers: $n
 Running: $run
 Paused: $paused
 Stopped: $stopped
Images: $nimg
Root: $ROOT
Storage Driver: overlay (layers shared under $ROOT/layers)
 Overlay supported: $ov
 Backing Filesystem: $(stat -f -c %T "$ROOT" 2>/dev/null || echo unknown)
Cgroup Version: $cg
Kernel: $(uname -sr)
Kernel Version: $(uname -r)
Operating System: ${os:-unknown}
Architecture: $(uname -m)
CPUs: $(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)
Total Memory: ${mem:-unknown}
Security Options: $sec
EOF
	echo "Tools:"
	for t in pull push image unpack mount net spawn build compose; do
		have_tool "$t" && echo " ct-$t"
	done
	return 0
}
ct_system_info() { ct_info "$@"; }

# ---------------------------------------------------------------- prune

# sys_section TITLE FILE: Docker's "Deleted X:" block, when FILE has lines
sys_section() {
	[ -s "$2" ] || return 0
	echo "$1"
	cat "$2"
	echo
}

# sys_strip_total: a tool's prune report without its own total (and the
# blank line before it); ours comes last
sys_strip_total() {
	awk '/^Total reclaimed space/ { next }
		/^$/ { blank++; next }
		{ while (blank > 0) { print ""; blank-- } print }
		END { if (NR > 0 && seen) print "" }
		{ seen = 1 }'
}

ct_system_prune() {
	all= vols= force=
	while [ $# -gt 0 ]; do
		case $1 in
		-a|--all) all=1 ;;
		--volumes) vols=1 ;;
		-f|--force) force=1 ;;
		-af|-fa) all=1 force=1 ;;
		-h|--help)
			cat <<'EOF'
usage: ct system prune [-a] [--volumes] [-f]

Remove stopped containers, networks no container uses, dangling images
(-a: every image no container uses, and the build cache), layers no
image uses, and with --volumes the volumes no container uses.
EOF
			return 0 ;;
		*) usage_die "unknown flag: $1" ;;
		esac
		shift
	done
	if [ -z "$force" ]; then
		echo "WARNING! This will remove:"
		echo "  - all stopped containers"
		echo "  - all networks not used by at least one container"
		[ -z "$vols" ] || echo "  - all volumes not used by at least one container"
		if [ -n "$all" ]; then
			echo "  - all images without at least one container associated to them"
			echo "  - all build cache"
		else
			echo "  - all dangling images"
		fi
		echo
		printf 'Are you sure you want to continue? [y/N] '
		read -r ans || ans=
		case $ans in y|Y|yes|YES) ;; *) return 0 ;; esac
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/ct-prune.XXXXXX") || die "mktemp failed: set TMPDIR to a writable directory"
	before=$(sys_bytes "$ROOT")
	rc=0

	# 1. stopped (and never started) containers, taken apart as rm does
	: >"$tmp/c"
	for id in $(ids_all); do
		case $(status_of "$id") in running|paused) continue ;; esac
		if rm_container "$id" >/dev/null 2>&1; then echo "$id" >>"$tmp/c"; else rc=1; fi
	done
	sys_section "Deleted Containers:" "$tmp/c"

	# 2. networks: what gone containers held, then networks nobody uses
	: >"$tmp/n"
	if have_tool net; then
		tool net prune --removed >/dev/null 2>&1 || tool net prune >/dev/null 2>&1 || rc=1
		# every network ct-net will let go: the custom ones and the
		# default bridge (made again on first use); one in use stays
		for f in "$ROOT"/networks/*.ini; do
			[ -f "$f" ] || continue
			n=${f##*/}
			n=${n%.ini}
			tool net rm "$n" >/dev/null 2>&1 && echo "$n" >>"$tmp/n"
		done
	fi
	sys_section "Deleted Networks:" "$tmp/n"

	# 3. volumes (ct volume prune, where this build has it)
	if [ -n "$vols" ] && command -v ct_volume_prune >/dev/null 2>&1; then
		(ct_volume_prune -f ${all:+-a}) >"$tmp/v" 2>"$tmp/verr" || { rc=1; cat "$tmp/verr" >&2; }
		sys_strip_total <"$tmp/v"
	fi

	# 4. images, then blobs and layers nothing refers to any more
	tool image prune -f ${all:+-a} >"$tmp/i" 2>"$tmp/ierr" || { rc=1; cat "$tmp/ierr" >&2; }
	sys_strip_total <"$tmp/i"
	tool image gc ${all:+--grace 0} >/dev/null 2>"$tmp/gerr" || { rc=1; cat "$tmp/gerr" >&2; }

	# 5. the build cache: all of it with -a
	if [ -n "$all" ] && [ -d "$ROOT/cache/build" ]; then
		n=$(find "$ROOT/cache/build" -mindepth 1 -maxdepth 1 | wc -l)
		find "$ROOT/cache/build" -mindepth 1 -maxdepth 1 -exec rm -rf {} + || rc=1
		[ "$n" -eq 0 ] || { echo "Deleted build cache objects: $n"; echo; }
	fi

	after=$(sys_bytes "$ROOT")
	saved=$((before - after))
	[ "$saved" -ge 0 ] || saved=0
	echo "Total reclaimed space: $(sys_human "$saved")"
	rm -rf "$tmp"
	return $rc
}

# ---------------------------------------------------------------- df

ct_system_df() {
	case ${1:-} in
	'') ;;
	-h|--help) echo "usage: ct system df"; return 0 ;;
	*) usage_die "unknown flag: $1" ;;
	esac
	# images: the store and the unpacked layers; what running or stopped
	# containers use is not reclaimable
	img_total=$(tool image ls -q --no-trunc 2>/dev/null | sort -u | wc -l)
	img_size=$(sys_bytes "$ROOT/images/blobs" "$ROOT/layers")
	used=
	c_total=0 c_active=0 c_size=0 c_recl=0
	for id in $(ids_all); do
		c_total=$((c_total + 1))
		d=$(ini_get "$CDIR/$id/ct.ini" container image)
		case " $used " in *" $d "*) ;; *) [ -z "$d" ] || used="$used $d" ;; esac
		s=$(sys_bytes "$CDIR/$id/upper")
		c_size=$((c_size + s))
		case $(status_of "$id") in
		running|paused) c_active=$((c_active + 1)) ;;
		*) c_recl=$((c_recl + s)) ;;
		esac
	done
	img_active=0 keep=0 seen=
	for d in $used; do
		j=$(tool image inspect "$d" 2>/dev/null) || continue
		img_active=$((img_active + 1))
		sz=$(printf '%s\n' "$j" | sed -n 's/^ *"Size": *\([0-9]*\).*/\1/p' | head -n 1)
		keep=$((keep + ${sz:-0}))
		for l in $(printf '%s\n' "$j" | sed -n 's/^ *"sha256:\([0-9a-f]\{64\}\)",*$/\1/p'); do
			case " $seen " in *" $l "*) continue ;; esac
			seen="$seen $l"
			keep=$((keep + $(sys_bytes "$ROOT/layers/$l")))
		done
	done
	img_recl=$((img_size - keep))
	[ "$img_recl" -ge 0 ] || img_recl=0
	# volumes: in use when a container's config.json mounts its _data
	v_total=0 v_active=0 v_size=0 v_recl=0
	for v in "$ROOT"/volumes/*/; do
		[ -d "$v" ] || continue
		v_total=$((v_total + 1))
		s=$(sys_bytes "$v")
		v_size=$((v_size + s))
		if grep -qsF "\"$v"_data "$CDIR"/*/config.json; then v_active=$((v_active + 1))
		else v_recl=$((v_recl + s)); fi
	done
	b_total=0
	[ -d "$ROOT/cache/build" ] && b_total=$(find "$ROOT/cache/build" -mindepth 1 -maxdepth 1 | wc -l)
	b_size=$(sys_bytes "$ROOT/cache/build")
	f='%-15s %-9s %-9s %-9s %s\n'
	printf "$f" TYPE TOTAL ACTIVE SIZE RECLAIMABLE
	printf "$f" Images "$img_total" "$img_active" "$(sys_human "$img_size")" \
		"$(sys_human "$img_recl")$(sys_pct "$img_recl" "$img_size")"
	printf "$f" Containers "$c_total" "$c_active" "$(sys_human "$c_size")" \
		"$(sys_human "$c_recl")$(sys_pct "$c_recl" "$c_size")"
	printf "$f" "Local Volumes" "$v_total" "$v_active" "$(sys_human "$v_size")" \
		"$(sys_human "$v_recl")$(sys_pct "$v_recl" "$v_size")"
	printf "$f" "Build Cache" "$b_total" 0 "$(sys_human "$b_size")" "$(sys_human "$b_size")"
}

# ct build and ct compose belong to ct-build and ct-compose
reserved() {
	v=$1
	shift
	have_tool "$v" || die "'ct $v' is not available in this build (ct-$v is not built yet)"
	tool "$v" "$@"
}
ct_build() { reserved build "$@"; }
ct_compose() { reserved compose "$@"; }
