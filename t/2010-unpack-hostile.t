#!/bin/sh
test_description='ct-unpack refuses hostile layers: each a clear error naming
the entry, nothing outside the layer directory created or changed, the store
left as it was'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT JQ

command -v perl >/dev/null || skip_all "needs perl (to forge a tar header)"
tar --version 2>/dev/null | grep -q "GNU tar" || skip_all "needs GNU tar"

PWNED=/etc/ct-test-pwned-$$
OUT=$TEST_DIR/outside
test_cleanup "rm -f $PWNED"

# --- a store holding one-layer images made from our tars ---------------------

mkdir -p "$CT_ROOT/images/blobs/sha256" "$CT_ROOT/layers" "$OUT" stage
: >"$CT_ROOT/images/.lock"
echo '{"imageLayoutVersion":"1.0.0"}' >"$CT_ROOT/images/oci-layout"
echo '{"schemaVersion":2,"manifests":[]}' >"$CT_ROOT/images/index.json"
echo original >"$OUT/victim"
mkdir "$OUT/dir" && echo keep >"$OUT/dir/keep"

# put_blob FILE: into the store; prints "sha256:HEX SIZE"
put_blob() {
	h=$(sha256sum "$1" | cut -d" " -f1) &&
	cp "$1" "$CT_ROOT/images/blobs/sha256/$h" &&
	echo "sha256:$h $(stat -c %s "$1")"
}

# image BLOB MEDIATYPE_SUFFIX [DIFF_ID]: a one-layer image, prints its
# manifest digest. The diff-id defaults to the sha256 of the uncompressed
# tar (given as UNCOMPRESSED=file or the blob itself).
image() {
	set -- $(put_blob "$1") "$2" "${3:-}" &&
	ldg=$1 lsz=$2 mt=application/vnd.oci.image.layer.v1.tar$3 &&
	diff=${4:-sha256:$(sha256sum "${UNCOMPRESSED:-$CT_ROOT/images/blobs/sha256/${ldg#sha256:}}" | cut -d" " -f1)} &&
	jq -cn --arg d "$diff" '{architecture:"amd64",os:"linux",config:{},
		rootfs:{type:"layers",diff_ids:[$d]}}' >cfg.json &&
	set -- $(put_blob cfg.json) &&
	jq -cn --arg cd "$1" --argjson cs "$2" --arg ld "$ldg" --argjson ls "$lsz" --arg mt "$mt" \
		'{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",
		  config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$cd,size:$cs},
		  layers:[{mediaType:$mt,digest:$ld,size:$ls}]}' >man.json &&
	set -- $(put_blob man.json) &&
	jq --arg d "$1" --argjson s "$2" '.manifests += [{mediaType:
		"application/vnd.oci.image.manifest.v1+json",digest:$d,size:$s}]' \
		"$CT_ROOT/images/index.json" >idx.tmp &&
	mv idx.tmp "$CT_ROOT/images/index.json" &&
	echo "$1"
}

# everything that must not change: the store, the outside dir, /etc
snapshot() {
	find "$CT_ROOT" "$OUT" -type d -printf '%p %m\n' | sort &&
	find "$CT_ROOT" "$OUT" ! -type d -printf '%p %y %m %s %T@\n' | sort &&
	sha256sum /etc/passwd "$OUT/victim" &&
	ls -A /etc
}

# refused PATTERN DIGEST [OPTIONS]: ct-unpack fails with a message matching
# PATTERN, and nothing changed anywhere; the same with --flatten (whiteouts
# applied: deleting, not creating), which also removes the directory it made
# (refused_stream: without --flatten, for streams broken below the tar
# level, where both modes share every step)
refused() {
	refused_stream "$@" &&
	test_expect_code 1 ct-unpack ${3:-} --flatten "$TEST_DIR/flat" "$2" >out 2>err &&
	sed "s/^/flatten: /" err &&
	test_grep -E "$1" err &&
	test ! -s out &&
	test_path_is_missing "$TEST_DIR/flat" &&
	snapshot >after &&
	test_cmp before after &&
	nothing_outside
}

refused_stream() {
	snapshot >before &&
	test_expect_code 1 ct-unpack ${3:-} "$2" >out 2>err &&
	cat err &&
	test_grep -E "$1" err &&
	test ! -s out &&
	snapshot >after &&
	test_cmp before after &&
	nothing_outside &&
	{ ! ls -A "$CT_ROOT/layers" 2>/dev/null | grep .; }
}

nothing_outside() {
	test_path_is_missing "$PWNED" &&
	test_path_is_missing "$OUT/pwned" &&
	test_path_is_missing "$TEST_DIR/pwned" &&
	test "$(cat "$OUT/victim")" = original &&
	test "$(cat "$OUT/dir/keep")" = keep
}

echo x >stage/x

