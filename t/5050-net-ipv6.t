#!/bin/sh
test_description='ct-net: dual-stack networks (--ipv6): v6 addresses, names (AAAA), outbound NAT, isolation, --internal, clean removal'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT NETNS NFT BUSYBOX JQ
. "$CT_SRC/t/5099-net-lib.sh"
hx sh -c 'test -d /proc/sys/net/ipv6' || skip_all "no IPv6 in this kernel"
hx nft list tables ip6 >/dev/null 2>&1 || skip_all "nft has no ip6 family here"

ping6() { cx "$1" timeout 10 busybox ping -6 -c 1 -W 2 "$2" >/dev/null 2>&1; }
ip6of() { sed -n "/^id = $2\$/,/^\$/s/^ip6 = //p" "$CT_ROOT/networks/$1.ini"; }

test_expect_success 'create --ipv6 --subnet V6CIDR (Docker spelling): both sides' '
	net create --ipv6 --subnet fd00:ca7::/64 app6 >/dev/null &&
	net inspect app6 >j &&
	test "$(jq -r ".[0].EnableIPv6" j)" = true &&
	jq -r ".[0].IPAM.Config[] | .Subnet + \" \" + .Gateway" j >cfg &&
	printf "10.78.0.0/24 10.78.0.1\nfd00:ca7::/64 fd00:ca7::1\n" >expect &&
	test_cmp expect cfg &&
	hx ip -o -6 addr show dev "$(jq -r ".[0].Options[\"com.docker.network.bridge.name\"]" j)" >addr &&
	test_grep "inet6 fd00:ca7::1/64" addr && ! test_grep tentative addr &&
	test "$(hx cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1
'

test_expect_success 'the v6 subnet is picked when not given: a ULA /64, no overlap' '
	net create --ipv6 auto6 >/dev/null &&
	sub6=$(net inspect -f "{{json .IPAM.Config}}" auto6 | jq -r ".[1].Subnet") &&
	case $sub6 in fd*::/64) ;; *) echo "got $sub6"; false ;; esac &&
	hx ip -6 route add fd99:1::/64 dev lo &&
	test_must_fail net create --ipv6 --subnet6 fd99:1::/64 clash6 2>err &&
	test_grep "overlaps the host route fd99:1::/64" err &&
	test_must_fail net create --ipv6 --subnet "$sub6" clash6 2>err &&
	test_grep "overlaps network auto6" err &&
	test_must_fail net create --subnet fd98::/64 nov6 2>err &&
	test_grep "needs --ipv6" err &&
	hx ip -6 route del fd99:1::/64 dev lo &&
	net rm auto6 >/dev/null
'

test_expect_success 'members get a v6 address (usable at once) and a v6 default route' '
	mkctr a1 web && mkctr a2 client &&
	net attach --network app6 --alias frontend "$CT_ROOT/containers/a1" >/dev/null &&
	net attach --network app6 --ip6 fd00:ca7::99 "$CT_ROOT/containers/a2" >/dev/null &&
	test "$(ip6of app6 a1)" = fd00:ca7::2 &&
	test "$(ip6of app6 a2)" = fd00:ca7::99 &&
	cx a1 ip -o -6 addr show dev eth0 >addr &&
	test_grep "inet6 fd00:ca7::2/64" addr && ! test_grep "fd00:ca7::2/64.*tentative" addr &&
	cx a1 ip -6 route show default >route &&
	test_grep "default via fd00:ca7::1 dev eth0" route &&
	test_grep "^fd00:ca7::2	a1 web frontend$" "$CT_ROOT/containers/a1/hosts" &&
	test_grep "^10.78.0.2	a1 web frontend$" "$CT_ROOT/containers/a1/hosts"
'

test_expect_success 'inspect: IPv6Address per member' '
	net inspect -f "{{json .Containers}}" app6 >j &&
	test "$(jq -r ".a1.IPv6Address" j)" = fd00:ca7::2/64 &&
	test "$(jq -r ".a2.IPv6Address" j)" = fd00:ca7::99/64
'

