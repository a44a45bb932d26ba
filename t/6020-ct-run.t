#!/bin/sh
test_description='ct run in the foreground and detached; logs, exec, stop, start, wait, rm'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'setup: a busybox image' '
	mkdir -p rootfs/bin rootfs/etc rootfs/tmp &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh echo cat id pwd sleep env true tr; do ln -s busybox rootfs/bin/$a || return 1; done &&
	echo "root:x:0:0:root:/root:/bin/sh" >rootfs/etc/passwd &&
	echo "app:x:1000:1000:app:/home/app:/bin/sh" >>rootfs/etc/passwd &&
	echo "root:x:0:" >rootfs/etc/group && echo "app:x:1000:" >>rootfs/etc/group &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'run in the foreground: output and the exit status are the container'"'"'s' '
	ct run --network none busybox echo hello >out &&
	test "$(cat out)" = hello &&
	test_expect_code 7 ct run --network none busybox sh -c "exit 7"
'

test_expect_success '--rm removes the container after it exits' '
	ct ps -aq >before &&
	ct run --rm --network none busybox true &&
	ct ps -aq >after &&
	test_cmp before after
'

test_expect_success '-e, -w, -u and --entrypoint reach the process' '
	ct run --rm --network none -e GREETING=hi -w /tmp -u app busybox \
		sh -c "echo \$GREETING; pwd; id -u; id -g" >out &&
	printf "hi\n/tmp\n1000\n1000\n" >expect &&
	test_cmp expect out &&
	ct run --rm --network none --entrypoint /bin/echo busybox from entrypoint >out &&
	test "$(cat out)" = "from entrypoint"
'

test_expect_success 'the container is PID 1 in its own namespaces' '
	ct run --rm --network none busybox sh -c "echo \$\$" >out &&
	test "$(cat out)" = 1
'

test_expect_success 'run -d prints the full id; logs shows both streams' '
	ct run -d --network none --name bg -e GREETING=hello busybox \
		sh -c "echo to-out; echo to-err >&2; trap \"exit 143\" TERM; sleep 100 & wait" >id &&
	grep -q "^[0-9a-f]\{64\}$" id &&
	for i in $(seq 50); do ct logs bg >out 2>err; test -s out && test -s err && break; sleep 0.1; done &&
	test "$(cat out)" = to-out && test "$(cat err)" = to-err &&
	ct logs -t bg >out 2>/dev/null &&
	grep -q "^20[0-9-]*T[0-9:.]*Z to-out$" out
'

test_expect_success 'ps shows it running; exec runs inside it' '
	ct ps >out &&
	grep -q " Up [^ ].*  bg$" out &&
	ct exec bg sh -c "echo \"[\$GREETING] inside\"; cat /proc/1/cmdline | tr \"\\0\" \" \"" >out &&
	grep -q "^\[hello\] inside$" out &&
	grep -q "sh -c echo to-out" out
'

test_expect_success 'stop sends SIGTERM: exit 143; wait reports it; ps -a shows exited' '
	ct stop -t 5 bg >out &&
	test "$(cat out)" = bg &&
	test "$(ct wait bg)" = 143 &&
	ct ps -a >out && grep -q " Exited (143) .* ago  *bg$" out
'

test_expect_success 'start brings a stopped container back' '
	ct start bg >out && test "$(cat out)" = bg &&
	for i in $(seq 50); do ct ps >out; grep -q " Up [^ ].*  bg$" out && break; sleep 0.1; done &&
	grep -q " Up [^ ].*  bg$" out
'

test_expect_success 'rm of a running container needs -f; -f removes it' '
	test_expect_code 1 ct rm bg 2>err &&
	grep -q "container is running: stop the container before removing or force remove" err &&
	ct rm -f bg >out && test "$(cat out)" = bg &&
	test_expect_code 1 ct rm bg 2>/dev/null
'

test_expect_success 'a detached container starts with no signal blocked or ignored (wait works)' '
	ct run -d --network none busybox sh -c "busybox grep -E \"^Sig(Blk|Ign)\" /proc/self/status; sleep 0.2 & wait; echo waited" >id &&
	test "$(ct wait "$(cat id)")" = 0 &&
	ct logs "$(cat id)" >out &&
	test_grep "^SigBlk:	0*$" out &&
	test_grep "^SigIgn:	0*$" out &&
	test_grep "^waited$" out &&
	ct rm "$(cat id)" >/dev/null
'

test_expect_success 'ct start runs a created container with its --init and --restart' '
	ct create --network none --init --restart on-failure:2 busybox \
		sh -c "tr \"\\000\" \" \" </proc/1/cmdline; echo; exit 1" >id &&
	ct start "$(cat id)" >/dev/null &&
	for i in $(seq 150); do
		[ "$(ct inspect -f "{{.RestartCount}} {{.State.Status}}" "$(cat id)")" = "2 exited" ] && break
		sleep 0.1
	done &&
	test "$(ct inspect -f "{{.RestartCount}} {{.State.Status}}" "$(cat id)")" = "2 exited" &&
	ct logs "$(cat id)" >out &&
	test "$(grep -c "init sh -c" out)" = 3 &&
	ct rm "$(cat id)" >/dev/null
'

test_done
