#!/bin/sh
test_description='ct-net: IPAM (unique addresses, full networks, --ip), concurrent attaches, prune after kill -9'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT NETNS NFT BUSYBOX JQ
. "$CT_SRC/t/5099-net-lib.sh"

ips() { sed -n "s/^ip = //p" "$CT_ROOT/networks/$1.ini"; }

test_expect_success '60 containers on a /26 get 60 unique addresses' '
	net create --subnet 10.79.0.0/26 many >/dev/null &&
	for i in $(seq 60); do
		mkctr m$i && net attach --network many "$CT_ROOT/containers/m$i" >/dev/null || return 1
	done &&
	ips many >all &&
	test "$(wc -l <all)" = 60 &&
	test "$(sort -u all | wc -l)" = 60 &&
	! grep -qx "10.79.0.1" all &&
	cx m60 ip -o addr show dev eth0 >addr && test_grep "inet 10.79.0.61/26" addr
'

test_expect_success 'the network fills up with a clear error; a freed address is reused' '
	mkctr m61 && mkctr m62 &&
	net attach --network many "$CT_ROOT/containers/m61" >/dev/null &&
	test_must_fail net attach --network many "$CT_ROOT/containers/m62" 2>err &&
	test_grep "no free address left in 10.79.0.0/26" err &&
	test_path_is_missing "$CT_ROOT/netns/m62" &&
	net detach m7 &&
	net attach --network many "$CT_ROOT/containers/m62" >/dev/null &&
	cx m62 ip -o addr show dev eth0 >addr && test_grep "inet 10.79.0.8/26" addr
'

test_expect_success 'a /30 network: one container fits, the next is refused' '
	net create --subnet 10.79.1.0/30 tiny >/dev/null &&
	mkctr t1 && mkctr t2 &&
	net attach --network tiny "$CT_ROOT/containers/t1" >/dev/null &&
	test_must_fail net attach --network tiny "$CT_ROOT/containers/t2" 2>err &&
	test_grep "no free address left in 10.79.1.0/30" err
'

test_expect_success '--ip: a free address is used; taken or foreign ones are refused' '
	net create --subnet 10.79.2.0/24 fixed >/dev/null &&
	mkctr s1 && mkctr s2 &&
	net attach --network fixed --ip 10.79.2.77 "$CT_ROOT/containers/s1" >/dev/null &&
	cx s1 ip -o addr show dev eth0 >addr && test_grep "inet 10.79.2.77/24" addr &&
	test_must_fail net attach --network fixed --ip 10.79.2.77 "$CT_ROOT/containers/s2" 2>err &&
	test_grep "10.79.2.77 is already in use" err &&
	test_must_fail net attach --network fixed --ip 10.79.3.5 "$CT_ROOT/containers/s2" 2>err &&
	test_grep "not in subnet" err &&
	test_must_fail net attach --network fixed --ip 10.79.2.1 "$CT_ROOT/containers/s2" 2>err &&
	test_grep "gateway" err
'

test_expect_success 'ten attaches at once get ten different addresses (the lock)' '
	for i in $(seq 10); do mkctr q$i || return 1; done &&
	for i in $(seq 10); do
		net attach --network fixed "$CT_ROOT/containers/q$i" >/dev/null 2>"err$i" &
	done &&
	wait &&
	ips fixed >all &&
	test "$(wc -l <all)" = 11 &&
	test "$(sort -u all | wc -l)" = 11
'

test_expect_success 'kill -9 of a container, then prune frees its address, veth, rules and netns' '
	mkctr k1 && mkctr k2 && mkctr k3 &&
	net attach --network fixed -p 8200:80 "$CT_ROOT/containers/k1" >/dev/null &&
	net attach --network fixed "$CT_ROOT/containers/k2" >/dev/null &&
	net attach --network fixed "$CT_ROOT/containers/k3" >/dev/null &&
	test_bg k1 nsenter --net="$CT_ROOT/netns/k1" sleep 1000 &&
	test_bg k2 nsenter --net="$CT_ROOT/netns/k2" sleep 1000 &&
	printf "[state]\nstatus = running\npid = %s\n" $test_pid_k1 >"$CT_ROOT/containers/k1/state.ini" &&
	printf "[state]\nstatus = running\npid = %s\n" $test_pid_k2 >"$CT_ROOT/containers/k2/state.ini" &&
	k1ip=$(sed -n "/^id = k1$/,/^$/s/^ip = //p" "$CT_ROOT/networks/fixed.ini") &&
	veth=$(sed -n "/^id = k1$/,/^$/s/^veth = //p" "$CT_ROOT/networks/fixed.ini") &&
	hx nft list table ip ctnet >rules && test_grep "dport 8200" rules &&
	kill -9 $test_pid_k1 && wait $test_pid_k1 2>/dev/null;
	net prune >out &&
	echo k1 >expect && test_cmp expect out &&
	! grep -qx "id = k1" "$CT_ROOT/networks/fixed.ini" &&
	! grep -qx "ip = $k1ip" "$CT_ROOT/networks/fixed.ini" &&
	! hx ip link show "$veth" 2>/dev/null &&
	hx nft list table ip ctnet >rules && ! test_grep "dport 8200" rules &&
	test_path_is_missing "$CT_ROOT/netns/k1" &&
	grep -qx "id = k2" "$CT_ROOT/networks/fixed.ini" &&
	grep -qx "id = k3" "$CT_ROOT/networks/fixed.ini"
'

test_expect_success 'prune also reclaims containers whose bundle was removed' '
	rm -rf "$CT_ROOT/containers/k3" &&
	net prune >out &&
	echo k3 >expect && test_cmp expect out &&
	net prune >out && test_must_fail test -s out
'

test_expect_success 'detaching everything and removing the networks leaves nothing' '
	for d in "$CT_ROOT"/netns/*.ini; do
		net detach "$(basename "$d" .ini)" || return 1
	done &&
	net rm many tiny fixed >/dev/null &&
	hx nft list ruleset >rules && ! test_grep ctnet rules &&
	hx ip -o link | cut -d: -f2 >links && ! test_grep "^ ct-\|^ veth" links &&
	! ls "$CT_ROOT"/netns/* 2>/dev/null
'

test_done
