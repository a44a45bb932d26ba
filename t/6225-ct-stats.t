#!/bin/sh
test_description='ct stats --no-stream: CPU %, memory usage / limit, pids, I/O from the cgroup files'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX

test_cleanup 'for d in "$CT_ROOT"/containers/*/; do [ -d "$d" ] && ct rm -f "$(basename "$d")" >/dev/null 2>&1; done'

test_expect_success 'setup: a busy and an idle container' '
	mkdir -p rootfs/bin && cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh sleep; do ln -s busybox rootfs/bin/$a || return 1; done &&
	ct import rootfs busybox >/dev/null &&
	ct run -d --network none --name burn busybox sh -c "while :; do :; done" >/dev/null &&
	ct run -d --network none --name idle busybox sh -c "sleep 100 & sleep 100 & wait" >/dev/null
'

test_expect_success 'the table: both containers, Docker'"'"'s columns' '
	ct stats --no-stream >out &&
	head -1 out | grep -q "^CONTAINER ID  *NAME  *CPU %  *MEM USAGE / LIMIT  *MEM %  *NET I/O  *BLOCK I/O  *PIDS$" &&
	grep -q "^[0-9a-f]\{12\}  *burn  *[0-9.]*%  *[0-9.]*[KMG]\{0,1\}i\{0,1\}B / [0-9.]*[KMGT]iB  *[0-9.]*%  *[0-9.]*[kMG]\{0,1\}B / [0-9.]*[kMG]\{0,1\}B  *[0-9.]*[kMG]\{0,1\}B / [0-9.]*[kMG]\{0,1\}B  *1$" out &&
	grep -q " idle  .* 3$" out
'

test_expect_success 'CPU % tells the busy one from the idle one; the limit is the host memory' '
	ct stats --no-stream --format "{{.Name}} {{.CPUPerc}} {{.PIDs}} {{.MemUsage}}" burn idle >out &&
	burn=$(awk "/^burn/ { sub(/%/, \"\", \$2); print int(\$2) }" out) &&
	idle=$(awk "/^idle/ { sub(/%/, \"\", \$2); print int(\$2) }" out) &&
	test "$burn" -ge 5 && test "$idle" -le 2 &&
	host=$(awk "/^MemTotal:/ { printf \"%.4g\", \$2 / 1024 / 1024 }" /proc/meminfo) &&
	grep -q "^idle .* / ${host}GiB$" out
'

test_expect_success 'a stopped container shows zeros; an unknown one is an error' '
	ct stop -t 1 idle >/dev/null &&
	ct stats --no-stream --format "{{.Name}} {{.CPUPerc}} {{.PIDs}}" idle >out &&
	test "$(cat out)" = "idle 0.00% 0" &&
	test_expect_code 1 ct stats --no-stream nosuch 2>/dev/null
'

test_done
