#!/bin/sh
test_description='ct network create, ls, inspect, connect, disconnect, rm, prune: Docker'"'"'s flags and output'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/6349-ct-net-lib.sh"

test_expect_success 'setup: a busybox image' '
	net_setup_image
'

test_expect_success 'create: the full id; --subnet, --gateway, --internal, --label, -d bridge kept' '
	c network create -d bridge --subnet 10.99.0.0/24 --gateway 10.99.0.254 \
		--internal --label tier=back --label=team=ops backend >id &&
	grep -qx "[0-9a-f]\{64\}" id &&
	c network inspect backend >out &&
	test_grep "\"Id\": \"$(cat id)\"" out &&
	test_grep "\"Subnet\": \"10.99.0.0/24\"" out &&
	test_grep "\"Gateway\": \"10.99.0.254\"" out &&
	test_grep "\"Internal\": true" out &&
	test_grep "\"tier\": \"back\"" out && test_grep "\"team\": \"ops\"" out &&
	test_grep "\"Driver\": \"bridge\"" out
'

test_expect_success 'create: other drivers, --ip-range, a taken name and unknown flags are refused' '
	test_expect_code 1 c network create -d overlay o1 2>err &&
	test_grep "driver .overlay. not found" err &&
	test_expect_code 125 c network create --ip-range 10.99.0.0/28 o2 2>err &&
	test_grep "ip-range is not supported" err &&
	test_must_fail c network create backend 2>err &&
	test_grep "already exists" err &&
	test_must_fail c network create --bogus o3 2>err &&
	test_grep "unknown flag" err &&
	c network ls >out && ! grep -q " o[123] " out
'

test_expect_success 'ls: NETWORK ID, NAME, DRIVER, SCOPE; -q ids; --no-trunc' '
	c network create front >/dev/null &&
	c network ls >out &&
	head -n 1 out >hdr && printf "NETWORK ID     NAME                 DRIVER   SCOPE\n" >expect &&
	test_cmp expect hdr &&
	test_grep "^$(cut -c1-12 id)   backend  *bridge   local$" out &&
	test_grep "   front  *bridge   local$" out &&
	: "the pre-defined host and none, as Docker lists them" &&
	test_grep "^[0-9a-f]\{12\}   host  *host     local$" out &&
	test_grep "^[0-9a-f]\{12\}   none  *null     local$" out &&
	c network ls -q >out &&
	test_grep -x "$(cut -c1-12 id)" out && test "$(wc -l <out)" = 4 &&
	c network ls -q --no-trunc >out && test_grep -x "$(cat id)" out
'

test_expect_success 'ls --filter name= (a pattern), id=, label=; --format' '
	c network ls --filter name=ack --format "{{.Name}}" >out &&
	test "$(cat out)" = backend &&
	c network ls -f "name=^front$" -q >out && test "$(wc -l <out)" = 1 &&
	c network ls -f name=nothing-like-it -q >out && test_must_fail test -s out &&
	c network ls -f id=$(cut -c1-5 id) --format "{{.Name}}" >out && test "$(cat out)" = backend &&
	c network ls -f label=tier --format "{{.Name}}" >out && test "$(cat out)" = backend &&
	c network ls -f label=tier=front --format "{{.Name}}" >out && test_must_fail test -s out &&
	c network ls --format "table {{.Name}}\t{{.Internal}}\t{{.Labels}}" >out &&
	printf "NAME\tINTERNAL\tLABELS\nbackend\ttrue\ttier=back,team=ops\nfront\tfalse\t\nhost\tfalse\t\nnone\tfalse\t\n" >expect &&
	test_cmp expect out &&
	test_expect_code 2 c network ls -f color=red 2>err && test_grep "invalid filter" err
'

test_expect_success 'inspect takes a name, an id or an id prefix; an unknown one fails' '
	c network inspect "$(cut -c1-6 id)" >out &&
	test_grep "\"Name\": \"backend\"" out &&
	c network inspect "$(cat id)" front >out &&
	test "$(grep -c "\"Name\": \"\(backend\|front\)\"" out)" = 2 &&
	test_expect_code 1 c network inspect nosuch >out 2>err &&
	test_grep "no network named .nosuch." err
'

test_expect_success 'inspect -f: {{.Path}} and {{json .Path}}' '
	c network inspect -f "{{.Name}} {{.Internal}} {{.IPAM.Driver}} {{ .Labels.tier }}" backend front >out &&
	printf "backend true default back\nfront false default <no value>\n" >expect &&
	test_cmp expect out &&
	c network inspect --format="{{json .Labels}}" backend >out &&
	test "$(cat out)" = "{\"team\":\"ops\",\"tier\":\"back\"}" &&
	test_must_fail c network inspect -f "{{range .Containers}}{{end}}" backend 2>err &&
	test_grep "only {{.Path}}" err
'

test_expect_success 'rm in use is refused naming the container; rm by id works' '
	c run -d --network front --name web busybox sleep 300 >/dev/null &&
	c network create extra >/dev/null &&
	c network connect extra web &&
	test_expect_code 1 c network rm extra 2>err &&
	test_grep "in use by 1 container: web" err &&
	c network disconnect extra web &&
	c network rm "$(c network ls -q -f name=^extra$)" >out &&
	test_grep . out &&
	test_must_fail c network inspect extra >/dev/null 2>&1
'

test_expect_success 'prune: asks first; -f removes the unused user networks only' '
	c network create spare1 >/dev/null && c network create spare2 >/dev/null &&
	echo n | c network prune >out &&
	test_grep "Are you sure" out &&
	c network ls -q -f name=spare >out && test "$(wc -l <out)" = 2 &&
	c network prune -f >out &&
	printf "Deleted Networks:\nbackend\nspare1\nspare2\n\n" >expect &&
	test_cmp expect out &&
	c network ls --format "{{.Name}}" >out &&
	printf "front\nhost\nnone\n" >expect && test_cmp expect out
'

test_expect_success 'prune keeps a network whose container is only stopped' '
	c network create lonely >/dev/null &&
	c run --network lonely --name ran busybox true &&
	c network prune -f >out &&
	! grep -q lonely out &&
	c network ls -q -f name=lonely >out && test_grep . out &&
	c rm ran >/dev/null && c network prune -f >out &&
	test_grep -x lonely out
'

test_expect_success 'ct network --help; an unknown verb is a usage error' '
	c network help >out && test_grep "usage: ct network" out &&
	test "$(wc -l <out)" -le 40 &&
	test_expect_code 125 c network frob 2>err && test_grep "not a .ct network. command" err
'

test_expect_success 'after everything is removed nothing of ct is left' '
	c rm -f web >/dev/null &&
	c network rm front >/dev/null &&
	rm_default_net &&
	nothing_left
'

test_done
