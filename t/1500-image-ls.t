#!/bin/sh
test_description='ct-image ls, inspect, history and tag on a store made by mkimage'
. "$(dirname "$0")/lib/test-lib.sh"
test_require MKIMAGE

S=$CT_ROOT/images
mk() { "$CT_SRC/t/lib/mkimage" "$@"; }

test_expect_success 'an empty machine lists only the header' '
	ct-image ls >out &&
	printf "REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n" >expect &&
	test_cmp expect out &&
	ct-image gc >out && ct-image prune >>out &&
	test "$(uniq out)" = "Total reclaimed space: 0B" &&
	test_expect_code 1 ct-image inspect busybox 2>err &&
	test_path_is_missing "$CT_ROOT/images"
'

test_expect_success 'set up: busybox, a web image and a dangling one' '
	bb=$(mk busybox "$S" docker.io/library/busybox:latest) &&
	web=$(mk --cmd "httpd -f" --created 2024-01-02T03:04:05Z --label a=b busybox "$S" \
		localhost:5000/app/web:1.0) &&
	dg=$(mk --cmd "[\"true\"]" --created 2025-06-01T00:00:00Z busybox "$S" tmp) &&
	dg_id=$(jq -r ".config.digest" "$S/blobs/sha256/${dg#sha256:}") &&
	jq ".manifests |= map(if .digest == \"$dg\" then del(.annotations) else . end)" \
		"$S/index.json" >idx && mv idx "$S/index.json" &&
	bb_id=$(jq -r ".config.digest" "$S/blobs/sha256/${bb#sha256:}") &&
	web_id=$(jq -r ".config.digest" "$S/blobs/sha256/${web#sha256:}")
'

test_expect_success 'ls: Docker columns, newest first, dangling as <none>' '
	ct-image ls >out &&
	cat out &&
	sed -n 1p out | grep -q "^REPOSITORY   *TAG   *IMAGE ID   *CREATED   *SIZE$" &&
	sed -n 2p out | grep -q "^<none>  *<none>  *$(echo ${dg_id#sha256:} | cut -c1-12)   .* ago  *[0-9.]*[kM]B$" &&
	sed -n 3p out | grep -q "^localhost:5000/app/web   1.0  *$(echo ${web_id#sha256:} | cut -c1-12)   [0-9] years ago " &&
	sed -n 4p out | grep -q "^busybox  *latest  *$(echo ${bb_id#sha256:} | cut -c1-12)   5[0-9] years ago  *1.0[0-9]MB$" &&
	test $(wc -l <out) = 4
'

