#!/bin/sh
test_description='the "andromeda" lab: a user network whose members reach each other by name, the default bridge kept apart, connect and disconnect'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/6349-ct-net-lib.sh"

test_expect_success 'setup: a busybox image' '
	net_setup_image
'

test_expect_success 'ct network create andromeda prints its id; ls lists it' '
	c network create andromeda >id &&
	grep -qx "[0-9a-f]\{64\}" id &&
	c network ls >out &&
	test_grep "^$(cut -c1-12 id)   andromeda  *bridge   local$" out
'

test_expect_success 'three containers on it' '
	for n in alpha beta gamma; do
		c run -d --network andromeda --name $n busybox sleep 300 >/dev/null || return 1
	done &&
	c network inspect andromeda >out &&
	for n in alpha beta gamma; do test_grep "\"Name\": \"$n\"" out || return 1; done
'

test_expect_success 'they ping each other by name' '
	reach alpha beta && reach alpha gamma &&
	reach beta alpha && reach beta gamma &&
	reach gamma alpha && reach gamma beta
'

test_expect_success 'one on the default bridge reaches none of them, by name or address' '
	c run -d --name outsider busybox sleep 300 >/dev/null &&
	A=$(ip_of alpha) && test -n "$A" &&
	O=$(ip_of outsider) && test -n "$O" &&
	no_reach outsider "$A" &&
	no_reach outsider alpha &&
	no_reach alpha "$O" &&
	no_reach alpha outsider
'

test_expect_success 'ct network connect andromeda outsider: reachable both ways, by name' '
	c network connect andromeda outsider >out &&
	test_must_fail test -s out &&
	reach outsider alpha && reach outsider gamma &&
	reach alpha outsider && reach beta outsider &&
	c exec outsider ip -o -4 addr show dev eth1 >out &&
	test_grep "inet 10\." out
'

test_expect_success 'ct network disconnect andromeda gamma cuts it off' '
	G=$(ip_of gamma) && test -n "$G" &&
	c network disconnect andromeda gamma &&
	no_reach alpha gamma &&
	no_reach alpha "$G" &&
	no_reach gamma alpha &&
	reach alpha beta &&
	c network inspect andromeda >out &&
	! grep -q "\"Name\": \"gamma\"" out
'

test_expect_success 'rm of the network in use is refused, naming its containers' '
	test_expect_code 1 c network rm andromeda 2>err &&
	test_grep "in use" err &&
	test_grep "alpha" err && test_grep "beta" err && test_grep "outsider" err &&
	c network ls -q >out && test_grep "^$(cut -c1-12 id)$" out
'

test_expect_success 'after the containers go, rm removes it; nothing of ct is left' '
	for n in alpha beta gamma outsider; do c rm -f $n >/dev/null & done; wait &&
	c ps -aq >out && test_must_fail test -s out &&
	c network rm andromeda >out &&
	test "$(cat out)" = andromeda &&
	rm_default_net &&
	nothing_left
'

test_done
