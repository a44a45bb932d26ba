#!/bin/sh
test_description='ct-image rm, prune and gc: names go first, content only when nothing uses it'
. "$(dirname "$0")/lib/test-lib.sh"
test_require MKIMAGE

S=$CT_ROOT/images
mk() { "$CT_SRC/t/lib/mkimage" "$@"; }
blob() { printf '%s/blobs/sha256/%s' "$S" "${1#sha256:}"; }
cfg_of() { jq -r .config.digest "$(blob "$1")"; }
layer_of() { jq -r '.layers[0].digest' "$(blob "$1")"; }
nblobs() { ls "$S/blobs/sha256" | wc -l; }
# a container record as ct-mount writes it
container() {
	mkdir -p "$CT_ROOT/containers/$1" &&
	printf '[container]\nid = %s\nname = c%s\nimage = %s\n' "$1" "$1" "$2" \
		>"$CT_ROOT/containers/$1/ct.ini"
}

test_expect_success 'set up: busybox twice tagged, a second image sharing its layer' '
	bb=$(mk busybox "$S" docker.io/library/busybox:latest) &&
	ct-image tag busybox busybox:other &&
	web=$(mk --cmd "httpd -f" busybox "$S" docker.io/library/web:1) &&
	test "$(layer_of "$bb")" = "$(layer_of "$web")"
'

test_expect_success 'rm of one of two names only untags' '
	n=$(nblobs) &&
	ct-image rm busybox:other >out &&
	echo "Untagged: busybox:other" >expect &&
	test_cmp expect out &&
	test "$(nblobs)" = "$n" &&
	ct-image inspect busybox >/dev/null
'

test_expect_success 'rm refuses while a container uses the image' '
	container 1111 "$web" &&
	test_expect_code 1 ct-image rm web:1 2>err &&
	test_grep "container 1111 is using its referenced image" err &&
	test_expect_code 1 ct-image rm "$(cfg_of "$web" | cut -c8-15)" 2>err &&
	test_grep "must be forced" err &&
	ct-image inspect web:1 >/dev/null
'

test_expect_success 'rm -f removes the name but keeps what the container needs' '
	ct-image rm -f web:1 >out &&
	test_grep "Untagged: web:1" out &&
	test_must_fail ct-image inspect web:1 2>/dev/null &&
	test_path_is_file "$(blob "$web")" &&
	test_path_is_file "$(blob "$(cfg_of "$web")")"
'

test_expect_success 'rm by id of an image with several names needs -f' '
	bb_cfg=$(cfg_of "$bb") &&
	ct-image tag busybox a/b:c &&
	test_expect_code 1 ct-image rm "$(cfg_of "$bb")" 2>err &&
	test_grep "referenced in multiple repositories" err &&
	ct-image rm -f "$(cfg_of "$bb")" >out &&
	test_grep "Untagged: busybox:latest" out &&
	test_grep "Untagged: a/b:c" out &&
	test_grep "Deleted: $(cfg_of "$bb")" out
'

test_expect_success 'rm deleted the manifest and config, kept the shared layer' '
	test_path_is_missing "$(blob "$bb")" &&
	test_path_is_missing "$(blob "$bb_cfg")" &&
	test_path_is_file "$(blob "$(layer_of "$web")")" &&
	test_must_fail ct-image inspect busybox 2>/dev/null
'

test_expect_success 'rm of an unknown name fails clearly and changes nothing' '
	cp "$S/index.json" before &&
	test_expect_code 1 ct-image rm nothing:here 2>err &&
	test_grep "nothing:here" err &&
	test_cmp before "$S/index.json"
'

test_expect_success 'prune removes dangling images only; prune -a unused ones' '
	dg=$(mk --cmd "[\"true\"]" busybox "$S" tmp) &&
	jq ".manifests |= map(if .digest == \"$dg\" then del(.annotations) else . end)" \
		"$S/index.json" >idx && mv idx "$S/index.json" &&
	keep=$(mk --cmd "[\"false\"]" busybox "$S" docker.io/library/keep:1) &&
	ct-image prune >out &&
	test_grep "^deleted: $(cfg_of "$dg")" out &&
	test_grep "^Total reclaimed space: [0-9.]*[kM]\{0,1\}B$" out &&
	test_path_is_missing "$(blob "$dg")" &&
	ct-image inspect keep:1 >/dev/null &&
	ct-image prune -a >out &&
	test_grep "^untagged: keep:1" out &&
	test_path_is_missing "$(blob "$keep")"
'

test_expect_success 'prune -a keeps the image a container uses, gc keeps its blobs' '
	test_path_is_file "$(blob "$web")" &&
	ct-image gc --grace 0 >out &&
	test_path_is_file "$(blob "$web")" &&
	test_path_is_file "$(blob "$(layer_of "$web")")"
'

