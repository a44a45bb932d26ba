#!/bin/sh
test_description='ct-net: published ports (DNAT from host addresses and 127.0.0.1, hairpin, UDP, random and -P), outbound NAT'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT NETNS NFT BUSYBOX JQ
. "$CT_SRC/t/5099-net-lib.sh"
command -v perl >/dev/null || skip_all "needs perl (the UDP echo)"

# wait until URL answers from the host namespace
wait_url() {
	for i in $(seq 50); do
		hx timeout 5 busybox wget -q -O /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

test_expect_success 'setup: a world namespace behind the host, a user network' '
	WNS=ct-test-world-$$ &&
	ip netns add "$WNS" &&
	test_cleanup "ip netns delete $WNS" &&
	hx ip link add ctt-w type veth peer name ctt-h &&
	hx ip link set ctt-w netns "$WNS" &&
	hx ip addr add 10.250.0.1/24 dev ctt-h && hx ip link set ctt-h up &&
	ip -n "$WNS" addr add 10.250.0.2/24 dev ctt-w && ip -n "$WNS" link set ctt-w up &&
	ip -n "$WNS" link set lo up &&
	ip -n "$WNS" route add default via 10.250.0.1 &&
	net create pub >/dev/null &&
	mkdir -p www/cgi-bin && echo "hello from the container" >www/index.html &&
	printf "#!/bin/sh\necho Content-Type: text/plain\necho\necho \$REMOTE_ADDR\n" >www/cgi-bin/ip &&
	chmod +x www/cgi-bin/ip
'

test_expect_success '-p 8080:80: busybox httpd reached on 127.0.0.1 and on the host address' '
	mkctr p1 web &&
	net attach --network pub -p 8080:80 "$CT_ROOT/containers/p1" >/dev/null &&
	test_bg httpd nsenter --net="$CT_ROOT/netns/p1" busybox httpd -f -p 80 -h "$TEST_DIR/www" &&
	wait_url http://10.78.0.2:80/ &&
	hx sh -c "timeout 10 busybox wget -q -O - http://127.0.0.1:8080/" >out &&
	test_grep "hello from the container" out &&
	hx sh -c "timeout 10 busybox wget -q -O - http://10.250.0.1:8080/" >out &&
	test_grep "hello from the container" out
'

test_expect_success 'from outside (the world namespace) through the host address' '
	ip netns exec "$WNS" timeout 10 busybox wget -q -O - http://10.250.0.1:8080/ >out &&
	test_grep "hello from the container" out
'

test_expect_success 'ct-net port lists it' '
	net port web >out &&
	echo "80/tcp -> 0.0.0.0:8080" >expect &&
	test_cmp expect out
'

test_expect_success 'hairpin: a second container reaches it through the host address' '
	mkctr p2 client &&
	net attach --network pub "$CT_ROOT/containers/p2" >/dev/null &&
	cx p2 timeout 10 busybox wget -q -O - http://10.250.0.1:8080/ >out &&
	test_grep "hello from the container" out
'

test_expect_success 'a host port already published, or bound on the host, is refused before setup' '
	mkctr p3 &&
	test_must_fail net attach --network pub -p 8080:80 "$CT_ROOT/containers/p3" 2>err &&
	test_grep "already published" err &&
	test_path_is_missing "$CT_ROOT/netns/p3" &&
	test_bg hostnc nsenter --net=/run/netns/$HNS busybox nc -l -p 9090 &&
	sleep 0.3 &&
	test_must_fail net attach --network pub -p 9090:80 "$CT_ROOT/containers/p3" 2>err &&
	test_grep "9090/tcp: bind: Address.*in use; the port is taken on the host" err &&
	test_path_is_missing "$CT_ROOT/netns/p3" &&
	! grep -qx "id = p3" "$CT_ROOT/networks/pub.ini"
'

test_expect_success 'a random host port (-p 80), a range, and -P from the exposedPorts annotation' '
	jq ".annotations = {\"org.opencontainers.image.exposedPorts\": \"80/tcp,81/tcp\"}" \
		"$CT_ROOT/containers/p3/config.json" >cfg && mv cfg "$CT_ROOT/containers/p3/config.json" &&
	net attach --network pub -P -p 8100-8101:9100-9101 "$CT_ROOT/containers/p3" >/dev/null &&
	net port p3 >out &&
	test "$(wc -l <out)" = 4 &&
	test_grep "^9100/tcp -> 0.0.0.0:8100$" out &&
	test_grep "^9101/tcp -> 0.0.0.0:8101$" out &&
	p80=$(sed -n "s|^80/tcp -> 0.0.0.0:||p" out) &&
	test "$p80" -gt 1024 &&
	test_bg httpd3 nsenter --net="$CT_ROOT/netns/p3" busybox httpd -f -p 80 -h "$TEST_DIR/www" &&
	wait_url "http://127.0.0.1:$p80/"
'

test_expect_success 'a UDP publish carries a datagram both ways' '
	mkctr u1 &&
	net attach --network pub -p 5353:53/udp "$CT_ROOT/containers/u1" >/dev/null &&
	test_bg udpecho nsenter --net="$CT_ROOT/netns/u1" perl -MIO::Socket::INET -e "
		\$s = IO::Socket::INET->new(LocalPort => 53, Proto => q(udp)) or die;
		while (1) { \$s->recv(\$m, 512); \$s->send(qq(echo \$m)); }" &&
	sleep 0.5 &&
	for addr in 127.0.0.1 10.250.0.1; do
		hx perl -MIO::Socket::INET -e "
			\$s = IO::Socket::INET->new(PeerAddr => q($addr), PeerPort => 5353, Proto => q(udp)) or die;
			\$SIG{ALRM} = sub { die qq(timeout\n) }; alarm 5;
			\$s->send(q(ping)); \$s->recv(\$r, 512); print qq(\$r\n)" >out || return 1
		echo "echo ping" >expect && test_cmp expect out || return 1
	done
'

test_expect_success 'outbound NAT: a server outside sees the host-side address' '
	test_bg world ip netns exec "$WNS" busybox httpd -f -p 80 -h "$TEST_DIR/www" &&
	sleep 0.3 &&
	cx p2 timeout 10 busybox wget -q -O - http://10.250.0.2/cgi-bin/ip >raw &&
	sed "s/^\[::ffff:\(.*\)\]$/\1/" raw >out &&
	echo 10.250.0.1 >expect && test_cmp expect out
'

test_expect_success 'detach removes the DNAT rules of the container' '
	hx nft list table ip ctnet >rules && test_grep "dport 8080" rules &&
	net detach web &&
	hx nft list table ip ctnet >rules && ! test_grep "dport 8080" rules &&
	! hx timeout 5 busybox wget -q -O - http://127.0.0.1:8080/ 2>/dev/null
'

test_expect_success 'after everything is removed, no ct rules or links remain' '
	net detach p2 && net detach p3 && net detach u1 &&
	net rm pub >/dev/null &&
	hx nft list ruleset >rules && ! test_grep ctnet rules &&
	hx ip -o link | cut -d: -f2 >links && ! test_grep "^ ct-\|^ veth" links
'

test_done
