#!/bin/sh
test_description='ct-spawn: a user namespace with uid/gid maps; the mapped ids are seen inside and outside'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

[ -r /proc/self/uid_map ] && unshare -U true 2>/dev/null ||
	skip_all 'no user namespaces here (unshare -U fails)'

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base &&
	mkbundle u1 ".linux.namespaces += [{\"type\": \"user\"}] |
		.linux.uidMappings = [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}] |
		.linux.gidMappings = [{\"containerID\": 0, \"hostID\": 300000, \"size\": 65536}] |
		.process.args = [\"sh\", \"-c\", \"cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g; sleep 1\"]"
'

test_expect_success 'inside: the maps are the spec'\''s and the process is root (0)' '
	spawn run --bundle u1 "$(sid maps)" >out &&
	awk "NR <= 2 { print \$1, \$2, \$3 }" out >maps &&
	printf "0 200000 65536\n0 300000 65536\n" >expect &&
	test_cmp expect maps &&
	test "$(sed -n 3p out)" = 0 &&
	test "$(sed -n 4p out)" = 0
'

test_expect_success 'outside: the container process runs as the mapped host ids' '
	mkbundle u2 "$(jq -c .linux "$TEST_DIR/u1/config.json" | sed "s/.*/.linux = &/") | .process.args = [\"sleep\", \"30\"]" &&
	spawn run -d --bundle u2 "$(sid host)" &&
	for i in $(seq 100); do
		pid=$(spawn state "$(sid host)" 2>/dev/null | jq -r .pid) &&
		[ "${pid:-0}" -gt 0 ] && grep -q "^Uid:.*200000" /proc/$pid/status && break
		sleep 0.05
	done &&
	grep "^Uid:" /proc/$pid/status | test_grep -E "^Uid:[[:space:]]+200000[[:space:]]+200000" &&
	grep "^Gid:" /proc/$pid/status | test_grep -E "^Gid:[[:space:]]+300000[[:space:]]+300000" &&
	test "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" &&
	spawn delete --force "$(sid host)"
'

test_expect_success 'a non-root user inside maps to its host id' '
	mkbundle u3 "$(jq -c .linux "$TEST_DIR/u1/config.json" | sed "s/.*/.linux = &/") | .process.user = {\"uid\": 1000, \"gid\": 1000} | .process.args = [\"sh\", \"-c\", \"id -u; id -g\"]" &&
	spawn run --bundle u3 "$(sid user)" >out &&
	printf "1000\n1000\n" >expect &&
	test_cmp expect out
'

test_expect_success 'exec joins the user namespace too' '
	spawn run -d --bundle u2 "$(sid exec)" &&
	for i in $(seq 100); do
		[ "$(spawn state "$(sid exec)" 2>/dev/null | jq -r .status)" = running ] && break
		sleep 0.05
	done &&
	spawn exec "$(sid exec)" cat /proc/self/uid_map >out &&
	awk "{ print \$1, \$2, \$3 }" out >maps &&
	echo "0 200000 65536" >expect &&
	test_cmp expect maps &&
	spawn delete --force "$(sid exec)"
'

test_done