test_expect_success 'gc removes blobs and unpacked layers nothing refers to' '
	rm -r "$CT_ROOT/containers/1111" &&
	web_layer=$(layer_of "$web") &&
	diff_id=$(jq -r ".rootfs.diff_ids[0]" "$(blob "$(cfg_of "$web")")") &&
	mkdir -p "$CT_ROOT/layers/${diff_id#sha256:}/bin" "$CT_ROOT/layers/$(printf %064d 7)" &&
	: >"$S/blobs/sha256/.$(printf %064d 1).partial" &&
	ct-image gc -n --grace 0 >out &&
	test_grep "^Reclaimable space: [1-9]" out &&
	test_path_is_file "$(blob "$web")" &&
	ct-image gc --grace 0 >out &&
	test_grep "^Total reclaimed space: [1-9]" out &&
	test_path_is_missing "$(blob "$web")" &&
	test_path_is_missing "$(blob "$web_layer")" &&
	test_path_is_missing "$CT_ROOT/layers/${diff_id#sha256:}" &&
	test_path_is_missing "$CT_ROOT/layers/$(printf %064d 7)" &&
	test_path_is_file "$S/blobs/sha256/.$(printf %064d 1).partial"
'

test_expect_success 'gc keeps what a tagged image uses, and young garbage by default' '
	img=$(mk busybox "$S" docker.io/library/again:1) &&
	diff_id=$(jq -r ".rootfs.diff_ids[0]" "$(blob "$(cfg_of "$img")")") &&
	mkdir -p "$CT_ROOT/layers/${diff_id#sha256:}" &&
	echo junk >"$S/blobs/sha256/$(printf %064d 2)" &&
	ct-image gc >out &&
	test_path_is_file "$S/blobs/sha256/$(printf %064d 2)" &&
	touch -d "2 hours ago" "$S/blobs/sha256/$(printf %064d 2)" &&
	ct-image gc >out &&
	test_path_is_missing "$S/blobs/sha256/$(printf %064d 2)" &&
	test_path_is_dir "$CT_ROOT/layers/${diff_id#sha256:}" &&
	skopeo inspect "oci:$S:docker.io/library/again:1" >/dev/null
'

test_expect_success OVERLAY 'gc keeps unpacked layers an overlay mount uses, by absolute or relative path' '
	a=$(printf %064d 11) && b=$(printf %064d 12) &&
	mkdir -p "$CT_ROOT/layers/$a/x" "$CT_ROOT/layers/$b/y" m1 m2 up1/u up1/w up2/u up2/w &&
	mount -t overlay overlay -o "lowerdir=$CT_ROOT/layers/$a,upperdir=up1/u,workdir=up1/w" m1 &&
	test_cleanup "umount $TEST_DIR/m1" &&
	(cd "$CT_ROOT" && mount -t overlay overlay \
		-o "lowerdir=layers/$b,upperdir=$TEST_DIR/up2/u,workdir=$TEST_DIR/up2/w" "$TEST_DIR/m2") &&
	test_cleanup "umount $TEST_DIR/m2" &&
	ct-image gc --grace 0 >out &&
	test_path_is_dir "$CT_ROOT/layers/$a/x" &&
	test_path_is_dir "$CT_ROOT/layers/$b/y" &&
	umount m1 && umount m2 &&
	ct-image gc --grace 0 >out &&
	test_path_is_missing "$CT_ROOT/layers/$a" &&
	test_path_is_missing "$CT_ROOT/layers/$b"
'

test_expect_success 'gc removes day-old leftovers of killed imports and loads only' '
	mkdir -p "$CT_ROOT/tmp/load-old/x" "$CT_ROOT/tmp/load-new" &&
	echo x >"$CT_ROOT/tmp/spool-old" &&
	touch -d "2 days ago" "$CT_ROOT/tmp/load-old" "$CT_ROOT/tmp/spool-old" &&
	ct-image gc >out &&
	test_path_is_missing "$CT_ROOT/tmp/load-old" &&
	test_path_is_missing "$CT_ROOT/tmp/spool-old" &&
	test_path_is_dir "$CT_ROOT/tmp/load-new"
'

test_expect_success 'gc waits for the store lock a writer holds' '
	touch -d "2 hours ago" "$(blob "$img")" &&
	echo junk >"$S/blobs/sha256/$(printf %064d 3)" &&
	touch -d "2 hours ago" "$S/blobs/sha256/$(printf %064d 3)" &&
	flock "$S/.lock" sleep 1 &
	sleep 0.3 &&
	start=$(date +%s%N) &&
	ct-image gc >out &&
	end=$(date +%s%N) &&
	wait &&
	test $(( (end - start) / 1000000 )) -ge 400 &&
	test_path_is_missing "$S/blobs/sha256/$(printf %064d 3)" &&
	test_path_is_file "$(blob "$img")"
'

test_done
