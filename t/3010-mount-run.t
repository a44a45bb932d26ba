#!/bin/sh
test_description='ct-mount: the config.json it writes runs as is under runc (and
crun where it works here): image Env/Cmd/Entrypoint/WorkingDir/User, options,
annotations, and the default capabilities, rlimits, masked and read-only paths'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/3099-mount-lib.sh"
test_require ROOT OVERLAY MKIMAGE JQ RUNC
[ -r /proc/timer_list ] || skip_all "no /proc/timer_list to check masking with"

OP=$(ct_fixture busybox --env FOO=from-image --workdir /var/www --user ct \
	--expose 80 --expose 53/udp --volume /data --label org.example.x=y \
	--cmd '["sh","-c","echo FOO=$FOO BAR=$BAR; pwd; id -u; id -g; hostname"]') ||
	skip_all "mkimage failed"
image_into_store "$OP"
mount_cleanup
RUNC_ROOT=$TEST_DIR/runc
test_cleanup 'for c in $(runc --root "$RUNC_ROOT" list -q); do runc --root "$RUNC_ROOT" delete -f "$c"; done'

# run_bundle DIR: runc run the bundle, output in ./run.out
n=0
run_bundle() {
	n=$((n + 1))
	timeout 60 runc --root "$RUNC_ROOT" run -b "$1" "ct-test-3010-$$-$n" </dev/null >run.out 2>&1
	rb_s=$?
	cat run.out
	return $rb_s
}

test_expect_success 'layer dirs for the image' '
	unpack_layers "$OP" latest "$TEST_DIR/L" >lines &&
	test "$(wc -l <lines)" = 2
'

