#!/bin/sh
test_description='ct run -v: named volumes shared, copy-up, anonymous volumes, binds, :ro'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

# anonymous volumes: their 64-hex names, sorted
test_must_be_empty_() { ! [ -s "$1" ] || { cat "$1"; return 1; }; }
anon_volumes() { ct volume ls -q | grep "^[0-9a-f]\{64\}$" || :; }

test_expect_success 'setup: a busybox image with content at /data' '
	mkdir -p rootfs/bin rootfs/etc rootfs/data/sub &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh echo cat ls test sleep readlink stat; do ln -s busybox rootfs/bin/$a || return 1; done &&
	echo "root:x:0:0:root:/root:/bin/sh" >rootfs/etc/passwd &&
	echo from-image >rootfs/data/img.txt &&
	echo deep >rootfs/data/sub/deep.txt &&
	ln -s img.txt rootfs/data/link &&
	chown 1000:1001 rootfs/data rootfs/data/img.txt && chmod 0750 rootfs/data &&
	chmod 0640 rootfs/data/img.txt &&
	if command -v python3 >/dev/null; then
		python3 -c "import os; os.setxattr(\"rootfs/data/img.txt\", \"user.color\", b\"blue\")"
	fi &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'a named volume carries data from one container to the next' '
	ct run --rm --network none -v shared:/store busybox sh -c "echo one >/store/note" &&
	ct run --rm --network none -v shared:/elsewhere busybox cat /elsewhere/note >out &&
	test "$(cat out)" = one
'

test_expect_success 'the same volume at two paths at once' '
	ct run --rm --network none -v shared:/a -v shared:/b busybox \
		sh -c "echo two >/a/x; cat /b/x; cat /b/note" >out &&
	printf "two\none\n" >expect && test_cmp expect out
'

test_expect_success 'two containers running at once share a volume at different paths' '
	ct run -d --network none --name writer -v live:/a busybox \
		sh -c "echo ping >/a/p; sleep 30" >/dev/null &&
	for i in $(seq 100); do [ -s "$CT_ROOT/volumes/live/_data/p" ] && break; sleep 0.1; done &&
	ct run --rm --network none -v live:/b busybox sh -c "cat /b/p; echo pong >/b/q" >out &&
	test "$(cat out)" = ping &&
	ct exec writer cat /a/q >out && test "$(cat out)" = pong &&
	ct rm -f writer >/dev/null
'

test_expect_success 'an empty named volume is filled from the image (copy-up)' '
	ct run --rm --network none -v filled:/data busybox \
		sh -c "cat /data/img.txt /data/sub/deep.txt; readlink /data/link" >out &&
	printf "from-image\ndeep\nimg.txt\n" >expect && test_cmp expect out &&
	d=$CT_ROOT/volumes/filled/_data &&
	test "$(stat -c "%u:%g %a" "$d")" = "1000:1001 750" &&
	test "$(stat -c "%u:%g %a" "$d/img.txt")" = "1000:1001 640" &&
	test -L "$d/link" && test "$(readlink "$d/link")" = img.txt &&
	if command -v python3 >/dev/null; then
		test "$(python3 -c "import os; print(os.getxattr(\"$d/img.txt\", \"user.color\").decode())")" = blue
	fi
'

test_expect_success 'a volume with content is not filled again' '
	rm "$CT_ROOT/volumes/filled/_data/img.txt" &&
	ct run --rm --network none -v filled:/data busybox ls /data >out &&
	! grep -q img.txt out && grep -q sub out
'

test_expect_success ':nocopy leaves a new volume empty' '
	ct run --rm --network none -v bare:/data:nocopy busybox ls -A /data >out &&
	test_must_be_empty_ out
'


test_expect_success '-v /path makes an anonymous volume, filled from the image too' '
	anon_volumes >before &&
	ct run --network none --name anon -v /data busybox cat /data/img.txt >out &&
	test "$(cat out)" = from-image &&
	anon_volumes >after &&
	test "$(comm -13 before after | wc -l)" = 1
'

test_expect_success '"-v --rm" is an anonymous volume at /--rm, as Docker makes it' '
	anon_volumes >before &&
	ct run --network none --name typo -v --rm busybox sh -c "test -d /--rm && echo there" >out &&
	test "$(cat out)" = there &&
	ct ps -a >out && grep -q " typo$" out &&
	anon_volumes >after &&
	new=$(comm -13 before after) && test -n "$new" &&
	grep -qx "volume = $new:/--rm" "$CT_ROOT"/containers/*/ct.ini &&
	ct rm -v typo >/dev/null &&
	test_path_is_missing "$CT_ROOT/volumes/$new"
'

test_expect_success '--rm removes the container'"'"'s anonymous volumes, not named ones' '
	anon_volumes >before &&
	ct run --rm --network none -v /scratch -v kept:/k busybox sh -c "echo x >/scratch/f; echo y >/k/f" &&
	anon_volumes >after &&
	test_cmp before after &&
	test "$(cat "$CT_ROOT/volumes/kept/_data/f")" = y
'

test_expect_success 'a bind mount: writes are on the host at once, while the container runs' '
	mkdir host &&
	ct run -d --network none --name binder -v "$TEST_DIR/host:/h" busybox \
		sh -c "echo live >/h/f; sleep 30" >/dev/null &&
	for i in $(seq 100); do [ -s host/f ] && break; sleep 0.1; done &&
	test "$(cat host/f)" = live &&
	ct ps >out && grep -q " Up [^ ].*  binder$" out &&
	echo from-host >host/g &&
	ct exec binder cat /h/g >out && test "$(cat out)" = from-host &&
	ct rm -f binder >/dev/null &&
	test -f host/f
'

test_expect_success 'a missing -v host path is made as a directory' '
	ct run --rm --network none -v "$TEST_DIR/made/sub:/m" busybox sh -c "echo z >/m/z" &&
	test "$(cat made/sub/z)" = z
'

test_expect_success ':ro refuses writes, to volumes and binds' '
	test_must_fail ct run --rm --network none -v shared:/ro:ro busybox \
		sh -c "echo no >/ro/new" 2>err &&
	test_grep "Read-only file system" err &&
	test_path_is_missing "$CT_ROOT/volumes/shared/_data/new" &&
	ct run --rm --network none -v shared:/ro:ro busybox cat /ro/note >out &&
	test "$(cat out)" = one &&
	test_must_fail ct run --rm --network none -v "$TEST_DIR/host:/h:ro" busybox \
		sh -c "echo no >/h/new" 2>err &&
	test_grep "Read-only file system" err &&
	test_path_is_missing host/new
'

test_expect_success 'containers made at once with one new volume: one volume, all made' '
	for i in 1 2 3 4; do
		ct create --network none -v race:/data busybox true >id$i 2>err$i &
	done &&
	wait &&
	for i in 1 2 3 4; do grep -q "^[0-9a-f]\{64\}$" id$i || { cat err$i; return 1; }; done &&
	ct volume ls -q | grep -c "^race$" >n && test "$(cat n)" = 1 &&
	test "$(cat "$CT_ROOT/volumes/race/_data/img.txt")" = from-image &&
	for i in 1 2 3 4; do ct rm "$(cat id$i)" >/dev/null || return 1; done &&
	ct volume rm race >/dev/null
'

test_done