test_expect_success 'ls: columns are aligned three spaces past the widest cell' '
	ct-image ls >out &&
	awk "NR==1 { want = index(\$0, \"TAG\") } { if (substr(\$0, want - 3, 3) != \"   \") exit 1 }" out &&
	test "$(sed -n 1p out | awk "{ print index(\$0, \"TAG\") }")" = 26
'

test_expect_success 'ls -q: image ids only; --no-trunc: full ids' '
	ct-image ls -q >out &&
	printf "%s\n" $(echo ${dg_id#sha256:} | cut -c1-12) $(echo ${web_id#sha256:} | cut -c1-12) \
		$(echo ${bb_id#sha256:} | cut -c1-12) >expect &&
	test_cmp expect out &&
	ct-image ls -q --no-trunc >out &&
	printf "%s\n" $dg_id $web_id $bb_id >expect &&
	test_cmp expect out
'

test_expect_success 'ls --digests shows the manifest digest column' '
	ct-image ls --digests >out &&
	sed -n 1p out | grep -q "^REPOSITORY  *TAG  *DIGEST  *IMAGE ID  *CREATED  *SIZE$" &&
	grep -q "^busybox  *latest  *$bb  " out
'

test_expect_success 'ls -f dangling=true|false' '
	ct-image ls -f dangling=true >out &&
	test $(wc -l <out) = 2 && sed -n 2p out | grep -q "^<none>  *<none> " &&
	ct-image ls --filter dangling=false >out &&
	test $(wc -l <out) = 3 && ! grep -q "<none>" out &&
	test_expect_code 2 ct-image ls -f label=x 2>err &&
	test_grep "dangling=true|false" err
'

test_expect_success 'VERB --help prints the synopsis and exits 0' '
	ct-image ls --help >out &&
	test_grep "^usage: ct-image ls " out &&
	ct-image rm -h >out &&
	test_grep "^usage: ct-image rm \[-f\] IMAGE" out
'

test_expect_success 'ls REPO filters by repository, REPO:TAG by tag too' '
	ct-image ls busybox >out &&
	test $(wc -l <out) = 2 && grep -q "^busybox " out &&
	ct-image ls localhost:5000/app/web:2.0 >out &&
	test $(wc -l <out) = 1
'

test_expect_success 'inspect: Docker-shaped JSON array' '
	ct-image inspect busybox >out &&
	jq -e "length == 1" out &&
	test "$(jq -r ".[0].Id" out)" = "$bb_id" &&
	test "$(jq -c ".[0].RepoTags" out)" = "[\"busybox:latest\"]" &&
	test "$(jq -c ".[0].RepoDigests" out)" = "[\"busybox@$bb\"]" &&
	test "$(jq -r ".[0] | [.Os, .Architecture, .Created] | join(\" \")" out)" = \
		"linux amd64 1970-01-01T00:00:00Z" &&
	test "$(jq -c ".[0].RootFS" out)" = \
		"$(jq -c "{Type: \"layers\", Layers: .rootfs.diff_ids}" "$S/blobs/sha256/${bb_id#sha256:}")" &&
	test "$(jq -c ".[0].Config.Cmd" out)" = "[\"sh\"]" &&
	jq -e ".[0].Size > 1000000" out
'

test_expect_success 'inspect by short id and by digest gives the same document' '
	ct-image inspect busybox >a &&
	ct-image inspect "$(echo ${bb_id#sha256:} | cut -c1-8)" >b &&
	ct-image inspect "$bb" >c &&
	test_cmp a b && test_cmp a c
'

test_expect_success 'inspect of a missing image: error, exit 1, found ones still printed' '
	test_expect_code 1 ct-image inspect busybox no-such-image >out 2>err &&
	test_grep "no-such-image" err &&
	jq -e "length == 1" out
'

test_expect_success 'tag: a second name for the same image' '
	ct-image tag busybox myrepo/bb:v2 &&
	jq -e ".manifests[] | select(.annotations[\"org.opencontainers.image.ref.name\"] == \"docker.io/myrepo/bb:v2\") | .digest == \"$bb\"" "$S/index.json" &&
	ct-image inspect myrepo/bb:v2 >out &&
	test "$(jq -c ".[0].RepoTags" out)" = "[\"busybox:latest\",\"myrepo/bb:v2\"]" &&
	ct-image ls myrepo/bb >out &&
	grep -q "^myrepo/bb  *v2  *$(echo ${bb_id#sha256:} | cut -c1-12) " out
'

test_expect_success 'tag: moving a tag repoints it' '
	ct-image tag localhost:5000/app/web:1.0 myrepo/bb:v2 &&
	ct-image inspect myrepo/bb:v2 | jq -e ".[0].Id == \"$web_id\""
'

test_expect_success 'tag: bad source and bad target are clear errors' '
	test_expect_code 1 ct-image tag nothing-here x:1 2>err &&
	test_grep "not found" err &&
	test_must_fail ct-image tag busybox "Bad:Name" 2>err &&
	test_grep "invalid reference" err &&
	test_must_fail ct-image tag busybox "x@sha256:$(printf %064d 0)" 2>err &&
	test_grep "digest" err
'

test_expect_success 'history: one row per history entry, newest first' '
	ct-image history busybox >out &&
	sed -n 1p out | grep -q "^IMAGE  *CREATED  *CREATED BY  *SIZE  *COMMENT$" &&
	test $(wc -l <out) = $(( $(jq ".history | length" "$S/blobs/sha256/${bb_id#sha256:}") + 1 )) &&
	sed -n 2p out | grep -q "^$(echo ${bb_id#sha256:} | cut -c1-12)  .*…" &&
	ct-image history --no-trunc busybox >out &&
	grep -q "$bb_id" out &&
	ct-image history -q busybox >out &&
	test "$(sed -n 1p out)" = "$(echo ${bb_id#sha256:} | cut -c1-12)"
'

test_expect_success 'skopeo still reads the store after ct-image tag' '
	skopeo inspect "oci:$S:docker.io/myrepo/bb:v2" >out &&
	test "$(jq -r .Digest out)" = "$web"
'

test_expect_success 'a multi-platform image: the host platform by default, --platform picks' '
	ix=$(mk --index busybox "$S" docker.io/library/multi:1) &&
	amd=$(jq -r ".manifests[1].digest" "$S/blobs/sha256/${ix#sha256:}") &&
	amd_id=$(jq -r ".config.digest" "$S/blobs/sha256/${amd#sha256:}") &&
	ct-image ls multi >out &&
	grep -q "^multi  *1  *$(echo ${amd_id#sha256:} | cut -c1-12) " out &&
	ct-image inspect multi:1 >out &&
	test "$(jq -r ".[0] | .Id + \" \" + .Architecture + \" \" + .Descriptor.digest" out)" = \
		"$amd_id amd64 $ix" &&
	ct-image inspect --platform linux/arm64/v8 multi:1 >out &&
	test "$(jq -r ".[0] | .Architecture + \"/\" + .Variant" out)" = arm64/v8 &&
	test_expect_code 1 ct-image inspect --platform linux/s390x multi:1 2>err &&
	test_grep "s390x" err
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 ct-image &&
	test_expect_code 2 ct-image frobnicate &&
	test_expect_code 2 ct-image tag onlyone &&
	test_expect_code 2 ct-image ls --bogus
'

test_done
