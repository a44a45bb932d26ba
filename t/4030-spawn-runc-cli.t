#!/bin/sh
test_description='ct-spawn speaks the runc command line: create/start/state/kill/delete, exec, pause, list, ps; runc runs the same bundle'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

wait_status() {
	for i in $(seq 100); do
		[ "$(spawn state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
		sleep 0.05
	done
	echo "container $1 never became $2" >&2
	return 1
}

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base &&
	mkbundle sleeper ".process.args = [\"sleep\", \"60\"]"
'

test_expect_success 'create leaves the process waiting; state says created' '
	id=$(sid seq) &&
	spawn create --bundle sleeper --pid-file pid "$id" &&
	spawn state "$id" >state.json &&
	test "$(jq -r .status state.json)" = created &&
	test "$(jq -r .pid state.json)" = "$(cat pid)" &&
	test "$(jq -r .bundle state.json)" = "$TEST_DIR/sleeper" &&
	test "$(jq -r .ociVersion state.json)" = 1.0.2 &&
	tr "\0" " " </proc/$(cat pid)/cmdline >cmd &&
	! grep -q "^sleep 60" cmd
'

test_expect_success 'start runs the process; state says running' '
	spawn start "$id" &&
	wait_status "$id" running &&
	tr "\0" " " </proc/$(cat pid)/cmdline >cmd &&
	test_grep "^sleep 60" cmd &&
	test_must_fail spawn start "$id" 2>err &&
	test_grep "not created" err
'

test_expect_success 'list and ps show it' '
	spawn list >list &&
	test_grep "^$id .*running" list &&
	spawn list --format json | jq -r ".[] | select(.id == \"$id\") | .status" >st &&
	echo running >expect &&
	test_cmp expect st &&
	spawn ps --format json "$id" >ps &&
	test "$(jq -r ".[0]" ps)" = "$(cat pid)"
'

test_expect_success 'exec joins the namespaces and cgroup of the container' '
	spawn exec "$id" sh -c "for n in pid mnt net uts; do readlink /proc/self/ns/\$n; done; echo \$\$; cat /proc/self/cgroup" >exec-out &&
	p=$(cat pid) &&
	readlink /proc/$p/ns/pid /proc/$p/ns/mnt /proc/$p/ns/net /proc/$p/ns/uts >expect &&
	head -n4 exec-out >actual &&
	test_cmp expect actual &&
	sed -n 5p exec-out >exec-pid &&
	test "$(cat exec-pid)" -gt 1 &&
	test_grep "/ct-spawn/$id\$" exec-out &&
	test_expect_code 7 spawn exec "$id" sh -c "exit 7"
'

test_expect_success 'exec --process takes an OCI process JSON' '
	jq ".process | .args = [\"sh\", \"-c\", \"echo \$FOO; pwd\"] | .env += [\"FOO=from-process\"] | .cwd = \"/etc\"" \
		sleeper/config.json >proc.json &&
	spawn exec --process proc.json "$id" >out &&
	printf "from-process\n/etc\n" >expect &&
	test_cmp expect out
'

test_expect_success 'pause and resume freeze and thaw it' '
	spawn pause "$id" &&
	test "$(spawn state "$id" | jq -r .status)" = paused &&
	grep -q "^State:.*stopped\|^State:.*D\|^State:.*S" /proc/$(cat pid)/status &&
	spawn resume "$id" &&
	test "$(spawn state "$id" | jq -r .status)" = running
'

test_expect_success 'kill sends the signal; state says stopped; delete removes it and its cgroup' '
	spawn kill "$id" KILL &&
	wait_status "$id" stopped &&
	spawn delete "$id" &&
	test_path_is_missing "run/$id" &&
	test_path_is_missing "/sys/fs/cgroup/pids/ct-spawn/$id" &&
	test_path_is_missing "/sys/fs/cgroup/ct-spawn/$id" &&
	test_must_fail spawn state "$id" 2>err &&
	test_grep "does not exist" err
'

test_expect_success 'delete refuses a running container without --force' '
	id2=$(sid force) &&
	spawn run -d --bundle sleeper "$id2" &&
	wait_status "$id2" running &&
	test_must_fail spawn delete "$id2" 2>err &&
	test_grep "running" err &&
	spawn delete --force "$id2" &&
	test_path_is_missing "run/$id2"
'

test_expect_success 'kill --all signals every process in the cgroup' '
	id3=$(sid all) &&
	mkbundle multi ".process.args = [\"sh\", \"-c\", \"sleep 60 & sleep 60 & wait\"]" &&
	spawn run -d --bundle multi "$id3" &&
	wait_status "$id3" running &&
	for i in $(seq 50); do
		[ "$(spawn ps --format json "$id3" | jq length)" -ge 3 ] && break; sleep 0.05
	done &&
	spawn kill --all "$id3" KILL &&
	wait_status "$id3" stopped &&
	spawn delete "$id3"
'

test_expect_success 'errors go to --log as JSON with --log-format json' '
	test_must_fail ct-spawn --root "$TEST_DIR/run" --log "$TEST_DIR/log.json" --log-format json state nosuch &&
	jq -r .level log.json >lvl &&
	echo error >expect &&
	test_cmp expect lvl &&
	jq -r .msg log.json | grep "nosuch"
'

test_expect_success 'features prints runtime-spec features JSON' '
	spawn features >f.json &&
	jq -e ".linux.namespaces | index(\"user\")" f.json &&
	jq -e ".linux.seccomp.enabled" f.json &&
	jq -e ".linux.capabilities | index(\"CAP_SYS_ADMIN\")" f.json
'

test_expect_success RUNC 'runc runs the same umoci bundle ct-spawn runs, with the same result' '
	mkbundle both ".process.args = [\"sh\", \"-c\", \"echo \$\$; hostname; grep ^CapEff /proc/self/status; grep NoNewPrivs /proc/self/status\"]" &&
	spawn run --bundle both "$(sid both)" >ct.out &&
	runc --root "$TEST_DIR/runc" run --bundle both "$(sid runc)" >runc.out &&
	test_cmp runc.out ct.out
'

test_expect_success RUNC 'runc and ct-spawn agree on the exit status and on the OCI state shape' '
	mkbundle ex ".process.args = [\"sh\", \"-c\", \"exit 42\"]" &&
	test_expect_code 42 spawn run --bundle ex "$(sid ex)" &&
	test_expect_code 42 runc --root "$TEST_DIR/runc" run --bundle ex "$(sid exr)" &&
	spawn create --bundle sleeper "$(sid shape)" &&
	runc --root "$TEST_DIR/runc" create --bundle sleeper "$(sid shaper)" &&
	test_cleanup "runc --root $TEST_DIR/runc delete --force $(sid shaper)" &&
	spawn state "$(sid shape)" | jq -S "keys" >ct.keys &&
	runc --root "$TEST_DIR/runc" state "$(sid shaper)" | jq -S "keys" >runc.keys &&
	test_cmp runc.keys ct.keys &&
	spawn delete --force "$(sid shape)" &&
	runc --root "$TEST_DIR/runc" delete --force "$(sid shaper)"
'

test_cleanup '[ -f "$TEST_DIR/making.pid" ] && kill "$(cat "$TEST_DIR/making.pid")" 2>/dev/null; true'

# the cgroup directory of one controller for ct-spawn's default path
half_cg() {
	if [ -d /sys/fs/cgroup/pids ]; then echo "/sys/fs/cgroup/pids/ct-spawn/$1"
	else echo "/sys/fs/cgroup/ct-spawn/$1"; fi
}

test_expect_success 'delete --force clears what a ct-spawn killed while making a container left' '
	id=$(sid half) &&
	mkdir -p "$TEST_DIR/run/$id" "$(half_cg "$id")" &&
	! spawn delete "$id" 2>/dev/null &&
	spawn -v delete --force "$id" 2>err &&
	test_grep "has no state.json" err &&
	! test -e "$TEST_DIR/run/$id" &&
	! test -e "$(half_cg "$id")" &&
	mkbundle half ".process.args = [\"true\"]" &&
	spawn run --bundle half "$id"
'

test_expect_success 'delete --force leaves a container that is being made (processes in its cgroup)' '
	id=$(sid making) &&
	mkdir -p "$TEST_DIR/run/$id" "$(half_cg "$id")" &&
	{ sleep 30 & } &&
	sp=$! &&
	echo "$sp" >"$TEST_DIR/making.pid" &&
	echo "$sp" >"$(half_cg "$id")/cgroup.procs" &&
	test_expect_code 1 spawn delete --force "$id" 2>err &&
	test_grep "is being made" err &&
	test -d "$TEST_DIR/run/$id" &&
	{ kill "$sp"; wait "$sp"; true; } &&
	spawn delete --force "$id" &&
	! test -e "$TEST_DIR/run/$id" &&
	! test -e "$(half_cg "$id")"
'

test_done
