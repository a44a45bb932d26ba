#!/bin/sh
test_description='ct-mount: layer dirs -> overlay rootfs equal to the flattened image,
copy-on-write, whiteouts, names, --umount, --remount, the copy fallback'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/3099-mount-lib.sh"
test_require ROOT OVERLAY MKIMAGE UMOCI JQ

AW=$(ct_fixture awkward) || skip_all "mkimage awkward failed"
image_into_store "$AW"
mount_cleanup

test_expect_success 'layer dirs from plain tar, and umoci unpack for reference' '
	unpack_layers "$AW" latest "$TEST_DIR/L" >lines &&
	test "$(wc -l <lines)" = 6 &&
	umoci unpack --image "$AW:latest" "$TEST_DIR/umo" >/dev/null 2>&1 &&
	test_path_is_dir umo/rootfs/awkward
'

test_expect_success 'ct-mount reads the lines on stdin and prints the bundle dir' '
	ct-mount --name aw <lines >out 2>err &&
	test "$(wc -l <out)" = 1 &&
	B=$(cat out) &&
	case $B in "$CT_ROOT"/containers/*) ;; *) false ;; esac &&
	id=${B##*/} &&
	echo "$id" | grep -qxE "[0-9a-f]{64}" &&
	test_path_is_dir "$B/upper" && test_path_is_dir "$B/work" &&
	test_path_is_file "$B/config.json" &&
	test ! -s err
'

test_expect_success 'rootfs is an overlay mount' '
	awk -v m="$B/rootfs" "\$5 == m" /proc/self/mountinfo >mi &&
	test_grep " - overlay " mi
'

test_expect_success 'ct.ini says id, name, image, created and rootfs' '
	test_grep -x "id = $id" "$B/ct.ini" &&
	test_grep -x "name = aw" "$B/ct.ini" &&
	test_grep -x "image = $(head -n1 lines)" "$B/ct.ini" &&
	test_grep -x "image_ref = latest" "$B/ct.ini" &&
	test_grep -xE "created = [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z" "$B/ct.ini" &&
	test_grep -x "rootfs = overlay" "$B/ct.ini"
'

test_expect_success 'config.json: root.path rootfs, hostname the short id, the image Cmd' '
	test "$(jq -r .root.path "$B/config.json")" = rootfs &&
	test "$(jq -r .hostname "$B/config.json")" = "$(echo "$id" | cut -c1-12)" &&
	test "$(jq -c .process.args "$B/config.json")" = "[\"sh\"]"
'

test_expect_success 'the overlay view equals umoci unpack of the same image' '
	same_tree "$B/rootfs" umo/rootfs
'

test_expect_success 'whiteouts and opaque directories through several layers' '
	R=$B/rootfs/awkward &&
	test_path_is_missing "$R/deleteme" &&
	test_path_is_missing "$R/deldir" &&
	test_path_is_missing "$R/never-existed" &&
	test "$(cat "$R/readd")" = "v3, re-added in layer 4" &&
	test "$(cat "$R/modified")" = v2 &&
	test "$(ls "$R/opaque" | tr "\n" " ")" = "new1 new2 " &&
	test "$(ls "$R/merged" | tr "\n" " ")" = "lower upper " &&
	test -d "$R/file2dir" && test -f "$R/dir2file"
'

test_expect_success 'copy-on-write: writes, deletes and renames change only upper/' '
	(cd L && find . -printf "%p %y %m %s %T@\n" | LC_ALL=C sort) >lower.before &&
	R=$B/rootfs &&
	echo changed >"$R/awkward/modified" &&
	rm "$R/awkward/readd" &&
	rm -r "$R/awkward/opaque" &&
	mv "$R/awkward/empty" "$R/awkward/renamed" &&
	echo new >"$R/etc/newfile" &&
	(cd L && find . -printf "%p %y %m %s %T@\n" | LC_ALL=C sort) >lower.after &&
	test_cmp lower.before lower.after &&
	test "$(cat "$B/upper/awkward/modified")" = changed &&
	test -c "$B/upper/awkward/readd" &&
	test -c "$B/upper/awkward/opaque" &&
	test -c "$B/upper/awkward/empty" &&
	test -f "$B/upper/awkward/renamed" &&
	test -f "$B/upper/etc/newfile" &&
	test "$(cat L/003/awkward/modified)" = v2
