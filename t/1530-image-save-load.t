#!/bin/sh
test_description='ct-image save and load: docker save format and OCI archives, both ways, with skopeo and umoci as the other side'
. "$(dirname "$0")/lib/test-lib.sh"
test_require MKIMAGE

S=$CT_ROOT/images
R2=$TEST_DIR/root2
mk() { "$CT_SRC/t/lib/mkimage" "$@"; }
blob() { printf '%s/blobs/sha256/%s' "$S" "${1#sha256:}"; }
cfg_of() { jq -r .config.digest "$(blob "$1")"; }
# the state of a store, to show a failed load changed nothing
snapshot() {
	{ cat "$1/images/index.json"; ls -A "$1/images/blobs/sha256"; ls -A "$1/tmp" 2>/dev/null; } >"$2"
}

test_expect_success 'set up: busybox, a two-layer image sharing its layer, an imported tree' '
	bb=$(mk busybox "$S" docker.io/library/busybox:latest) &&
	bb_id=$(cfg_of "$bb") &&
	aw=$(mk layers 1 "$S" localhost:5000/deep/img:v1) &&
	aw_id=$(cfg_of "$aw") &&
	mkdir -p rfs/bin && echo hi >rfs/bin/hi && ln rfs/bin/hi rfs/bin/hi2 &&
	im=$(ct-image import -c "CMD [\"/bin/hi\"]" rfs mine:1) &&
	im_id=$(cfg_of "$im")
'

test_expect_success 'save (docker format): manifest.json, repositories, configs, layer tars' '
	ct-image save -o all.tar busybox localhost:5000/deep/img:v1 mine:1 &&
	tar -tf all.tar >list &&
	test_grep -qx manifest.json list &&
	test_grep -qx repositories list &&
	test_grep -qx "${bb_id#sha256:}.json" list &&
	tar -xOf all.tar manifest.json >manifest.json &&
	test "$(jq -c "[.[].RepoTags]" manifest.json)" = \
		"[[\"busybox:latest\"],[\"localhost:5000/deep/img:v1\"],[\"mine:1\"]]" &&
	test "$(jq length manifest.json)" = 3 &&
	test "$(jq -r ".[1].Layers | length" manifest.json)" = 2 &&
	tar -xOf all.tar repositories | jq -e ".busybox.latest and .[\"localhost:5000/deep/img\"].v1"
'

test_expect_success 'save: layer tars are uncompressed and hash to the diff_ids' '
	mkdir x && tar -C x -xf all.tar &&
	for l in $(jq -r ".[1].Layers[]" manifest.json); do
		test "$(sha256sum <"x/$l" | cut -d" " -f1)" = "${l%%/*}" || return 1
	done &&
	test "$(jq -r ".[1].Layers | map(\"sha256:\" + split(\"/\")[0]) | join(\" \")" manifest.json)" = \
		"$(jq -r ".rootfs.diff_ids | join(\" \")" "x/$(jq -r ".[1].Config" manifest.json)")"
'

test_expect_success 'save: a shared layer is written once, and the output is reproducible' '
	test "$(grep -c "/layer.tar$" list)" = "$(sort -u list | grep -c "/layer.tar$")" &&
	ct-image save busybox localhost:5000/deep/img:v1 mine:1 >again.tar &&
	cmp all.tar again.tar
'

test_expect_success SKOPEO 'skopeo reads the docker archive ct-image save wrote' '
	skopeo inspect docker-archive:all.tar:busybox:latest >out &&
	test "$(jq -c .Layers out)" = "$(jq -c .rootfs.diff_ids "$(blob "$bb_id")")" &&
	skopeo copy -q docker-archive:all.tar:localhost:5000/deep/img:v1 oci:sk:img >/dev/null &&
	skopeo inspect --config oci:sk:img | jq -e ".rootfs.diff_ids | length == 2"
'

