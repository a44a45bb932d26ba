#!/bin/sh
test_description='ct-net: networks (create, ls, inspect, rm), attach and detach, modes, files, clean-up'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT NETNS NFT BUSYBOX JQ
. "$CT_SRC/t/5099-net-lib.sh"

test_expect_success 'setup: a foreign nftables table that must survive' '
	printf "table inet other {\n\tchain input {\n\t\ttype filter hook input priority 0; policy accept;\n\t\ttcp dport 9999 counter accept\n\t}\n}\n" >other.nft &&
	hx nft -f other.nft &&
	hx nft list table inet other >before
'

test_expect_success 'create makes a bridge with the gateway address and prints the name' '
	net create front >out &&
	echo front >expect && test_cmp expect out &&
	br=$(sed -n "s/^bridge = //p" "$CT_ROOT/networks/front.ini") &&
	hx ip -o addr show dev "$br" >addr &&
	test_grep "inet 10.78.0.1/24" addr
'

test_expect_success 'auto-picked subnets do not overlap; --subnet and --gateway are kept' '
	net create back >/dev/null &&
	test_grep "^subnet = 10.78.1.0/24" "$CT_ROOT/networks/back.ini" &&
	net create --subnet 192.168.77.0/24 --gateway 192.168.77.254 fixed >/dev/null &&
	test_grep "^gateway = 192.168.77.254" "$CT_ROOT/networks/fixed.ini"
'

test_expect_success 'an overlapping, malformed or duplicate network is refused clearly' '
	test_must_fail net create --subnet 10.78.0.0/16 clash 2>err &&
	test_grep "overlaps network" err &&
	test_must_fail net create --subnet 10.99.0.5/24 bad 2>err &&
	test_grep "host bits set; did you mean 10.99.0.0/24" err &&
	test_must_fail net create front 2>err &&
	test_grep "already exists" err &&
	test_must_fail net create "bad name" 2>err &&
	test_grep "invalid network name" err &&
	test_expect_code 2 net create 2>err
'

test_expect_success 'ls lists networks; inspect is Docker-shaped JSON' '
	net ls >ls &&
	test_grep "^NETWORK ID" ls && test_grep " front " ls && test_grep " fixed " ls &&
	net inspect front >insp &&
	jq -e ".[0].Name == \"front\" and .[0].Driver == \"bridge\" and
	       .[0].IPAM.Config[0].Subnet == \"10.78.0.0/24\" and
	       .[0].IPAM.Config[0].Gateway == \"10.78.0.1\" and .[0].Internal == false" insp
'

test_expect_success 'attach reads the bundle from stdin, prints it, and sets up eth0' '
	mkctr c1 web &&
	echo "$CT_ROOT/containers/c1" | net attach --network front --alias www >out &&
	echo "$CT_ROOT/containers/c1" >expect && test_cmp expect out &&
	cx c1 ip -o addr show dev eth0 >addr &&
	test_grep "inet 10.78.0.2/24" addr &&
	cx c1 ip -o link show dev eth0 >link &&
	test_grep "link/ether 02:42:0a:4e:00:02" link &&
	cx c1 ip route >route &&
	test_grep "^default via 10.78.0.1 dev eth0" route &&
	cx c1 ip -o link show dev lo >lo && test_grep "UP" lo
'

test_expect_success 'attach writes hosts, resolv.conf, hostname and edits config.json' '
	d=$CT_ROOT/containers/c1 &&
	test_grep "^10.78.0.2	c1 web www$" "$d/hosts" &&
	test_grep "^nameserver 10.78.0.1$" "$d/resolv.conf" &&
	echo c1 >expect && test_cmp expect "$d/hostname" &&
	jq -r ".linux.namespaces[] | select(.type == \"network\") | .path" "$d/config.json" >ns &&
	echo "$CT_ROOT/netns/c1" >expect && test_cmp expect ns &&
	jq -e "[.mounts[].destination] | contains([\"/etc/hosts\", \"/etc/resolv.conf\", \"/etc/hostname\"])" "$d/config.json" &&
	jq -e ".hostname == \"c1\"" "$d/config.json"
'

test_expect_success 'inspect shows live members; attaching twice is refused' '
	net inspect front >insp &&
	jq -e ".[0].Containers.c1.Name == \"web\" and .[0].Containers.c1.IPv4Address == \"10.78.0.2/24\" and .[0].Containers.c1.MacAddress == \"02:42:0a:4e:00:02\"" insp &&
	test_must_fail net attach --network front "$CT_ROOT/containers/c1" 2>err &&
	test_grep "already attached" err
'

test_expect_success 'rm of a network in use is refused, naming the users' '
	test_must_fail net rm front 2>err &&
	test_grep "in use by 1 container: web" err &&
	test -f "$CT_ROOT/networks/front.ini"
'

