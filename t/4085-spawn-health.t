#!/bin/sh
test_description='ct-spawn run -d: health checks from the org.ct.health.* annotations, run by the supervisor'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

# hc BUNDLE TEST-JSON [RETRIES] [START-PERIOD-NS]: a sleeping container
# checked every 200 ms with a 2 s timeout
hc() {
	mkbundle "$1" '.process.args = ["sleep", "60"] |
		.annotations["org.ct.health.test"] = $t |
		.annotations["org.ct.health.interval"] = "200000000" |
		.annotations["org.ct.health.timeout"] = "2000000000" |
		.annotations["org.ct.health.retries"] = $r |
		.annotations["org.ct.health.start_period"] = $sp' \
		--arg t "$2" --arg r "${3:-3}" --arg sp "${4:-0}"
}

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base
'

test_expect_success 'a passing CMD-SHELL check: healthy, with its output' '
	id=$(sid ok) &&
	hc ok "[\"CMD-SHELL\", \"echo fine from \$(hostname); test -d /proc/1\"]" &&
	spawn run -d --bundle ok "$id" &&
	wait_ini "$id" health healthy &&
	test_grep -x "health_failing_streak = 0" "run/$id/state.ini" &&
	test_grep "^health_log = fine from " "run/$id/state.ini" &&
	spawn delete --force "$id"
'

test_expect_success 'the check runs inside the container, as exec does (same pid namespace and root)' '
	id=$(sid ns) &&
	hc ns "[\"CMD\", \"sh\", \"-c\", \"ps -o pid,args | grep -q \\\"^ *1 sleep 60\\\" && test -x /bin/busybox\"]" &&
	spawn run -d --bundle ns "$id" &&
	wait_ini "$id" health healthy &&
	spawn delete --force "$id"
'

test_expect_success 'a failing check: unhealthy after exactly RETRIES failures, the streak counted' '
	id=$(sid bad) &&
	hc bad "[\"CMD-SHELL\", \"echo broken >&2; exit 1\"]" 2 &&
	spawn run -d --bundle bad "$id" &&
	for i in $(seq 200); do
		cp "run/$id/state.ini" snap 2>/dev/null &&
		grep -qx "health_failing_streak = [12]" snap && break
		sleep 0.05
	done &&
	{ test_grep -x "health_failing_streak = 2" snap ||
	  test_grep -x "health = starting" snap; } &&
	wait_ini "$id" health unhealthy &&
	test_grep -x "health_log = broken" "run/$id/state.ini" &&
	test "$(spawn state "$id" | jq -r .status)" = running &&
	spawn delete --force "$id"
'

test_expect_success 'a command that is not there fails the check with the exec message' '
	id=$(sid nf) &&
	hc nf "[\"CMD\", \"no-such-probe\"]" 1 &&
	spawn run -d --bundle nf "$id" &&
	wait_ini "$id" health unhealthy &&
	test_grep "^health_log = .*executable file not found" "run/$id/state.ini" &&
	spawn delete --force "$id"
'

test_expect_success 'a check that leaves a background process behind does not hang the supervisor' '
	id=$(sid bg) &&
	hc bg "[\"CMD-SHELL\", \"sleep 30 & echo bg-ok\"]" &&
	spawn run -d --bundle bg "$id" &&
	wait_ini "$id" health healthy &&
	test_grep -x "health_log = bg-ok" "run/$id/state.ini" &&
	sup=$(cat "run/$id/supervisor.pid") &&
	t0=$(awk "{ print \$14 + \$15 }" /proc/$sup/stat) &&
	sleep 1 &&
	t1=$(awk "{ print \$14 + \$15 }" /proc/$sup/stat) &&
	test $((t1 - t0)) -lt 20 &&
	spawn delete --force "$id"
'

test_expect_success 'a check over its timeout is killed and counts as a failure' '
	id=$(sid slow) &&
	mkbundle slow ".process.args = [\"sleep\", \"60\"] |
		.annotations[\"org.ct.health.test\"] = \"[\\\"CMD\\\", \\\"sleep\\\", \\\"30\\\"]\" |
		.annotations[\"org.ct.health.interval\"] = \"100000000\" |
		.annotations[\"org.ct.health.timeout\"] = \"300000000\" |
		.annotations[\"org.ct.health.retries\"] = \"1\"" &&
	spawn run -d --bundle slow "$id" &&
	wait_ini "$id" health unhealthy &&
	test_grep "^health_log = Health check exceeded timeout" "run/$id/state.ini" &&
	spawn delete --force "$id"
'

test_expect_success 'failures inside the start period do not count' '
	id=$(sid sp) &&
	hc sp "[\"CMD-SHELL\", \"exit 1\"]" 1 60000000000 &&
	spawn run -d --bundle sp "$id" &&
	sleep 1.2 &&
	test_grep -x "health = starting" "run/$id/state.ini" &&
	test_grep -x "health_failing_streak = 0" "run/$id/state.ini" &&
	spawn delete --force "$id"
'

test_expect_success 'NONE or no test: no health lines; a malformed test is an error' '
	id=$(sid none) &&
	hc none "[\"NONE\"]" &&
	spawn run -d --bundle none "$id" &&
	wait_ini "$id" status running &&
	! grep "^health" "run/$id/state.ini" &&
	spawn delete --force "$id" &&
	hc broken "CMD-SHELL true" &&
	test_expect_code 1 spawn run -d --bundle broken "$(sid broken)" 2>err &&
	test_grep "org.ct.health.test" err
'

test_expect_success 'a detached OOM kill: exit 137 and oom_killed = 1 in state.ini' '
	id=$(sid oom) &&
	mkbundle oom ".linux.resources = {\"memory\": {\"limit\": 33554432, \"swap\": 33554432}}
		| .process.args = [\"sh\", \"-c\", \"tail /dev/zero\"]" &&
	spawn run -d --bundle oom "$id" &&
	wait_ini "$id" status stopped &&
	test_grep -x "exit_code = 137" "run/$id/state.ini" &&
	test_grep -x "oom_killed = 1" "run/$id/state.ini" &&
	test_grep "out of memory" "run/$id/log" &&
	spawn delete "$id"
'

test_done