test_expect_success 'absolute name' '
	tar -cPf abs.tar --transform "s|^x\$|$OUT/pwned|" -C stage x &&
	d=$(image abs.tar "") &&
	refused "entry \"$OUT/pwned\": refused: absolute name" "$d"
'

test_expect_success '../ climb' '
	tar -cPf climb.tar --transform "s|^x\$|a/../../../outside/pwned|" -C stage x &&
	d=$(image climb.tar "") &&
	refused "entry \"a/../../../outside/pwned\": refused: .*\"\\.\\.\"" "$d"
'

test_expect_success 'symlink, then a file written through it' '
	mkdir -p s1 s2/esc && ln -s "$OUT" s1/esc && echo x >s2/esc/pwned &&
	tar -cf through.tar -C s1 esc && tar -rf through.tar -C s2 esc/pwned &&
	d=$(image through.tar "") &&
	refused "entry \"esc/pwned\": refused: \"esc\" is a symlink" "$d"
'

test_expect_success 'symlink to /etc, then a file under it' '
	mkdir -p s3 s4/etc && ln -s /etc s3/etc && echo x >"s4/etc/$(basename $PWNED)" &&
	tar -cf etc.tar -C s3 etc && tar -rf etc.tar -C s4 "etc/$(basename $PWNED)" &&
	d=$(image etc.tar "") &&
	refused "\"etc\" is a symlink: refusing to write through it" "$d"
'

test_expect_success 'hardlink to a host path (absolute and climbing)' '
	mkdir -p s5 && echo x >s5/x && ln s5/x s5/y &&
	tar -cPf hl.tar --transform "s|^x\$|/etc/passwd|" -C s5 x y &&
	tar --delete -Pf hl.tar /etc/passwd &&
	tar -tvPf hl.tar >list && test "$(wc -l <list)" = 1 &&
	test_grep "y link to /etc/passwd" list &&
	d=$(image hl.tar "") &&
	refused "entry \"y\": refused: absolute hardlink target \"/etc/passwd\"" "$d" &&
	tar -cPf hl2.tar --transform "s|^x\$|../outside/victim|" -C s5 x y &&
	tar --delete -Pf hl2.tar ../outside/victim &&
	d=$(image hl2.tar "") &&
	refused "entry \"y\": refused: hardlink target has a \"\\.\\.\" component" "$d"
'

test_expect_success 'nested symlink loops' '
	mkdir -p s6 s7/a/b && ln -s b/c s6/a && ln -s a s6/b && ln -s loop s6/loop &&
	echo x >s7/a/b/pwned &&
	tar -cf loop.tar -C s6 a b loop && tar -rf loop.tar -C s7 a/b/pwned &&
	d=$(image loop.tar "") &&
	refused "entry \"a/b/pwned\": refused: \"a\" is a symlink" "$d"
'

test_expect_success 'a whiteout through a symlink (would delete a host file)' '
	mkdir -p s12 s13/esc && ln -s "$OUT" s12/esc && : >s13/esc/.wh.victim &&
	tar -cf wh.tar -C s12 esc && tar -rf wh.tar -C s13 esc/.wh.victim &&
	d=$(image wh.tar "") &&
	refused "entry \"esc/\.wh\.victim\": refused: \"esc\" is a symlink" "$d"
'

test_expect_success 'an opaque whiteout through a symlink (would empty a host dir)' '
	mkdir -p s14 s15/esc && ln -s "$OUT/dir" s14/esc && : >s15/esc/.wh..wh..opq &&
	tar -cf opq.tar -C s14 esc && tar -rf opq.tar -C s15 esc/.wh..wh..opq &&
	d=$(image opq.tar "") &&
	refused "entry \"esc/\.wh\.\.wh\.\.opq\": refused: \"esc\" is a symlink" "$d"
'

test_expect_success 'a hardlink whose target goes through a symlink' '
	mkdir -p s16 s17/esc && ln -s "$OUT" s16/esc && echo x >s17/esc/victim &&
	ln s17/esc/victim s17/h &&
	tar -cf hlsym.tar -C s16 esc && tar -rf hlsym.tar -C s17 esc/victim h &&
	tar --delete -f hlsym.tar esc/victim &&
	tar -tvf hlsym.tar >list && test_grep "h link to esc/victim" list &&
	d=$(image hlsym.tar "") &&
	refused "entry \"h\": refused: .*\"esc\" is a symlink" "$d"
'