'

test_expect_success 'a second container from the same layers sees the original' '
	ct-mount <lines >out2 &&
	B2=$(cat out2) &&
	test "$B2" != "$B" &&
	test "$(cat "$B2/rootfs/awkward/modified")" = v2 &&
	test_path_is_missing "$B2/rootfs/etc/newfile" &&
	same_tree "$B2/rootfs" umo/rootfs &&
	test_grep -xE "name = [a-z]+_[a-z]+[0-9]*" "$B2/ct.ini" &&
	ct-mount --generate-name >gen &&
	grep -xE "[a-z]+_[a-z]+[0-9]*" gen &&
	! grep -qx "name = $(cat gen)" "$CT_ROOT"/containers/*/ct.ini
'

test_expect_success 'layer dirs as arguments work as stdin does' '
	ct-mount $(cat lines) </dev/null >out3 &&
	same_tree "$(cat out3)/rootfs" umo/rootfs
'

test_expect_success 'a name in use is refused, naming the holder' '
	test_must_fail ct-mount --name aw <lines >out 2>err &&
	test_grep "Conflict. The container name \"/aw\" is already in use by container \"$id\"" err &&
	test ! -s out &&
	test "$(ls "$CT_ROOT/containers" | grep -c .)" = 3
'

test_expect_success 'a ct-mount killed half-way does not keep its name' '
	g=$CT_ROOT/containers/$(printf "%064d" 7) &&
	mkdir -p "$g/rootfs" &&
	printf "[container]\nid = %064d\nname = ghost\nrootfs = \n" 7 >"$g/ct.ini" &&
	mount -t tmpfs ghost "$g/rootfs" &&
	ct-mount --name ghost <lines >out &&
	test_path_is_missing "$g" &&
	test_grep -x "name = ghost" "$(cat out)/ct.ini"
'

test_expect_success 'invalid names and bad lines are usage errors' '
	test_expect_code 2 ct-mount --name "-x" <lines 2>err &&
	test_grep "invalid container name" err &&
	test_expect_code 2 ct-mount relative/dir 2>err &&
	test_grep "neither an image" err &&
	test_expect_code 1 ct-mount /no/such/layer 2>err &&
	test_grep "/no/such/layer" err &&
	test_expect_code 2 ct-mount "$(head -n1 lines)" 2>err &&
	test_grep "no layer directories" err
'

test_expect_success 'an image not in the store is an error, and nothing is left' '
	ls "$CT_ROOT/containers" >before &&
	test_must_fail ct-mount sha256:0000000000000000000000000000000000000000000000000000000000000000 L/001 2>err &&
	test_must_fail ct-mount "sha256:$(printf %064d 0)" "$TEST_DIR/L/001" 2>err &&
	test_grep "not found" err &&
	ls "$CT_ROOT/containers" >after &&
	test_cmp before after
'

test_expect_success '-v narrates the overlay mount' '
	ct-mount -v <lines >out4 2>err &&
	test_grep "+ ct-mount: mount overlay lowerdir=$TEST_DIR/L/005:$TEST_DIR/L/004:" err
'

test_expect_success '--umount by name (twice is fine), --umount --rm by id prefix' '
	B4=$(cat out4) && id4=${B4##*/} &&
	ct-mount --umount aw &&
	! awk -v m="$B/rootfs" "\$5 == m" /proc/self/mountinfo | grep -q . &&
	test_path_is_dir "$B" &&
	ct-mount --umount aw &&
	ct-mount --umount --rm "$(echo "$id4" | cut -c1-10)" &&
	test_path_is_missing "$B4" &&
	test_expect_code 1 ct-mount --umount no-such-thing 2>err &&
	test_grep "no such container: no-such-thing" err
