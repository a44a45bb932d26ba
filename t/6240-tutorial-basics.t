#!/bin/sh
test_description='the Docker tutorial sequence with ct: run -d, ps, stop, start, restart, logs, rename, rm; --rm; named containers'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

. "$CT_SRC/t/6099-ct-lib.sh"

test_expect_success 'setup: a busybox image' '
	mkdir -p rootfs/bin rootfs/tmp &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh echo cat sleep date true; do ln -s busybox rootfs/bin/$a || return 1; done &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'docker run -d --name: the full id; ps shows it Up under its name' '
	ct run -d --network none --name ticker busybox \
		sh -c "trap \"exit 0\" TERM; i=0; while :; do i=\$((i+1)); echo tick \$i; sleep 0.2; done" >id &&
	grep -qx "[0-9a-f]\{64\}" id &&
	ct ps >out &&
	grep -q "^$(cut -c1-12 id)   busybox   \"sh -c .trap .*   Up .*  ticker$" out &&
	test "$(ct ps -q)" = "$(cut -c1-12 id)"
'

test_expect_success 'docker logs: the ticks; --tail 1 the last one' '
	for i in $(seq 50); do ct logs ticker | grep -q "tick 3" && break; sleep 0.1; done &&
	ct logs ticker >out && grep -qx "tick 1" out && grep -qx "tick 3" out &&
	test $(ct logs --tail 1 ticker | wc -l) = 1
'

test_expect_success 'docker stop: Exited (0), gone from ps, there in ps -a' '
	ct stop ticker >out && test "$(cat out)" = ticker &&
	test "$(ct ps -q)" = "" &&
	ct ps -a --format "{{.Names}} {{.Status}}" >out &&
	grep -q "^ticker Exited (0) .* ago$" out
'

test_expect_success 'docker start: Up again, the log goes on' '
	n=$(ct logs ticker | wc -l) &&
	ct start ticker >out && test "$(cat out)" = ticker &&
	wait_state ticker running &&
	for i in $(seq 50); do test $(ct logs ticker | wc -l) -gt $n && break; sleep 0.1; done &&
	test $(ct logs ticker | wc -l) -gt $n
'

test_expect_success 'docker restart: running afterwards, started anew' '
	ct restart -t 2 ticker >out && test "$(cat out)" = ticker &&
	wait_state ticker running &&
	ct ps --format "{{.Status}}" >out && grep -Eq "^Up (Less than a second|1 second|[0-9] seconds)$" out
'

test_expect_success 'docker rename: the new name everywhere, the old one gone' '
	ct rename ticker clock &&
	ct ps --format "{{.Names}}" >out && test "$(cat out)" = clock &&
	ct logs --tail 1 clock | grep -q "^tick " &&
	test_expect_code 1 ct logs ticker 2>err && grep -q "No such container: ticker" err
'

test_expect_success 'docker rm: refused while running; stop then rm; ps -a is empty' '
	test_expect_code 1 ct rm clock 2>err &&
	grep -q "stop the container before removing or force remove" err &&
	ct stop clock >/dev/null &&
	ct rm clock >out && test "$(cat out)" = clock &&
	test "$(ct ps -aq)" = "" &&
	test_path_is_missing "$CT_ROOT/containers/$(cat id)"
'

test_expect_success 'docker run --rm: the output, then nothing left' '
	ct run --rm --network none --name once busybox echo hello from once >out &&
	test "$(cat out)" = "hello from once" &&
	test "$(ct ps -aq)" = ""
'

test_expect_success 'a name is unique until its container is removed' '
	ct run -d --network none --name solo busybox sleep 60 >id &&
	test_expect_code 125 ct run -d --network none --name solo busybox true 2>err &&
	grep -q "Conflict. The container name \"/solo\" is already in use by container \"$(cat id)\"" err &&
	ct rm -f solo >/dev/null &&
	ct run -d --network none --name solo busybox true >id2 &&
	test "$(cat id)" != "$(cat id2)" &&
	wait_state solo exited
'

test_done