test_expect_success 'load into a fresh store: same image ids, tags back' '
	CT_ROOT=$R2 ct-image load -i all.tar >digests 2>err &&
	test_grep "Loaded image: busybox:latest" err &&
	test_grep "Loaded image: localhost:5000/deep/img:v1" err &&
	test $(wc -l <digests) = 3 &&
	test "$(CT_ROOT=$R2 ct-image inspect busybox | jq -r ".[0].Id")" = "$bb_id" &&
	test "$(CT_ROOT=$R2 ct-image inspect localhost:5000/deep/img:v1 | jq -r ".[0].Id")" = "$aw_id" &&
	test "$(CT_ROOT=$R2 ct-image inspect mine:1 | jq -r ".[0].Id")" = "$im_id" &&
	test "$(ls -A "$R2/tmp")" = ""
'

test_expect_success SKOPEO 'skopeo inspects what load wrote' '
	skopeo inspect "oci:$R2/images:docker.io/library/mine:1" >out &&
	test "$(jq -r ".Layers[0]" out)" = "$(jq -r ".rootfs.diff_ids[0]" "$(blob "$im_id")")"
'

test_expect_success UMOCI 'umoci unpacks what load wrote' '
	umoci unpack --image "$R2/images:localhost:5000/deep/img:v1" u1 >/dev/null &&
	test_path_is_file u1/rootfs/layers/001 &&
	umoci unpack --image "$R2/images:docker.io/library/mine:1" u2 >/dev/null &&
	test "$(stat -c %i u2/rootfs/bin/hi)" = "$(stat -c %i u2/rootfs/bin/hi2)"
'

test_expect_success 'save --format oci: a tar of an OCI layout; load gives the same manifest' '
	ct-image save --format oci -o bb-oci.tar busybox &&
	tar -tf bb-oci.tar >list &&
	test_grep -qx oci-layout list &&
	test_grep -qx index.json list &&
	test_grep -qx "blobs/sha256/${bb#sha256:}" list &&
	rm -rf "$R2" &&
	test "$(CT_ROOT=$R2 ct-image load -q <bb-oci.tar)" = "$bb" &&
	test "$(CT_ROOT=$R2 ct-image inspect busybox | jq -r ".[0].Id")" = "$bb_id"
'

test_expect_success SKOPEO 'skopeo reads the OCI archive' '
	skopeo inspect oci-archive:bb-oci.tar:docker.io/library/busybox:latest | jq -e ".Digest == \"$bb\""
'

test_expect_success SKOPEO 'load reads archives skopeo wrote (docker-archive, oci-archive), gzip too' '
	rm -rf "$R2" &&
	skopeo copy -q "oci:$S:localhost:5000/deep/img:v1" docker-archive:sk-docker.tar:sk/img:2 &&
	CT_ROOT=$R2 ct-image load -q -i sk-docker.tar >out &&
	test "$(CT_ROOT=$R2 ct-image inspect sk/img:2 | jq -r ".[0].Id")" = "$aw_id" &&
	skopeo copy -q "oci:$S:docker.io/library/busybox:latest" oci-archive:sk-oci.tar:docker.io/library/bb:3 &&
	gzip -c sk-oci.tar >sk-oci.tar.gz &&
	CT_ROOT=$R2 ct-image load -q -i sk-oci.tar.gz >out &&
	test "$(CT_ROOT=$R2 ct-image inspect bb:3 | jq -r ".[0].Id")" = "$bb_id"
'

test_expect_success 'a multi-platform image: OCI archive keeps the index, docker format the host' '
	ix=$(mk --index busybox "$S" docker.io/library/multi:1) &&
	ct-image save --format oci -o multi-oci.tar multi:1 &&
	ct-image save -o multi-docker.tar multi:1 &&
	rm -rf "$R2" &&
	test "$(CT_ROOT=$R2 ct-image load -q -i multi-oci.tar)" = "$ix" &&
	CT_ROOT=$R2 ct-image inspect --platform linux/arm64/v8 multi:1 | jq -e ".[0].Architecture == \"arm64\"" &&
	rm -rf "$R2" &&
	CT_ROOT=$R2 ct-image load -q -i multi-docker.tar >/dev/null &&
	test "$(CT_ROOT=$R2 ct-image inspect multi:1 | jq -r ".[0].Id")" = "$bb_id"
