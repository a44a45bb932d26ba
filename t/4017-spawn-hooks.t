#!/bin/sh
test_description='ct-spawn runs the OCI hooks as the runtime spec says: each kind in its order and namespace, with args, env, the state on stdin and a timeout; creation hooks that fail stop the container and leave nothing, poststart/poststop failures only warn; run, run -d and create/start/delete'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

# The hook: records its args, env and mount namespace in DIR/KIND.info,
# its stdin in DIR/KIND.state, and appends KIND to DIR/order. It runs on
# the host and (startContainer) inside the container with busybox.
write_hook() {
	cat >"$1" <<-\EOF &&
	#!/bin/sh
	kind=$1 dir=$2
	echo "args: $*" >"$dir/$kind.info"
	echo "env: HOOKVAR=$HOOKVAR" >>"$dir/$kind.info"
	echo "mnt: $(readlink /proc/self/ns/mnt)" >>"$dir/$kind.info"
	cat >"$dir/$kind.state"
	echo "$kind" >>"$dir/order"
	exit ${HOOK_EXIT:-0}
	EOF
	chmod 755 "$1"
}

# hooks_filter: every kind runs the hook with KIND and the record dir,
# HOOKVAR=v-KIND; startContainer runs /hook.sh of the container's root
# and records into /rec (the record dir bound into the container)
hooks_filter='
	def h($k): {"path": $hook, "args": ["hook", $k, $rec],
		    "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOOKVAR=v-\($k)"]};
	.mounts += [{"destination": "/rec", "type": "bind", "source": $rec, "options": ["rbind"]}] |
	.hooks = {"prestart": [h("prestart")], "createRuntime": [h("createRuntime")],
		  "createContainer": [h("createContainer")],
		  "startContainer": [{"path": "/hook.sh", "args": ["hook.sh", "startContainer", "/rec"],
				      "env": ["PATH=/bin:/usr/bin", "HOOKVAR=v-startContainer"]}],
		  "poststart": [h("poststart")], "poststop": [h("poststop")]}'

# hbundle DIR RECDIR 'JQ': a bundle with every hook recording into RECDIR
hbundle() {
	mkdir -p "$2" &&
	mkbundle "$1" "$hooks_filter | $3" --arg hook "$TEST_DIR/hook.sh" --arg rec "$TEST_DIR/$2"
}

# the container's process: its mount namespace into /rec/ctr.mnt, and
# whether the startContainer hook ran before it
probe='.process.args = ["sh", "-c", "readlink /proc/self/ns/mnt >/rec/ctr.mnt; test -f /rec/startContainer.state && echo start-hook-ran-before; exit 7"]'

# the mount namespace hook KIND of the first run saw
mnt_of() {
	sed -n "s/^mnt: //p" "rec-all/$1.info"
}

# mounts of this script's files on the host (others' tests mount too)
mounts_now() {
	grep -c "$TEST_DIR" /proc/self/mountinfo || :
}

# no state dir, no cgroup directory of container $1
gone() {
	test ! -e "$TEST_DIR/run/$1" &&
	test -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$1" 2>/dev/null)"
}

test_expect_success 'set up a busybox bundle and the recording hook' '
	spawn_base &&
	write_hook "$TEST_DIR/hook.sh" &&
	write_hook "$TEST_DIR/base/rootfs/hook.sh" &&
	hbundle all rec-all "$probe"
'

test_expect_success 'features lists the hooks it runs' '
	ct-spawn features | jq -r ".hooks | join(\" \")" >actual &&
	echo "prestart createRuntime createContainer startContainer poststart poststop" >expect &&
	test_cmp expect actual
'

test_expect_success 'run: every kind runs, in the order of the lifecycle; the status is the process'"'"'s' '
	id=$(sid all) &&
	m0=$(mounts_now) &&
	test_expect_code 7 spawn -v run --bundle all "$id" >out 2>err &&
	printf "%s\n" prestart createRuntime createContainer startContainer poststart poststop >expect &&
	test_cmp expect rec-all/order &&
	test_grep "start-hook-ran-before" out &&
	gone "$id" &&
	test "$(mounts_now)" = "$m0"
'

test_expect_success 'each hook gets its args and only its env' '
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		dir=$TEST_DIR/rec-all &&
		if [ $k = startContainer ]; then dir=/rec; fi &&
		test_grep "^args: $k $dir\$" rec-all/$k.info &&
		test_grep "^env: HOOKVAR=v-$k\$" rec-all/$k.info || return 1
	done
'

test_expect_success 'each hook reads the state on stdin: id, status, pid, bundle, annotations' '
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		jq -r "[.ociVersion, .id, .status, .bundle, (.annotations | type)] | join(\" \")" \
			rec-all/$k.state >>got-state || return 1
	done &&
	for s in creating creating creating created running stopped; do
		echo "1.0.2 $id $s $TEST_DIR/all object" >>expect-state || return 1
	done &&
	test_cmp expect-state got-state &&
	pid=$(jq -r .pid rec-all/createRuntime.state) &&
	test "$pid" -gt 1 &&
	for k in prestart createContainer startContainer poststart; do
		test "$(jq -r .pid rec-all/$k.state)" = "$pid" || return 1
	done &&
	test "$(jq -r ".pid // 0" rec-all/poststop.state)" = 0
