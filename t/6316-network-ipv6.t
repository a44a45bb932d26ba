#!/bin/sh
test_description='ct network: --ipv6 (Docker spelling), ct run --ip6, connect --ip6; host and none as Docker shows them; inspect lists live members only'
. "$(dirname "$0")/lib/test-lib.sh"
test_require JQ
. "$CT_SRC/t/6349-ct-net-lib.sh"
hx sh -c 'test -d /proc/sys/net/ipv6' || skip_all "no IPv6 in this kernel"

test_expect_success 'setup: a busybox image' '
	net_setup_image
'

test_expect_success 'create --ipv6 --subnet V4 --subnet V6 (as docker takes them)' '
	c network create --ipv6 --subnet 10.96.0.0/24 --subnet fd00:63::/64 \
		--gateway fd00:63::fe dual >id &&
	grep -qx "[0-9a-f]\{64\}" id &&
	c network inspect dual >j &&
	test "$(jq -r ".[0].EnableIPv6" j)" = true &&
	jq -r ".[0].IPAM.Config[] | .Subnet + \" \" + .Gateway" j >cfg &&
	printf "10.96.0.0/24 10.96.0.1\nfd00:63::/64 fd00:63::fe\n" >expect &&
	test_cmp expect cfg &&
	c network ls --format "{{.Name}} {{.IPv6}}" >out &&
	test_grep -x "dual true" out &&
	test_must_fail c network create --subnet fd00:64::/64 nov6 2>err &&
	test_grep "needs --ipv6" err
'

test_expect_success 'ct run --ip6; names resolve to AAAA; ping -6 by name' '
	c run -d --network dual --name w1 --ip6 fd00:63::10 busybox sleep 300 >/dev/null &&
	c run -d --network dual --name w2 busybox sleep 300 >/dev/null &&
	c exec w1 ip -o -6 addr show dev eth0 >addr &&
	test_grep "inet6 fd00:63::10/64" addr &&
	c exec w2 ip -6 route >route &&
	test_grep "default via fd00:63::fe dev eth0" route &&
	c exec w2 nslookup -type=AAAA w1 >out &&
	test_grep "^Address: fd00:63::10$" out &&
	c exec w2 ping -6 -c 1 -W 2 w1 >out &&
	test_grep "fd00:63::10" out &&
	c network inspect -f "{{json .Containers}}" dual >j &&
	jq -r ".[] | .Name + \" \" + .IPv6Address" j | sort >out &&
	printf "w1 fd00:63::10/64\nw2 fd00:63::1/64\n" >expect &&
	test_cmp expect out &&
	c inspect -f "{{json .NetworkSettings.Networks.dual}}" w1 >j &&
	jq -r "[.GlobalIPv6Address, .GlobalIPv6PrefixLen, .IPv6Gateway] | join(\" \")" j >out &&
	echo "fd00:63::10 64 fd00:63::fe" >expect &&
	test_cmp expect out
'

test_expect_success 'connect --ip6 to a second dual-stack network' '
	c network create --ipv6 --subnet fd00:65::/64 dual2 >/dev/null &&
	c network connect --ip6 fd00:65::77 dual2 w2 &&
	c exec w2 ip -o -6 addr show dev eth1 >addr &&
	test_grep "inet6 fd00:65::77/64" addr &&
	test_must_fail c network connect --ip6 fd00:65::77 dual2 w1 2>err &&
	test_grep "already in use" err
'

test_expect_success 'inspect lists the running members only' '
	c run --network dual --name gone busybox true &&
	c network inspect -f "{{json .Containers}}" dual >j &&
	jq -r ".[].Name" j | sort >out &&
	printf "w1\nw2\n" >expect && test_cmp expect out &&
	c stop -t 1 w1 >/dev/null &&
	c network inspect -f "{{json .Containers}}" dual >j &&
	test "$(jq -r ".[].Name" j)" = w2 &&
	c start w1 >/dev/null &&
	c network inspect -f "{{json .Containers}}" dual >j &&
	jq -r ".[].Name" j | sort >out && test_cmp expect out
'

test_expect_success 'ls lists host and none as Docker does' '
	c network ls >out &&
	test_grep "^[0-9a-f]\{12\}   host  *host     local$" out &&
	test_grep "^[0-9a-f]\{12\}   none  *null     local$" out &&
	c network ls -f driver=null --format "{{.Name}}" >out &&
	test "$(cat out)" = none &&
	c network ls -f type=custom --format "{{.Name}}" >out &&
	! test_grep -x "host\|none" out
'

test_expect_success 'inspect host and none: Docker-shaped; host lists its live containers' '
	c run -d --network host --name hostly busybox sleep 300 >/dev/null &&
	id=$(c inspect -f "{{.Id}}" hostly) &&
	c network inspect host none >j &&
	test "$(jq -r ".[0].Name + \" \" + .[0].Driver + \" \" + .[0].Scope" j)" = "host host local" &&
	test "$(jq -r ".[1].Name + \" \" + .[1].Driver" j)" = "none null" &&
	test "$(jq -r ".[0].IPAM.Config | length" j)" = 0 &&
	test "$(jq -r ".[0].Containers[\"$id\"].Name" j)" = hostly &&
	test "$(jq -r ".[1].Containers | length" j)" = 0 &&
	hid=$(c network ls -q -f name=^host\$) &&
	c network inspect -f "{{.Name}}" "$hid" >out && test "$(cat out)" = host
'

test_expect_success 'rm host / none is refused clearly' '
	test_must_fail c network rm host 2>err &&
	test_grep "host is a pre-defined network and cannot be removed" err &&
	test_must_fail c network rm none 2>err &&
	test_grep "none is a pre-defined network and cannot be removed" err &&
	c network ls --format "{{.Name}}" >out && test_grep -x host out
'

test_expect_success 'after everything is removed nothing of ct is left' '
	for n in w1 w2 gone hostly; do c rm -f $n >/dev/null & done; wait &&
	c network rm dual dual2 >/dev/null &&
	rm_default_net &&
	nothing_left &&
	hx nft list ruleset >rules && ! grep -q ctnet rules
'

test_done
