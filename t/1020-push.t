#!/bin/sh
test_description='ct-push to real registries: uploads, skips, mounts, auth, errors'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/lib/registry.sh"
test_require ROOT REGISTRY SKOPEO MKIMAGE JQ

# Images are pulled from $REG_plain (127.0.0.1:PORT) and pushed to the other
# set-ups (localhost:PORT, other registry names), so no store tag names a
# repository of the destination registry unless a test makes one.

test_expect_success 'set up registries and pull images into the store' '
	registry_init &&
	registry_start plain && registry_start tls && registry_start basic &&
	registry_start token &&
	registry_push "$(ct_fixture busybox)" latest bb:1 &&
	registry_push "$(ct_fixture awkward)" latest awk:1 &&
	registry_push "$(ct_fixture busybox --index)" latest multi:1 --all &&
	registry_push "$(ct_fixture busybox --docker)" - dock:1 &&
	bbd=$(ct-pull -q $REG_plain/bb:1) &&
	dockd=$(ct-pull -q $REG_plain/dock:1) &&
	awkd=$(ct-pull -q $REG_plain/awk:1) &&
	multid=$(ct-pull -q $REG_plain/multi:1)
'

test_expect_success 'push uploads each blob (POST + PUT); skopeo copies it back, same digest' '
	ct-push -v $REG_plain/bb:1 $REG_tls/copy/bb:2 >out 2>err &&
	echo "$bbd" >expect && test_cmp expect out &&
	test_grep "The push refers to repository \[$REG_tls/copy/bb\]" err &&
	test_grep "Pushed" err &&
	test_grep "HEAD https://$REG_tls/v2/copy/bb/blobs/sha256:.* 404" err &&
	test_grep "POST https://$REG_tls/v2/copy/bb/blobs/uploads/ .* 202" err &&
	test_grep "PUT https://$REG_tls/v2/copy/bb/blobs/uploads/.*digest=sha256.* 201" err &&
	test_grep "PUT https://$REG_tls/v2/copy/bb/manifests/2 .* 201" err &&
	! grep PATCH err &&
	test_grep "^2: digest: $bbd size: " err &&
	skopeo copy -q --src-tls-verify=false "docker://$REG_plain/copy/bb:2" "oci:$TEST_DIR/back:x" &&
	skopeo inspect "oci:$TEST_DIR/back:x" | jq -r .Digest >got &&
	test_cmp expect got
'

test_expect_success 'the manifest went up with its own media type' '
	mt=$(jq -r ".manifests[] | select(.digest == \"$bbd\") | .mediaType" "$CT_ROOT/images/index.json" | head -n1) &&
	skopeo inspect --raw --tls-verify=false "docker://$REG_plain/copy/bb:2" | jq -r .mediaType >got &&
	echo "$mt" >want && test_cmp want got
'

test_expect_success 'a Docker schema2 image goes up as one, same digest' '
	ct-push -q $REG_plain/dock:1 $REG_tls/dock2:1 >out &&
	echo "$dockd" >want && test_cmp want out &&
	skopeo inspect --raw --tls-verify=false "docker://$REG_plain/dock2:1" >raw &&
	jq -r .mediaType raw >got &&
	echo application/vnd.docker.distribution.manifest.v2+json >want && test_cmp want got &&
	sha256sum <raw | sed "s/ .*//;s/^/sha256:/" >got && echo "$dockd" >want && test_cmp want got
'

