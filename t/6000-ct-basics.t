#!/bin/sh
test_description='ct front end: images, create, ps, rm, flag parsing, errors'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX JQ

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'ct version and --help' '
	ct version >out && grep -q "^ct version [0-9]" out &&
	ct --help >out && grep -q "^Containers:" out &&
	test $(wc -l <out) -le 40
'

test_expect_success 'an unknown verb or flag exits 125 and says so' '
	test_expect_code 125 ct frobnicate 2>err &&
	grep -q "frobnicate.*not a ct command" err &&
	test_expect_code 125 ct run --no-such-flag busybox 2>err &&
	grep -q "unknown flag: --no-such-flag" err &&
	test_expect_code 125 ct run --name 2>err &&
	grep -q "flag needs an argument: --name" err
'

test_expect_success 'ct image import of a busybox rootfs; ct images lists it' '
	mkdir -p rootfs/bin &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	ln -s busybox rootfs/bin/sh &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox:latest >digest &&
	grep -q "^sha256:[0-9a-f]\{64\}$" digest &&
	ct images >out &&
	grep -q "^busybox  *latest " out
'

test_expect_success 'ct create: the bundle carries the options' '
	FROMHERE=from-the-caller ct create --network none --name=web -e A=1 -eB=2 \
		-e FROMHERE -w /tmp -u 1000 busybox echo hello world >id &&
	id=$(cat id) &&
	test -f "$CT_ROOT/containers/$id/config.json" &&
	jq -r ".process.env[]" "$CT_ROOT/containers/$id/config.json" >env &&
	grep -qx A=1 env && grep -qx B=2 env && grep -qx FROMHERE=from-the-caller env &&
	test "$(jq -r .process.cwd "$CT_ROOT/containers/$id/config.json")" = /tmp &&
	test "$(jq -r .process.user.uid "$CT_ROOT/containers/$id/config.json")" = 1000 &&
	test "$(jq -c .process.args "$CT_ROOT/containers/$id/config.json")" = "[\"echo\",\"hello\",\"world\"]" &&
	mountpoint -q "$CT_ROOT/containers/$id/rootfs"
'

test_expect_success 'ct ps hides created containers; ps -a shows them by name' '
	ct ps >out &&
	! grep -q web out &&
	ct ps -a >out &&
	grep -q "^$(printf %.12s "$id") .* Created  *web$" out &&
	ct ps -aq >out &&
	test "$(cat out)" = "$(printf %.12s "$id")"
'

test_expect_success 'a second container with the same name is refused, naming the holder' '
	test_expect_code 125 ct create --network none --name web busybox 2>err &&
	grep -q "Conflict. The container name \"/web\" is already in use by container \"$id\"" err
'

test_expect_success 'ct rm by id prefix unmounts and removes the container' '
	ct rm "$(printf %.6s "$id")" >out &&
	! test -e "$CT_ROOT/containers/$id" &&
	ct ps -aq >out && ! test -s out
'

test_expect_success 'ct rm of an unknown container: Docker-shaped error, exit 1' '
	test_expect_code 1 ct rm nosuch 2>err &&
	grep -q "No such container: nosuch" err
'

test_expect_success 'ct create --pull never of a missing image fails before doing anything' '
	test_expect_code 125 ct create --pull never --network none nosuch:1 2>err &&
	grep -q "nosuch:1 not found locally" err &&
	! ls "$CT_ROOT/containers/" 2>/dev/null | grep -q .
'

test_expect_success 'ct build is refused clearly while ct-build is not in this build' '
	test_expect_code 125 ct build . 2>err &&
	grep -q "not available in this build" err
'

test_done
