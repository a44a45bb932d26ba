#!/bin/sh
test_description='the test library itself: TAP, failures, skips, clean-up'
. "$(dirname "$0")/lib/test-lib.sh"

# run_sub NAME BODY: write a test script using test-lib and run it
run_sub() {
	mkdir -p "$TEST_DIR/sub" &&
	{
		echo '. "$CT_SRC/t/lib/test-lib.sh"'
		printf '%s\n' "$2"
	} >"$TEST_DIR/sub/$1.t" &&
	( cd "$TEST_DIR/sub" && TMPDIR=$TEST_DIR/sub sh "$1.t" >"$1.out" 2>"$1.err"; echo $? >"$1.status" )
}

test_expect_success 'a passing test prints ok and the plan' '
	run_sub pass "test_expect_success \"one\" \"true\"
test_done" &&
	printf "ok 1 - one\n1..1\n" >expect &&
	test_cmp expect sub/pass.out &&
	test "$(cat sub/pass.status)" = 0
'

test_expect_success 'a failing test prints not ok, its body and output, and exits 1' '
	run_sub fail "test_expect_success \"two\" \"echo visible-output && false\"
test_done" &&
	test_grep "^not ok 1 - two" sub/fail.out &&
	test_grep "^#   visible-output" sub/fail.out &&
	test_grep "^# failed 1 of 1" sub/fail.out &&
	test "$(cat sub/fail.status)" = 1
'

test_expect_success 'skip_all prints a SKIP plan' '
	run_sub skip "skip_all \"no such hardware\"" &&
	printf "1..0 # SKIP no such hardware\n" >expect &&
	test_cmp expect sub/skip.out &&
	test "$(cat sub/skip.status)" = 0
'

test_expect_success 'a missing prerequisite skips that test only' '
	run_sub prereq "test_have_prereq() { test_missing_prereq_=FOO; return 1; }
test_expect_success FOO \"needs foo\" \"false\"
test_expect_success \"runs\" \"true\"
test_done" &&
	test_grep "^ok 1 # SKIP needs foo (missing FOO)" sub/prereq.out &&
	test_grep "^ok 2 - runs" sub/prereq.out
'

test_expect_success 'a script that dies early fails and still cleans up' '
	run_sub early "test_cleanup \"touch $TEST_DIR/cleaned\"
exit 0" &&
	test "$(cat sub/early.status)" = 1 &&
	test_path_is_file "$TEST_DIR/cleaned"
'

test_expect_success 'clean-ups run last-registered first, also after a failure' '
	run_sub order "test_cleanup \"echo first >>$TEST_DIR/order\"
test_cleanup \"echo second >>$TEST_DIR/order\"
test_expect_success \"x\" \"false\"
test_done" &&
	printf "second\nfirst\n" >expect &&
	test_cmp expect order
'

test_expect_success 'each script has its own CT_ROOT and temporary dir, removed after' '
	run_sub root "echo \"\$CT_ROOT\" >$TEST_DIR/root-was
test_done" &&
	r=$(cat root-was) &&
	case $r in "$TEST_DIR"/sub/ct-root.*/root) ;; *) echo "unexpected $r"; false ;; esac &&
	test_path_is_missing "$(dirname "$r")"
'

test_expect_success MOUNTNS 'mounts left under the test dir are swept at exit' '
	run_sub mnt "mkdir \"\$TEST_DIR/m\" && mount -t tmpfs none \"\$TEST_DIR/m\" && echo \"\$TEST_DIR\" >$TEST_DIR/mnt-was
test_done" &&
	d=$(cat mnt-was) &&
	! grep -q " $d/m " /proc/self/mountinfo &&
	test_path_is_missing "$d"
'

test_expect_success 'test_must_fail accepts failure, refuses success and signals' '
	test_must_fail false &&
	! test_must_fail true 2>/dev/null &&
	! test_must_fail sh -c "kill -9 \$\$" 2>/dev/null
'

test_expect_success 'test_expect_code checks the exact status' '
	test_expect_code 3 sh -c "exit 3" &&
	! test_expect_code 3 sh -c "exit 4" 2>/dev/null
'

test_done
