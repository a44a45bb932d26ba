#!/bin/sh
test_description='ct-spawn run -d: the supervisor — log, state.ini, restart policy, stop, --rm'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base
'

test_expect_success 'run -d returns at once; output goes to the log with timestamps and streams' '
	id=$(sid log) &&
	mkbundle l1 ".process.args = [\"sh\", \"-c\", \"echo to-out; echo to-err >&2; printf partial\"]" &&
	spawn run -d --bundle l1 --pid-file pid "$id" >out &&
	test_must_fail test -s out &&
	wait_ini "$id" status stopped &&
	test_grep -E "^20[0-9-]+T[0-9:.]+Z stdout F to-out\$" "run/$id/log" &&
	test_grep -E "Z stderr F to-err\$" "run/$id/log" &&
	test_grep -E "Z stdout P partial\$" "run/$id/log" &&
	test_grep -x "exit_code = 0" "run/$id/state.ini" &&
	test -s pid
'

test_expect_success 'state.ini says running with the pid while it runs' '
	id=$(sid running) &&
	mkbundle r1 ".process.args = [\"sleep\", \"30\"]" &&
	spawn run -d --bundle r1 "$id" &&
	wait_ini "$id" status running &&
	pid=$(sed -n "s/^pid = //p" "run/$id/state.ini") &&
	test "$pid" = "$(spawn state "$id" | jq .pid)" &&
	tr "\0" " " </proc/$pid/cmdline | test_grep "^sleep 30"
'

test_expect_success 'the supervisor is small (RSS under 1 MiB; conmon: about 2 MiB)' '
	sup=$(ps -o ppid= -p "$pid" | tr -d " ") &&
	rss=$(awk "/^VmRSS:/ { print \$2 }" /proc/$sup/status) &&
	echo "supervisor RSS: $rss kB" &&
	test "$rss" -lt 1024
'

test_expect_success 'stop: SIGTERM first; a PID 1 that ignores it gets SIGKILL after the timeout (137)' '
	spawn stop -t 1 "$id" &&
	wait_ini "$id" status stopped &&
	test_grep -x "exit_code = 137" "run/$id/state.ini" &&
	spawn delete "$id"
'

test_expect_success 'stop: a process that handles SIGTERM exits 143 without SIGKILL' '
	id=$(sid term) &&
	mkbundle t1 ".process.args = [\"sh\", \"-c\", \"trap \\\"exit 143\\\" TERM; while :; do sleep 0.1; done\"]" &&
	spawn run -d --bundle t1 "$id" &&
	wait_ini "$id" status running &&
	spawn stop -t 10 "$id" &&
	wait_ini "$id" status stopped &&
	test_grep -x "exit_code = 143" "run/$id/state.ini" &&
	spawn delete "$id"
'

test_expect_success 'on-failure:3 restarts a crashing container exactly 3 times' '
	id=$(sid onfail) &&
	mkbundle f1 ".process.args = [\"sh\", \"-c\", \"echo attempt; exit 3\"]" &&
	spawn run -d --restart on-failure:3 --bundle f1 "$id" &&
	wait_ini "$id" restart_count 3 &&
	wait_ini "$id" status stopped &&
	sleep 1 &&
	test "$(grep -c "stdout F attempt" "run/$id/log")" = 4 &&
	test_grep -x "exit_code = 3" "run/$id/state.ini" &&
	spawn delete "$id"
'

test_expect_success 'on-failure does not restart a clean exit' '
	id=$(sid clean) &&
	mkbundle f2 ".process.args = [\"sh\", \"-c\", \"echo once\"]" &&
	spawn run -d --restart on-failure --bundle f2 "$id" &&
	wait_ini "$id" status stopped &&
	sleep 0.5 &&
	test_grep -x "restart_count = 0" "run/$id/state.ini" &&
	spawn delete "$id"
'

test_expect_success 'always restarts until stopped by hand' '
	id=$(sid always) &&
	mkbundle a1 ".process.args = [\"sh\", \"-c\", \"sleep 0.2\"]" &&
	spawn run -d --restart always --bundle a1 "$id" &&
	wait_ini "$id" restart_count 2 &&
	spawn stop -t 1 "$id" || true &&
	sleep 1.5 &&
	n=$(sed -n "s/^restart_count = //p" "run/$id/state.ini") &&
	sleep 1 &&
	test "$(sed -n "s/^restart_count = //p" "run/$id/state.ini")" = "$n" &&
	spawn delete --force "$id"
'

test_expect_success '--rm removes the state and the cgroup when it ends' '
	id=$(sid rm) &&
	mkbundle m1 ".process.args = [\"true\"]" &&
	spawn run -d --rm --bundle m1 "$id" &&
	for i in $(seq 100); do [ -d "run/$id" ] || break; sleep 0.05; done &&
	test_path_is_missing "run/$id" &&
	test_path_is_missing "/sys/fs/cgroup/pids/ct-spawn/$id" &&
	test_path_is_missing "/sys/fs/cgroup/ct-spawn/$id"
'

test_expect_success '--on-exit runs once, after the last restart, with CT_EXIT_CODE' '
	id=$(sid onexit) &&
	mkbundle e1 ".process.args = [\"sh\", \"-c\", \"exit 5\"]" &&
	spawn run -d --rm --restart on-failure:1 --on-exit "echo done \$CT_EXIT_CODE >>$TEST_DIR/on-exit.out" --bundle e1 "$id" &&
	for i in $(seq 100); do [ -s on-exit.out ] && break; sleep 0.05; done &&
	sleep 0.3 &&
	echo "done 5" >expect &&
	test_cmp expect on-exit.out &&
	test_path_is_missing "run/$id" &&
	test_expect_code 2 spawn run --on-exit true --bundle e1 "$(sid onexit2)"
'

test_expect_success 'a bad policy is a usage error; a start failure comes back to the caller' '
	test_expect_code 1 spawn run -d --restart sometimes --bundle m1 "$(sid bad)" 2>err &&
	test_grep "unknown restart policy" err &&
	mkbundle x1 ".process.args = [\"/nope\"]" &&
	test_expect_code 127 spawn run -d --bundle x1 "$(sid nope)" 2>err &&
	test_grep "exec: \"/nope\": stat /nope: No such file or directory" err
'

test_done
