#!/bin/sh
test_description='ct-image in the pipeline: import | ct-unpack, and rm/gc of what ct-unpack made'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT JQ
command -v ct-unpack >/dev/null || skip_all "ct-unpack is not built"

test_expect_success 'set up: a root file system' '
	mkdir -p rfs/bin rfs/etc &&
	echo hello >rfs/etc/greeting &&
	printf "#!/bin/sh\necho hi\n" >rfs/bin/hi && chmod 755 rfs/bin/hi
'

test_expect_success 'import prints the manifest digest ct-unpack takes' '
	ct-image import -c "CMD [\"/bin/hi\"]" rfs base:1 >digest &&
	ct-unpack <digest >out &&
	test "$(sed -n 1p out)" = "$(cat digest)" &&
	layer=$(sed -n 2p out) &&
	test "$(cat "$layer/etc/greeting")" = hello &&
	diff_id=$(ct-image inspect base:1 | jq -r ".[0].RootFS.Layers[0]") &&
	test "$layer" = "$CT_ROOT/layers/${diff_id#sha256:}"
'

test_expect_success 'gc keeps the unpacked layer of a tagged image' '
	ct-image gc --grace 0 >/dev/null &&
	test_path_is_dir "$layer"
'

test_expect_success 'load of a saved image unpacks to the same layer' '
	ct-image save base:1 >base.tar &&
	ct-image rm base:1 >/dev/null &&
	test_path_is_missing "$layer" &&
	ct-image load -q -i base.tar >digest2 &&
	ct-unpack <digest2 >out2 &&
	test "$(sed -n 2p out2)" = "$layer" &&
	test "$(cat "$layer/etc/greeting")" = hello
'

test_expect_success 'rm -f of an image a container uses keeps its layer through gc' '
	id=$(printf %064d 5) &&
	mkdir -p "$CT_ROOT/containers/$id" &&
	printf "[container]\nid = %s\nname = web\nimage = %s\n" "$id" "$(cat digest2)" \
		>"$CT_ROOT/containers/$id/ct.ini" &&
	test_expect_code 1 ct-image rm base:1 2>err &&
	test_grep "container $(echo $id | cut -c1-12) is using" err &&
	ct-image rm -f base:1 >/dev/null &&
	ct-image gc --grace 0 >/dev/null &&
	test_path_is_dir "$layer" &&
	rm -r "$CT_ROOT/containers/$id" &&
	ct-image gc --grace 0 >/dev/null &&
	test_path_is_missing "$layer"
'

test_done