test_expect_success 'ping -6 by address and by name' '
	ping6 a2 fd00:ca7::2 && ping6 a1 fd00:ca7::99 && ping6 a1 fd00:ca7::1 &&
	cxr a2 sh -c "timeout 10 busybox ping -6 -c 1 -W 2 web" >out 2>&1 &&
	test_grep "fd00:ca7::2" out &&
	cxr a1 sh -c "timeout 10 busybox ping -6 -c 1 -W 2 client" >out 2>&1 &&
	test_grep "fd00:ca7::99" out
'

test_expect_success 'nslookup gets the AAAA, from the v4 and the v6 listener' '
	cx a2 timeout 10 busybox nslookup -type=AAAA frontend 10.78.0.1 >out &&
	test_grep "^Address: fd00:ca7::2$" out &&
	cx a2 timeout 10 busybox nslookup -type=AAAA web fd00:ca7::1 >out &&
	test_grep "^Address: fd00:ca7::2$" out &&
	cx a2 timeout 10 busybox nslookup -type=A web fd00:ca7::1 >out &&
	test_grep "^Address: 10.78.0.2$" out &&
	test_must_fail cx a2 timeout 10 busybox nslookup nosuch fd00:ca7::1 >out 2>&1 &&
	test_grep NXDOMAIN out
'

test_expect_success 'outbound over v6: a server behind the host sees the host-side address' '
	WNS=ct-test-world6-$$ &&
	ip netns add "$WNS" &&
	test_cleanup "ip netns delete $WNS" &&
	hx ip link add ctt-w type veth peer name ctt-h &&
	hx ip link set ctt-w netns "$WNS" &&
	hx ip addr add fd00:beef::1/64 dev ctt-h nodad && hx ip link set ctt-h up &&
	ip -n "$WNS" addr add fd00:beef::2/64 dev ctt-w nodad &&
	ip -n "$WNS" link set ctt-w up && ip -n "$WNS" link set lo up &&
	mkdir -p www/cgi-bin &&
	printf "#!/bin/sh\necho Content-Type: text/plain\necho\necho \$REMOTE_ADDR\n" >www/cgi-bin/ip &&
	chmod +x www/cgi-bin/ip &&
	test_bg world ip netns exec "$WNS" busybox httpd -f -p "[::]:80" -h "$TEST_DIR/www" &&
	for i in $(seq 30); do
		cx a2 timeout 5 busybox wget -q -O - "http://[fd00:beef::2]/cgi-bin/ip" >raw 2>/dev/null && break
		sleep 0.2
	done &&
	tr -d "[]" <raw >out &&
	echo fd00:beef::1 >expect && test_cmp expect out
'

test_expect_success '-p 8080:80 over v6: from outside, from the host, from a member (hairpin)' '
	echo "hello over v6" >www/index.html &&
	mkctr w1 web6 &&
	net attach --network app6 -p 8080:80 "$CT_ROOT/containers/w1" >/dev/null &&
	hx nft list table ip6 ctnet >rules &&
	test_grep "tcp dport 8080 dnat to \[fd00:ca7::3\]:80" rules &&
	test_bg web6 nsenter --net="$CT_ROOT/netns/w1" busybox httpd -f -p "[::]:80" -h "$TEST_DIR/www" &&
	for i in $(seq 30); do
		ip netns exec "$WNS" timeout 5 busybox wget -q -O - "http://[fd00:beef::1]:8080/" >out 2>/dev/null && break
		sleep 0.2
	done &&
	test_grep "hello over v6" out &&
	hx timeout 10 busybox wget -q -O - "http://[fd00:beef::1]:8080/" >out &&
	test_grep "hello over v6" out &&
	cx a2 timeout 10 busybox wget -q -O - "http://[fd00:beef::1]:8080/" >out &&
	test_grep "hello over v6" out &&
	net detach w1 &&
	hx nft list table ip6 ctnet >rules && ! test_grep -q "dport 8080" rules
'

