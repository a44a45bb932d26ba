#!/bin/sh
test_description='ct volume create, ls, inspect, rm, prune; in use by a container; rm -v'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX JQ

test_must_be_empty_() { ! [ -s "$1" ] || { cat "$1"; return 1; }; }

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'setup: a busybox image' '
	mkdir -p rootfs/bin rootfs/etc &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh echo cat ls true; do ln -s busybox rootfs/bin/$a || return 1; done &&
	echo "root:x:0:0:root:/root:/bin/sh" >rootfs/etc/passwd &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'create prints the name; the data lives in volumes/NAME/_data' '
	ct volume create data1 >out &&
	test "$(cat out)" = data1 &&
	test_path_is_dir "$CT_ROOT/volumes/data1/_data" &&
	ct volume create data1 >out &&
	test "$(cat out)" = data1
'

test_expect_success 'create with no name makes a 64-hex one' '
	ct volume create >out &&
	grep -q "^[0-9a-f]\{64\}$" out &&
	test_path_is_dir "$CT_ROOT/volumes/$(cat out)/_data" &&
	ct volume rm "$(cat out)" >/dev/null
'

test_expect_success 'names follow Docker'"'"'s rule' '
	test_expect_code 1 ct volume create a 2>err &&
	test_grep "too short" err &&
	test_expect_code 1 ct volume create -- "-x" 2>err &&
	test_expect_code 1 ct volume create "a/b" 2>err &&
	test_grep "includes invalid characters for a local volume name" err &&
	test_expect_code 1 ct volume create ".hidden" 2>err &&
	ct volume create "My_vol.2-x" >/dev/null
'

test_expect_success 'ls: Docker'"'"'s columns, -q, and --filter name=' '
	ct volume ls >out &&
	head -n1 out >head && echo "DRIVER    VOLUME NAME" >expect && test_cmp expect head &&
	grep -q "^local     data1$" out &&
	ct volume ls -q >out &&
	printf "My_vol.2-x\ndata1\n" >expect && test_cmp expect out &&
	ct volume ls -q --filter name=ata >out &&
	echo data1 >expect && test_cmp expect out &&
	ct volume ls -q -f name=nothing >out && test_must_be_empty_ out
'

test_expect_success 'labels: --label, shown by inspect, --filter label=' '
	ct volume create --label team=web --label "note=a;b #c" lab1 >/dev/null &&
	ct volume ls -q --filter label=team=web >out &&
	echo lab1 >expect && test_cmp expect out &&
	ct volume ls -q --filter label=team >out && test_cmp expect out &&
	ct volume ls -q --filter label=team=db >out && test_must_be_empty_ out &&
	ct volume inspect -f "{{.Labels}}" lab1 >out &&
	grep -q "\"note\":\"a;b #c\"" out &&
	grep -q "\"team\":\"web\"" out
'