'

test_expect_success '--remount mounts an unmounted container again, upper kept' '
	test_path_is_file "$B/layers" &&
	test "$(cat "$B/layers")" = "$(tail -n +2 lines)" &&
	! awk -v m="$B/rootfs" "\$5 == m" /proc/self/mountinfo | grep -q . &&
	ct-mount --remount aw >out &&
	test "$(cat out)" = "$B" &&
	awk -v m="$B/rootfs" "\$5 == m" /proc/self/mountinfo | grep -q " - overlay " &&
	test "$(cat "$B/rootfs/awkward/modified")" = changed &&
	test -f "$B/rootfs/etc/newfile" &&
	ct-mount --remount aw >out &&
	test "$(awk -v m="$B/rootfs" "\$5 == m" /proc/self/mountinfo | wc -l)" = 1
'

test_expect_success 'the classic mount(2) option string (CT_OVERLAY_API=classic)' '
	CT_OVERLAY_API=classic ct-mount -v <lines >out5 2>err &&
	test_grep "mount -t overlay overlay -o lowerdir=L/" err &&
	same_tree "$(cat out5)/rootfs" umo/rootfs
'

test_expect_success '--copy: the same tree by copying, rootfs = copy' '
	ct-mount --copy <lines >out6 &&
	B6=$(cat out6) &&
	! awk -v m="$B6/rootfs" "\$5 == m" /proc/self/mountinfo | grep -q . &&
	test_grep -x "rootfs = copy" "$B6/ct.ini" &&
	same_tree "$B6/rootfs" umo/rootfs &&
	ct-mount --umount --rm "$(echo "${B6##*/}" | cut -c1-12)" &&
	test_path_is_missing "$B6"
'

# (ct_fixture cannot pass "layers N": mkimage wants N after the kind)
test_expect_success 'an upper that overlayfs refuses: a one-line warning, then a copy' '
	mkdir -p ov/lo ov/up ov/wk ov/m &&
	mount -t overlay overlay -o lowerdir=ov/lo,upperdir=ov/up,workdir=ov/wk ov/m &&
	test_cleanup "umount \"$TEST_DIR/ov/m\"" &&
	CT_ROOT=$TEST_DIR/ov/m/root ct-mount $(tail -n +2 lines) -- sh >out9 2>err &&
	test "$(wc -l <err)" = 1 &&
	test_grep "overlayfs cannot be used here (.*): copying the layers into rootfs instead" err &&
	test_grep -x "rootfs = copy" "$(cat out9)/ct.ini" &&
	same_tree "$(cat out9)/rootfs" umo/rootfs
'

test_cleanup 'for m in "$TEST_DIR"/r-index/containers/*/rootfs; do umount "$m" 2>/dev/null; done; true'
test_expect_success '--image --platform: the container is made from that variant (its config), the host one without' '
	BI=$(ct_fixture busybox --index) &&
	(
		CT_ROOT=$TEST_DIR/r-index && export CT_ROOT &&
		image_into_store "$BI" &&
		d=$(jq -r ".manifests[0].digest" "$CT_ROOT/images/index.json") &&
		ct-unpack --platform linux/arm64/v8 "$d" >/dev/null &&
		ct-unpack "$d" >/dev/null &&
		B=$(ct-mount --image "$d" --platform linux/arm64/v8 -- true) &&
		grep -q "^labels = .*ct.test.platform=linux/arm64/v8" "$B/ct.ini" &&
		B2=$(ct-mount --image "$d" -- true) &&
		! grep -q "ct.test.platform" "$B2/ct.ini" &&
		ct-mount --umount --rm "${B##*/}" && ct-mount --umount --rm "${B2##*/}"
	)
'

test_done
