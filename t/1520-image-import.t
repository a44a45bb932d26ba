#!/bin/sh
test_description='ct-image import: tarballs (plain, gzip, zstd, stdin) and directories become one-layer images skopeo and umoci accept'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT JQ

S=$CT_ROOT/images
blob() { printf '%s/blobs/sha256/%s' "$S" "${1#sha256:}"; }
cfg_of() { jq -r .config.digest "$(blob "$1")"; }
layer_of() { jq -r '.layers[0].digest' "$(blob "$1")"; }
tree() { (cd "$1" && find . -mindepth 1 -printf '%P %y %m %U:%G %n %l\n' | sort); }

test_expect_success 'set up: a small root file system' '
	mkdir -p rfs/bin rfs/etc rfs/srv/data &&
	printf "#!/bin/sh\necho hi\n" >rfs/bin/hello &&
	chmod 755 rfs/bin/hello &&
	ln rfs/bin/hello rfs/bin/hello2 &&
	ln -s ../etc/greeting rfs/bin/link &&
	echo hello >rfs/etc/greeting &&
	echo secret >rfs/srv/data/secret &&
	chown -R 1000:1000 rfs/srv/data &&
	chmod 600 rfs/srv/data/secret &&
	mkfifo rfs/srv/fifo &&
	tar -C rfs -cf rfs.tar . &&
	gzip -c rfs.tar >rfs.tar.gz &&
	if command -v zstd >/dev/null; then zstd -q rfs.tar -o rfs.tar.zst; fi
'

test_expect_success 'import a directory with changes and a tag; prints the manifest digest' '
	dir=$(ct-image import -c "CMD [\"/bin/hello\"]" -c "ENV A=1 B=\"two words\"" \
		-c "WORKDIR /srv" -c "EXPOSE 80 53/udp" -c "USER 1000" -c "LABEL x=y" \
		-c "ENTRYPOINT [\"/bin/sh\", \"-c\"]" rfs mybase:1) &&
	echo "$dir" | grep -qx "sha256:[0-9a-f]\{64\}" &&
	test_path_is_file "$(blob "$dir")" &&
	jq -e ".manifests[] | select(.annotations[\"org.opencontainers.image.ref.name\"] == \"docker.io/library/mybase:1\") | .digest == \"$dir\"" "$S/index.json"
'

test_expect_success 'the config has the changes, the platform, one diff_id and history' '
	c=$(blob "$(cfg_of "$dir")") &&
	test "$(jq -c .config.Cmd "$c")" = "[\"/bin/hello\"]" &&
	test "$(jq -c .config.Entrypoint "$c")" = "[\"/bin/sh\",\"-c\"]" &&
	test "$(jq -c .config.Env "$c")" = "[\"A=1\",\"B=two words\"]" &&
	test "$(jq -r .config.WorkingDir "$c")" = /srv &&
	test "$(jq -c ".config.ExposedPorts | keys" "$c")" = "[\"53/udp\",\"80/tcp\"]" &&
	test "$(jq -r ".config.User + .config.Labels.x" "$c")" = 1000y &&
	test "$(jq -r ".os + \"/\" + .architecture" "$c")" = linux/amd64 &&
	test "$(jq ".rootfs.diff_ids | length" "$c")" = 1 &&
	jq -e ".history[0].comment == \"Imported from rfs\"" "$c"
'

test_expect_success 'diff_id is the sha256 of the uncompressed layer, digest of the blob' '
	l=$(layer_of "$dir") &&
	test "$(sha256sum <"$(blob "$l")" | cut -d" " -f1)" = "${l#sha256:}" &&
	test "$(zcat "$(blob "$l")" | sha256sum | cut -d" " -f1)" = \
		"$(jq -r ".rootfs.diff_ids[0]" "$(blob "$(cfg_of "$dir")")" | cut -c8-)" &&
	test "$(jq -r ".layers[0].mediaType" "$(blob "$dir")")" = \
		application/vnd.oci.image.layer.v1.tar+gzip
