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
# has a line "volume = NAME:/target" for each volume it mounts), in
# $anon_vols; read in this shell, with no process: ct run --rm is timed
volume_anon_of() {
	anon_vols=
	[ -f "$CDIR/$1/ct.ini" ] || return 0
	while IFS= read -r l; do
		case $l in "volume = "?*:*) ;; *) continue ;; esac
		l=${l#volume = }
		l=${l%%:*}
		[ "$(ini_get "$ROOT/volumes/$l/volume.ini" volume anonymous)" = 1 ] &&
			anon_vols="$anon_vols $l"
	done <"$CDIR/$1/ct.ini"
}

# volume_rm_container ID [gone]: rm_container, then its anonymous volumes
# (those another container still uses stay, as with Docker)
volume_rm_container() {
	volume_anon_of "$1"
	vrc_anon=$anon_vols
	rm_container "$@" || return
	[ -z "$vrc_anon" ] || tool volume rm $vrc_anon >/dev/null 2>&1
	return 0
}
