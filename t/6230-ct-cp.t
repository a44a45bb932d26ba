#!/bin/sh
test_description='ct cp in and out (symlinks stay inside the container), diff A/C/D, export'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'setup: an image with /etc/conf and /bin/ln; a container that changed things' '
	mkdir -p rootfs/bin rootfs/etc &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh cat rm ln mkdir ls; do ln -s busybox rootfs/bin/$a || return 1; done &&
	echo v1 >rootfs/etc/conf && echo keep >rootfs/etc/keep &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null &&
	ct run --network none --name box busybox sh -c "echo new >/etc/added; echo v2 >/etc/conf; rm /bin/ln; mkdir -p /data/sub; echo deep >/data/sub/f; ln -s /etc /data/abs; ln -s ../../../../../../../etc /data/rel"
'

test_expect_success 'diff: A, C and D, sorted, without the runtime'"'"'s own files' '
	ct diff box >out &&
	printf "%s\n" "C /bin" "D /bin/ln" "A /data" "A /data/abs" "A /data/rel" "A /data/sub" "A /data/sub/f" \
		"C /etc" "A /etc/added" "C /etc/conf" >expect &&
	test_cmp expect out
'

test_expect_success 'cp out: a file to a new name, into a directory, a directory, and as a tar' '
	ct cp box:/etc/conf conf.out && test "$(cat conf.out)" = v2 &&
	mkdir into && ct cp box:/etc/added into && test "$(cat into/added)" = new &&
	ct cp box:/data datacopy && test "$(cat datacopy/sub/f)" = deep &&
	test -L datacopy/abs && test "$(readlink datacopy/abs)" = /etc &&
	ct cp box:/data into/ && test "$(cat into/data/sub/f)" = deep &&
	ct cp box:/etc/conf - | tar -t >list && test "$(cat list)" = conf &&
	ct cp box:data/sub - | tar -t | sort >list && printf "sub/\nsub/f\n" >expect && test_cmp expect list
'

test_expect_success 'cp out: symlinks resolve inside the container root, never on the host' '
	ct cp box:/data/abs/conf viaabs && test "$(cat viaabs)" = v2 &&
	ct cp box:/data/rel/keep viarel && test "$(cat viarel)" = keep &&
	test_expect_code 1 ct cp box:/data/rel/passwd x 2>err &&
	test_path_is_missing x &&
	grep -q "Could not find the file /data/rel/passwd in container box" err &&
	test_expect_code 1 ct cp box:/nope x 2>err && grep -q "Could not find the file /nope" err
'

test_expect_success 'cp in: a file, a new name, a directory, a tar on stdin' '
	echo host >hostfile &&
	ct cp hostfile box:/etc/ &&
	ct cp hostfile box:/etc/renamed &&
	mkdir -p hdir/inner && echo x >hdir/inner/y &&
	ct cp hdir box:/data &&
	( cd hdir && tar -cf - inner ) | ct cp - box:/ &&
	test "$(cat "$CT_ROOT/containers/$(ct ps -aq --no-trunc -f name=box)/rootfs/etc/hostfile")" = host &&
	ct diff box >out &&
	grep -qx "A /etc/hostfile" out && grep -qx "A /etc/renamed" out &&
	grep -qx "A /data/hdir/inner/y" out && grep -qx "A /inner/y" out &&
	ct cp box:/etc/renamed - | tar -xO >got && test "$(cat got)" = host
'

test_expect_success 'cp in through a symlink lands inside the root, not on the host' '
	u=ct-test-cp-$$ && echo inside >$u &&
	ct cp $u box:/data/rel/ &&
	ct cp $u box:/data/abs/ &&
	test_path_is_missing /etc/$u &&
	ct diff box | grep -qx "A /etc/$u" &&
	test_expect_code 1 ct cp $u box:/no/such/dir/ 2>err
'

test_expect_success 'export: the whole root as a tar' '
	ct export box >root.tar &&
	tar -tf root.tar >list &&
	grep -qx "./etc/added" list && grep -qx "./bin/busybox" list && ! grep -qx "./bin/ln" list &&
	ct export -o root2.tar box && test -s root2.tar &&
	test_expect_code 1 ct export nosuch 2>/dev/null
'

test_done
