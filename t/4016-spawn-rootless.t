#!/bin/sh
test_description='ct-spawn run by a non-root user: a single-id map written without helpers, ranges through newuidmap/newgidmap, no cgroup of its own, state under $XDG_RUNTIME_DIR, clear errors for what it cannot do'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

# an unused uid with no passwd entry (the single-id case needs none)
U=40123
command -v setpriv >/dev/null || skip_all 'no setpriv (util-linux) to drop to a non-root user'
[ -r /proc/self/uid_map ] || skip_all 'no user namespaces here'
setpriv --reuid=$U --regid=$U --clear-groups unshare -U true 2>/dev/null ||
	skip_all "unprivileged user namespaces are refused here (unshare -U as uid $U fails: kernel.unprivileged_userns_clone or user.max_user_namespaces)"

SPAWN=$CT_BUILD/bin/ct-spawn
# the user must reach the bundles and the binary below $TEST_DIR
chmod 755 "$TEST_DIR"
mkdir -p "$TEST_DIR/xdg" && chown $U:$U "$TEST_DIR/xdg" && chmod 700 "$TEST_DIR/xdg"

# as_user CMD...: run as uid/gid $U with no groups, its own runtime dir
as_user() {
	setpriv --reuid=$U --regid=$U --clear-groups \
		env XDG_RUNTIME_DIR="$TEST_DIR/xdg" "$@"
}

# a rootless bundle DIR for OWNER (uid:gid), config.json through the jq filter:
# its own copy of the rootfs owned by OWNER, runc spec --rootless's namespaces
# (no network namespace joined, no cgroup resources)
rlbundle() {
	rb_dir=$1 rb_owner=$2 rb_filter=$3
	mkdir -p "$rb_dir" &&
	cp -a "$TEST_DIR/base/rootfs" "$rb_dir/rootfs" &&
	chmod 1777 "$rb_dir/rootfs/tmp" &&
	jq --argjson id "${rb_owner%%:*}" '
		.root.path = "rootfs" | .hostname = "rootless" |
		.linux.namespaces = [{"type": "pid"}, {"type": "ipc"}, {"type": "uts"},
				     {"type": "mount"}, {"type": "user"}] |
		.linux.uidMappings = [{"containerID": 0, "hostID": $id, "size": 1}] |
		.linux.gidMappings = [{"containerID": 0, "hostID": $id, "size": 1}] |
		del(.linux.resources) | '"$rb_filter" \
		"$TEST_DIR/base/config.json" >"$rb_dir/config.json" &&
	chown -R "$rb_owner" "$rb_dir"
}

# every container the user made is gone at exit
test_cleanup 'for d in "$TEST_DIR"/xdg/ct-spawn/*/; do [ -d "$d" ] && as_user "$SPAWN" delete --force "$(basename "$d")"; done'

test_expect_success 'set up rootless bundles owned by the user' '
	spawn_base &&
	rlbundle r1 $U:$U ".process.args = [\"sh\", \"/probe\"]" &&
	cat >r1/rootfs/probe <<-\EOF &&
	id -u; id -g
	cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups
	hostname
	echo $$
	echo x >/dev/null && echo null-ok
	touch /made-inside
	EOF
	rlbundle r2 $U:$U ".process.args = [\"sleep\", \"30\"]"
'

test_expect_success 'single-id map without helpers: root inside, the map, setgroups denied, hostname, PID 1, /dev/null' '
	(cd r1 && as_user "$SPAWN" run "$(sid single)") >out 2>err &&
	{ awk "NR <= 2" out; awk "NR >= 3 && NR <= 4 { print \$1, \$2, \$3 }" out; sed -n "5,\$p" out; } >got &&
	printf "0\n0\n0 %s 1\n0 %s 1\ndeny\nrootless\n1\nnull-ok\n" $U $U >expect &&
	test_cmp expect got
'

test_expect_success 'a file made inside belongs to the user on the host' '
	test "$(stat -c %u:%g r1/rootfs/made-inside)" = "$U:$U"
'

