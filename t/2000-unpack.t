#!/bin/sh
test_description='ct-unpack: layers into layers/<diff-id>/ once, overlay whiteouts,
exact metadata, the pipe protocol, --flatten equal to umoci unpack, --tar,
parallel and concurrent unpackers, and kill -9 in the middle'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT MKIMAGE

LISTER=$CT_BUILD/t/unit/layer

# add_image FIXTURE_DIR: put a fixture layout's images into the store
# ($CT_ROOT/images); prints the digest of its first manifest
add_image() {
	mkdir -p "$CT_ROOT/images/blobs/sha256" &&
	cp -n "$1"/blobs/sha256/* "$CT_ROOT/images/blobs/sha256/" &&
	cp "$1/oci-layout" "$CT_ROOT/images/oci-layout" &&
	if [ -f "$CT_ROOT/images/index.json" ]; then
		jq -s '.[0].manifests += [.[1].manifests[] | del(.annotations)] | .[0]' \
			"$CT_ROOT/images/index.json" "$1/index.json" >"$TEST_DIR/index.tmp" &&
		mv "$TEST_DIR/index.tmp" "$CT_ROOT/images/index.json"
	else
		jq '.manifests |= map(del(.annotations))' "$1/index.json" \
			>"$CT_ROOT/images/index.json"
	fi &&
	jq -r '.manifests[0].digest' "$1/index.json"
}

# tree DIR: one line per file, for comparing trees (names, types, modes,
# owners, sizes, link counts, symlink targets, device numbers, content
# hashes, file mtimes, capabilities; every xattr with the C lister)
tree() {
	if [ -x "$LISTER" ]; then
		"$LISTER" --tree "$1"
		return
	fi
	(cd "$1" && find . -printf '%p %y %m %U:%G %n %l %s\n' | sort) &&
	(cd "$1" && find . -type f -exec sha256sum {} + | sort -k2) &&
	(cd "$1" && find . -type c -o -type b | sort | xargs -r stat -c '%n %t,%T') &&
	(cd "$1" && getcap -r . 2>/dev/null | sort)
}

# layer dirs of an image, from its config: ROOT/layers/<diff-id hex>
config_layers() {
	m=$(jq -r '.manifests[0].digest' "$1/index.json" | cut -d: -f2) &&
	c=$(jq -r .config.digest "$1/blobs/sha256/$m" | cut -d: -f2) &&
	jq -r '.rootfs.diff_ids[]' "$1/blobs/sha256/$c" | cut -d: -f2 |
	sed "s|^|$CT_ROOT/layers/|"
}

test_expect_success 'busybox: prints the digest, then its one layer dir' '
	fx=$(ct_fixture busybox) &&
	bb=$(add_image "$fx") &&
	ct-unpack "$bb" >out &&
	{ echo "$bb"; config_layers "$fx"; } >expect &&
	test_cmp expect out &&
	dir=$(sed -n 2p out) &&
	test_path_is_file "$dir/bin/busybox" &&
	test "$(readlink "$dir/bin/sh")" = /bin/busybox &&
	test "$(stat -c %a "$dir/tmp")" = 1777 &&
	test "$(cat "$dir/var/www/index.html")" = "hello from ct-test busybox"
'

test_expect_success 'the image from stdin (ct-pull | ct-unpack) and from -' '
	echo "$bb" | ct-unpack >out2 &&
	test_cmp expect out2 &&
	printf "\n%s\n" "$bb" | ct-unpack - >out3 &&
	test_cmp expect out3 &&
	short=$(echo "$bb" | cut -c8-19) &&
	ct-unpack "$short" >out4 &&
	test_cmp expect out4
'

test_expect_success 'a layer is unpacked once: a second run reuses it' '
	ino=$(stat -c %i "$dir") &&
	ct-unpack -v "$bb" >out 2>err &&
	test_cmp expect out &&
	test "$(stat -c %i "$dir")" = "$ino" &&
	! grep "unpack sha256" err &&
	ls -A "$CT_ROOT/layers" >ls &&
	test "$(wc -l <ls)" = 1
'

test_expect_success 'awkward: 5 layers unpacked in parallel, lowest first' '
	fxa=$(ct_fixture awkward) &&
	awk=$(add_image "$fxa") &&
	ct-unpack -v -j 3 "$awk" >out 2>err &&
	cp out out.awk &&
	{ echo "$awk"; config_layers "$fxa"; } >expect &&
	test_cmp expect out &&
	test_grep "fork: pid" err &&
	test_grep "parents openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS" err &&
	test_grep "3 whiteouts (mknodat c 0 0), 1 opaque dirs (setxattr trusted.overlay.opaque=y)" err &&
	test "$(grep -c "diff-id sha256:[0-9a-f]* matches the config" err)" = 5 &&
	test "$(grep -c "^+ ct-unpack: rename " err)" = 5 &&
	! grep -v "^+ ct-unpack: " err &&
	for d in $(sed 1d out); do test_path_is_dir "$d" || return 1; done &&
	ls -A "$CT_ROOT/layers" | grep "^\." >dots;
	test ! -s dots
'

test_expect_success 'awkward: whiteouts are 0:0 char devices, opaque dirs marked' '
	l3=$(sed -n 4p out) && l4=$(sed -n 5p out) &&
	test "$(stat -c "%F %t:%T %u:%g" "$l3/awkward/deleteme")" = "character special file 0:0 0:0" &&
	test "$(stat -c "%F %t:%T" "$l3/awkward/deldir")" = "character special file 0:0" &&
	test "$(stat -c "%F %t:%T" "$l4/awkward/never-existed")" = "character special file 0:0" &&
	test_path_is_missing "$l3/awkward/.wh.deleteme" &&
	test_path_is_missing "$l3/awkward/opaque/.wh..wh..opq" &&
	test_path_is_file "$l3/awkward/opaque/new1" &&
	if [ -x "$LISTER" ]; then
		"$LISTER" --tree "$l3/awkward/opaque" >t &&
		test_grep "^\. d .*x:trusted.overlay.opaque=79" t
	fi
'

test_expect_success 'awkward: owners, modes, setuid/setgid/sticky, devices, hardlinks, times' '
	test "$(stat -c "%a %u:%g" "$l3/awkward/perm/setuid")" = "4755 0:0" &&
	test "$(stat -c "%a %u:%g" "$l3/awkward/perm/setgid-dir")" = "2775 0:1000" &&
	test "$(stat -c %a "$l3/awkward/perm/sticky")" = 1777 &&
	test "$(stat -c %a "$l3/awkward/perm/ro-dir")" = 555 &&
	test "$(stat -c %a "$l3/awkward/perm/no-access")" = 0 &&
	test "$(stat -c "%u:%g" "$l3/awkward/owner/odd")" = "123:456" &&
	test "$(stat -c "%F %t,%T %a %u:%g" "$l3/awkward/dev/loop0")" = "block special file 7,0 660 0:6" &&
	test "$(stat -c "%F" "$l3/awkward/dev/fifo")" = "fifo" &&
	test "$(stat -c "%h %i" "$l3/awkward/links/hard1")" = "$(stat -c "%h %i" "$l3/awkward/links/sub/hard3")" &&
	test "$(stat -c %h "$l3/awkward/links/hard1")" = 3 &&
	test "$(stat -c %Y "$l3/awkward/time/y2001")" = 1000000000 &&
	test "$(readlink "$l3/awkward/links/climb")" = ../../../../../../etc/passwd
'

test_expect_success SETCAP 'awkward: security.capability kept (ping keeps cap_net_raw)' '
	getcap "$l3/awkward/caps/busybox-netraw" >caps &&
	test_grep "cap_net_raw[=+]ep" caps
'

test_expect_success '--flatten: whiteouts applied, not materialised' '
	ct-unpack --flatten flat "$awk" >out &&
	printf "%s\n%s\n" "$awk" "$TEST_DIR/flat" >expect &&
	test_cmp expect out &&
	test_path_is_missing flat/awkward/deleteme &&
	test_path_is_missing flat/awkward/deldir &&
	test_path_is_missing flat/awkward/never-existed &&
	test "$(cat flat/awkward/readd)" = "v3, re-added in layer 4" &&
	test "$(cat flat/awkward/modified)" = "v2" &&
	ls flat/awkward/opaque >ls && printf "new1\nnew2\n" >expect && test_cmp expect ls &&
	test "$(stat -c "%a %u:%g" flat/awkward/merged)" = "750 1000:1000" &&
	test -d flat/awkward/file2dir && test -f flat/awkward/dir2file &&
	! find flat -name ".wh.*" | grep . &&
	! find flat -type c -perm 0000 | grep .
'

test_expect_success OVERLAY,MOUNTNS 'the layer dirs mounted with overlayfs show the flattened tree' '
	lower=$(sed 1d out.awk | tac | paste -sd:) &&
	mkdir mnt &&
	if [ -x "$LISTER" ]; then
		list="\"$LISTER\" --tree mnt"
	else
		list="cd mnt && find . -type d -printf \"%p %y %m %U:%G\\n\" | sort &&
			find . ! -type d -printf \"%p %y %m %U:%G %n %l %s\\n\" | sort"
	fi &&
	unshare -m sh -c "mount -t overlay overlay -o ro,lowerdir=$lower mnt && $list" >ovl &&
	if [ -x "$LISTER" ]; then tree flat >flt; else
		(cd flat && find . -type d -printf "%p %y %m %U:%G\n" | sort &&
			find . ! -type d -printf "%p %y %m %U:%G %n %l %s\n" | sort) >flt; fi &&
	test_cmp flt ovl &&
	test "$(wc -l <ovl)" -gt 300
'

test_expect_success '--flatten into a non-empty directory is refused' '
	mkdir full && touch full/x &&
	test_must_fail ct-unpack --flatten full "$awk" 2>err &&
	test_grep "not empty" err
'

test_expect_success UMOCI 'the flattened tree equals umoci unpack of the same image' '
	mkdir -p um &&
	ln -s "$fxa/blobs" um/blobs &&
	cp "$fxa/oci-layout" um/ &&
	jq ".manifests |= [.[0] | .annotations[\"org.opencontainers.image.ref.name\"] = \"t\"]" \
		"$fxa/index.json" >um/index.json &&
	umoci unpack --image um:t um/bundle >umoci.out 2>&1 &&
	tree flat >ours &&
	tree um/bundle/rootfs >theirs &&
	test_cmp theirs ours &&
	test "$(wc -l <ours)" -gt 300
'

# umoci_unpack LAYOUT BUNDLE: umoci unpack of the layout's first image
umoci_unpack() {
	mkdir -p "$2.layout" &&
	ln -s "$1/blobs" "$2.layout/blobs" &&
	cp "$1/oci-layout" "$2.layout/" &&
	jq ".manifests |= [.[0] | .annotations[\"org.opencontainers.image.ref.name\"] = \"t\"]" \
		"$1/index.json" >"$2.layout/index.json" &&
	umoci unpack --image "$2.layout:t" "$2" >"$2.log" 2>&1 || { cat "$2.log"; return 1; }
}

test_expect_success UMOCI 'busybox flattened equals umoci unpack too' '
	ct-unpack --flatten flat-bb "$bb" >/dev/null &&
	umoci_unpack "$fx" um-bb &&
	tree flat-bb >ours && tree um-bb/rootfs >theirs &&
	test_cmp theirs ours &&
	test "$(wc -l <ours)" -gt 250
'

test_expect_success 'awkward with zstd and with uncompressed layers: the same layer dirs and flattened tree as gzip' '
	for c in zstd none; do
		f=$(ct_fixture awkward --compress $c) &&
		R=$TEST_DIR/r-awk-$c && mkdir -p "$R" &&
		d=$(CT_ROOT=$R add_image "$f") &&
		CT_ROOT=$R ct-unpack "$d" >o-$c &&
		sed "1d; s|^$R/|$CT_ROOT/|" o-$c >layers-$c &&
		sed 1d out.awk >layers-gz &&
		test_cmp layers-gz layers-$c &&
		for l in $(sed 1d o-$c); do
			tree "$l" >a && tree "$CT_ROOT/layers/$(basename "$l")" >b &&
			test_cmp b a || return 1
		done &&
		CT_ROOT=$R ct-unpack --flatten flat-$c "$d" >/dev/null &&
		tree flat-$c >a && tree flat >b && test_cmp b a || return 1
	done
'

test_expect_success UMOCI 'umoci unpack of the uncompressed awkward equals ours' '
	umoci_unpack "$(ct_fixture awkward --compress none)" um-none &&
	tree um-none/rootfs >theirs && tree flat-none >ours &&
	test_cmp theirs ours
'

test_expect_success '--tar: one tar of the flattened tree, equal to --flatten' '
	ct-unpack --tar "$awk" >flat.tar &&
	tar -tf flat.tar >names &&
	test_grep "^awkward/opaque/new2$" names &&
	! grep "\.wh\." names &&
	mkdir fromtar &&
	tar -xpf flat.tar --xattrs --xattrs-include="*" --numeric-owner -C fromtar &&
	tree flat >a && tree fromtar >b &&
	test_cmp a b &&
	ls -A "$CT_ROOT/layers" | grep flatten >leftover;
	test ! -s leftover
'

test_expect_success '--tar and --flatten together are a usage error' '
	test_expect_code 2 ct-unpack --tar --flatten x "$awk" </dev/null >/dev/null 2>err &&
	test_grep "do not go together" err
'

test_expect_success 'zstd and uncompressed layers give the same layer dirs as gzip' '
	fz=$(ct_fixture busybox --compress zstd) &&
	fn=$(ct_fixture busybox --compress none) &&
	for f in "$fz" "$fn"; do
		CT_ROOT=$TEST_DIR/r-$(basename "$f") &&
		mkdir -p "$CT_ROOT" &&
		d=$(CT_ROOT=$CT_ROOT add_image "$f") &&
		CT_ROOT=$CT_ROOT ct-unpack "$d" >o &&
		test "$(sed -n 2p o | xargs basename)" = "$(basename "$dir")" &&
		tree "$(sed -n 2p o)" >a && tree "$dir" >b && test_cmp b a || return 1
	done
'

test_expect_success 'Docker media types and an index: the host platform is unpacked' '
	fd=$(ct_fixture busybox --docker --index) &&
	CT_ROOT=$TEST_DIR/r-docker && mkdir -p "$CT_ROOT" &&
	d=$(CT_ROOT=$CT_ROOT add_image "$fd") &&
	CT_ROOT=$CT_ROOT ct-unpack "$d" >o &&
	test "$(sed -n 1p o)" = "$d" &&
	test "$(sed -n 2p o | xargs basename)" = "$(basename "$dir")"
'

test_expect_success 'many layers in parallel, and two unpackers of one image at once' '
	"$CT_SRC/t/lib/mkimage" layers 16 "$TEST_DIR/l16" >/dev/null &&
	fl=$TEST_DIR/l16 &&
	CT_ROOT=$TEST_DIR/r-many && mkdir -p "$CT_ROOT" &&
	d=$(CT_ROOT=$CT_ROOT add_image "$fl") &&
	{ CT_ROOT=$CT_ROOT ct-unpack -j 4 "$d" >o1 2>e1 & } &&
	CT_ROOT=$CT_ROOT ct-unpack -j 4 "$d" >o2 2>e2 &&
	wait $! &&
	test_cmp o1 o2 &&
	test "$(wc -l <o1)" = 18 &&
	test "$(cat "$(tail -n1 o1)/layers/016")" = 016 &&
	ls -A "$CT_ROOT/layers" >ls &&
	test "$(wc -l <ls)" = 17 &&
	! grep "^\." ls
'

# wait_stopped PID: until the process is stopped (state T)
wait_stopped() {
	n=0
	while [ "$(awk "{print \$3}" /proc/$1/stat 2>/dev/null)" != T ]; do
		n=$((n + 1)); [ $n -lt 300 ] || { echo "$1 never stopped"; return 1; }
		sleep 0.1
	done
}

test_expect_success 'a second unpacker of a layer waits for the first, then uses its result' '
	CT_ROOT=$TEST_DIR/r-wait && mkdir -p "$CT_ROOT" &&
	d=$(CT_ROOT=$CT_ROOT add_image "$fx") &&
	{ CT_ROOT=$CT_ROOT CT_TEST_UNPACK_STOP_AFTER=20 ct-unpack "$d" >wa.out 2>wa.err & } &&
	pa=$! &&
	test_cleanup "kill -9 $pa" &&
	wait_stopped $pa &&
	{ CT_ROOT=$CT_ROOT ct-unpack -v "$d" >wb.out 2>wb.err & } &&
	pb=$! &&
	test_cleanup "kill -9 $pb" &&
	sleep 1 &&
	kill -0 $pb &&
	ls -A "$CT_ROOT/layers" >during &&
	test "$(grep -c tmp during)" = 1 &&
	kill -CONT $pa &&
	wait $pa && wait $pb &&
	test_cmp wa.out wb.out &&
	test_grep "waiting" wb.err &&
	test_grep "unpacked meanwhile by another process" wb.err &&
	! grep "unpack sha256" wb.err
'

test_expect_success 'kill -9 in the middle, then unpack again: completes, no half layer' '
	CT_ROOT=$TEST_DIR/r-kill && mkdir -p "$CT_ROOT" &&
	d=$(CT_ROOT=$CT_ROOT add_image "$fx") &&
	{ CT_ROOT=$CT_ROOT CT_TEST_UNPACK_STOP_AFTER=100 ct-unpack "$d" >/dev/null 2>&1 & } &&
	pid=$! &&
	test_cleanup "kill -9 $pid" &&
	wait_stopped $pid &&
	ls -A "$CT_ROOT/layers" >during &&
	test_grep "^\..*\.tmp-$pid$" during &&
	! grep "^[0-9a-f]" during &&
	kill -9 $pid && { wait $pid; true; } &&
	CT_ROOT=$CT_ROOT ct-unpack "$d" >o &&
	test "$(sed -n 2p o | xargs basename)" = "$(basename "$dir")" &&
	ls -A "$CT_ROOT/layers" >after &&
	basename "$dir" >expect &&
	test_cmp expect after &&
	tree "$(sed -n 2p o)" >a && tree "$dir" >b && test_cmp b a
'

test_expect_success 'kill -9 during --tar: a running one is left alone, a dead one swept' '
	CT_ROOT=$TEST_DIR/r-tar && mkdir -p "$CT_ROOT" &&
	d=$(CT_ROOT=$CT_ROOT add_image "$fx") &&
	{ CT_ROOT=$CT_ROOT CT_TEST_UNPACK_STOP_AFTER=50 ct-unpack --tar "$d" >/dev/null 2>&1 & } &&
	pid=$! &&
	test_cleanup "kill -9 $pid" &&
	wait_stopped $pid &&
	ls -A "$CT_ROOT/layers" >during &&
	test "$(grep -c "^\.flatten-" during)" = 1 &&
	CT_ROOT=$CT_ROOT ct-unpack -v --tar "$d" >t1.tar 2>t1.err &&
	! grep "removing .*/\.flatten-" t1.err &&
	ls -A "$CT_ROOT/layers" >after1 &&
	test_cmp during after1 &&
	kill -9 $pid && { wait $pid; true; } &&
	CT_ROOT=$CT_ROOT ct-unpack -v --tar "$d" >t2.tar 2>t2.err &&
	test_grep "removing .*/$(cat during), left by an interrupted" t2.err &&
	ls -A "$CT_ROOT/layers" >after2 &&
	test ! -s after2 &&
	cmp t1.tar t2.tar
'

test_expect_success 'the umask does not leak into layers or flattened trees' '
	CT_ROOT=$TEST_DIR/r-umask && mkdir -p "$CT_ROOT" &&
	d=$(CT_ROOT=$CT_ROOT add_image "$fx") &&
	(umask 077 && CT_ROOT=$CT_ROOT ct-unpack "$d" >o && ct-unpack --flatten f077 "$d" >/dev/null) &&
	test "$(stat -c %a "$(sed -n 2p o)")" = 755 &&
	test "$(stat -c %a f077)" = 755 &&
	tree "$(sed -n 2p o)" >a && tree "$dir" >b && test_cmp b a
'

test_expect_success 'an image not in the store is a clear error' '
	test_expect_code 1 ct-unpack sha256:0000000000000000000000000000000000000000000000000000000000000000 2>err &&
	test_grep "not found" err
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 ct-unpack a b 2>err &&
	test_expect_code 2 ct-unpack --jobs 0 x 2>err &&
	test_expect_code 2 ct-unpack --bogus 2>err
'

test_done
