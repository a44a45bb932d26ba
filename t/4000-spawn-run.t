#!/bin/sh
test_description='ct-spawn run: a busybox bundle in its own namespaces, root and /proc'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base &&
	test -x base/rootfs/bin/busybox
'

test_expect_success 'the command is PID 1 and its exit status is the run status' '
	mkbundle b1 ".process.args = [\"sh\", \"-c\", \"echo \$\$; exit 3\"]" &&
	test_expect_code 3 spawn run --bundle b1 "$(sid pid1)" >out &&
	echo 1 >expect &&
	test_cmp expect out
'

test_expect_success 'a signal death is reported as 128+n' '
	mkbundle b2 ".process.args = [\"sleep\", \"30\"]" &&
	{ spawn run --bundle b2 "$(sid sig)"; echo $? >sig-status; } &
	for i in $(seq 100); do
		[ "$(spawn state "$(sid sig)" 2>/dev/null | jq -r .status)" = running ] && break
		sleep 0.1
	done &&
	spawn kill "$(sid sig)" KILL &&
	wait &&
	echo 137 >expect &&
	test_cmp expect sig-status
'

test_expect_success 'host processes are invisible' '
	mkbundle b3 ".process.args = [\"sh\", \"-c\", \"ls /proc | grep -c \\\"^[0-9]\\\"; test -e /proc/$$ && echo LEAK; true\"]" &&
	spawn run --bundle b3 "$(sid pids)" >out &&
	test "$(head -n1 out)" -le 3 &&
	! grep LEAK out
'

test_expect_success 'the hostname is set in a new uts namespace' '
	mkbundle b4 ".hostname = \"ct-test-host\" | .process.args = [\"hostname\"]" &&
	spawn run --bundle b4 "$(sid uts)" >out &&
	echo ct-test-host >expect &&
	test_cmp expect out &&
	test "$(hostname)" != ct-test-host
'

test_expect_success 'the root is the bundle rootfs after pivot_root; the host root is gone' '
	mkbundle b5 ".process.args = [\"sh\", \"-c\", \"cat /proc/self/mountinfo; ls /\"]" &&
	spawn run --bundle b5 "$(sid root)" >out &&
	awk "\$5 == \"/\"" out >root-mounts &&
	test "$(wc -l <root-mounts)" = 1 &&
	awk "{ print \$5 }" out >mount-points &&
	! grep -q "$TEST_DIR" mount-points &&
	test_grep "^bin\$" out
'

test_expect_success '/proc belongs to the new pid namespace; /sys is read-only' '
	mkbundle b6 ".process.args = [\"sh\", \"-c\", \"grep -E \\\" /(proc|sys) \\\" /proc/self/mountinfo; touch /sys/x 2>&1; true\"]" &&
	spawn run --bundle b6 "$(sid proc)" >out &&
	test_grep " /proc .* - proc " out &&
	test_grep " /sys ro," out &&
	test_grep "Read-only file system" out
'

test_expect_success '/dev has the standard nodes and a private devpts' '
	mkbundle b7 ".process.args = [\"sh\", \"-c\", \"ls /dev; grep devpts /proc/self/mountinfo; echo hi >/dev/null && head -c 4 /dev/zero | wc -c\"]" &&
	spawn run --bundle b7 "$(sid dev)" >out &&
	for n in null zero full random urandom tty ptmx pts shm mqueue fd stdin stdout stderr; do
		test_grep -x "$n" out || return 1
	done &&
	test_grep "ptmxmode=666" out &&
	test_grep -x 4 out
'

test_expect_success 'masked paths are unreadable, read-only paths are read-only' '
	mkbundle b8 ".linux.maskedPaths += [\"/proc/keys\"] | .process.args = [\"sh\", \"-c\", \"wc -c </proc/timer_list; wc -c </proc/keys; ls /sys/firmware | wc -l; echo 1 >/proc/sys/kernel/domainname 2>&1 || echo RO\"]" &&
	spawn run --bundle b8 "$(sid mask)" >out &&
	printf "0\n0\n0\n" >expect &&
	head -n3 out >actual &&
	test_cmp expect actual &&
	test_grep -x RO out
'

