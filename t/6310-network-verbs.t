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

test_expect_success 'create: other drivers, --ipv6, a taken name and unknown flags are refused' '
	test_expect_code 1 c network create -d overlay o1 2>err &&
	test_grep "driver .overlay. not found" err &&
	test_expect_code 1 c network create --ipv6 o2 2>err &&
	test_grep "ipv6" err &&
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
	c network ls -q >out &&
	test_grep -x "$(cut -c1-12 id)" out && test "$(wc -l <out)" = 2 &&
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
	printf "NAME\tINTERNAL\tLABELS\nbackend\ttrue\ttier=back,team=ops\nfront\tfalse\t\n" >expect &&
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

test_expect_success 'connect --alias --ip: the address and the alias; members see it' '
	c run -d --network front --name web busybox sleep 300 >/dev/null &&
	c run -d --network front --name peer busybox sleep 300 >/dev/null &&
	c network create --subnet 10.98.0.0/24 extra >/dev/null &&
	c run -d --network extra --name other busybox sleep 300 >/dev/null &&
	c network connect --alias db --ip 10.98.0.50 extra web &&
	test "$(ip_of web eth1)" = 10.98.0.50 &&
	c exec other nslookup db >out &&
	test_grep "Address: 10.98.0.50" out &&
	reach other db &&
	c network inspect extra >out &&
	test_grep "\"IPv4Address\": \"10.98.0.50/24\"" out &&
	test_grep "\"db\"" out
'

test_expect_success 'connect: an unknown container or network, a taken --ip, twice: errors' '
	test_expect_code 1 c network connect extra nosuch 2>err &&
	test_grep "No such container: nosuch" err &&
	test_must_fail c network connect nosuchnet peer 2>err &&
	test_grep "no network named" err &&
	test_must_fail c network connect --ip 10.98.0.50 extra peer 2>err &&
	test_must_fail c network connect extra web 2>err &&
	test_grep "already on network extra" err
'

test_expect_success 'disconnect: eth1 goes, the alias no longer resolves' '
	c network disconnect extra web &&
	test_must_fail c exec web ip link show eth1 2>/dev/null &&
	test_must_fail c exec other nslookup db >/dev/null 2>&1 &&
	test_must_fail c network disconnect extra web 2>err &&
	test_grep "not on network extra" err
'

test_expect_success 'rm in use is refused naming the container; rm by id works' '
	test_expect_code 1 c network rm extra 2>err &&
	test_grep "in use by 1 container: other" err &&
	c rm -f other >/dev/null &&
	c network rm "$(c network ls -q -f name=^extra$)" >out &&
	test_grep . out &&
	test_must_fail c network inspect extra >/dev/null 2>&1
'

test_expect_success 'prune: asks first; -f removes the unused user networks only' '
	c network create spare1 >/dev/null && c network create spare2 >/dev/null &&
	echo n | c network prune >out &&
	test_grep "Are you sure" out &&
	c network ls -q -f name=spare >out && test "$(wc -l <out)" = 2 &&
	c run -d --name bridged busybox sleep 300 >/dev/null &&
	c network prune -f >out &&
	printf "Deleted Networks:\nbackend\nspare1\nspare2\n\n" >expect &&
	test_cmp expect out &&
	c network ls --format "{{.Name}}" >out &&
	printf "bridge\nfront\n" >expect && test_cmp expect out
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
	for n in web peer bridged; do c rm -f $n >/dev/null & done; wait &&
	c network rm front >/dev/null &&
	hx ct-net rm bridge >/dev/null &&
	nothing_left
'

test_done
