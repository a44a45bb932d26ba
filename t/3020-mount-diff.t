#!/bin/sh
test_description='ct-mount --diff: the upper layer as an OCI layer tar, whiteouts
in OCI form; applied on top of the same layers it gives the changed tree back'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/3099-mount-lib.sh"
test_require ROOT OVERLAY MKIMAGE JQ

AW=$(ct_fixture awkward) || skip_all "mkimage awkward failed"
image_into_store "$AW"
mount_cleanup

test_expect_success 'a container from the awkward layers' '
	unpack_layers "$AW" latest "$TEST_DIR/L" >lines &&
	B=$(ct-mount --name d <lines) &&
	R=$B/rootfs
'

test_expect_success 'a fresh container has an empty diff' '
	ct-mount --diff d >empty.tar &&
	tar -tf empty.tar >list &&
	test ! -s list
'

test_expect_success 'changes: write, delete, rename, replace a dir, chmod, links, xattrs' '
	echo changed >"$R/awkward/modified" &&
	rm "$R/awkward/readd" &&
	rm -r "$R/awkward/merged" &&
	mv "$R/awkward/empty" "$R/awkward/renamed" &&
	rm -r "$R/awkward/opaque" && mkdir "$R/awkward/opaque" &&
	echo fresh >"$R/awkward/opaque/only" &&
	chmod 0600 "$R/awkward/owner/odd" &&
	chown 7:8 "$R/awkward/time/y2001" &&
	mkdir -p "$R/new/dir" &&
	echo one >"$R/new/dir/a" && ln "$R/new/dir/a" "$R/new/b" &&
	ln -s ../etc/passwd "$R/new/sym" &&
	mkfifo "$R/new/fifo" &&
	rm "$R/bin/vi" &&
	touch "$R/awkward/caps/busybox-netraw" &&
	mkdir x && echo x >x/xattr-file &&
	tar -C x --format=pax --pax-option="SCHILY.xattr.user.ct.k:=v" -cf x.tar xattr-file &&
	tar -C "$R/new" --xattrs --xattrs-include="user.*" -xf x.tar
'

test_expect_success '--diff writes OCI whiteouts, an opaque marker, hardlinks, xattrs' '
	ct-mount --diff "$(echo "${B##*/}" | cut -c1-12)" >diff.tar &&
	tar -tvf diff.tar >list &&
	tar -tf diff.tar >names &&
	test_grep -x "awkward/.wh.readd" names &&
	test_grep -x "awkward/.wh.merged" names &&
	test_grep -x "awkward/.wh.empty" names &&
	test_grep -x "awkward/renamed" names &&
	test_grep -x "awkward/opaque/.wh..wh..opq" names &&
	test_grep -x "awkward/opaque/only" names &&
	test_grep -x "bin/.wh.vi" names &&
	test_grep "^h.* new/dir/a link to new/b$" list &&
	test_grep "^l.* new/sym -> ../etc/passwd$" list &&
	test_grep "^p.* new/fifo$" list &&
	test_grep "^-rw------- 123/456 .* awkward/owner/odd$" list &&
	test_grep "^-rw-r--r-- 7/8 .* awkward/time/y2001$" list &&
	! grep -q "awkward/links" names &&
	grep -aq "SCHILY.xattr.user.ct.k=v" diff.tar &&
	grep -aq "SCHILY.xattr.security.capability=" diff.tar
'

test_expect_success 'the diff on top of the same layers gives the changed tree' '
	mkdir L/006 &&
	tar -x --numeric-owner --xattrs --xattrs-include="*" -C L/006 -f diff.tar &&
	layer_whiteouts L/006 &&
	B2=$(ct-mount $(tail -n +2 lines) "$TEST_DIR/L/006" -- sh) &&
	same_tree "$R" "$B2/rootfs"
'

test_expect_success 'a copied rootfs has no diff' '
	B3=$(ct-mount --copy <lines) &&
	test_expect_code 1 ct-mount --diff "${B3##*/}" >out 2>err &&
	test_grep "copied rootfs" err
'

test_expect_success '--diff needs exactly one container' '
	test_expect_code 2 ct-mount --diff >out 2>err &&
	test_expect_code 2 ct-mount --diff a b >out 2>err &&
	test_expect_code 1 ct-mount --diff nope >out 2>err &&
	test_grep "no such container: nope" err
'

test_done