test_expect_success 'config bind mounts: ro honoured, tmpfs with options' '
	mkdir -p hostdir &&
	echo from-host >hostdir/f &&
	mkbundle b9 ".mounts += [{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \$d, \"options\": [\"rbind\", \"ro\"]},
		{\"destination\": \"/scratch\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", \"options\": [\"nosuid\", \"noexec\", \"size=1m\", \"mode=700\"]}]
		| .process.args = [\"sh\", \"-c\", \"cat /data/f; touch /data/g 2>&1; grep scratch /proc/self/mountinfo; stat -c %a /scratch\"]" \
		--arg d "$TEST_DIR/hostdir" &&
	spawn run --bundle b9 "$(sid mnt)" >out &&
	test_grep -x from-host out &&
	test_grep "Read-only file system" out &&
	test_grep "noexec" out &&
	test_grep "size=1024k" out &&
	test_grep -x 700 out &&
	test_path_is_missing hostdir/g
'

test_expect_success 'env, cwd, uid/gid, additional gids and umask are applied' '
	mkbundle b10 ".process.env = [\"FOO=bar\", \"PATH=/bin\"] | .process.cwd = \"/tmp\"
		| .process.user = {\"uid\": 1000, \"gid\": 1001, \"additionalGids\": [2000, 2001], \"umask\": 63}
		| .process.args = [\"sh\", \"-c\", \"echo \$FOO; pwd; id -u; id -g; id -G; umask\"]" &&
	spawn run --bundle b10 "$(sid user)" >out &&
	printf "bar\n/tmp\n1000\n1001\n1001 2000 2001\n0077\n" >expect &&
	test_cmp expect out
'

test_expect_success 'rlimits are set; one above the hard limit is a clear error' '
	mkbundle b11 ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 321, \"hard\": 654}]
		| .process.args = [\"sh\", \"-c\", \"ulimit -n; ulimit -Hn\"]" &&
	spawn run --bundle b11 "$(sid rl)" >out &&
	printf "321\n654\n" >expect &&
	test_cmp expect out &&
	hard=$(ulimit -Hn) &&
	if [ "$hard" != unlimited ]; then
		mkbundle b12 ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1, \"hard\": ($hard + 1)}] | .process.args = [\"true\"]" &&
		test_expect_code 1 spawn run --bundle b12 "$(sid rl2)" 2>err &&
		test_grep "setrlimit" err
	fi
'

test_expect_success 'the bundle dir can come on stdin; the id is its basename' '
	mkbundle pipe-bundle ".process.args = [\"echo\", \"piped\"]" &&
	echo "$TEST_DIR/pipe-bundle" | spawn run >out &&
	echo piped >expect &&
	test_cmp expect out
'

test_expect_success 'a command that does not exist: exit 127 and the reason' '
	mkbundle b13 ".process.args = [\"/no/such/prog\"]" &&
	test_expect_code 127 spawn run --bundle b13 "$(sid noexec)" 2>err &&
	test_grep "exec: \"/no/such/prog\": stat /no/such/prog: No such file" err &&
	test_path_is_missing "run/$(sid noexec)"
'

test_expect_success 'a missing bundle is an error naming it; bad usage exits 2' '
	test_expect_code 1 spawn run --bundle "$TEST_DIR/nope" x 2>err &&
	test_grep "nope" err &&
	test_expect_code 2 spawn frobnicate 2>err &&
	test_grep "unknown verb" err
'

test_expect_success '-v narrates the kernel-level steps' '
	mkbundle b14 ".process.args = [\"true\"]" &&
	spawn -v run --bundle b14 "$(sid verbose)" 2>err &&
	for w in "clone(CLONE_NEWNS" "pivot_root" "mount -t proc" "umount2(old root" "capabilities:" "exec true"; do
		test_grep -F "$w" err || return 1
	done
'

test_expect_success NETNS 'a network namespace given by path is joined' '
	ns=$(test_netns join) &&
	ip -n "$ns" link add ctdummy0 type veth peer name ctdummy1 &&
	mkbundle n1 ".linux.namespaces = [.linux.namespaces[] | if .type == \"network\" then .path = \$p else . end]
		| .process.args = [\"cat\", \"/proc/net/dev\"]" --arg p "/run/netns/$ns" &&
	spawn run --bundle n1 "$(sid netns)" >out &&
	test_grep "ctdummy0" out &&
	! grep -q ctdummy0 /proc/net/dev
'

test_expect_success 'sysctls from the spec are written in the container' '
	mkbundle s1 ".linux.sysctl = {\"net.ipv4.ip_unprivileged_port_start\": \"80\", \"kernel.shm_rmid_forced\": \"1\"}
		| .process.args = [\"cat\", \"/proc/sys/net/ipv4/ip_unprivileged_port_start\", \"/proc/sys/kernel/shm_rmid_forced\"]" &&
	spawn run --bundle s1 "$(sid sysctl)" >out &&
	printf "80\n1\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a ct bundle: run by id from $CT_ROOT/containers, state.ini kept there' '
	cid=0123456789abcdef$$ &&
	c="$CT_ROOT/containers/$cid" &&
	mkdir -p "$c" &&
	mkbundle "$c" ".process.args = [\"sh\", \"-c\", \"exit 4\"]" &&
	printf "[container]\nid = %s\n" "$cid" >"$c/ct.ini" &&
	test_expect_code 4 spawn run "$cid" &&
	test_grep -x "status = stopped" "$c/state.ini" &&
	test_grep -x "exit_code = 4" "$c/state.ini" &&
	test_grep "^finished = 20" "$c/state.ini"
'

test_expect_success 'oomScoreAdj is applied' '
	mkbundle o1 ".process.oomScoreAdj = 500 | .process.args = [\"cat\", \"/proc/self/oom_score_adj\"]" &&
	spawn run --bundle o1 "$(sid oom)" >out &&
	echo 500 >expect &&
	test_cmp expect out
'

test_done