test_expect_success 'config.json from the image config' '
	B=$(ct-mount --name op <lines) &&
	C=$B/config.json &&
	test "$(jq -c .process.args "$C")" = "$(jq -c .config.Cmd "$OP/blobs/sha256/$(jq -r .config.digest "$OP/blobs/sha256/$(head -n1 lines | cut -d: -f2)" | cut -d: -f2)")" &&
	jq -r ".process.env[]" "$C" >env &&
	test_grep -x "FOO=from-image" env &&
	test_grep -x "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" env &&
	test_grep -x "HOME=/home/ct" env &&
	test_grep -x "HOSTNAME=$(echo "${B##*/}" | cut -c1-12)" env &&
	test "$(jq -r .process.cwd "$C")" = /var/www &&
	test "$(jq -c "[.process.user.uid, .process.user.gid]" "$C")" = "[1000,1000]" &&
	test "$(jq -r ".annotations[\"org.opencontainers.image.exposedPorts\"]" "$C")" = "53/udp,80/tcp" &&
	test "$(jq -r ".annotations[\"ct.image.volumes\"]" "$C")" = /data &&
	test "$(jq -r ".annotations[\"org.example.x\"]" "$C")" = y
'

test_expect_success 'runc runs the bundle: env, cwd, user, hostname from the image' '
	run_bundle "$B" &&
	id=${B##*/} &&
	printf "FOO=from-image BAR=\n/var/www\n1000\n1000\n%s\n" "$(echo "$id" | cut -c1-12)" >expect &&
	test_cmp expect run.out
'

test_expect_success 'options win: --env, --workdir, --user, --hostname, a command' '
	B2=$(BAR=from-host ct-mount -e FOO=opt -e BAR -w /tmp -u nobody --hostname box \
		-- sh -c "echo FOO=\$FOO BAR=\$BAR; pwd; id -u; id -g; hostname" <lines) &&
	run_bundle "$B2" &&
	printf "FOO=opt BAR=from-host\n/tmp\n65534\n65534\nbox\n" >expect &&
	test_cmp expect run.out
'

test_expect_success '--user uid:gid and name:group' '
	B3=$(ct-mount -u 123:456 <lines) &&
	test "$(jq -c "[.process.user.uid, .process.user.gid]" "$B3/config.json")" = "[123,456]" &&
	B4=$(ct-mount -u ct:nobody <lines) &&
	test "$(jq -c "[.process.user.uid, .process.user.gid]" "$B4/config.json")" = "[1000,65534]"
'

test_expect_success 'an unknown user is an error, and no container is left' '
	ls "$CT_ROOT/containers" >before &&
	test_must_fail ct-mount -u nosuchuser <lines 2>err &&
	test_grep "unable to find user nosuchuser" err &&
	ls "$CT_ROOT/containers" >after &&
	test_cmp before after
'

test_expect_success '--entrypoint drops the image Cmd; a command follows it' '
	B5=$(ct-mount --entrypoint /bin/echo <lines) &&
	test "$(jq -c .process.args "$B5/config.json")" = "[\"/bin/echo\"]" &&
	B6=$(ct-mount --entrypoint /bin/echo -- hello world <lines) &&
	test "$(jq -c .process.args "$B6/config.json")" = "[\"/bin/echo\",\"hello\",\"world\"]" &&
	run_bundle "$B6" && test "$(cat run.out)" = "hello world"
'

test_expect_success 'defaults: Docker capabilities, RLIMIT_NOFILE, masked and read-only paths' '
	B7=$(ct-mount -u 0 -- sh -c "grep CapEff /proc/self/status; ulimit -n; ulimit -Hn;
		wc -c </proc/timer_list; echo 1 >/proc/sys/kernel/domainname && echo proc-sys-writable;
		ls /sys/firmware | wc -l; mount | grep -c \" /dev/mqueue \"; mount | grep -c \" /dev/shm \"" <lines) &&
	run_bundle "$B7" &&
	hard=$(ulimit -Hn) && [ "$hard" -gt 1048576 ] && hard=1048576
	soft=1024 && [ "$soft" -gt "$hard" ] && soft=$hard
	printf "CapEff:\t00000000a80425fb\n%s\n%s\n0\n0\n1\n1\n" "$soft" "$hard" >expect &&
	grep -v "can.t create\|Read-only\|nonexistent" run.out >got &&
	test_cmp expect got
'

test_expect_success 'seccomp: the default profile ($CT_SECCOMP_PROFILE) is in config.json and applies' '
	B9=$(ct-mount -- sh -c "mkdir /tmp/x 2>/dev/null && echo mkdir-allowed || echo mkdir-denied" <lines) &&
	test "$(jq -r .linux.seccomp.defaultAction "$B9/config.json")" = SCMP_ACT_ALLOW &&
	run_bundle "$B9" && test "$(cat run.out)" = mkdir-denied
'

test_expect_success 'seccomp: --seccomp unconfined leaves it out, --seccomp FILE takes FILE' '
	B10=$(ct-mount --seccomp unconfined -- sh -c "mkdir /tmp/x && echo mkdir-allowed" <lines) &&
	test "$(jq -r .linux.seccomp "$B10/config.json")" = null &&
	run_bundle "$B10" && test "$(cat run.out)" = mkdir-allowed &&
	echo "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}" >allow.json &&
	B11=$(ct-mount --seccomp allow.json -- true <lines) &&
	test "$(jq -c .linux.seccomp "$B11/config.json")" = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}" &&
	echo "[]" >bad.json &&
	test_must_fail ct-mount --seccomp bad.json -- true <lines 2>err &&
	test_grep "not an OCI linux.seccomp object" err
'

if [ -f "$CT_SRC/share/seccomp/default.json" ]; then
	test_expect_success 'seccomp: ct'"'"'s default profile runs under runc (unshare denied)' '
		B12=$(CT_SECCOMP_PROFILE=$CT_SRC/share/seccomp/default.json \
			ct-mount -- sh -c "unshare -m true 2>/dev/null || echo denied" <lines) &&
		test "$(jq -r .linux.seccomp.defaultAction "$B12/config.json")" = SCMP_ACT_ERRNO &&
		run_bundle "$B12" && test "$(cat run.out)" = denied
	'
else
	test_skip "seccomp: ct's default profile runs under runc" "no share/seccomp/default.json in this tree"
fi

if timeout 30 crun --version >/dev/null 2>&1; then
	B8=$(ct-mount -- true <lines)
	if timeout 60 crun --root "$TEST_DIR/crun" run -b "$B8" "ct-test-3010-crun-$$" </dev/null >crun.out 2>&1; then
		test_cleanup 'crun --root "$TEST_DIR/crun" delete -f "ct-test-3010-crun2-$$"'
		test_expect_success 'crun runs the bundle too' '
			timeout 60 crun --root "$TEST_DIR/crun" run -b "$B2" "ct-test-3010-crun2-$$" </dev/null >run.out 2>&1 &&
			printf "FOO=opt BAR=from-host\n/tmp\n65534\n65534\nbox\n" >expect &&
			test_cmp expect run.out
		'
	else
		test_skip 'crun runs the bundle too' "crun cannot run containers here: $(head -n1 crun.out)"
	fi
else
	test_skip 'crun runs the bundle too' 'no crun'
fi

test_done
