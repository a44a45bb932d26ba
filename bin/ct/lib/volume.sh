# ct volume verbs: create, ls, inspect, rm, prune (ct-volume does them),
# and the anonymous volumes of a container going with it (rm -v, --rm).
# Sourced by ct; uses its helpers (tool, need_tool, ini_get, ...).

ct_volume_create() { need_tool volume "volume create"; tool volume create "$@"; }
ct_volume_ls() { need_tool volume "volume ls"; tool volume ls "$@"; }
ct_volume_list() { ct_volume_ls "$@"; }
ct_volume_inspect() { need_tool volume "volume inspect"; tool volume inspect "$@"; }
ct_volume_rm() { need_tool volume "volume rm"; tool volume rm "$@"; }
ct_volume_remove() { ct_volume_rm "$@"; }
ct_volume_prune() { need_tool volume "volume prune"; tool volume prune "$@"; }

# volume_anon_of ID: the anonymous volumes container ID uses (its ct.ini
# has a line "volume = NAME:/target" for each volume it mounts)
volume_anon_of() {
	sed -n 's/^volume = \([^:]*\):.*/\1/p' "$CDIR/$1/ct.ini" 2>/dev/null |
	while IFS= read -r v; do
		[ "$(ini_get "$ROOT/volumes/$v/volume.ini" volume anonymous)" = 1 ] && echo "$v"
	done
}

# volume_rm_container ID: rm_container, then its anonymous volumes (those
# another container still uses stay, as with Docker)
volume_rm_container() {
	vrc_anon=$(volume_anon_of "$1")
	rm_container "$1" || return
	[ -z "$vrc_anon" ] || tool volume rm $vrc_anon >/dev/null 2>&1
	return 0
}
