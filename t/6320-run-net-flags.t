#!/bin/sh
test_description='ct run network flags: --network (NAME, none, host, container:), --network-alias, --ip, --add-host, --dns, -p, -P'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/6349-ct-net-lib.sh"

test_expect_success 'setup: a busybox image, a user network' '
	net_setup_image &&
	c network create --subnet 10.97.0.0/24 lab >/dev/null
'

test_expect_success '--network NAME --network-alias --ip: the address, the alias resolves for members' '
	c run -d --network lab --network-alias db --ip 10.97.0.10 --name store busybox sleep 300 >/dev/null &&
	test "$(ip_of store)" = 10.97.0.10 &&
	c run --rm --net=lab busybox nslookup db >out &&
	test_grep "Address: 10.97.0.10" out &&
	c run --rm --network=lab busybox ping -c 1 -W 2 store >out &&
	test_grep "1 packets received" out
'

test_expect_success 'a bad --ip or an unknown network: exit 125, no container left' '
	c ps -aq >before &&
	test_expect_code 125 c run --rm --network lab --ip 10.1.1.1 busybox true 2>err &&
	test_grep "10.1.1.1" err &&
	test_expect_code 125 c run --rm --network lab --ip 10.97.0.10 busybox true 2>err &&
	test_expect_code 125 c run --rm --network nosuch busybox true 2>err &&
	test_grep "no network named .nosuch." err &&
	c ps -aq >after && test_cmp before after
'

test_expect_success '--add-host puts the line in /etc/hosts; the own name is there' '
	c run --rm --name hosty --add-host gw.example:10.97.0.1 --add-host=db.example:10.97.0.9 busybox cat /etc/hosts >out &&
	test_grep "^10.97.0.1	gw.example$" out &&
	test_grep "^10.97.0.9	db.example$" out &&
	test_grep "	[0-9a-f]\{12\} hosty$" out
'

test_expect_success '--dns replaces the name servers (default bridge)' '
	c run --rm --dns 10.9.9.9 --dns=10.9.9.8 busybox cat /etc/resolv.conf >out &&
	test_grep -x "nameserver 10.9.9.9" out &&
	test_grep -x "nameserver 10.9.9.8" out &&
	! grep -q "nameserver 10.77.0.1" out &&
	test_grep "options timeout:1" out
'

test_expect_success '-p 8080:80: httpd reached from the host on 127.0.0.1' '
	c run -d -p 8080:80 --name web busybox httpd -f -p 80 -h /www >/dev/null &&
	for i in $(seq 50); do
		hx timeout 5 busybox wget -q -O - http://127.0.0.1:8080/ >out 2>/dev/null && break
		sleep 0.2
	done &&
	test_grep "hello from ct" out &&
	hx ct-net port web >out &&
	test_grep -x "80/tcp -> 0.0.0.0:8080" out
'

test_expect_success '-p on a taken host port: exit 125 before the container runs' '
	c ps -aq >before &&
	test_expect_code 125 c run -d -p 8080:80 busybox sleep 300 >/dev/null 2>err &&
	test_grep "8080" err &&
	c ps -aq >after && test_cmp before after
'

test_expect_success '-P publishes the EXPOSEd port on a free host port' '
	c run -d -P --name web2 busybox httpd -f -p 80 -h /www >/dev/null &&
	hx ct-net port web2 >out &&
	port=$(sed -n "s|^80/tcp -> 0.0.0.0:\([0-9]*\)$|\1|p" out) &&
	test -n "$port" && test "$port" != 80 &&
	for i in $(seq 50); do
		hx timeout 5 busybox wget -q -O - "http://127.0.0.1:$port/" >out 2>/dev/null && break
		sleep 0.2
	done &&
	test_grep "hello from ct" out
'

test_expect_success '--network none: loopback only' '
	c run --rm --network none busybox ip -o link >out &&
	test_grep ": lo:" out &&
	test "$(wc -l <out)" = 1
'

test_expect_success '--network host: the host namespace' '
	hx ip link add ct6320a type veth peer name ct6320b &&
	c run --rm --network host busybox ip -o link >out &&
	test_grep "ct6320a" out
'

test_expect_success '--network container:NAME shares its namespace' '
	c run --rm --network container:store busybox ip -o -4 addr show dev eth0 >out &&
	test_grep "inet 10.97.0.10/24" out
'

test_expect_success 'after everything is removed nothing of ct is left' '
	for n in store web web2; do c rm -f $n >/dev/null & done; wait &&
	c network rm lab >/dev/null &&
	rm_default_net &&
	hx ip link del ct6320a &&
	nothing_left
'

test_done