test_expect_success 'a host port taken on IPv6 only is refused before anything is set up' '
	hx sysctl -qw net.ipv6.bindv6only=1 &&
	test_bg v6only nsenter --net=/run/netns/$HNS busybox httpd -f -p "[::]:8081" -h "$TEST_DIR/www" &&
	for i in $(seq 30); do hx ss -ltn | grep -q ":8081 " && break; sleep 0.1; done &&
	mkctr w2 &&
	test_must_fail net attach --network app6 -p 8081:80 "$CT_ROOT/containers/w2" 2>err &&
	test_grep "8081/tcp: bind: Address in use\|taken on the host (IPv6)" err &&
	test_grep "IPv6" err &&
	! test -e "$CT_ROOT/netns/w2" &&
	kill $test_pid_v6only && hx sysctl -qw net.ipv6.bindv6only=0
'

test_expect_success 'containers on two different v6 networks cannot reach each other' '
	net create --ipv6 --subnet6 fd00:b0b::/64 other6 >/dev/null &&
	mkctr b1 peer &&
	net attach --network other6 "$CT_ROOT/containers/b1" >/dev/null &&
	ping6 b1 fd00:b0b::1 &&
	ping6 b1 fd00:beef::2 &&
	! ping6 b1 fd00:ca7::2 &&
	! ping6 a1 fd00:b0b::2
'

test_expect_success '--internal v6: no v6 default route, no way out, members still talk' '
	net create --ipv6 --internal --subnet6 fd00:5ea1::/64 sealed6 >/dev/null &&
	mkctr i1 in1 && mkctr i2 in2 &&
	net attach --network sealed6 "$CT_ROOT/containers/i1" >/dev/null &&
	net attach --network sealed6 "$CT_ROOT/containers/i2" >/dev/null &&
	cx i1 ip -6 route >route && ! test_grep -q default route &&
	cx i1 ip -6 route add default via fd00:5ea1::1 &&
	! ping6 i1 fd00:beef::2 &&
	ping6 i1 fd00:5ea1::3 &&
	hx nft list table ip6 ctnet >rules &&
	! test_grep "ip6 saddr fd00:5ea1::/64 oifname" rules &&
	test_grep "ip6 saddr fd00:ca7::/64 oifname" rules
'

test_expect_success '--ip6 is refused on a v4-only network and when taken' '
	net create plain4 >/dev/null &&
	mkctr p1 &&
	test_must_fail net attach --network plain4 --ip6 fd00::5 "$CT_ROOT/containers/p1" 2>err &&
	test_grep "has no IPv6" err &&
	test_must_fail net attach --network app6 --ip6 fd00:ca7::99 "$CT_ROOT/containers/p1" 2>err &&
	test_grep "already in use" err &&
	test_must_fail net connect --ip6 fd00:ca7::99 app6 b1 2>err &&
	test_grep "already in use" err &&
	net rm plain4 >/dev/null
'

test_expect_success 'a stopped member: gone from inspect; its v6 address reclaimed by prune, reused' '
	printf "[state]\nstatus = stopped\n" >"$CT_ROOT/containers/a1/state.ini" &&
	: "inspect shows running members only, as Docker does" &&
	net inspect -f "{{json .Containers}}" app6 >j &&
	test "$(jq -r "keys[]" j)" = a2 &&
	net prune >out && test_grep "^a1$" out &&
	test -z "$(ip6of app6 a1)" &&
	mkctr a3 &&
	net attach --network app6 "$CT_ROOT/containers/a3" >/dev/null &&
	test "$(ip6of app6 a3)" = fd00:ca7::2
'

test_expect_success 'after rm of everything, nothing of ct is left (rules, addresses, links)' '
	for c in a2 a3 b1 i1 i2; do net detach $c || return 1; done &&
	net rm app6 other6 sealed6 >/dev/null &&
	hx nft list ruleset >rules && ! test_grep ctnet rules &&
	hx ip -o -6 addr >addrs && ! test_grep "fd00:ca7\|fd00:b0b\|fd00:5ea1" addrs &&
	hx ip -o link | cut -d: -f2 >links &&
	! test_grep "^ ct-\|^ veth" links
'

test_done
