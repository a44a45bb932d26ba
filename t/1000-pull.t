#!/bin/sh
test_description='ct-pull against real registries: TLS, Basic and token auth, indexes, errors'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/lib/registry.sh"
test_require ROOT REGISTRY SKOPEO UMOCI MKIMAGE JQ

# a listing of every file in the store with its hash: "unchanged" means equal
store_snapshot() {
	(cd "$CT_ROOT" 2>/dev/null && find . -type f ! -name '*.lock' ! -name .lock | sort |
		xargs -r sha256sum) >"$1"
}

test_must_be_empty_() { ! test -s "$1" || { cat "$1"; return 1; }; }

test_expect_success 'set up registries and push images with skopeo' '
	registry_init &&
	registry_start plain && registry_start tls && registry_start basic &&
	registry_start token &&
	bb=$(ct_fixture busybox) &&
	registry_push "$bb" latest bb:1 &&
	registry_push "$(ct_fixture busybox --index)" latest multi:1 --all &&
	registry_push "$(ct_fixture busybox --docker)" - dock:1 &&
	registry_push "$(ct_fixture awkward)" latest awk:1
'

test_expect_success 'pull over TLS: stdout is the manifest digest skopeo sees' '
	ct-pull $REG_tls/bb:1 >out 2>err &&
	registry_digest $REG_plain/bb:1 >expect &&
	test_cmp expect out &&
	test_grep "^Digest: $(cat expect)" err &&
	test_grep "^Status: Downloaded newer image for $REG_tls/bb:1" err
'

test_expect_success 'the store is a layout skopeo and umoci accept' '
	skopeo inspect "oci:$CT_ROOT/images:$REG_tls/bb:1" >inspect.json &&
	jq -r .Digest inspect.json >got &&
	test_cmp expect got &&
	umoci unpack --image "$CT_ROOT/images:$REG_tls/bb:1" bundle >/dev/null &&
	test -x bundle/rootfs/bin/busybox
'

test_expect_success 'every blob in the store hashes to its name' '
	for f in "$CT_ROOT"/images/blobs/sha256/*; do
		test "$(sha256sum <"$f" | cut -d" " -f1)" = "$(basename "$f")" || return 1
	done
'

test_expect_success 'a second pull fetches no blob and says up to date' '
	ct-pull -v $REG_tls/bb:1 >out 2>err &&
	test_cmp expect out &&
	test_grep "Image is up to date" err &&
	! grep "GET .*/blobs/" err
'

test_expect_success 'plain HTTP registry on 127.0.0.1 (no TLS) works, -q is silent' '
	ct-pull -q $REG_plain/awk:1 >out 2>err &&
	registry_digest $REG_plain/awk:1 >expect &&
	test_cmp expect out &&
	test_must_be_empty_ err
'

test_expect_success 'multi-platform index: the host platform, index digest printed' '
	ct-pull $REG_tls/multi:1 >out 2>err &&
	registry_digest $REG_plain/multi:1 >expect &&
	test_cmp expect out &&
	skopeo inspect "oci:$CT_ROOT/images:$REG_tls/multi:1" >i.json &&
	jq -r .Architecture i.json >arch && echo amd64 >want && test_cmp want arch
'

test_expect_success '--platform picks another entry of the index' '
	ct-pull -q --platform linux/arm64/v8 $REG_tls/multi:1 >out &&
	test_cmp expect out &&
	skopeo inspect --override-arch arm64 --override-variant v8 \
		"oci:$CT_ROOT/images:$REG_tls/multi:1" >i.json &&
	jq -r ".Labels[\"ct.test.platform\"]" i.json >got &&
	echo linux/arm64/v8 >want && test_cmp want got
'

test_expect_success 'a platform the index lacks: error lists what it has' '
	test_expect_code 1 ct-pull -q --platform linux/s390x $REG_tls/multi:1 2>err &&
	test_grep "no image for platform linux/s390x" err &&
	test_grep "linux/amd64" err
'

test_expect_success 'Docker schema2 manifest pulls, by tag and by digest' '
	ct-pull -q $REG_tls/dock:1 >out &&
	registry_digest $REG_plain/dock:1 >expect &&
	test_cmp expect out &&
	ct-pull -q "$REG_tls/dock@$(cat expect)" >out2 &&
	test_cmp expect out2
'