'

test_expect_success 'createContainer and startContainer run in the container'"'"'s mount namespace, the others in the host'"'"'s' '
	ctr=$(cat rec-all/ctr.mnt) &&
	host=$(readlink /proc/self/ns/mnt) &&
	test "$ctr" != "$host" &&
	test "$(mnt_of createContainer)" = "$ctr" &&
	test "$(mnt_of startContainer)" = "$ctr" &&
	for k in prestart createRuntime poststart poststop; do
		test "$(mnt_of $k)" = "$host" || return 1
	done
'

test_expect_success '-v narrates each hook run' '
	for k in prestart createRuntime createContainer startContainer poststart poststop; do
		test_grep "hook $k .*hook.sh: exit 0" err || return 1
	done
'

test_expect_success 'a failing createRuntime hook: no container, a clear error, nothing left; poststop still runs' '
	hbundle failrt rec-failrt "$probe | .hooks.createRuntime[0].env += [\"HOOK_EXIT=3\"]" &&
	id=$(sid failrt) &&
	m0=$(mounts_now) &&
	test_must_fail spawn run --bundle failrt "$id" >out 2>err &&
	test_grep "hook createRuntime $TEST_DIR/hook.sh: exit status 3" err &&
	printf "%s\n" prestart createRuntime poststop >expect &&
	test_cmp expect rec-failrt/order &&
	test ! -e rec-failrt/ctr.mnt &&
	gone "$id" &&
	test "$(mounts_now)" = "$m0"
'

test_expect_success 'a failing startContainer hook: the process never runs' '
	hbundle failst rec-failst "$probe | .hooks.startContainer[0].env += [\"HOOK_EXIT=4\"]" &&
	id=$(sid failst) &&
	test_must_fail spawn run --bundle failst "$id" >out 2>err &&
	test_grep "hook startContainer /hook.sh: exit status 4" err &&
	test ! -e rec-failst/ctr.mnt &&
	gone "$id"
'

test_expect_success 'a hook over its timeout is killed and fails the run' '
	cat >"$TEST_DIR/slow.sh" <<-EOF &&
	#!/bin/sh
	echo \$\$ >"$TEST_DIR/slow.pid"
	exec sleep 30
	EOF
	chmod 755 "$TEST_DIR/slow.sh" &&
	mkbundle slow "$probe | .hooks = {\"createRuntime\": [{\"path\": \"$TEST_DIR/slow.sh\", \"timeout\": 1}]}" &&
	id=$(sid slow) &&
	start=$(date +%s) &&
	test_must_fail spawn run --bundle slow "$id" 2>err &&
	test $(($(date +%s) - start)) -lt 10 &&
	test_grep "hook createRuntime $TEST_DIR/slow.sh: timed out after 1 s" err &&
	! kill -0 "$(cat slow.pid)" 2>/dev/null &&
	gone "$id"
'

test_expect_success 'failing poststart and poststop hooks only warn' '
	hbundle failpost rec-failpost "$probe | .hooks.poststart[0].env += [\"HOOK_EXIT=5\"] | .hooks.poststop[0].env += [\"HOOK_EXIT=6\"]" &&
	id=$(sid failpost) &&
	test_expect_code 7 spawn run --bundle failpost "$id" >out 2>err &&
	test_grep "hook poststart $TEST_DIR/hook.sh: exit status 5; .*only a warning" err &&
	test_grep "hook poststop $TEST_DIR/hook.sh: exit status 6; .*only a warning" err &&
	test_grep "start-hook-ran-before" out &&
	gone "$id"
'

test_expect_success 'create/start/delete (runc CLI): creation hooks at create, startContainer and poststart at start, poststop at delete' '
	hbundle cli rec-cli "$probe" &&
	id=$(sid cli) &&
	spawn create --bundle cli "$id" &&
	printf "%s\n" prestart createRuntime createContainer >expect &&
	test_cmp expect rec-cli/order &&
	spawn start "$id" &&
	printf "%s\n" prestart createRuntime createContainer startContainer poststart >expect &&
	test_cmp expect rec-cli/order &&
	test "$(jq -r .status rec-cli/poststart.state)" = running &&
	for i in $(seq 100); do
		[ "$(spawn state "$id" | jq -r .status)" = stopped ] && break
		sleep 0.05
	done &&
	spawn delete "$id" &&
	echo poststop >>expect &&
	test_cmp expect rec-cli/order &&
	test "$(jq -r .id rec-cli/poststop.state)" = "$id" &&
	gone "$id"
'

test_expect_success 'start fails with a failing startContainer hook'"'"'s error; delete cleans up and runs poststop' '
	hbundle clifail rec-clifail "$probe | .hooks.startContainer[0].env += [\"HOOK_EXIT=9\"]" &&
	id=$(sid clifail) &&
	spawn create --bundle clifail "$id" &&
	test_must_fail spawn start "$id" 2>err &&
	test_grep "hook startContainer /hook.sh: exit status 9" err &&
	test ! -e rec-clifail/ctr.mnt &&
	test "$(spawn state "$id" | jq -r .status)" = stopped &&
	spawn delete "$id" &&
	printf "%s\n" prestart createRuntime createContainer startContainer poststop >expect &&
	test_cmp expect rec-clifail/order &&
	gone "$id"
