#!/bin/sh
test_description='ct-spawn --init: a tiny PID 1 that reaps zombies, forwards signals and passes the exit status'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

wait_status() {
	for i in $(seq 100); do
		[ "$(spawn state "$1" 2>/dev/null | jq -r .status)" = "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base &&
	mkbundle orphan ".process.args = [\"sh\", \"-c\", \"(sleep 0.1 &); exec sleep 30\"]"
'

test_expect_success 'without --init an orphan stays a zombie under a PID 1 that does not reap' '
	id=$(sid noinit) &&
	spawn run -d --bundle orphan "$id" &&
	wait_status "$id" running &&
	sleep 0.6 &&
	spawn exec "$id" ps -o stat,args >ps &&
	test_grep "^Z" ps &&
	spawn delete --force "$id"
'

test_expect_success 'with --init the orphan is reaped and PID 1 is the init' '
	id=$(sid init) &&
	spawn run -d --init --bundle orphan "$id" &&
	wait_status "$id" running &&
	sleep 0.6 &&
	spawn exec "$id" ps -o pid,stat,args >ps &&
	! grep -q " Z " ps &&
	test_grep "^ *1 .*ct-spawn init sh" ps
'

test_expect_success 'init forwards SIGTERM to the command (exit 143, no SIGKILL needed)' '
	spawn stop -t 10 "$id" &&
	for i in $(seq 100); do grep -q "^status = stopped" "run/$id/state.ini" && break; sleep 0.05; done &&
	test_grep -x "exit_code = 143" "run/$id/state.ini" &&
	spawn delete "$id"
'

test_expect_success 'init exits with the command status in the foreground' '
	mkbundle ex ".process.args = [\"sh\", \"-c\", \"exit 9\"]" &&
	test_expect_code 9 spawn run --init --bundle ex "$(sid initex)"
'

test_expect_success 'ct-spawn init works outside a container too (as a subreaper)' '
	test_expect_code 3 ct-spawn init sh -c "exit 3"
'

test_done
