#!/bin/sh
test_description='ct-net: names on user networks (DNS responder), connect and disconnect, isolation, --internal'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT NETNS NFT BUSYBOX JQ
. "$CT_SRC/t/5099-net-lib.sh"
cping() { cx "$1" timeout 10 busybox ping -c 1 -W 2 "$2" >/dev/null 2>&1; }

test_expect_success 'two containers on a user network' '
	net create app >/dev/null &&
	mkctr a1 web && mkctr a2 client &&
	net attach --network app --alias frontend "$CT_ROOT/containers/a1" >/dev/null &&
	net attach --network app "$CT_ROOT/containers/a2" >/dev/null
'

test_expect_success 'nslookup of a member name gives its address' '
	cx a2 timeout 10 busybox nslookup web 10.78.0.1 >out &&
	test_grep "^Address: 10.78.0.2$" out &&
	cx a2 timeout 10 busybox nslookup a1 10.78.0.1 >out &&
	test_grep "^Address: 10.78.0.2$" out
'

test_expect_success 'an unknown name in the network gets NXDOMAIN' '
	test_must_fail cx a2 timeout 10 busybox nslookup nosuch 10.78.0.1 >out 2>&1 &&
	test_grep "NXDOMAIN" out &&
	test_must_fail cx a2 timeout 10 busybox nslookup nosuch.app 10.78.0.1 >out 2>&1 &&
	test_grep "NXDOMAIN" out
'

test_expect_success 'containers ping each other by name and by alias' '
	cxr a2 sh -c "timeout 10 busybox ping -c 1 -W 2 web" >out 2>&1 &&
	test_grep "10.78.0.2" out &&
	cxr a2 sh -c "timeout 10 busybox ping -c 1 -W 2 frontend" >/dev/null &&
	cxr a1 sh -c "timeout 10 busybox ping -c 1 -W 2 client" >/dev/null
'

test_expect_success 'the resolvers of glibc (getent) and musl (getaddrinfo) get the answers' '
	if command -v getent >/dev/null; then
		cxr a2 timeout 10 getent ahostsv4 frontend >out &&
		test_grep "^10.78.0.2 " out &&
		test_must_fail cxr a2 timeout 10 getent ahostsv4 nosuch >/dev/null
	else
		echo "# no getent: glibc resolver not checked"
	fi &&
	if command -v musl-gcc >/dev/null; then
		cat >gai.c <<-\EOF &&
		#include <netdb.h>
		#include <stdio.h>
		#include <arpa/inet.h>
		int main(int argc, char **argv)
		{
			/* A and AAAA, as most programs ask */
			struct addrinfo h = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *r;
			char s[16];
			int e = getaddrinfo(argv[1], NULL, &h, &r);
			if (argc != 2 || e) { printf("%s\n", gai_strerror(e)); return 1; }
			while (r->ai_family != AF_INET && r->ai_next)
				r = r->ai_next;
			inet_ntop(AF_INET, &((struct sockaddr_in *)r->ai_addr)->sin_addr, s, sizeof s);
			printf("%s\n", s);
			return 0;
		}
		EOF
		musl-gcc -static -o gai gai.c &&
		cxr a2 timeout 10 ./gai web >out &&
		test "$(cat out)" = 10.78.0.2 &&
		cxr a2 timeout 10 ./gai a1 >out &&
		test "$(cat out)" = 10.78.0.2 &&
		test_must_fail cxr a2 timeout 10 ./gai nosuch >out
	else
		echo "# no musl-gcc: musl resolver not checked"
	fi
'

test_expect_success 'after disconnect the name no longer resolves and the ping fails' '
	net disconnect app web &&
	test_must_fail cx a2 timeout 10 busybox nslookup web 10.78.0.1 >out 2>&1 &&
	test_grep "NXDOMAIN" out &&
	! cx a2 busybox ping -c 1 -W 1 10.78.0.2 >/dev/null 2>&1 &&
	! cx a1 ip link show eth0 2>/dev/null
'

test_expect_success 'after connect it works again, with the new alias' '
	net connect --alias back app web &&
	cx a2 timeout 10 busybox nslookup back 10.78.0.1 >out &&
	test_grep "^Address: 10.78.0.2$" out &&
	cxr a2 sh -c "timeout 10 busybox ping -c 1 -W 2 web" >/dev/null
'

test_expect_success 'a stopped container (state.ini) loses its name at once' '
	printf "[state]\nstatus = stopped\n" >"$CT_ROOT/containers/a1/state.ini" &&
	test_must_fail cx a2 timeout 10 busybox nslookup web 10.78.0.1 >out 2>&1 &&
	test_grep "NXDOMAIN" out &&
	printf "[state]\nstatus = running\n" >"$CT_ROOT/containers/a1/state.ini" &&
	cx a2 timeout 10 busybox nslookup web 10.78.0.1 >out &&
	test_grep "^Address: 10.78.0.2$" out
'

test_expect_success 'a renamed container (ct.ini) answers to its new name at once' '
	sed -i "s/^name = web$/name = site/" "$CT_ROOT/containers/a1/ct.ini" &&
	cx a2 timeout 10 busybox nslookup site 10.78.0.1 >out &&
	test_grep "^Address: 10.78.0.2$" out &&
	test_must_fail cx a2 timeout 10 busybox nslookup web 10.78.0.1 >out 2>&1 &&
	test_grep "NXDOMAIN" out &&
	sed -i "s/^name = site$/name = web/" "$CT_ROOT/containers/a1/ct.ini" &&
	cx a2 timeout 10 busybox nslookup web 10.78.0.1 >out &&
	test_grep "^Address: 10.78.0.2$" out
