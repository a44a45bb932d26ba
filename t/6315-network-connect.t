#!/bin/sh
test_description='ct network connect and disconnect: --alias, --ip, names follow, errors'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/6349-ct-net-lib.sh"

test_expect_success 'setup: a busybox image, two networks' '
	net_setup_image &&
	c network create front >/dev/null &&
	c network create --subnet 10.98.0.0/24 extra >/dev/null
'

test_expect_success 'connect --alias --ip: the address and the alias; members see it' '
	c run -d --network front --name web busybox sleep 300 >/dev/null &&
	c run -d --network front --name peer busybox sleep 300 >/dev/null &&
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

test_expect_success 'a container on the default bridge joins: names resolve, then go with disconnect' '
	c run -d --name lone busybox sleep 300 >/dev/null &&
	no_reach lone other &&
	c network connect extra lone &&
	reach lone other && reach other lone &&
	c exec lone cat /etc/resolv.conf >out &&
	test_grep -x "nameserver 10.98.0.1" out &&
	c network disconnect extra lone &&
	c exec lone cat /etc/resolv.conf >out &&
	test_grep -x "nameserver 10.77.0.1" out &&
	no_reach other lone
'

test_expect_success 'after everything is removed nothing of ct is left' '
	for n in web peer other lone; do c rm -f $n >/dev/null & done; wait &&
	c network rm front extra >/dev/null &&
	rm_default_net &&
	nothing_left
'

test_done
