#!/bin/sh
test_description='ct run resource flags: --memory, --memory-swap, --cpus, --cpu-shares, --cpuset-cpus, --pids-limit, --ulimit, seen from inside the container'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX CGROUP JQ
. "$CT_SRC/t/6149-run-lib.sh"

test_expect_success 'setup: a busybox image' '
	run_image
'

# one container reads every limit it was given (the cgroup files, from inside)
test_expect_success 'memory, swap, cpu quota/period/shares, cpuset and pids limits reach the cgroup' '
	if [ $run_cgmode = v1 ]; then
		files="memory/memory.limit_in_bytes cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.shares cpuset/cpuset.cpus pids/pids.max"
		printf "67108864\n50000\n100000\n512\n0\n20\n" >expect
		if [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ]; then
			files="$files memory/memory.memsw.limit_in_bytes" && echo 100663296 >>expect
		fi
	else
		files="memory.max cpu.max cpuset.cpus pids.max"
		printf "67108864\n50000 100000\n0\n20\n" >expect
	fi &&
	args= && for f in $files; do args="$args /sys/fs/cgroup/$f"; done &&
	ct run --rm --network none -m 64m --memory-swap 96m --cpus 0.5 --cpu-shares 512 \
		--cpuset-cpus 0 --pids-limit 20 busybox sh -c "cat $args; grep Cpus_allowed_list /proc/self/status" >out &&
	sed -n "\$!p" out >got && test_cmp expect got &&
	test_grep "Cpus_allowed_list:[[:space:]]*0$" out
'

# cfg FLAGS...: the linux.resources ct create writes for them
cfg() { ct create --network none "$@" busybox true >id && jq -c .linux.resources "$(cfile "$(cat id)" config.json)"; }

test_expect_success 'both spellings (--flag value, --flag=value, -m512m) and k/m/g suffixes' '
	test "$(cfg -m 1g --cpus=1.25 -c 2048 --pids-limit=30 | jq -c "[.memory.limit, .cpu, .pids.limit]")" = \
		"[1073741824,{\"period\":100000,\"quota\":125000,\"shares\":2048},30]" &&
	test "$(cfg --memory=65536k | jq -c .memory.limit)" = 67108864 &&
	test "$(cfg -m32m --cpuset-cpus=0-1 | jq -c "[.memory.limit, .cpu.cpus]")" = "[33554432,\"0-1\"]"
'

test_expect_success '--memory-swap: -1 unlimited, default twice --memory; no flags, no limits' '
	test "$(cfg -m 64m --memory-swap 128m | jq -c .memory)" = "{\"limit\":67108864,\"swap\":134217728}" &&
	test "$(cfg -m 64m --memory-swap=-1 | jq -c .memory.swap)" = -1 &&
	test "$(cfg -m 64m | jq -c .memory.swap)" = 134217728 &&
	test "$(cfg -m 64m --memory-swap 0 | jq -c .memory.swap)" = 134217728 &&
	test "$(cfg --pids-limit -1 | jq -c "[.memory, .cpu, .pids]")" = "[null,null,null]"
'

test_expect_success 'bad memory values are clear errors naming the flag (exit 125)' '
	test_expect_code 125 ct run --rm --network none -m lots busybox true 2>err &&
	test_grep "invalid --memory \"lots\"" err &&
	test_expect_code 125 ct run --rm --network none -m 1m busybox true 2>err &&
	test_grep "minimum memory limit allowed is 6MB" err &&
	test_expect_code 125 ct run --rm --network none --memory-swap 1g busybox true 2>err &&
	test_grep "memory-swap needs --memory" err &&
	test_expect_code 125 ct run --rm --network none -m 64m --memory-swap 32m busybox true 2>err &&
	test_grep "larger than the memory limit" err
'

test_expect_success '--cpus beyond the machine, or not a number, is refused' '
	test_expect_code 125 ct run --rm --network none --cpus 100000 busybox true 2>err &&
	test_grep "range of CPUs is from 0.01" err &&
	test_expect_code 125 ct run --rm --network none --cpus half busybox true 2>err &&
	test_grep "invalid --cpus" err
'

test_expect_success '--cpuset-cpus with a bad list is refused' '
	test_expect_code 125 ct run --rm --network none --cpuset-cpus "0;1" busybox true 2>err &&
	test_grep "invalid --cpuset-cpus" err
'

test_expect_success '--pids-limit: a fork beyond the limit fails' '
	ct run --rm --network none --pids-limit 5 busybox sh -c \
		"for i in 1 2 3 4 5 6 7 8; do sleep 1 & done; wait; echo done" >out 2>err;
	test_grep "fork\|Resource temporarily unavailable" err
'

test_expect_success '--ulimit nofile=SOFT:HARD is what ulimit -n says inside' '
	ct run --rm --network none --ulimit nofile=512:4096 --ulimit nproc=64:64 --ulimit=core=0 \
		busybox sh -c "ulimit -n; ulimit -Hn; ulimit -u; ulimit -c" >out &&
	printf "512\n4096\n64\n0\n" >expect && test_cmp expect out &&
	ct create --network none --ulimit=nofile=300 busybox >id &&
	test "$(jq -c ".process.rlimits[] | select(.type == \"RLIMIT_NOFILE\")" "$(cfile "$(cat id)" config.json)")" = \
		"{\"type\":\"RLIMIT_NOFILE\",\"hard\":300,\"soft\":300}"
'

test_expect_success '--ulimit above the machine'"'"'s hard limit: a clear error naming the flag' '
	hard=$(ulimit -Hn) &&
	if [ "$hard" = unlimited ]; then echo "# nofile is unlimited here: nothing to exceed"; else
		test_expect_code 125 ct run --rm --network none --ulimit nofile=1024:$((hard + 1)) \
			busybox true 2>err &&
		test_grep "ulimit nofile=1024:$((hard + 1)): the hard limit $((hard + 1)) is above" err
	fi &&
	test_expect_code 125 ct run --rm --network none --ulimit nofiles=1 busybox true 2>err &&
	test_grep "unknown limit \"nofiles\"" err &&
	test_expect_code 125 ct run --rm --network none --ulimit nofile=9:8 busybox true 2>err &&
	test_grep "soft limit is above the hard" err
'

test_done
