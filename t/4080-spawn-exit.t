#!/bin/sh
test_description='ct-spawn: exit statuses as Docker (127, 126), the working directory made, the stop timeout'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base &&
	printf "#!/no/such/shell\necho hi\n" >base/rootfs/bad-interp &&
	printf "\177ELF garbage\n" >base/rootfs/bad-format &&
	chmod 755 base/rootfs/bad-interp base/rootfs/bad-format &&
	printf "echo hi\n" >base/rootfs/not-exec
'

test_expect_success 'a command not on PATH: 127 and Docker'\''s message' '
	mkbundle n1 ".process.args = [\"nosuch\", \"arg\"]" &&
	test_expect_code 127 spawn run --bundle n1 "$(sid nf)" 2>err &&
	test_grep "exec: \"nosuch\": executable file not found in \$PATH" err
'

test_expect_success 'a missing absolute path: 127' '
	mkbundle n2 ".process.args = [\"/no/such\"]" &&
	test_expect_code 127 spawn run --bundle n2 "$(sid nfa)" 2>err &&
	test_grep "exec: \"/no/such\": stat /no/such: No such file or directory" err
'

test_expect_success 'a directory or a file without x: 126, permission denied' '
	mkbundle d1 ".process.args = [\"/etc\"]" &&
	test_expect_code 126 spawn run --bundle d1 "$(sid dir)" 2>err &&
	test_grep "exec: \"/etc\": permission denied" err &&
	mkbundle d2 ".process.args = [\"/not-exec\"]" &&
	test_expect_code 126 spawn run --bundle d2 "$(sid nx)" 2>err &&
	test_grep "exec: \"/not-exec\": permission denied" err
'

test_expect_success 'an unrunnable format is 126; a missing interpreter 127' '
	mkbundle f1 ".process.args = [\"/bad-format\"]" &&
	test_expect_code 126 spawn run --bundle f1 "$(sid fmt)" 2>err &&
	test_grep "exec: \"/bad-format\": Exec format error" err &&
	mkbundle f2 ".process.args = [\"/bad-interp\"]" &&
	test_expect_code 127 spawn run --bundle f2 "$(sid interp)" 2>err &&
	test_grep "exec: \"/bad-interp\": No such file or directory" err
'

test_expect_success 'PATH is the container'\''s: a command found only there runs' '
	mkdir -p base/rootfs/opt/tools &&
	printf "#!/bin/sh\necho mytool ran\n" >base/rootfs/opt/tools/mytool &&
	chmod 755 base/rootfs/opt/tools/mytool &&
	mkbundle p1 ".process.env = [\"PATH=/opt/tools:/bin\"] | .process.args = [\"mytool\"]" &&
	spawn run --bundle p1 "$(sid path)" >out &&
	test_grep "mytool ran" out &&
	mkbundle p2 ".process.env = [\"PATH=/bin\"] | .process.args = [\"mytool\"]" &&
	test_expect_code 127 spawn run --bundle p2 "$(sid path2)" 2>err
'

test_expect_success 'the same statuses with --init, -d and exec' '
	test_expect_code 127 spawn run --init --bundle n1 "$(sid init)" 2>err &&
	test_grep "executable file not found" err &&
	test_expect_code 127 spawn run -d --bundle n1 "$(sid det)" 2>err &&
	test_grep "executable file not found" err &&
	mkbundle s1 ".process.args = [\"sleep\", \"30\"]" &&
	spawn run -d --bundle s1 "$(sid ex)" &&
	wait_ini "$(sid ex)" status running &&
	test_expect_code 127 spawn exec "$(sid ex)" nosuch 2>err &&
	test_grep "exec: \"nosuch\": executable file not found in \$PATH" err &&
	test_expect_code 126 spawn exec "$(sid ex)" /etc 2>err &&
	test_grep "permission denied" err &&
	spawn exec "$(sid ex)" true &&
	spawn delete --force "$(sid ex)"
'

test_expect_success 'a missing working directory is made: root-owned, 0755, for any user' '
	mkbundle w1 ".process.cwd = \"/new/work/dir\" | .process.user = {\"uid\": 1000, \"gid\": 1000} | .process.args = [\"sh\", \"-c\", \"pwd; stat -c \\\"%u %g %a\\\" . /new\"]" &&
	(umask 077 && spawn run --bundle w1 "$(sid cwd)" >out) &&
	printf "/new/work/dir\n0 0 755\n0 0 755\n" >expect &&
	test_cmp expect out &&
	test -d base/rootfs/new/work/dir
'

test_expect_success 'a symlink in the working directory cannot lead out of the root' '
	mkdir host-side &&
	ln -s "$TEST_DIR/host-side" base/rootfs/esc &&
	ln -s ../../../../../../../../.. base/rootfs/up &&
	mkbundle w2 ".process.cwd = \"/esc/sub\" | .process.args = [\"pwd\"]" &&
	spawn run --bundle w2 "$(sid esc)" &&
	test_path_is_missing host-side/sub &&
	test -d "base/rootfs$TEST_DIR/host-side/sub" &&
	mkbundle w3 ".process.cwd = \"/up/made-by-ct-test-$$\" | .process.args = [\"pwd\"]" &&
	spawn run --bundle w3 "$(sid up)" &&
	test_path_is_missing "/made-by-ct-test-$$" &&
	test -d "base/rootfs/made-by-ct-test-$$"
'

test_expect_success 'a working directory that is a file is a clear error' '
	mkbundle w4 ".process.cwd = \"/etc/passwd/x\" | .process.args = [\"pwd\"]" &&
	test_expect_code 1 spawn run --bundle w4 "$(sid cwdf)" 2>err &&
	test_grep "process.cwd" err &&
	test_grep "Not a directory" err
'

test_expect_success 'stop without -t takes org.ct.stop_timeout from the annotations' '
	id=$(sid stopt) &&
	mkbundle t1 ".annotations[\"org.ct.stop_timeout\"] = \"1\" | .process.args = [\"sh\", \"-c\", \"trap \\\"\\\" TERM; while :; do sleep 0.1; done\"]" &&
	spawn run -d --bundle t1 "$id" &&
	wait_ini "$id" status running &&
	start=$(date +%s) &&
	spawn stop "$id" &&
	end=$(date +%s) &&
	test $((end - start)) -le 4 &&
	wait_ini "$id" status stopped &&
	test_grep -x "exit_code = 137" "run/$id/state.ini" &&
	spawn delete "$id"
'

test_expect_success 'stop -t overrides it; a bad -t is a usage error' '
	id=$(sid stopt2) &&
	mkbundle t2 ".annotations[\"org.ct.stop_timeout\"] = \"100\" | .process.args = [\"sh\", \"-c\", \"trap \\\"\\\" TERM; while :; do sleep 0.1; done\"]" &&
	spawn run -d --bundle t2 "$id" &&
	wait_ini "$id" status running &&
	test_expect_code 2 spawn stop -t soon "$id" &&
	start=$(date +%s) &&
	spawn stop -t 1 "$id" &&
	end=$(date +%s) &&
	test $((end - start)) -le 4 &&
	spawn delete "$id"
'

test_done