test_expect_success '-v narrates the maps, setgroups deny and the skipped cgroup' '
	(cd r1 && as_user "$SPAWN" -v run "$(sid narrate)") >out 2>err &&
	test_grep "uid_map: 0 $U 1" err &&
	test_grep "setgroups: deny" err &&
	test_grep "gid_map: 0 $U 1" err &&
	test_grep "rootless: no limits asked" err
'

test_expect_success 'the state root is $XDG_RUNTIME_DIR/ct-spawn; -d, state, exec, list, kill, delete as the user' '
	id=$(sid detach) &&
	(cd r2 && as_user "$SPAWN" run -d "$id") &&
	test -d "$TEST_DIR/xdg/ct-spawn/$id" &&
	for i in $(seq 100); do
		pid=$(as_user "$SPAWN" state "$id" 2>/dev/null | jq -r .pid) &&
		[ "${pid:-0}" -gt 0 ] && grep -q "^Uid:.*$U" /proc/$pid/status && break
		sleep 0.05
	done &&
	grep "^Uid:" /proc/$pid/status | test_grep -E "^Uid:[[:space:]]+$U[[:space:]]+$U" &&
	test "$(as_user "$SPAWN" state "$id" | jq -r .status)" = running &&
	as_user "$SPAWN" list -q >ids &&
	test_grep "^$id\$" ids &&
	as_user "$SPAWN" exec "$id" sh -c "id -u; cat /proc/self/uid_map; ps -o pid,comm" >out &&
	test "$(sed -n 1p out)" = 0 &&
	sed -n 2p out | awk "{ print \$1, \$2, \$3 }" | test_grep "^0 $U 1\$" &&
	test_grep "^ *1 sleep" out &&
	as_user "$SPAWN" ps "$id" >ps &&
	test_grep "^$pid sleep" ps &&
	as_user "$SPAWN" kill "$id" KILL &&
	for i in $(seq 100); do
		[ "$(as_user "$SPAWN" state "$id" | jq -r .status)" = stopped ] && break
		sleep 0.05
	done &&
	test "$(as_user "$SPAWN" state "$id" | jq -r .status)" = stopped &&
	as_user "$SPAWN" delete "$id" &&
	test ! -e "$TEST_DIR/xdg/ct-spawn/$id"
'

test_expect_success 'runc-style create, start, kill --all, delete as the user' '
	id=$(sid create) &&
	as_user "$SPAWN" create --bundle "$TEST_DIR/r2" "$id" &&
	test "$(as_user "$SPAWN" state "$id" | jq -r .status)" = created &&
	as_user "$SPAWN" start "$id" &&
	test "$(as_user "$SPAWN" state "$id" | jq -r .status)" = running &&
	as_user "$SPAWN" kill --all "$id" KILL &&
	for i in $(seq 100); do
		[ "$(as_user "$SPAWN" state "$id" | jq -r .status)" = stopped ] && break
		sleep 0.05
	done &&
	as_user "$SPAWN" delete "$id" &&
	test_must_fail as_user "$SPAWN" state "$id" 2>/dev/null
'

