# t/3099-mount-lib.sh: helpers for the ct-mount tests (t/30xx), sourced after
# t/lib/test-lib.sh. Layer directories are made here with plain GNU tar, not
# with ct-unpack, so that these tests check ct-mount alone.

# unpack_layers LAYOUT TAG DEST: tar -x every layer of the image tagged TAG
# in the OCI layout into DEST/001, DEST/002 ..., with the OCI whiteouts made
# overlay-style (.wh.NAME -> 0:0 char device NAME, .wh..wh..opq -> the xattr
# trusted.overlay.opaque=y on its directory). Prints what ct-unpack would:
# the manifest digest, then the layer dirs, lowest first.
unpack_layers() {
	ul_m=$(jq -r --arg t "$2" '.manifests[] |
		select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
		"$1/index.json") &&
	[ -n "$ul_m" ] &&
	echo "$ul_m" &&
	ul_i=0 &&
	for ul_d in $(jq -r '.layers[].digest' "$1/blobs/sha256/${ul_m#sha256:}"); do
		ul_i=$((ul_i + 1))
		ul_dir=$3/$(printf %03d $ul_i)
		mkdir -p "$ul_dir" &&
		tar -x --numeric-owner --xattrs --xattrs-include='*' -C "$ul_dir" \
			-f "$1/blobs/sha256/${ul_d#sha256:}" || return 1
	done &&
	layer_whiteouts "$3" &&
	for ul_n in $(seq 1 $ul_i); do
		echo "$3/$(printf %03d "$ul_n")"
	done
}

# layer_whiteouts DIR: turn the OCI whiteouts in tar-extracted layers into
# overlayfs ones: DIR is one layer, or holds layers as DIR/NNN/.
layer_whiteouts() {
	find "$1" -name '.wh.*' | while IFS= read -r lw_w; do
		lw_p=${lw_w%/*}
		case ${lw_w#"$1"/} in
		[0-9][0-9][0-9]/*) lw_rel=${lw_w#"$1"/}; lw_root=$1/${lw_rel%%/*} ;;
		*) lw_root=$1 ;;
		esac
		rm -f "$lw_w" || exit 1
		if [ "${lw_w##*/}" = .wh..wh..opq ]; then
			set_opaque "$lw_root" "${lw_p#"$lw_root"}" || exit 1
		else
			mknod "$lw_p/${lw_w##*/.wh.}" c 0 0 || exit 1
		fi
	done
}

# fixture_layers N: the layout of `t/lib/mkimage layers N`, built once per
# build tree beside ct_fixture's (ct_fixture puts options before the kind,
# and mkimage wants N after it).
fixture_layers() {
	fl_dir=$CT_BUILD/fixtures/layers_$1
	mkdir -p "$CT_BUILD/fixtures"
	(
		flock 9
		if [ ! -f "$fl_dir/index.json" ]; then
			rm -rf "$fl_dir.tmp"
			"$CT_SRC/t/lib/mkimage" layers "$1" "$fl_dir.tmp" >/dev/null &&
				mv "$fl_dir.tmp" "$fl_dir"
		fi
	) 9>"$CT_BUILD/fixtures/.lock" || return 1
	[ -f "$fl_dir/index.json" ] || return 1
	printf '%s\n' "$fl_dir"
}

# set_opaque ROOT /REL: trusted.overlay.opaque=y on ROOT/REL, with no
# setfattr: extract a one-directory pax tar that carries the xattr.
set_opaque() {
	so_rel=${2#/}
	[ -n "$so_rel" ] || so_rel=.
	tar -C "$1" --format=pax --pax-option='SCHILY.xattr.trusted.overlay.opaque:=y' \
		-cf "$TEST_DIR/.opq.tar" --no-recursion "$so_rel" &&
	tar -C "$1" --xattrs --xattrs-include='trusted.*' -xf "$TEST_DIR/.opq.tar" &&
	rm -f "$TEST_DIR/.opq.tar"
}

# tartree DIR: a canonical pax tar of the tree (names, types, modes, owners,
# sizes, contents, symlink targets, hardlinks, device numbers, xattrs) with
# every mtime set to 0 (directory times differ with how a tree was made;
# see mtimes for the others).
tartree() {
	tar -C "$1" --format=pax \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		--xattrs --xattrs-include='*' --sort=name --numeric-owner --mtime=@0 -cf - .
}

# mtimes DIR: "path mtime" of everything but directories, sorted.
mtimes() {
	(cd "$1" && find . ! -type d -printf '%p %T@\n' | LC_ALL=C sort)
}

# same_tree A B: A and B hold the same tree; shows the difference if not.
same_tree() {
	tartree "$1" >"$TEST_DIR/.a.tar" && tartree "$2" >"$TEST_DIR/.b.tar" &&
	mtimes "$1" >"$TEST_DIR/.a.mt" && mtimes "$2" >"$TEST_DIR/.b.mt" || return 1
	if ! cmp -s "$TEST_DIR/.a.tar" "$TEST_DIR/.b.tar"; then
		tar -tvf "$TEST_DIR/.a.tar" >"$TEST_DIR/.a.l"
		tar -tvf "$TEST_DIR/.b.tar" >"$TEST_DIR/.b.l"
		echo "trees differ: $1 $2"
		diff -u "$TEST_DIR/.a.l" "$TEST_DIR/.b.l" | head -40
		return 1
	fi
	test_cmp "$TEST_DIR/.a.mt" "$TEST_DIR/.b.mt"
}

# image_into_store LAYOUT: copy an OCI layout to $CT_ROOT/images (the store).
image_into_store() {
	mkdir -p "$CT_ROOT" && rm -rf "$CT_ROOT/images" && cp -a "$1" "$CT_ROOT/images"
}

# mount_cleanup: unmount every container rootfs at exit.
mount_cleanup() {
	test_cleanup 'for m in "$CT_ROOT"/containers/*/rootfs; do umount "$m"; done'
}

# A small seccomp profile (allow all but mkdir/mkdirat, which fail with
# EPERM), used as the default so that these tests do not depend on where
# share/seccomp/default.json is; tests that want another say so.
cat >"$TEST_DIR/seccomp-nomkdir.json" <<'EOP'
{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],
 "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}
EOP
CT_SECCOMP_PROFILE=$TEST_DIR/seccomp-nomkdir.json
export CT_SECCOMP_PROFILE