test_expect_success 'a file over a symlink to a host file replaces the link' '
	mkdir -p s18 s19 && ln -s "$OUT/victim" s18/f && echo layer >s19/f &&
	tar -cf over.tar -C s18 f && tar -rf over.tar -C s19 f &&
	d=$(image over.tar "") &&
	snapshot >before &&
	ct-unpack "$d" >out &&
	ct-unpack --flatten "$TEST_DIR/flat-over" "$d" >/dev/null &&
	for f in "$(sed -n 2p out)/f" "$TEST_DIR/flat-over/f"; do
		test ! -L "$f" && test "$(cat "$f")" = layer || return 1
	done &&
	rm -rf "$CT_ROOT/layers/"* "$TEST_DIR/flat-over" &&
	snapshot >after &&
	test_cmp before after &&
	nothing_outside
'

test_expect_success 'a layer whose diff-id does not match' '
	mkdir -p s8 && echo fine >s8/fine &&
	tar -cf ok.tar -C s8 fine && gzip -n -c ok.tar >ok.tar.gz &&
	d=$(UNCOMPRESSED=ok.tar image ok.tar.gz +gzip \
		sha256:0000000000000000000000000000000000000000000000000000000000000001) &&
	refused "diff-id mismatch: the image config says sha256:0+1, the uncompressed layer is sha256:$(sha256sum ok.tar | cut -c1-64)" "$d"
'

test_expect_success 'a truncated gzip stream' '
	mkdir -p s9 && head -c 200000 /bin/busybox >s9/big &&
	tar -cf big.tar -C s9 big && gzip -n -c big.tar | head -c 40000 >trunc.tar.gz &&
	d=$(UNCOMPRESSED=big.tar image trunc.tar.gz +gzip) &&
	refused_stream "runcated|unexpected end|premature" "$d"
'

test_expect_success 'a zstd frame with garbage' '
	{ printf "\050\265\057\375"; head -c 4096 /bin/busybox; } >garbage.tar.zst &&
	d=$(image garbage.tar.zst +zstd) &&
	refused_stream "zstd|decompress" "$d"
'

test_expect_success 'gzip data under a zstd media type' '
	d=$(UNCOMPRESSED=ok.tar image ok.tar.gz +zstd) &&
	refused_stream "not zstd-compressed data" "$d"
'

test_expect_success 'a 10 GB sparse-file bomb' '
	mkdir -p s10 && truncate -s 10G s10/bomb && echo tail >>s10/bomb &&
	tar --sparse -cf sparse.tar -C s10 bomb &&
	rm -f s10/bomb &&
	test "$(stat -c %s sparse.tar)" -lt 100000 &&
	d=$(image sparse.tar "") &&
	refused "entry \"bomb\": refused: sparse file of 10737418245 bytes" "$d"
'

test_expect_success 'a header claiming 10 GB, with the data missing' '
	cp ok.tar huge.tar &&
	perl -e "open F, q(+<), q(huge.tar) or die; read F, \$h, 512;
		substr(\$h, 124, 12) = sprintf(q(%012o), 10737418240);
		substr(\$h, 148, 8) = q(        );
		substr(\$h, 148, 8) = sprintf(qq(%06o\\0 ), unpack(q(%32C*), \$h));
		seek F, 0, 0; print F \$h; close F or die" &&
	tar -tvf huge.tar 2>/dev/null | grep 10737418240 &&
	d=$(image huge.tar "") &&
	refused_stream "runcated" "$d"
'

test_expect_success 'a name longer than PATH_MAX' '
	long=$(printf "%0100d/" $(seq 1 45) | tr 0 a) &&
	tar --format=pax -cf long.tar --transform "s|^x\$|${long}x|" -C stage x &&
	d=$(image long.tar "") &&
	refused "refused: name is [0-9]+ bytes, PATH_MAX is 4096" "$d"
'

test_expect_success 'a device node when devices are not allowed' '
	mkdir -p s11 && mknod s11/null c 1 3 &&
	tar -cf dev.tar -C s11 null &&
	d=$(image dev.tar "") &&
	refused "entry \"null\": refused: character device 1,3: device nodes are not allowed" "$d" --no-devices
'

test_expect_success 'an overlay xattr smuggled in a pax header' '
	tar --format=pax --pax-option="SCHILY.xattr.trusted.overlay.opaque:=y" \
		-cf ovl.tar -C stage x &&
	d=$(image ovl.tar "") &&
	refused "entry \"x\": refused: carries the overlay xattr trusted.overlay.opaque" "$d"
'

test_expect_success 'not a tar at all, and an empty blob' '
	head -c 3000 /bin/busybox >junk.tar &&
	d=$(image junk.tar "") &&
	refused_stream "not a valid layer tar" "$d" &&
	: >empty.tar &&
	d=$(image empty.tar "") &&
	refused_stream "empty stream|not a valid layer tar" "$d"
'

test_expect_success 'a good layer still unpacks in the same store afterwards' '
	d=$(UNCOMPRESSED=ok.tar image ok.tar.gz +gzip) &&
	ct-unpack "$d" >out &&
	test "$(cat "$(sed -n 2p out)/fine")" = fine
'

test_done