test_expect_success 'the default network: bridge ct0 on 10.77.0.0/16, made on first use, no DNS' '
	mkctr c2 &&
	net attach "$CT_ROOT/containers/c2" >/dev/null &&
	hx ip -o addr show dev ct0 >addr &&
	test_grep "inet 10.77.0.1/16" addr &&
	cx c2 ip -o addr show dev eth0 >addr2 &&
	test_grep "inet 10.77.0.2/16" addr2 &&
	! test -f "$CT_ROOT/networks/bridge.dns.pid" &&
	! test_grep -q "^nameserver 10.77.0.1" "$CT_ROOT/containers/c2/resolv.conf"
'

test_expect_success 'the default subnet comes from ct.conf' '
	net detach c2 && net rm bridge >/dev/null &&
	printf "[network]\nsubnet = 10.66.0.0/24\nbridge = ctx0\n" >"$CT_CONFIG" &&
	net attach "$CT_ROOT/containers/c2" >/dev/null &&
	hx ip -o addr show dev ctx0 >addr &&
	test_grep "inet 10.66.0.1/24" addr &&
	net detach c2 && net rm bridge >/dev/null && : >"$CT_CONFIG"
'

test_expect_success 'default network: the host resolv.conf, a loopback stub replaced' '
	mkctr c7 &&
	printf "search example.org\nnameserver 127.0.0.53\noptions edns0\n" >stub.conf &&
	printf "[network]\nresolv_conf = %s\n" "$TEST_DIR/stub.conf" >"$CT_CONFIG" &&
	net attach "$CT_ROOT/containers/c7" >/dev/null &&
	r=$CT_ROOT/containers/c7/resolv.conf &&
	test_grep "^search example.org$" "$r" &&
	test_grep "^options edns0$" "$r" &&
	! test_grep -q "127.0.0.53" "$r" &&
	test_grep -q "^nameserver " "$r" &&
	net detach c7 &&
	printf "nameserver 192.0.2.53\n" >plain.conf &&
	printf "[network]\nresolv_conf = %s\n" "$TEST_DIR/plain.conf" >"$CT_CONFIG" &&
	net attach "$CT_ROOT/containers/c7" >/dev/null &&
	test_cmp plain.conf "$r" &&
	net detach c7 && net rm bridge >/dev/null && : >"$CT_CONFIG"
'

test_expect_success '--network none: loopback only' '
	mkctr c3 &&
	net attach --network none "$CT_ROOT/containers/c3" >/dev/null &&
	cx c3 ip -o link >links &&
	test "$(wc -l <links)" = 1 && test_grep "lo:.*UP" links
'

test_expect_success '--network container:ID shares the namespace of another container' '
	mkctr c4 &&
	net attach --network container:web "$CT_ROOT/containers/c4" >/dev/null &&
	jq -r ".linux.namespaces[] | select(.type == \"network\") | .path" "$CT_ROOT/containers/c4/config.json" >ns &&
	echo "$CT_ROOT/netns/c1" >expect && test_cmp expect ns
'

test_expect_success '--network host drops the network namespace from config.json' '
	mkctr c5 &&
	net attach --network host "$CT_ROOT/containers/c5" >/dev/null &&
	jq -e "[.linux.namespaces[] | select(.type == \"network\")] | length == 0" "$CT_ROOT/containers/c5/config.json" &&
	test_must_fail net attach --network host -p 80 "$CT_ROOT/containers/c5" 2>err
'

test_expect_success 'an unknown network is a clear error and leaves nothing behind' '
	mkctr c6 &&
	test_must_fail net attach --network nosuch "$CT_ROOT/containers/c6" 2>err &&
	test_grep "no network named .nosuch." err &&
	test_path_is_missing "$CT_ROOT/netns/c6" && test_path_is_missing "$CT_ROOT/netns/c6.ini"
'

test_expect_success 'detach removes the veth, the address and the namespace' '
	veth=$(sed -n "s/^veth = //p" "$CT_ROOT/networks/front.ini") &&
	net detach c4 && net detach web && net detach c3 && net detach c5 &&
	! hx ip link show "$veth" 2>/dev/null &&
	test_path_is_missing "$CT_ROOT/netns/c1" &&
	! grep -q "^\[endpoint" "$CT_ROOT/networks/front.ini" &&
	test_must_fail net detach web 2>err && test_grep "no container .web." err
'

test_expect_success 'after rm of every network nothing of ct is left in ip link or nft' '
	net rm front back fixed >/dev/null &&
	net ls --format "{{.Name}}" >ls && printf "host\nnone\n" >expect &&
	test_cmp expect ls &&
	hx ip -o link >links &&
	test "$(wc -l <links)" = 1 &&
	hx nft list ruleset >rules &&
	! grep -q ctnet rules &&
	! ls "$CT_ROOT"/networks/*.dns.pid 2>/dev/null &&
	hx nft list table inet other >after &&
	test_cmp before after
'

test_done
