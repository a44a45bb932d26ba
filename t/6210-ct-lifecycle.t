#!/bin/sh
test_description='ct rename, restart, pause/unpause, top, port, logs --since/--until, start -a, attach, container prune'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

. "$CT_SRC/t/6099-ct-lib.sh"

test_expect_success 'setup: a busybox image' '
	mkdir -p rootfs/bin rootfs/tmp &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh echo cat sleep true; do ln -s busybox rootfs/bin/$a || return 1; done &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'rename: ps shows the new name; the old one is free; ct-net follows' '
	ct run -d --network none --name one busybox sleep 100 >id1 &&
	ct create --network none --name two busybox true >id2 &&
	ct rename one uno &&
	test "$(ct ps --format "{{.Names}}")" = uno &&
	test "$(ct ps -q -f name=one)" = "" &&
	test_expect_code 1 ct rename uno two 2>err &&
	grep -qx "ct: Error response: Conflict. The container name \"/two\" is already in use by container \"$(cat id2)\". You have to remove (or rename) that container to be able to reuse that name." err &&
	test_expect_code 1 ct rename uno "bad name" 2>err && grep -q "Invalid container name" err &&
	test_expect_code 1 ct rename nosuch x 2>err && grep -q "No such container: nosuch" err &&
	mkdir -p "$CT_ROOT/networks" &&
	printf "[network]\nname = n1\n[endpoint]\nid = %s\nname = uno\nip = 10.99.0.2\n" "$(cat id1)" >"$CT_ROOT/networks/n1.ini" &&
	ct rename uno eins &&
	grep -qx "name = eins" "$CT_ROOT/networks/n1.ini" &&
	grep -qx "name = n1" "$CT_ROOT/networks/n1.ini"
'

test_expect_success 'pause freezes, unpause thaws; ps says (Paused)' '
	ct pause eins >out && test "$(cat out)" = eins &&
	ct ps --format "{{.State}} {{.Status}}" >out &&
	grep -q "^paused Up .* (Paused)$" out &&
	test_expect_code 1 ct pause eins 2>err && grep -q "is not running" err &&
	ct unpause eins >out && test "$(cat out)" = eins &&
	test "$(ct ps --format "{{.State}}")" = running &&
	test_expect_code 1 ct unpause eins 2>err && grep -q "is not paused" err
'

test_expect_success 'top lists the container'"'"'s processes as host ps does' '
	ct top eins >out &&
	head -1 out | grep -q "PID *USER *TIME *CMD" &&
	grep -q "^ *[0-9][0-9]* root .* sleep 100$" out &&
	test $(wc -l <out) = 2 &&
	ct top eins -o pid,comm >out &&
	grep -q "^ *[0-9][0-9]* sleep$" out &&
	ct top eins -ef >out &&
	head -1 out | grep -q "^UID  *PID  *PPID" &&
	test $(wc -l <out) = 2 && grep -q "sleep 100$" out &&
	test_expect_code 1 ct top two 2>err && grep -q "is not running" err
'

test_expect_success 'restart stops and starts again: a new pid, still named' '
	pid1=$(ct top eins -o pid= | tr -d " ") &&
	ct restart -t 1 eins >out && test "$(cat out)" = eins &&
	wait_state eins running &&
	pid2=$(ct top eins -o pid= | tr -d " ") &&
	test -n "$pid2" && test "$pid1" != "$pid2" &&
	ct restart two >out && test "$(cat out)" = two &&
	wait_state two exited
'

test_expect_success 'port lists what ct-net published; one port alone gives the host side' '
	printf "[network]\nname = n1\n[endpoint]\nid = %s\nname = eins\nip = 10.99.0.2\nport = tcp:0.0.0.0:8080:80\nport = udp:127.0.0.1:5353:53\n" "$(cat id1)" >"$CT_ROOT/networks/n1.ini" &&
	ct port eins >out &&
	grep -qx "80/tcp -> 0.0.0.0:8080" out &&
	grep -qx "53/udp -> 127.0.0.1:5353" out &&
	test "$(ct port eins 80)" = 0.0.0.0:8080 &&
	test "$(ct port eins 53/udp)" = 127.0.0.1:5353 &&
	test_expect_code 1 ct port eins 81 2>err && grep -q "No public port .81/tcp. published for" err &&
	rm "$CT_ROOT/networks/n1.ini"
'

test_expect_success 'logs --since and --until: RFC 3339, Unix time, durations' '
	d=$CT_ROOT/containers/$(cat id2) &&
	now=$(date -u +%Y-%m-%dT%H:%M:%S) &&
	{ echo "2020-01-01T10:00:00.000000001Z stdout F old" &&
	  echo "2020-01-01T11:00:00.500000000Z stderr F middle" &&
	  echo "$now.000000000Z stdout F recent"; } >"$d/log" &&
	ct logs --since 2020-01-01T10:30:00Z two >out 2>&1 &&
	printf "middle\nrecent\n" >expect && test_cmp expect out &&
	ct logs --since=2020-01-01T11:30:00+01:00 --until 2020-01-01T11:00:01Z two >out 2>&1 &&
	printf "middle\n" >expect && test_cmp expect out &&
	ct logs --since 10m two >out 2>&1 &&
	test "$(cat out)" = recent &&
	ct logs --until 1577876400 two >out 2>&1 &&
	test "$(cat out)" = old &&
	test_expect_code 125 ct logs --since yesterday-ish two 2>err &&
	grep -q "invalid time" err
'

test_expect_success 'start -a: the output and the exit status of the container' '
	ct create --network none --name att busybox sh -c "echo out-a; echo err-a >&2; exit 5" >/dev/null &&
	test_expect_code 5 ct start -a att >out 2>err &&
	grep -qx out-a out && grep -qx err-a err
'

if ct-spawn --help 2>/dev/null | grep -q "^ *attach"; then
test_expect_success 'attach: follows a running container to its end and exits with its status' '
	ct run -d --network none --name late busybox sh -c "sleep 1; echo late-out; exit 4" >/dev/null &&
	test_expect_code 4 ct attach late >out &&
	test "$(cat out)" = late-out
'
test_expect_success 'start -ai: stdin reaches the container' '
	ct create --network none --name cat busybox cat >/dev/null &&
	echo hello-in | ct start -ai cat >out &&
	test "$(cat out)" = hello-in
'
else
	test_skip 'attach' 'ct-spawn attach is not in this build yet'
	test_skip 'start -ai' 'ct-spawn attach is not in this build yet'
fi

test_expect_success 'stop -t and restart -t of several containers at once' '
	ct run -d --network none --name s1 busybox sleep 100 >/dev/null &&
	ct run -d --network none --name s2 busybox sleep 100 >/dev/null &&
	ct restart -t 1 s1 s2 >out && printf "s1\ns2\n" >expect && test_cmp expect out &&
	wait_state s1 running && wait_state s2 running &&
	ct stop -t 1 s1 s2 >out && test_cmp expect out &&
	wait_state s1 exited && wait_state s2 exited &&
	ct rm s1 s2 >/dev/null
'

test_expect_success 'container prune -f removes the stopped ones only' '
	ct create --network none --name fresh busybox true >/dev/null &&
	ct container prune -f >out &&
	head -1 out | grep -qx "Deleted Containers:" &&
	grep -qx "$(cat id2)" out &&
	grep -q "^Total reclaimed space: " out &&
	ct ps -a --format "{{.Names}}" >out &&
	printf "eins\n" >expect && test_cmp expect out
'

test_done