test_expect_success 'Basic auth registry without credentials: clear error, store unchanged' '
	store_snapshot before &&
	test_expect_code 1 ct-pull $REG_basic/bb:1 >out 2>err &&
	test_grep "wants a username and password" err &&
	test_grep "ct-pull login $REG_basic" err &&
	test_must_be_empty_ out &&
	store_snapshot after && test_cmp before after
'

test_expect_success 'Basic auth with a wrong password: clear error, store unchanged' '
	REG_PASS=wrong registry_login $REG_basic &&
	test_expect_code 1 ct-pull $REG_basic/bb:1 2>err &&
	test_grep "wrong username or password" err &&
	store_snapshot after && test_cmp before after
'

test_expect_success 'ct-pull login checks and stores credentials (0600), pull then works' '
	rm -f "$DOCKER_CONFIG/config.json" &&
	echo wrong | test_expect_code 1 ct-pull login -u $REG_USER --password-stdin $REG_basic 2>err &&
	test_grep "wrong username or password" err &&
	test_path_is_missing "$DOCKER_CONFIG/config.json" &&
	echo "$REG_PASS" | ct-pull login -u $REG_USER --password-stdin $REG_basic 2>err &&
	test_grep "Login Succeeded" err &&
	test "$(stat -c %a "$DOCKER_CONFIG/config.json")" = 600 &&
	ct-pull -q $REG_basic/bb:1 >out &&
	registry_digest $REG_plain/bb:1 >expect && test_cmp expect out
'

test_expect_success 'token auth: anonymous refused, wrong password refused, right one pulls' '
	rm -f "$DOCKER_CONFIG/config.json" &&
	test_expect_code 1 ct-pull $REG_token/bb:1 2>err &&
	test_grep "wants credentials" err &&
	REG_PASS=nope registry_login $REG_token &&
	test_expect_code 1 ct-pull $REG_token/bb:1 2>err &&
	test_grep "wrong username or password" err &&
	registry_login $REG_token &&
	ct-pull -v $REG_token/awk:1 >out 2>err &&
	test_grep "Bearer token" err &&
	registry_digest $REG_plain/awk:1 >expect && test_cmp expect out
'

test_expect_success 'the token is fetched once per pull, not per request' '
	: >"$REG_DIR/token.log" &&
	rm -rf "$CT_ROOT/images" &&
	ct-pull -q $REG_token/bb:1 >/dev/null &&
	test "$(wc -l <"$REG_DIR/token.log")" = 1
'

test_expect_success 'unknown tag and unknown repository: clear errors, store unchanged' '
	store_snapshot before &&
	test_expect_code 1 ct-pull $REG_tls/bb:nope >out 2>err &&
	test_grep "manifest for $REG_tls/bb:nope not found" err &&
	test_expect_code 1 ct-pull $REG_tls/nosuch/repo:1 2>err &&
	test_grep "not found" err &&
	store_snapshot after && test_cmp before after &&
	test_must_be_empty_ out
'

test_expect_success 'no CA bundle on the machine: a plain registry on 127.0.0.1 still pulls, a TLS one with its ca = file too' '
	SSL_CERT_FILE=$TEST_DIR/no-such-bundle SSL_CERT_DIR=$TEST_DIR/no-such-dir \
		CT_ROOT=$TEST_DIR/nocas ct-pull -q $REG_plain/awk:1 >out &&
	registry_digest $REG_plain/awk:1 >expect &&
	test_cmp expect out &&
	SSL_CERT_FILE=$TEST_DIR/no-such-bundle SSL_CERT_DIR=$TEST_DIR/no-such-dir \
		CT_ROOT=$TEST_DIR/nocas ct-pull -q $REG_tls/bb:1 >out &&
	registry_digest $REG_tls/bb:1 >expect &&
	test_cmp expect out
'

test_expect_success 'TLS registry without its CA configured: certificate error' '
	cp "$CT_CONFIG" ct.conf.save &&
	: >"$CT_CONFIG" &&
	test_expect_code 1 ct-pull $REG_tls/bb:1 2>err;
	s=$?; cp ct.conf.save "$CT_CONFIG";
	test $s = 0 && test_grep "not signed by a trusted CA" err
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 ct-pull &&
	test_expect_code 2 ct-pull "Bad Ref" &&
	test_expect_code 2 ct-pull --parallel 0 x
'
test_done
