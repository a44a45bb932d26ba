#!/bin/sh
test_description='ct-pull when things break: corruption, cut connections, 429, redirects, bad manifests, concurrency, kill -9'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/lib/registry.sh"
test_require ROOT REGISTRY SKOPEO MKIMAGE JQ

store_snapshot() {
	(cd "$CT_ROOT" 2>/dev/null && find . -type f ! -name '*.lock' ! -name .lock | sort |
		xargs -r sha256sum) >"$1"
}
blobs_ok() {
	for f in "$CT_ROOT"/images/blobs/sha256/*; do
		[ -e "$f" ] || continue
		test "$(sha256sum <"$f" | cut -d" " -f1)" = "$(basename "$f")" ||
			{ echo "bad blob $f"; return 1; }
	done
}
# the digest of the (only) layer of the image behind a registry tag
layer_of() {
	skopeo inspect --raw --tls-verify=false "docker://$1" | jq -r '.layers[0].digest'
}

test_expect_success 'set up a registry, a fault proxy and a 24 MB image' '
	registry_init && registry_start plain && registry_proxy &&
	registry_push "$(ct_fixture busybox)" latest bb:1 &&
	mkdir -p big/data &&
	head -c 24000000 /dev/urandom >big/data/blob &&
	"$CT_SRC/t/lib/mkimage" --compress none rootfs big big.layout >/dev/null &&
	registry_push big.layout latest big:1 &&
	bbd=$(registry_digest $REG_plain/bb:1) &&
	bigd=$(registry_digest $REG_plain/big:1) &&
	bblayer=$(layer_of $REG_plain/bb:1) &&
	biglayer=$(layer_of $REG_plain/big:1)
'

test_expect_success 'a flipped byte: digest mismatch naming the blob, nothing stored, no tag' '
	registry_fault flip &&
	test_expect_code 1 ct-pull -q $REG_proxy/bb:1 >out 2>err &&
	test_grep "blob sha256:[0-9a-f]*: content digest mismatch" err &&
	bad=$(sed -n "s/.*blob sha256:\([0-9a-f]*\): content digest mismatch.*/\1/p" err) &&
	test_path_is_missing "$CT_ROOT/images/blobs/sha256/$bad" &&
	! ls "$CT_ROOT"/images/blobs/sha256/.*.partial 2>/dev/null &&
	! grep -q bb:1 "$CT_ROOT/images/index.json" &&
	! test -s out
'

test_expect_success 'a connection cut mid-blob: the next run resumes with Range' '
	printf "[registry]\nretries = 0\n" >>"$CT_CONFIG" &&
	registry_fault cut 5000000 &&
	test_expect_code 1 ct-pull -q $REG_proxy/big:1 2>err &&
	test_grep "closed the connection" err &&
	ls "$CT_ROOT"/images/blobs/sha256/.${biglayer#sha256:}.partial &&
	registry_fault pass &&
	ct-pull -q -v $REG_proxy/big:1 >out 2>err &&
	echo "$bigd" >expect && test_cmp expect out &&
	grep "blobs/$biglayer .*range=bytes=" "$REG_DIR/proxy/log" &&
	blobs_ok
'

test_expect_success '429 with Retry-After is waited out and retried' '
	sed -i "/^\[registry\]$/,\$d" "$CT_CONFIG" &&
	rm -rf "$CT_ROOT/images" &&
	registry_fault busy 2 &&
	ct-pull -v $REG_proxy/bb:1 >out 2>err &&
	echo "$bbd" >expect && test_cmp expect out &&
	test_grep "429" err && test_grep "Retry-After" err
'

test_expect_success 'a redirect to another host gets no Authorization header' '
	rm -rf "$CT_ROOT/images" &&
	registry_login $REG_proxy &&
	registry_fault redirect &&
	ct-pull -q $REG_proxy/bb:1 >out &&
	test_cmp expect out &&
	grep "^127.0.0.2 GET .*/blobs/" "$REG_DIR/proxy/log" >far &&
	test -s far && ! grep "auth=yes" far &&
	grep "^127.0.0.1 GET .*/blobs/.*auth=yes" "$REG_DIR/proxy/log" &&
	rm -f "$DOCKER_CONFIG/config.json"
'

test_expect_success 'bad manifests: malformed, oversized, schema 1, unknown type; store unchanged' '
	store_snapshot before &&
	printf "{\"schemaVersion\": 2, \"config\": " >bad.json &&
	registry_fault manifest "$TEST_DIR/bad.json" application/vnd.oci.image.manifest.v1+json &&
	test_expect_code 1 ct-pull -q $REG_proxy/bb:1 2>err && cat err &&
	test_grep "manifest for $REG_proxy/bb:1" err &&
	head -c 5000000 /dev/zero | tr "\0" " " >huge.json &&
	registry_fault manifest "$TEST_DIR/huge.json" application/vnd.oci.image.manifest.v1+json &&
	test_expect_code 1 ct-pull -q $REG_proxy/bb:1 2>err && cat err &&
	test_grep "over the limit" err &&
	echo "{\"schemaVersion\": 1, \"name\": \"bb\"}" >s1.json &&
	registry_fault manifest "$TEST_DIR/s1.json" application/vnd.docker.distribution.manifest.v1+prettyjws &&
	test_expect_code 1 ct-pull -q $REG_proxy/bb:1 2>err && cat err &&
	test_grep "schema 1" err &&
	echo "{}" >odd.json &&
	registry_fault manifest "$TEST_DIR/odd.json" application/vnd.example.thing+json &&
	test_expect_code 1 ct-pull -q $REG_proxy/bb:1 2>err && cat err &&
	test_grep "application/vnd.example.thing+json" err &&
	echo "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"layers\":[]}" >nocfg.json &&
	registry_fault manifest "$TEST_DIR/nocfg.json" application/vnd.oci.image.manifest.v1+json &&
	test_expect_code 1 ct-pull -q $REG_proxy/bb:1 2>err && cat err &&
	test_grep "malformed" err &&
	registry_fault pass &&
	store_snapshot after && test_cmp before after
'

test_expect_success 'four pulls of one image at once: all succeed, one copy of each blob' '
	rm -rf "$CT_ROOT/images" &&
	pids= &&
	for i in 1 2 3 4; do
		ct-pull -q $REG_plain/big:1 >par.$i 2>par.err.$i &
		pids="$pids $!"
	done &&
	for p in $pids; do wait $p || return 1; done &&
	for i in 1 2 3 4; do
		echo "$bigd" >expect && test_cmp expect par.$i || { cat par.err.$i; return 1; }
	done &&
	test "$(jq "[.manifests[] | select(.annotations[\"org.opencontainers.image.ref.name\"] == \"$REG_plain/big:1\")] | length" "$CT_ROOT/images/index.json")" = 1 &&
	! ls "$CT_ROOT"/images/blobs/sha256/.*.partial 2>/dev/null &&
	blobs_ok
'

test_expect_success 'kill -9 at random points ten times, then a pull completes' '
	rm -rf "$CT_ROOT/images" &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ct-pull -q $REG_plain/big:1 >/dev/null 2>&1 &
		pid=$! &&
		sleep 0.0$(od -An -N1 -tu1 /dev/urandom | tr -d " ") &&
		kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
	done;
	blobs_ok &&
	ct-pull -q $REG_plain/big:1 >out &&
	echo "$bigd" >expect && test_cmp expect out &&
	blobs_ok &&
	skopeo inspect "oci:$CT_ROOT/images:$REG_plain/big:1" >/dev/null
'
test_expect_success 'a registry that accepts and never answers: [registry] timeout, then a clear error' '
	while :; do
		port=$(( $(od -An -N2 -tu2 /dev/urandom) % 20000 + 30000 ))
		ss -Hltn "sport = :$port" | grep -q . || break
	done &&
	{ sleep 30 | busybox nc -l -p $port >/dev/null 2>&1 & } &&
	test_cleanup "pkill -f \"nc -l -p $port\"" &&
	for i in $(seq 50); do ss -Hltn "sport = :$port" | grep -q . && break; sleep 0.1; done &&
	cp "$CT_CONFIG" ct.conf.save &&
	printf "[registry]\nretries = 0\ntimeout = 1\n" >"$CT_CONFIG" &&
	start=$(date +%s) &&
	test_expect_code 1 ct-pull 127.0.0.1:$port/stuck:1 2>err;
	s=$?; end=$(date +%s); cp ct.conf.save "$CT_CONFIG";
	test $s = 0 && test_grep "timed out" err &&
	test $((end - start)) -lt 15 &&
	printf "[registry]\ntimeout = 0\n" >"$CT_CONFIG" &&
	test_expect_code 1 ct-pull 127.0.0.1:$port/stuck:1 2>err;
	s=$?; cp ct.conf.save "$CT_CONFIG";
	test $s = 0 && test_grep "timeout" err
'
test_done
