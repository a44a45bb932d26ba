#!/bin/sh
test_description='make demo: the main job, in a namespace that plays the host'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY NETNS NFT BUSYBOX
command -v nsenter >/dev/null || skip_all "needs nsenter (util-linux)"

# The demo publishes a port on "the host": here a throw-away network
# namespace, so nothing of the machine's own network is touched.
HNS=ct-test-demo-$$
ip netns add "$HNS" || skip_all "cannot create a network namespace"
test_cleanup "ip netns delete $HNS"
ip -n "$HNS" link set lo up
hx() { nsenter --net="/run/netns/$HNS" "$@"; }

test_expect_success 'the demo serves its page, shows ct ps, and says it cleaned up' '
	hx sh "$CT_SRC/share/examples/demo.sh" >out 2>&1 &&
	test_grep "Hello from a ct container" out &&
	test_grep "Up .* 0.0.0.0:8080->80/tcp  *demo-web" out &&
	test_grep "nothing of the demo is left" out
'

test_expect_success 'nothing of it is left: no nft table, no bridge, no mounts, no state root' '
	hx nft list ruleset >rules &&
	! grep -q "ctnet\|ct0" rules &&
	hx ip -br link >links &&
	test "$(grep -cv "^lo " links)" = 0 &&
	! grep -q " /tmp/ct-demo\." /proc/self/mountinfo &&
	! ls -d /tmp/ct-demo.* 2>/dev/null
'

test_done