'

test_expect_success 'bad archives: a clear error, exit 1, the store unchanged' '
	rm -rf "$R2" && CT_ROOT=$R2 ct-image load -q -i all.tar >/dev/null &&
	snapshot "$R2" before &&
	echo "not a tar at all" >junk &&
	test_expect_code 1 env CT_ROOT=$R2 ct-image load -i junk 2>err &&
	test_grep "junk: not a" err &&
	mkdir empty-ish && echo x >empty-ish/readme && tar -C empty-ish -cf nomanifest.tar . &&
	test_expect_code 1 env CT_ROOT=$R2 ct-image load -i nomanifest.tar 2>err &&
	test_grep "neither manifest.json" err &&
	snapshot "$R2" after && test_cmp before after
'

test_expect_success 'a layer that does not match its diff_id is refused' '
	rm -rf y && mkdir y && tar -C y -xf all.tar &&
	l=$(jq -r ".[2].Layers[0]" manifest.json) &&
	echo tampered >>"y/$l" &&
	tar -C y -cf tampered.tar . &&
	test_expect_code 1 env CT_ROOT=$R2 ct-image load -i tampered.tar 2>err &&
	test_grep "layer .*layer.tar: content is sha256:.*config says" err &&
	snapshot "$R2" after && test_cmp before after
'

test_expect_success 'a config whose content does not match its name is refused' '
	rm -rf y && mkdir y && tar -C y -xf all.tar &&
	c=$(jq -r ".[0].Config" manifest.json) &&
	jq -c ".author = \"mallory\"" "y/$c" >y/c.new && mv y/c.new "y/$c" &&
	tar -C y -cf badcfg.tar . &&
	test_expect_code 1 env CT_ROOT=$R2 ct-image load -i badcfg.tar 2>err &&
	test_grep "content digest mismatch" err &&
	snapshot "$R2" after && test_cmp before after
'

test_expect_success 'a missing layer and a wrong OCI blob are refused' '
	rm -rf y && mkdir y && tar -C y -xf all.tar &&
	rm "y/$(jq -r ".[2].Layers[0]" manifest.json)" &&
	tar -C y -cf missing.tar . &&
	test_expect_code 1 env CT_ROOT=$R2 ct-image load -i missing.tar 2>err &&
	test_grep "missing from the archive" err &&
	rm -rf y && mkdir y && tar -C y -xf bb-oci.tar &&
	cfgblob=y/blobs/sha256/${bb_id#sha256:} &&
	jq -c ".author = \"mallory\"" "$cfgblob" >y/c.new && mv y/c.new "$cfgblob" &&
	tar -C y -cf badoci.tar . &&
	test_expect_code 1 env CT_ROOT=$R2 ct-image load -i badoci.tar 2>err &&
	test_grep "content digest mismatch" err &&
	snapshot "$R2" after && test_cmp before after
'

test_expect_success 'an entry escaping the archive directory is refused' '
	rm -rf z && mkdir -p z/sub && echo x >z/evil &&
	tar -C z -cf escape.tar --transform "s,^\./evil,../evil," ./evil ./sub &&
	tar -tf escape.tar | grep -q "^\.\./evil" &&
	test_expect_code 1 env CT_ROOT=$R2 ct-image load -i escape.tar 2>err &&
	test_grep "unsafe entry name" err &&
	test_path_is_missing "$R2/tmp/evil" &&
	snapshot "$R2" after && test_cmp before after
'

test_expect_success 'save of an unknown image fails and leaves no file' '
	test_expect_code 1 ct-image save -o none.tar busybox no-such:image 2>err &&
	test_grep "no-such:image" err &&
	test_path_is_missing none.tar &&
	test_expect_code 2 ct-image save --format zip busybox
'

test_done
