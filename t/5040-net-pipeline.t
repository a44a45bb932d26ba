#!/bin/sh
test_description='ct-net with the real pipeline: a busybox image run by ct-spawn in the namespace ct-net made (published port, names, files)'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT NETNS NFT BUSYBOX JQ UMOCI MKIMAGE
. "$CT_SRC/t/5099-net-lib.sh"
[ -x "$CT_BUILD/bin/ct-spawn" ] || skip_all "needs ct-spawn in this build"

# a busybox rootfs from the fixture image, shared by the bundles
layout=$(ct_fixture busybox) || skip_all "mkimage failed"
umoci unpack --image "$layout:latest" "$TEST_DIR/base" >/dev/null 2>&1 || skip_all "umoci unpack failed"
mkdir -p www && echo "served from a real container" >www/index.html
test_cleanup "for f in '$CT_ROOT'/containers/*/ct.ini; do ct-spawn kill \"\$(basename \"\$(dirname \"\$f\")\")\" KILL; done"

# bundle ID NAME 'ARGS-JSON': a ct bundle whose rootfs is the shared one
bundle() {
	d=$CT_ROOT/containers/$1
	mkdir -p "$d" &&
	printf '[container]\nid = %s\nname = %s\n' "$1" "$2" >"$d/ct.ini" &&
	jq --arg r "$TEST_DIR/base/rootfs" --argjson a "$3" --arg www "$TEST_DIR/www" \
		'.root.path = $r | .root.readonly = false | .process.terminal = false | .process.args = $a |
		 .mounts += [{"destination": "/www", "type": "bind", "source": $www, "options": ["rbind", "ro"]}]' \
		"$TEST_DIR/base/config.json" >"$d/config.json"
}
# run ID: ct-spawn in the foreground, in the host namespace; output in run.out
run() { hx timeout 30 ct-spawn run "$CT_ROOT/containers/$1" </dev/null >run.out 2>&1; }

test_expect_success 'ct-net attach | ct-spawn run -d: httpd published on 8080' '
	net create site >/dev/null &&
	bundle w1 web "[\"httpd\", \"-f\", \"-p\", \"80\", \"-h\", \"/www\"]" &&
	net attach --network site -p 8080:80 "$CT_ROOT/containers/w1" | hx ct-spawn run -d >/dev/null &&
	for i in $(seq 50); do
		hx timeout 5 busybox wget -q -O - http://127.0.0.1:8080/ >out 2>/dev/null && break
		sleep 0.2
	done &&
	test_grep "served from a real container" out
'

test_expect_success 'inside: eth0 with its address, the hostname, hosts and resolv.conf' '
	bundle c1 client "[\"sh\", \"-c\", \"ip -o addr show dev eth0; hostname; cat /etc/hosts /etc/resolv.conf\"]" &&
	net attach --network site --hostname box "$CT_ROOT/containers/c1" >/dev/null &&
	run c1 &&
	test_grep "inet 10.78.0.3/24" run.out &&
	test_grep -x "box" run.out &&
	test_grep "^10.78.0.3	box client$" run.out &&
	test_grep "^nameserver 10.78.0.1$" run.out
'

test_expect_success 'inside: the other container by name, through the resolv.conf resolver' '
	bundle c2 client2 "[\"sh\", \"-c\", \"nslookup web && wget -q -O - http://web/\"]" &&
	net attach --network site "$CT_ROOT/containers/c2" >/dev/null &&
	run c2 &&
	test_grep "Address: 10.78.0.2" run.out &&
	test_grep "served from a real container" run.out
'

test_expect_success 'the server is killed: prune reclaims it and the two that ended' '
	hx ct-spawn kill w1 KILL &&
	for i in $(seq 50); do grep -q "status = stopped" "$CT_ROOT/containers/w1/state.ini" 2>/dev/null && break; sleep 0.1; done &&
	net prune | sort >out &&
	printf "c1\nc2\nw1\n" >expect &&
	test_cmp expect out &&
	! hx timeout 5 busybox wget -q -O - http://127.0.0.1:8080/ 2>/dev/null
'

test_expect_success 'clean-up leaves nothing' '
	hx ct-spawn delete w1 2>/dev/null; hx ct-spawn delete c1 2>/dev/null; hx ct-spawn delete c2 2>/dev/null;
	net rm site >/dev/null &&
	! ls "$CT_ROOT"/netns/* 2>/dev/null &&
	hx nft list ruleset >rules && ! test_grep ctnet rules
'

test_done