test_expect_success 'spec --rootless writes a bundle the user can run (no network namespace, /sys bound, no limits)' '
	mkdir -p sp &&
	cp -a "$TEST_DIR/base/rootfs" sp/rootfs &&
	chown -R $U:$U sp &&
	(cd sp && as_user "$SPAWN" spec --rootless) &&
	test "$(stat -c %u sp/config.json)" = $U &&
	jq -e ".linux.uidMappings == [{\"containerID\": 0, \"hostID\": $U, \"size\": 1}] and
	       .linux.gidMappings == [{\"containerID\": 0, \"hostID\": $U, \"size\": 1}] and
	       ([.linux.namespaces[].type] | index(\"network\") == null) and
	       .linux.resources == null" sp/config.json &&
	(cd sp && test_must_fail as_user "$SPAWN" spec --rootless) 2>err &&
	test_grep "exists already" err &&
	jq ".process.terminal = false | .process.args = [\"sh\", \"-c\", \"id -u; grep -c . /proc/self/uid_map; grep \\\" /sys \\\" /proc/self/mounts\"]" sp/config.json >sp/c.json &&
	mv sp/c.json sp/config.json && chown $U:$U sp/config.json &&
	(cd sp && as_user "$SPAWN" run "$(sid spec)") >out &&
	test "$(sed -n 1p out)" = 0 &&
	test "$(sed -n 2p out)" = 1 &&
	sed -n 3p out | test_grep "^sysfs /sys sysfs ro," &&
	test_must_fail "$SPAWN" spec --bundle rootspec 2>err &&
	test_grep "bundle directory rootspec" err &&
	mkdir rootspec &&
	"$SPAWN" spec --bundle rootspec &&
	jq -e "([.linux.namespaces[].type] | index(\"user\") == null) and .linux.resources.devices != null" rootspec/config.json
'

test_expect_success 'no cgroup of its own: pause says so' '
	id=$(sid pause) &&
	(cd r2 && as_user "$SPAWN" run -d "$id") &&
	test "$(as_user "$SPAWN" state "$id" | jq -r .status)" = running &&
	test_must_fail as_user "$SPAWN" pause "$id" 2>err &&
	test_grep "no cgroup of its own" err &&
	as_user "$SPAWN" delete --force "$id"
'

test_expect_success 'without $XDG_RUNTIME_DIR or --root: a clear error' '
	test_must_fail setpriv --reuid=$U --regid=$U --clear-groups "$SPAWN" list 2>err &&
	test_grep "XDG_RUNTIME_DIR is not set" err &&
	test_grep -- "--root DIR" err
'

test_expect_success 'a bundle without a user namespace: the error says it needs one' '
	(cd r2 && jq "del(.linux.namespaces[] | select(.type == \"user\")) | del(.linux.uidMappings, .linux.gidMappings)" config.json >../nouserns.json) &&
	mkdir -p r9 && mv nouserns.json r9/config.json &&
	jq ".root.path = \"$TEST_DIR/r2/rootfs\"" r9/config.json >r9/c.json && mv r9/c.json r9/config.json &&
	(cd r9 && test_must_fail as_user "$SPAWN" run "$(sid nouserns)") 2>err &&
	test_grep "clone(.*Operation not permitted" err &&
	test_grep "needs a user namespace" err
'

test_expect_success 'a memory limit the user cannot grant is an error naming it' '
	rlbundle r3 $U:$U ".linux.resources = {\"memory\": {\"limit\": 67108864}} | .process.args = [\"true\"]" &&
	(cd r3 && test_must_fail as_user "$SPAWN" run "$(sid limit)") 2>err &&
	test_grep "linux.resources memory.limit" err &&
	test_grep "delegated" err
'

test_expect_success '--rootless false: the cgroup permission error is fatal; a bad value is a usage error' '
	(cd r2 && test_must_fail as_user "$SPAWN" --rootless false run "$(sid nofallback)") 2>err &&
	test_grep "mkdir /sys/fs/cgroup.*Permission denied" err &&
	test_expect_code 2 as_user "$SPAWN" --rootless maybe list 2>err &&
	test_grep "true, false or auto" err
'

test_expect_success 'an rlimit above the hard limit: a clear error' '
	hard=$(as_user sh -c "ulimit -Hn") &&
	rlbundle r10 $U:$U ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 64, \"hard\": $((hard + 1))}] | .process.args = [\"true\"]" &&
	(cd r10 && test_must_fail as_user "$SPAWN" run "$(sid rlimit)") 2>err &&
	test_grep "setrlimit" err &&
	test_grep "hard limit here is $hard" err
'

test_expect_success 'additionalGids under a setgroups-denied map: a clear error' '
	rlbundle r4 $U:$U ".process.user.additionalGids = [0] | .process.args = [\"true\"]" &&
	(cd r4 && test_must_fail as_user "$SPAWN" run "$(sid gids)") 2>err &&
	test_grep "additionalGids" err &&
	test_grep "denies setgroups" err
'

test_expect_success 'lowering oom_score_adj and a host sysctl: clear errors' '
	rlbundle r5 $U:$U ".process.oomScoreAdj = -500 | .process.args = [\"true\"]" &&
	(cd r5 && test_must_fail as_user "$SPAWN" run "$(sid oom)") 2>err &&
	test_grep "oom_score_adj" err &&
	test_grep "rootless" err &&
	rlbundle r6 $U:$U ".linux.sysctl = {\"vm.swappiness\": \"10\"} | .process.args = [\"true\"]" &&
	(cd r6 && test_must_fail as_user "$SPAWN" run "$(sid sysctl)") 2>err &&
	test_grep "sysctl vm.swappiness=10" err &&
	test_grep "user namespace only" err
'

# ranges: the user needs newuidmap/newgidmap and its own subordinate ids
rlbundle r7 $U:$U '.linux.uidMappings = [{"containerID": 0, "hostID": '$U', "size": 1}, {"containerID": 1, "hostID": 500000, "size": 65536}] |
	.linux.gidMappings = [{"containerID": 0, "hostID": '$U', "size": 1}, {"containerID": 1, "hostID": 500000, "size": 65536}] |
	.process.args = ["true"]' >/dev/null 2>&1

test_expect_success 'ranges without newuidmap in $PATH: the error names it and /etc/subuid' '
	(cd r7 && test_must_fail as_user PATH=/nonexistent "$SPAWN" run "$(sid nohelper)") 2>err &&
	test_grep "newuidmap is not in \\\$PATH" err &&
	test_grep "/etc/subuid" err &&
	test_grep "uidmap" err
'

if ! command -v newuidmap >/dev/null || ! command -v newgidmap >/dev/null; then
	test_skip 'ranges for a user newuidmap refuses' 'no newuidmap/newgidmap (Debian: uidmap)'
	test_skip 'ranges through newuidmap/newgidmap' 'no newuidmap/newgidmap (Debian: uidmap)'
	test_done
fi

test_expect_success 'ranges for a user newuidmap refuses: the error names the helper and /etc/subuid' '
	(cd r7 && test_must_fail as_user "$SPAWN" run "$(sid refused)") 2>err &&
	test_grep "newuidmap .* failed" err &&
	test_grep "/etc/subuid" err
'

# nobody has a passwd name, which newuidmap needs; its ranges live in a
# private mount namespace only, over the host's /etc/subuid and /etc/subgid
N=65534
test_expect_success 'ranges through newuidmap/newgidmap: both lines in the maps, a mapped user owns its files' '
	rlbundle r8 $N:$N ".linux.uidMappings = [{\"containerID\": 0, \"hostID\": $N, \"size\": 1}, {\"containerID\": 1, \"hostID\": 500000, \"size\": 65536}] |
		.linux.gidMappings = [{\"containerID\": 0, \"hostID\": $N, \"size\": 1}, {\"containerID\": 1, \"hostID\": 500000, \"size\": 65536}] |
		.process.user = {\"uid\": 1000, \"gid\": 1000} |
		.process.args = [\"sh\", \"-c\", \"id -u; cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/by-1000\"]" &&
	echo "nobody:500000:65536" >sub &&
	mkdir -p xdgn && chown $N:$N xdgn &&
	unshare -m sh -c "
		mount --bind \"$TEST_DIR/sub\" /etc/subuid &&
		mount --bind \"$TEST_DIR/sub\" /etc/subgid &&
		cd r8 && setpriv --reuid=$N --regid=$N --clear-groups \
			env XDG_RUNTIME_DIR=\"$TEST_DIR/xdgn\" \"$SPAWN\" -v run \"$(sid ranges)\"
	" >out 2>err &&
	test_grep "newuidmap [0-9]* 0 $N 1, 1 500000 65536" err &&
	test_grep "newgidmap [0-9]* 0 $N 1, 1 500000 65536" err &&
	test "$(sed -n 1p out)" = 1000 &&
	awk "NR >= 2 { print \$1, \$2, \$3 }" out >maps &&
	printf "0 %s 1\n1 500000 65536\n0 %s 1\n1 500000 65536\n" $N $N >expect &&
	test_cmp expect maps &&
	test "$(stat -c %u:%g r8/rootfs/tmp/by-1000)" = "500999:500999" &&
	test_must_fail grep 500000 /etc/subuid
'

test_done
