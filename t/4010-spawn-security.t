#!/bin/sh
test_description='ct-spawn: capabilities, no_new_privs, seccomp, fds, the sealed runtime binary, user namespaces'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base
'

# root exec: the kernel gives uid 0 its permitted set as effective (no_new_privs
# keeps it from growing past what we set)
test_expect_success 'CapEff, CapPrm, CapBnd and CapAmb follow the spec sets' '
	mkbundle c1 ".process.capabilities = {
		\"bounding\": [\"CAP_CHOWN\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\", \"CAP_SETUID\"],
		\"effective\": [\"CAP_CHOWN\", \"CAP_KILL\"],
		\"permitted\": [\"CAP_CHOWN\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"],
		\"inheritable\": [\"CAP_KILL\"],
		\"ambient\": [\"CAP_KILL\"]}
		| .process.args = [\"grep\", \"^Cap\", \"/proc/self/status\"]" &&
	spawn run --bundle c1 "$(sid caps)" >out &&
	cat >expect <<-\EOF &&
	CapInh:	0000000000000020
	CapPrm:	0000000000000421
	CapEff:	0000000000000421
	CapBnd:	00000000000004a1
	CapAmb:	0000000000000020
	EOF
	test_cmp expect out
'

test_expect_success 'umoci default: CapEff is exactly AUDIT_WRITE, KILL, NET_BIND_SERVICE' '
	mkbundle c2 ".process.args = [\"grep\", \"^CapEff\", \"/proc/self/status\"]" &&
	spawn run --bundle c2 "$(sid caps2)" >out &&
	printf "CapEff:\t0000000020000420\n" >expect &&
	test_cmp expect out
'

test_expect_success 'a non-root user keeps exactly its ambient set across exec' '
	mkbundle c3 ".process.user = {\"uid\": 1000, \"gid\": 1000}
		| .process.capabilities.effective = [\"CAP_KILL\"] | .process.capabilities.permitted = [\"CAP_KILL\"]
		| .process.capabilities.ambient = [\"CAP_KILL\"] | .process.capabilities.inheritable = [\"CAP_KILL\"]
		| .process.args = [\"sh\", \"-c\", \"grep -E \\\"^(Uid|CapEff)\\\" /proc/self/status\"]" &&
	spawn run --bundle c3 "$(sid caps3)" >out &&
	test_grep "^Uid:	1000	1000	1000	1000" out &&
	test_grep "^CapEff:	0000000000000020" out
'

test_expect_success 'noNewPrivileges sets NoNewPrivs; without it, it is 0' '
	mkbundle n1 ".process.noNewPrivileges = true | .process.args = [\"grep\", \"^NoNewPrivs\", \"/proc/self/status\"]" &&
	spawn run --bundle n1 "$(sid nnp1)" >out &&
	printf "NoNewPrivs:\t1\n" >expect &&
	test_cmp expect out &&
	mkbundle n2 ".process.noNewPrivileges = false | .process.args = [\"grep\", \"^NoNewPrivs\", \"/proc/self/status\"]" &&
	spawn run --bundle n2 "$(sid nnp2)" >out &&
	printf "NoNewPrivs:\t0\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the default profile: unshare and mount get EPERM, ordinary programs work' '
	mkbundle s1 ".linux.seccomp = \$sc[0] | .process.args = [\"sh\", \"-c\",
		\"grep ^Seccomp: /proc/self/status; unshare -U true 2>&1; unshare -n true 2>&1; mount -t tmpfs t /mnt 2>&1; ls / | grep -c bin; echo done\"]" \
		--slurpfile sc "$CT_SRC/share/seccomp/default.json" &&
	spawn run --bundle s1 "$(sid sc1)" >out &&
	test_grep "^Seccomp:	2" out &&
	test "$(grep -c "unshare(0x[0-9a-f]*): Operation not permitted" out)" = 2 &&
	test_grep "mount: permission denied" out &&
	test_grep -x done out
'

test_expect_success 'the default profile also holds without no_new_privs (loaded before the caps drop)' '
	mkbundle s2 ".process.noNewPrivileges = false | .linux.seccomp = \$sc[0]
		| .process.args = [\"sh\", \"-c\", \"grep ^Seccomp: /proc/self/status; unshare -m true 2>&1; true\"]" \
		--slurpfile sc "$CT_SRC/share/seccomp/default.json" &&
	spawn run --bundle s2 "$(sid sc2)" >out &&
	test_grep "^Seccomp:	2" out &&
	test_grep "Operation not permitted" out
'

test_expect_success 'a spec rule with errnoRet is honoured (uname -> ENOSYS-like 38)' '
	mkbundle s3 ".linux.seccomp = {\"defaultAction\": \"SCMP_ACT_ALLOW\",
		\"architectures\": [\"SCMP_ARCH_X86_64\"],
		\"syscalls\": [{\"names\": [\"sethostname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13}]}
		| .process.capabilities.effective += [\"CAP_SYS_ADMIN\"] | .process.capabilities.permitted += [\"CAP_SYS_ADMIN\"]
		| .process.capabilities.bounding += [\"CAP_SYS_ADMIN\"]
		| .process.args = [\"sh\", \"-c\", \"hostname foo 2>&1; true\"]" &&
	spawn run --bundle s3 "$(sid sc3)" >out &&
	test_grep -i "permission denied" out
'

test_expect_success 'no file descriptor beyond 0-2 reaches the container' '
	mkbundle f1 ".process.args = [\"sh\", \"-c\", \"ls /proc/self/fd\"]" &&
	spawn run --bundle f1 "$(sid fds)" 7>/dev/null 8<f1/config.json 9>>out-extra >out &&
	printf "0\n1\n2\n3\n" >expect &&
	test_cmp expect out
'

test_expect_success '--preserve-fds keeps fd 3 (and only that)' '
	mkbundle f2 ".process.args = [\"sh\", \"-c\", \"cat <&3; ls /proc/self/fd | wc -l\"]" &&
	echo kept >kept &&
	spawn run --preserve-fds 1 --bundle f2 "$(sid fds2)" 3<kept 4<kept >out &&
	printf "kept\n5\n" >expect &&
	test_cmp expect out
'

test_expect_success 'the runtime binary cannot be written through /proc/PID/exe (sealed memfd)' '
	mkbundle m1 ".process.args = [\"true\"]" &&
	spawn create --bundle m1 --pid-file pid "$(sid memfd)" &&
	pid=$(cat pid) &&
	readlink /proc/$pid/exe >exe &&
	test_grep "^/memfd:ct-spawn" exe &&
	! (echo x >>/proc/$pid/exe) 2>err &&
	test_grep -i -E "busy|not permitted|denied" err &&
	spawn delete --force "$(sid memfd)"
'

# exe_of_running_spawn DIR ID: start ct-spawn run on bundle DIR in the
# background, print what /proc/PID/exe of that ct-spawn is while its
# container runs, then stop it
exe_of_running_spawn() {
	ct-spawn --root "$TEST_DIR/run" -v run --bundle "$1" "$2" >/dev/null 2>"$1.err" &
	ep=$!
	ei=0
	until spawn state "$2" 2>/dev/null | grep -q running || [ $ei -gt 100 ]; do
		sleep 0.1
		ei=$((ei + 1))
	done
	readlink /proc/$ep/exe
	spawn kill "$2" KILL >/dev/null 2>&1
	wait $ep
	return 0
}

test_expect_success 'run in the host pid namespace (ct-spawn visible inside): from the sealed copy' '
	mkbundle m2 ".linux.namespaces |= map(select(.type != \"pid\")) | .process.args = [\"sleep\", \"20\"]" &&
	exe_of_running_spawn m2 "$(sid memfd2)" >exe &&
	test_grep "^/memfd:ct-spawn" exe &&
	test_grep "sealed memfd copy" m2.err
'

test_expect_success 'a foreground run in a new pid namespace needs no sealed copy, and says so' '
	mkbundle m3 ".process.args = [\"sleep\", \"20\"]" &&
	exe_of_running_spawn m3 "$(sid memfd3)" >exe &&
	grep -E "/(ct-spawn|ctbox)\$" exe &&
	! grep memfd exe &&
	test_grep "no sealed copy needed" m3.err
'

test_expect_success 'the working directory is inside the container, not a host one' '
	mkbundle w1 ".process.cwd = \"/\" | .process.args = [\"sh\", \"-c\", \"readlink /proc/self/cwd; ls /proc/1/cwd/ | grep -cx bin\"]" &&
	(cd "$TEST_DIR/hostdir-cwd" 2>/dev/null || mkdir -p "$TEST_DIR/hostdir-cwd" && cd "$TEST_DIR/hostdir-cwd" &&
	 spawn run --bundle "$TEST_DIR/w1" "$(sid cwd)") >out &&
	printf "/\n1\n" >expect &&
	test_cmp expect out
'

test_expect_success USERNS 'a user namespace maps the ids as the spec says' '
	mkbundle u1 ".linux.namespaces += [{\"type\": \"user\"}]
		| .linux.uidMappings = [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]
		| .linux.gidMappings = [{\"containerID\": 0, \"hostID\": 200000, \"size\": 65536}]
		| .process.args = [\"sh\", \"-c\", \"cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox; exec sleep 20\"]" &&
	{ spawn run --bundle u1 "$(sid userns)" >out & } &&
	for i in $(seq 200); do
		pid=$(spawn state "$(sid userns)" 2>/dev/null | jq -r .pid) &&
		[ -n "$pid" ] && [ "$pid" != 0 ] && [ "$(wc -l <out)" = 4 ] && break
		sleep 0.05
	done &&
	host_uid=$(awk "/^Uid:/ { print \$2 }" /proc/$pid/status) &&
	spawn kill "$(sid userns)" KILL &&
	wait &&
	test "$host_uid" = 200000 &&
	tr -s " " <out >out2 &&
	printf " 0 200000 65536\n 0 200000 65536\n0\n65534\n" >expect &&
	test_cmp expect out2
'

test_done
