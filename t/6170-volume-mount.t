#!/bin/sh
test_description='ct run --mount type=bind|volume|tmpfs, image VOLUMEs, and -v/--mount errors as Docker'"'"'s'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX JQ

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_must_be_empty_() { ! [ -s "$1" ] || { cat "$1"; return 1; }; }
# config ID: the container's config.json
config() { echo "$CT_ROOT/containers/$1/config.json"; }

test_expect_success 'setup: busybox images, one with VOLUME /cache' '
	mkdir -p rootfs/bin rootfs/etc rootfs/data &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh echo cat ls grep stat; do ln -s busybox rootfs/bin/$a || return 1; done &&
	echo "root:x:0:0:root:/root:/bin/sh" >rootfs/etc/passwd &&
	echo from-image >rootfs/data/img.txt &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null &&
	ct import -c "CMD [\"/bin/sh\"]" -c "VOLUME /cache" rootfs withvol >/dev/null
'

test_expect_success '--mount type=volume,source=,target=: a named volume, filled from the image' '
	ct run --rm --network none --mount type=volume,source=mv,target=/data busybox \
		cat /data/img.txt >out &&
	test "$(cat out)" = from-image &&
	test_path_is_file "$CT_ROOT/volumes/mv/_data/img.txt"
'

test_expect_success 'Docker'"'"'s other spellings: src, dst, destination, ro, readonly=true' '
	id=$(ct create --network none --mount src=mv,dst=/a,ro \
		--mount "source=mv,destination=/b,readonly=true" \
		--mount type=volume,src=mv,target=/c,readonly=false busybox) &&
	jq -e "[.mounts[] | select(.destination == \"/a\" or .destination == \"/b\")
		| .options | index(\"ro\") != null] == [true, true]" "$(config "$id")" >/dev/null &&
	jq -e "[.mounts[] | select(.destination == \"/c\") | .options | index(\"ro\")] == [null]" \
		"$(config "$id")" >/dev/null &&
	jq -e "[.mounts[] | select(.destination == \"/a\") | .source] ==
		[\"$CT_ROOT/volumes/mv/_data\"]" "$(config "$id")" >/dev/null &&
	ct rm "$id" >/dev/null
'

test_expect_success '--mount type=bind binds; readonly refuses writes' '
	mkdir b && echo hostfile >b/h &&
	ct run --rm --network none --mount "type=bind,source=$TEST_DIR/b,target=/b" busybox \
		sh -c "cat /b/h; echo back >/b/new" >out &&
	test "$(cat out)" = hostfile && test "$(cat b/new)" = back &&
	test_must_fail ct run --rm --network none \
		--mount "type=bind,src=$TEST_DIR/b,dst=/b,readonly" busybox sh -c "echo x >/b/ro" 2>err &&
	test_grep "Read-only file system" err &&
	test_path_is_missing b/ro
'

test_expect_success '--mount type=bind with a missing source is an error; nothing is left' '
	ct ps -aq >before &&
	test_expect_code 125 ct run --rm --network none \
		--mount "type=bind,source=$TEST_DIR/nothere,target=/x" busybox true 2>err &&
	test_grep "bind source path does not exist: $TEST_DIR/nothere" err &&
	test_path_is_missing nothere &&
	ct ps -aq >after && test_cmp before after
'

test_expect_success '--mount type=tmpfs with tmpfs-size and tmpfs-mode' '
	ct run --rm --network none --mount type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1777 \
		busybox sh -c "grep \" /t \" /proc/mounts; stat -c %a /t" >out &&
	grep -q "^tmpfs /t tmpfs .*size=1024k" out &&
	grep -qx 1777 out
'

test_expect_success '--mount: an anonymous volume; volume-label; volume-nocopy' '
	ct volume ls -q >before &&
	ct run --rm --network none --mount type=volume,target=/data busybox cat /data/img.txt >out &&
	test "$(cat out)" = from-image &&
	ct volume ls -q >after && test_cmp before after &&
	ct run --rm --network none --mount type=volume,src=lv,dst=/l,volume-label=team=web \
		--mount type=volume,src=nc,dst=/data,volume-nocopy busybox ls -A /data >out &&
	test_must_be_empty_ out &&
	ct volume ls -q --filter label=team=web >out &&
	echo lv >expect && test_cmp expect out
'

test_expect_success 'an image VOLUME is an anonymous volume unless a mount covers it' '
	id=$(ct create --network none withvol) &&
	grep -q "^volume = [0-9a-f]\{64\}:/cache$" "$CT_ROOT/containers/$id/ct.ini" &&
	ct rm -v "$id" >/dev/null &&
	id=$(ct create --network none -v cachevol:/cache withvol) &&
	grep "^volume = " "$CT_ROOT/containers/$id/ct.ini" >out &&
	echo "volume = cachevol:/cache" >expect && test_cmp expect out &&
	ct rm "$id" >/dev/null
'

test_expect_success 'targets are cleaned; parents are mounted before children' '
	id=$(ct create --network none -v inner:/p/q/ -v outer:/p/./x/.. busybox) &&
	jq -r ".mounts[] | .destination" "$(config "$id")" | grep "^/p\(/\|$\)" >out &&
	printf "/p\n/p/q\n" >expect && test_cmp expect out &&
	ct rm "$id" >/dev/null
'

# bad ARGS...: ct run fails with 125, its words in err
bad() { test_expect_code 125 ct run --rm --network none "$@" 2>err; }
# nothing_left: no container and no volume more than before (in before, vbefore)
nothing_left() {
	ct ps -aq >after && test_cmp before after &&
	ct volume ls -q >vafter && test_cmp vbefore vafter
}

test_expect_success '-v errors as Docker words them' '
	ct ps -aq >before && ct volume ls -q >vbefore &&
	bad -v "a b:/x" busybox true &&
	test_grep "includes invalid characters for a local volume name" err &&
	bad -v vol:relative busybox true &&
	test_grep "mount path must be absolute" err &&
	bad -v vol:/x:bogus busybox true &&
	test_grep "invalid mode: bogus" err &&
	bad -v /a -v vol:/a busybox true &&
	test_grep "Duplicate mount point: /a" err &&
	bad -v vol:/ busybox true &&
	test_grep "destination can.t be ./." err &&
	bad -v a:b:c:d busybox true &&
	test_grep "invalid volume specification" err &&
	nothing_left
'

test_expect_success '--mount errors as Docker words them' '
	ct ps -aq >before && ct volume ls -q >vbefore &&
	bad --mount type=bind,target=/x busybox true &&
	test_grep "field Source must not be empty" err &&
	bad --mount type=nfs,target=/x busybox true &&
	test_grep "type must be bind, volume or tmpfs" err &&
	bad --mount target=/x,nope=1 busybox true &&
	test_grep "unexpected key .nope." err &&
	bad --mount "type=bind,source=$TEST_DIR,target=/x,volume-nocopy" busybox true &&
	test_grep "field VolumeOptions must not be specified" err &&
	bad --mount type=volume,source=v1 busybox true &&
	test_grep "target is required" err &&
	bad --mount type=tmpfs,source=x,target=/t busybox true &&
	test_grep "Source must not be specified" err &&
	nothing_left
'

test_expect_success 'a failure after an anonymous volume was made takes it away again' '
	ct volume ls -q >before &&
	test_expect_code 125 ct run --rm --network none -v /anon \
		--mount "type=bind,source=$TEST_DIR/nothere,target=/x" busybox true 2>err &&
	ct volume ls -q >after && test_cmp before after
'

test_done