test_expect_success 'inspect: Docker-shaped JSON; -f picks fields; a missing one fails' '
	ct volume inspect data1 >out &&
	jq -e ".[0].Name == \"data1\" and .[0].Driver == \"local\" and .[0].Scope == \"local\"
		and .[0].Mountpoint == \"$CT_ROOT/volumes/data1/_data\" and .[0].Labels == null
		and (.[0].CreatedAt | test(\"^20[0-9-]+T[0-9:]+Z$\"))" out >/dev/null &&
	ct volume inspect -f "{{.Name}} {{.Mountpoint}}" data1 >out &&
	echo "data1 $CT_ROOT/volumes/data1/_data" >expect && test_cmp expect out &&
	test_expect_code 1 ct volume inspect nosuch 2>err &&
	test_grep "no such volume: nosuch" err
'

test_expect_success 'rm removes; a missing one fails unless -f' '
	ct volume create gone >/dev/null &&
	echo x >"$CT_ROOT/volumes/gone/_data/file" &&
	ct volume rm gone >out && test "$(cat out)" = gone &&
	test_path_is_missing "$CT_ROOT/volumes/gone" &&
	test_expect_code 1 ct volume rm gone 2>err &&
	test_grep "no such volume: gone" err &&
	ct volume rm -f gone
'

test_expect_success 'a container (even not running) holds its volumes: rm refused, naming it' '
	ct create --network none --name holder -v data1:/data busybox true >/dev/null &&
	test_expect_code 1 ct volume rm data1 2>err &&
	test_grep "remove data1: volume is in use - \[[0-9a-f]\{64\}\]" err &&
	test_grep "holder" err &&
	test_path_is_dir "$CT_ROOT/volumes/data1/_data" &&
	ct volume ls -q --filter dangling=true >out &&
	! grep -qx data1 out && grep -qx lab1 out &&
	ct volume ls -q --filter dangling=false >out &&
	echo data1 >expect && test_cmp expect out
'

test_expect_success 'the bind in config.json holds the volume too, should ct.ini lose its line' '
	ini=$(grep -l "^name = holder$" "$CT_ROOT"/containers/*/ct.ini) &&
	sed "/^volume = /d" "$ini" >ini.new && cp "$ini" ini.saved && cp ini.new "$ini" &&
	test_expect_code 1 ct volume rm data1 2>err &&
	test_grep "volume is in use" err &&
	ct volume ls -q --filter dangling=false >out &&
	cp ini.saved "$ini" &&
	echo data1 >expect && test_cmp expect out
'

test_expect_success 'a named volume is created on first use' '
	ct create --network none --name user2 -v fresh:/data busybox true >/dev/null &&
	ct volume ls -q >out && grep -qx fresh out
'

test_expect_success 'rm keeps volumes; rm -v removes the anonymous ones only' '
	ct create --network none --name anon1 -v /a -v data1:/b busybox true >/dev/null &&
	anon=$(sed -n "s/^volume = \([0-9a-f]\{64\}\):\/a$/\1/p" "$CT_ROOT"/containers/*/ct.ini) &&
	test -n "$anon" &&
	ct volume inspect -f "{{json .Labels}}" "$anon" >out &&
	grep -q "com.docker.volume.anonymous" out &&
	ct rm -v anon1 >/dev/null &&
	test_path_is_missing "$CT_ROOT/volumes/$anon" &&
	test_path_is_dir "$CT_ROOT/volumes/data1/_data" &&
	ct create --network none --name anon2 -v /a busybox true >/dev/null &&
	anon=$(sed -n "s/^volume = \([0-9a-f]\{64\}\):\/a$/\1/p" "$CT_ROOT"/containers/*/ct.ini) &&
	ct rm anon2 >/dev/null &&
	test_path_is_dir "$CT_ROOT/volumes/$anon/_data"
'

test_expect_success 'prune removes unused anonymous volumes; -a every unused one' '
	echo 12345 >"$CT_ROOT/volumes/$anon/_data/f" &&
	ct volume prune -f >out &&
	grep -qx "$anon" out && grep -q "^Deleted Volumes:$" out &&
	grep -q "^Total reclaimed space: 6B$" out &&
	test_path_is_missing "$CT_ROOT/volumes/$anon" &&
	test_path_is_dir "$CT_ROOT/volumes/lab1" &&
	ct volume prune -a -f >out &&
	grep -qx lab1 out && ! grep -qx data1 out && ! grep -qx fresh out &&
	ct volume ls -q >out &&
	printf "data1\nfresh\n" >expect && test_cmp expect out
'

test_expect_success 'prune asks first; no answer keeps everything' '
	ct volume create keepme >/dev/null &&
	ct volume prune -a </dev/null >out 2>err &&
	test_grep "Are you sure you want to continue" err &&
	test_path_is_dir "$CT_ROOT/volumes/keepme" &&
	echo y | ct volume prune -a >out 2>/dev/null &&
	test_path_is_missing "$CT_ROOT/volumes/keepme"
'

test_expect_success 'once its containers are gone, volume rm works' '
	ct rm holder user2 >/dev/null &&
	ct volume rm data1 fresh >out &&
	printf "data1\nfresh\n" >expect && test_cmp expect out
'

test_done