'

test_expect_success 'run -d: poststart before run returns, poststop when it ends' '
	hbundle det rec-det ".process.args = [\"sleep\", \"1\"]" &&
	id=$(sid det) &&
	spawn run -d --bundle det "$id" &&
	printf "%s\n" prestart createRuntime createContainer startContainer poststart >expect &&
	test_cmp expect rec-det/order &&
	for i in $(seq 200); do
		grep -q poststop rec-det/order && break
		sleep 0.05
	done &&
	echo poststop >>expect &&
	test_cmp expect rec-det/order &&
	spawn delete "$id" &&
	test_cmp expect rec-det/order
'

# rootless: a user that is not root; its hooks run as itself outside, as
# the user namespace's root inside
U=40124
if ! command -v setpriv >/dev/null; then
	test_skip 'rootless: hooks run as the user, inside as its namespace'"'"'s root' 'no setpriv (util-linux)'
elif ! setpriv --reuid=$U --regid=$U --clear-groups unshare -U true 2>/dev/null; then
	test_skip 'rootless: hooks run as the user, inside as its namespace'"'"'s root' 'unprivileged user namespaces are refused here'
else
	test_expect_success 'rootless: hooks run as the user, inside as its namespace'"'"'s root' '
		chmod 755 "$TEST_DIR" &&
		mkdir -p xdg rl/rec && chown $U:$U xdg && chmod 700 xdg &&
		cp -a base/rootfs rl/rootfs &&
		printf "#!/bin/sh\necho \"\$1 \$(id -u) \$(readlink /proc/self/ns/user)\" >>\$2/order\ncat >/dev/null\n" >rl/hook &&
		chmod 755 rl/hook && cp rl/hook rl/rootfs/hook &&
		jq --arg h "$TEST_DIR/rl/hook" --arg rec "$TEST_DIR/rl/rec" --argjson id $U "
			.root.path = \"rootfs\" | .process.args = [\"true\"] |
			.linux.namespaces = [{type: \"pid\"}, {type: \"ipc\"}, {type: \"uts\"},
					     {type: \"mount\"}, {type: \"user\"}] |
			.linux.uidMappings = [{containerID: 0, hostID: \$id, size: 1}] |
			.linux.gidMappings = [{containerID: 0, hostID: \$id, size: 1}] | del(.linux.resources) |
			.mounts += [{destination: \"/rec\", type: \"bind\", source: \$rec, options: [\"rbind\"]}] |
			.hooks = {createRuntime: [{path: \$h, args: [\"h\", \"createRuntime\", \$rec]}],
				  createContainer: [{path: \$h, args: [\"h\", \"createContainer\", \$rec]}],
				  startContainer: [{path: \"/hook\", args: [\"h\", \"startContainer\", \"/rec\"]}],
				  poststop: [{path: \$h, args: [\"h\", \"poststop\", \$rec]}]}" \
			base/config.json >rl/config.json &&
		chown -R $U:$U rl &&
		(cd rl && setpriv --reuid=$U --regid=$U --clear-groups \
			env XDG_RUNTIME_DIR="$TEST_DIR/xdg" "$CT_BUILD/bin/ct-spawn" run "$(sid rl)") &&
		host=$(readlink /proc/self/ns/user) &&
		cut -d" " -f1,2 rl/rec/order >got &&
		printf "%s\n" "createRuntime $U" "createContainer 0" "startContainer 0" "poststop $U" >expect &&
		test_cmp expect got &&
		test "$(sed -n "1p;4p" rl/rec/order | cut -d" " -f3 | sort -u)" = "$host" &&
		inner=$(sed -n 2p rl/rec/order | cut -d" " -f3) &&
		test "$inner" != "$host" &&
		test "$(sed -n 3p rl/rec/order | cut -d" " -f3)" = "$inner"
	'
fi

test_expect_success 'hooks are checked when the spec is loaded' '
	mkbundle bad1 ".hooks = {\"createRuntime\": [{\"path\": \"hook.sh\"}]}" &&
	test_must_fail spawn run --bundle bad1 "$(sid bad1)" 2>err &&
	test_grep "hooks.createRuntime\[0\].path hook.sh is not an absolute path" err &&
	mkbundle bad2 ".hooks = {\"poststop\": {\"path\": \"/bin/true\"}}" &&
	test_must_fail spawn run --bundle bad2 "$(sid bad2)" 2>err &&
	test_grep "hooks.poststop is not an array" err &&
	mkbundle bad3 ".hooks = {\"prestart\": [{\"path\": \"/bin/true\", \"timeout\": 0}]}" &&
	test_must_fail spawn run --bundle bad3 "$(sid bad3)" 2>err &&
	test_grep "hooks.prestart\[0\].timeout must be" err &&
	gone "$(sid bad1)" && gone "$(sid bad2)" && gone "$(sid bad3)"
'

test_done