test_expect_success 'pulled back by ct-pull into a fresh store: same digest, blobs intact' '
	CT_ROOT=$TEST_DIR/root2 ct-pull -q $REG_tls/copy/bb:2 >out &&
	test_cmp expect out &&
	for f in "$TEST_DIR"/root2/images/blobs/sha256/*; do
		test "$(sha256sum <"$f" | cut -d" " -f1)" = "$(basename "$f")" || return 1
	done
'

test_expect_success 'a second push sends no blob' '
	ct-push -v $REG_plain/bb:1 $REG_tls/copy/bb:3 >out 2>err &&
	test_cmp expect out &&
	test_grep "Layer already exists" err &&
	! grep "POST" err &&
	! grep "blobs/uploads" err &&
	registry_digest $REG_plain/copy/bb:3 >got && test_cmp expect got
'

test_expect_success 'chunked upload (PATCH) for blobs over upload_chunk' '
	printf "[registry]\nupload_chunk = 300k\n" >>"$CT_CONFIG" &&
	ct-push -v $REG_plain/awk:1 $REG_tls/chunked/awk:1 >out 2>err &&
	sed -i "/^\[registry\]$/,\$d" "$CT_CONFIG" &&
	echo "$awkd" >expect && test_cmp expect out &&
	test_grep "PATCH https://$REG_tls/v2/chunked/awk/blobs/uploads/.* 202" err &&
	skopeo copy -q --src-tls-verify=false "docker://$REG_plain/chunked/awk:1" "oci:$TEST_DIR/back2:x" &&
	skopeo inspect "oci:$TEST_DIR/back2:x" | jq -r .Digest >got &&
	test_cmp expect got
'

test_expect_success 'push by the name the image has in the store (one argument), 5 layers' '
	ct-image tag $REG_plain/awk:1 $REG_tls/five/awk:1 &&
	ct-push -q $REG_tls/five/awk:1 >out &&
	echo "$awkd" >expect && test_cmp expect out &&
	registry_digest $REG_plain/five/awk:1 >got && test_cmp expect got
'

test_expect_success 'an index with one platform in the store: that manifest is pushed' '
	ct-push -q $REG_plain/multi:1 $REG_tls/one/multi:1 >out &&
	skopeo inspect --raw --tls-verify=false "docker://$REG_plain/multi:1" |
		jq -r ".manifests[] | select(.platform.architecture == \"amd64\") | .digest" >expect &&
	test_cmp expect out &&
	registry_digest $REG_plain/one/multi:1 >got && test_cmp expect got
'

test_expect_success 'a whole index in the store is pushed whole' '
	skopeo copy -q --all --src-tls-verify=false "docker://$REG_plain/multi:1" \
		"oci:$CT_ROOT/images:localhost/whole:1" &&
	ct-push -v localhost/whole:1 $REG_tls/whole/multi:1 >out 2>err &&
	echo "$multid" >expect && test_cmp expect out &&
	test_grep "PUT https://$REG_tls/v2/whole/multi/manifests/sha256:" err &&
	registry_digest $REG_plain/whole/multi:1 >got && test_cmp expect got
'

test_expect_success 'cross-repository mount with --from: no blob is uploaded' '
	ct-push -v --from copy/bb $REG_plain/bb:1 $REG_tls/mnt/bb:1 >out 2>err &&
	echo "$bbd" >expect && test_cmp expect out &&
	test_grep "Mounted from copy/bb" err &&
	test_grep "POST https://$REG_tls/v2/mnt/bb/blobs/uploads/?mount=sha256:.*&from=copy%2Fbb .* 201" err &&
	! grep "PUT .*/blobs/uploads" err &&
	registry_digest $REG_plain/mnt/bb:1 >got && test_cmp expect got
'

test_expect_success 'mount from the repository the image was pulled from, without --from' '
	ct-pull -q $REG_tls/copy/bb:2 >/dev/null &&
	ct-push -v $REG_tls/copy/bb:2 $REG_tls/mnt2/bb:1 >out 2>err &&
	test_cmp expect out &&
	test_grep "Mounted from copy/bb" err &&
	! grep "PUT .*/blobs/uploads" err
'

test_expect_success 'a mount the registry cannot do falls back to an upload' '
	CT_ROOT=$TEST_DIR/root2 ct-push -v --from no/such --from bb $REG_tls/copy/bb:2 \
		$REG_plain/mnt3/bb:1 >out 2>err &&
	test_cmp expect out &&
	test_grep "mount=sha256:.*&from=no%2Fsuch .* 202" err &&
	test_grep "DELETE http://$REG_plain/v2/mnt3/bb/blobs/uploads/" err &&
	test_grep "mount=sha256:.*&from=bb .* 201" err &&
	CT_ROOT=$TEST_DIR/root2 ct-push -v --from no/such $REG_tls/copy/bb:2 \
		$REG_plain/mnt4/bb:1 >out 2>err &&
	test_cmp expect out &&
	test_grep "mount=sha256:.*&from=no%2Fsuch .* 202" err &&
	test_grep "Pushed" err &&
	test "$(grep -c "POST .*/blobs/uploads/" err)" = 2 &&
	registry_digest $REG_plain/mnt4/bb:1 >got && test_cmp expect got