'

test_expect_success 'connect to a second network adds eth1; names of both resolve' '
	net create other >/dev/null &&
	mkctr b1 peer &&
	net attach --network other "$CT_ROOT/containers/b1" >/dev/null &&
	net connect other client &&
	cx a2 ip -o addr show dev eth1 >addr &&
	test_grep "inet 10.78.1.3/24" addr &&
	cx b1 timeout 10 busybox nslookup client 10.78.1.1 >out &&
	test_grep "^Address: 10.78.1.3$" out &&
	cping a2 10.78.1.2 &&
	: "its own resolver (app) answers for the members of other too" &&
	cx a2 timeout 10 busybox nslookup peer 10.78.0.1 >out &&
	test_grep "^Address: 10.78.1.2$" out &&
	: "but not to those only on app" &&
	test_must_fail cx a1 timeout 10 busybox nslookup peer 10.78.0.1 >out 2>&1 &&
	test_grep "NXDOMAIN" out &&
	net disconnect other client
'

test_expect_success 'other names are forwarded to the host resolvers; no answer: SERVFAIL' '
	echo "nameserver 10.78.0.1" >upstream.conf &&
	printf "[network]\nresolv_conf = %s\n" "$TEST_DIR/upstream.conf" >"$CT_CONFIG" &&
	net create fwd >/dev/null &&
	mkctr f1 &&
	net attach --network fwd "$CT_ROOT/containers/f1" >/dev/null &&
	: >"$CT_CONFIG" &&
	cx f1 timeout 10 busybox nslookup web.app 10.78.2.1 >out &&
	test_grep "^Address: 10.78.0.2$" out &&
	test_must_fail cx f1 timeout 10 busybox nslookup nowhere.example 10.78.2.1 >out 2>&1 &&
	test_grep "SERVFAIL" out &&
	net detach f1 && net rm fwd >/dev/null
'

test_expect_success 'containers on different networks cannot reach each other' '
	cx b1 ip -o addr show dev eth0 >addr && test_grep "inet 10.78.1.2/24" addr &&
	cping a2 10.78.1.1 &&
	! cping a2 10.78.1.2 &&
	! cping b1 10.78.0.3
'

test_expect_success 'outside world: a namespace behind the host' '
	WNS=ct-test-world-$$ &&
	ip netns add "$WNS" &&
	test_cleanup "ip netns delete $WNS" &&
	hx ip link add ctt-w type veth peer name ctt-h &&
	hx ip link set ctt-w netns "$WNS" &&
	hx ip addr add 10.250.0.1/24 dev ctt-h && hx ip link set ctt-h up &&
	ip -n "$WNS" addr add 10.250.0.2/24 dev ctt-w && ip -n "$WNS" link set ctt-w up &&
	ip -n "$WNS" link set lo up &&
	cping a2 10.250.0.2
'

test_expect_success '--internal: no default route, no way out, members still talk' '
	net create --internal sealed >/dev/null &&
	mkctr i1 in1 && mkctr i2 in2 &&
	net attach --network sealed "$CT_ROOT/containers/i1" >/dev/null &&
	net attach --network sealed "$CT_ROOT/containers/i2" >/dev/null &&
	cx i1 ip route >route && ! test_grep -q default route &&
	cx i1 ip route add default via 10.78.2.1 &&
	! cping i1 10.250.0.2 &&
	cping i1 10.78.2.3 &&
	cx i1 timeout 10 busybox nslookup in2 10.78.2.1 >out &&
	test_grep "^Address: 10.78.2.3$" out
'

test_expect_success 'a lost bridge and responder (a reboot) come back on the next attach' '
	net create again >/dev/null &&
	mkctr r1 && mkctr r2 &&
	net attach --network again "$CT_ROOT/containers/r1" >/dev/null &&
	br=$(sed -n "s/^bridge = //p" "$CT_ROOT/networks/again.ini") &&
	pid=$(cat "$CT_ROOT/networks/again.dns.pid") &&
	kill $pid &&
	for i in $(seq 50); do test -d /proc/$pid/fd/0 2>/dev/null || break; sleep 0.1; done &&
	net detach r1 && hx ip link del "$br" &&
	net attach --network again "$CT_ROOT/containers/r2" >/dev/null &&
	hx ip -o addr show dev "$br" >addr && test_grep "inet 10.78.3.1/24" addr &&
	cx r2 timeout 10 busybox nslookup r2 10.78.3.1 >out &&
	test_grep "^Address: 10.78.3.2$" out &&
	net detach r2 && net rm again >/dev/null
'

test_expect_success 'everything goes away with the containers and networks' '
	for c in a1 a2 b1 i1 i2; do net detach $c || return 1; done &&
	net rm app other sealed >/dev/null &&
	hx ip -o link | cut -d: -f2 >links &&
	! test_grep "^ ct-\|^ veth" links &&
	hx nft list ruleset >rules && ! grep -q ctnet rules
'

test_done