'

test_expect_success SKOPEO 'skopeo inspect reads the imported image' '
	skopeo inspect "oci:$S:docker.io/library/mybase:1" >out &&
	test "$(jq -r .Digest out)" = "$dir" &&
	test "$(jq -c .Env out)" = "[\"A=1\",\"B=two words\"]"
'

test_expect_success UMOCI 'umoci unpack gives back the same tree' '
	umoci unpack --image "$S:docker.io/library/mybase:1" u1 >/dev/null &&
	tree rfs >expect &&
	tree u1/rootfs >actual &&
	test_cmp expect actual &&
	diff -r --no-dereference -x fifo rfs u1/rootfs
'

test_expect_success 'import of a plain, a gzip and a zstd tarball and of stdin: one diff_id' '
	plain=$(ct-image import rfs.tar t:plain) &&
	gz=$(ct-image import rfs.tar.gz t:gz) &&
	in=$(ct-image import - t:stdin <rfs.tar.gz) &&
	d1=$(jq -r ".rootfs.diff_ids[0]" "$(blob "$(cfg_of "$plain")")") &&
	d2=$(jq -r ".rootfs.diff_ids[0]" "$(blob "$(cfg_of "$gz")")") &&
	d3=$(jq -r ".rootfs.diff_ids[0]" "$(blob "$(cfg_of "$in")")") &&
	test "$d1" = "$d2" && test "$d1" = "$d3" &&
	if [ -f rfs.tar.zst ]; then
		zs=$(ct-image import rfs.tar.zst t:zst) &&
		test "$(jq -r ".rootfs.diff_ids[0]" "$(blob "$(cfg_of "$zs")")")" = "$d1"
	fi
'

test_expect_success UMOCI 'umoci unpacks an imported tarball to the source tree' '
	umoci unpack --image "$S:docker.io/library/t:gz" u2 >/dev/null &&
	tree rfs >expect &&
	tree u2/rootfs >actual &&
	test_cmp expect actual
'

test_expect_success 'import without a name makes a dangling image' '
	d=$(ct-image import -c "LABEL dangling=yes" rfs.tar) &&
	jq -e "[.manifests[] | select(.digest == \"$d\")] | length == 1 and (.[0].annotations == null)" "$S/index.json" &&
	ct-image ls >out &&
	test_grep "^<none>  *<none>  *$(cfg_of "$d" | cut -c8-19) " out
'

test_expect_success 'bad input: not a tar, a missing file, a bad change; store unchanged' '
	cp "$S/index.json" index.before &&
	ls "$S/blobs/sha256" >blobs.before &&
	echo "this is not a tar" >bad.tar &&
	test_expect_code 1 ct-image import bad.tar x:1 2>err &&
	test_grep "bad.tar" err &&
	mkdir big && head -c 300000 /dev/urandom >big/random &&
	tar -C big -czf big.tar.gz . &&
	head -c 150000 big.tar.gz >cut.tar.gz &&
	test_expect_code 1 ct-image import cut.tar.gz x:1 2>err &&
	test_grep "cut.tar.gz" err &&
	mkdir esc && echo x >esc/evil &&
	tar -C esc -cf escape.tar --transform "s,^\./evil,../evil," ./evil &&
	test_expect_code 1 ct-image import escape.tar x:1 2>err &&
	test_grep "leads out of the root" err &&
	test_expect_code 1 ct-image import no-such-file x:1 2>err &&
	test_grep "no-such-file: No such file" err &&
	test_expect_code 2 ct-image import -c "RUN rm -rf /" rfs x:1 2>err &&
	test_grep "unsupported instruction RUN" err &&
	test_expect_code 1 ct-image import rfs "x@sha256:$(printf %064d 0)" 2>err &&
	test_cmp index.before "$S/index.json" &&
	ls "$S/blobs/sha256" >blobs.after &&
	test_cmp blobs.before blobs.after &&
	test "$(ls -A "$CT_ROOT/tmp")" = ""
'

test_done