'

test_expect_success 'Basic auth registry: refused without login, pushed with it' '
	test_expect_code 1 ct-push -q $REG_plain/bb:1 $REG_basic/p/bb:1 2>err &&
	test_grep "username and password" err &&
	test_grep "ct-pull login $REG_basic" err &&
	registry_login $REG_basic &&
	ct-push -q $REG_plain/bb:1 $REG_basic/p/bb:1 >out &&
	test_cmp expect out &&
	registry_digest $REG_plain/p/bb:1 >got && test_cmp expect got
'

test_expect_success 'Basic auth registry: wrong password is a clear error' '
	printf "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}\n" $REG_basic \
		"$(printf "%s:wrong" "$REG_USER" | base64 -w0)" >"$DOCKER_CONFIG/config.json" &&
	test_expect_code 1 ct-push -q $REG_plain/bb:1 $REG_basic/p/bb:9 2>err &&
	test_grep "login as \"$REG_USER\" refused: wrong username or password" err
'

test_expect_success 'token auth registry: refused without login, pushed with a pull,push token' '
	rm -f "$DOCKER_CONFIG/config.json" &&
	test_expect_code 1 ct-push -q $REG_plain/bb:1 $REG_token/t/bb:1 2>err &&
	test_grep "wants credentials" err &&
	registry_login $REG_token &&
	: >"$REG_DIR/token.log" &&
	ct-push -q $REG_plain/bb:1 $REG_token/t/bb:1 >out &&
	test_cmp expect out &&
	grep "scope=repository%3At%2Fbb%3Apull%2Cpush" "$REG_DIR/token.log" &&
	registry_digest $REG_plain/t/bb:1 >got && test_cmp expect got
'

test_expect_success 'token auth registry: a mount asks for pull on the source repository' '
	: >"$REG_DIR/token.log" &&
	ct-push --from t/bb $REG_plain/bb:1 $REG_token/t2/bb:1 >out 2>err &&
	test_cmp expect out &&
	test_grep "Mounted from t/bb" err &&
	# one token request for both scopes (in the order of the challenge,
	# which the registry varies, actions included)
	grep -E "scope=repository%3At%2Fbb%3Apull( |&)" "$REG_DIR/token.log" >both &&
	test_grep -E "scope=repository%3At2%2Fbb%3A(pull%2Cpush|push%2Cpull)( |&)" both
'

test_expect_success 'token auth registry: wrong password is a clear error' '
	printf "{\"auths\":{\"%s\":{\"auth\":\"%s\"}}}\n" $REG_token \
		"$(printf "%s:wrong" "$REG_USER" | base64 -w0)" >"$DOCKER_CONFIG/config.json" &&
	test_expect_code 1 ct-push -q $REG_plain/bb:1 $REG_token/t/bb:9 2>err &&
	test_grep "login as \"$REG_USER\" refused by .*: wrong username or password" err
'

test_expect_success 'on a terminal: live progress lines (pull and push)' '
	rm -f "$DOCKER_CONFIG/config.json" &&
	CT_ROOT=$TEST_DIR/root3 script -qec "ct-pull $REG_plain/awk:1" /dev/null >tty.out &&
	test_grep "$(printf "\033\\[2K")" tty.out &&
	test_grep "Pull complete" tty.out &&
	CT_ROOT=$TEST_DIR/root3 script -qec "ct-push $REG_plain/awk:1 $REG_tls/tty/awk:1" /dev/null >tty.out &&
	test_grep "$(printf "\033\\[2K")" tty.out &&
	test_grep "Pushed" tty.out &&
	test_grep "1: digest: $awkd" tty.out
'

test_expect_success 'an image not in the store: clear error, nothing sent; usage errors exit 2' '
	test_expect_code 1 ct-push $REG_tls/nothere:1 2>err &&
	test_grep "image \"$REG_tls/nothere:1\" not found" err &&
	test_grep "pull it first" err &&
	test_expect_code 1 ct-push $REG_plain/nothere:1 $REG_tls/x:1 2>err &&
	test_grep "not found" err &&
	test_expect_code 2 ct-push &&
	test_expect_code 2 ct-push a b c &&
	test_expect_code 2 ct-push "Bad:ref"
'
test_done
