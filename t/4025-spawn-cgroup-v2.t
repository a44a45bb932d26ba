#!/bin/sh
test_description='ct-spawn on a pure cgroup v2 layout (simulated: cgroup2 mounted on /sys/fs/cgroup in a private mount namespace)'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS CGROUP UMOCI JQ MKIMAGE

grep -qw cgroup2 /proc/filesystems || skip_all "the kernel has no cgroup2"
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] &&
	skip_all "the host is pure v2 already: t/4020 covers it"

# v2 RUN...: run a shell snippet where /sys/fs/cgroup is a cgroup2 mount
v2() {
	unshare -m --propagation private sh -c 'mount -t cgroup2 none /sys/fs/cgroup && eval "$1"' v2 "$1"
}

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base
'

test_expect_success 'the container is in its own v2 cgroup, cgroup2 mounted inside, removed after' '
	id=$(sid v2) &&
	mkbundle c1 ".process.args = [\"sh\", \"-c\", \"cat /proc/self/cgroup; grep \\\" /sys/fs/cgroup \\\" /proc/self/mountinfo\"]" &&
	v2 "ct-spawn --root $TEST_DIR/run -v run --bundle c1 $id" >out 2>err &&
	test_grep "(v2)" err &&
	test_grep -x "0::/ct-spawn/$id" out &&
	test_grep "cgroup2" out &&
	v2 "test ! -e /sys/fs/cgroup/ct-spawn/$id"
'

test_expect_success 'pause and resume through cgroup.freeze' '
	id=$(sid v2p) &&
	mkbundle c2 ".process.args = [\"sleep\", \"30\"]" &&
	v2 "ct-spawn --root $TEST_DIR/run run -d --bundle c2 $id &&
	    sleep 0.3 &&
	    ct-spawn --root $TEST_DIR/run pause $id &&
	    cat /sys/fs/cgroup/ct-spawn/$id/cgroup.freeze &&
	    ct-spawn --root $TEST_DIR/run state $id | jq -r .status &&
	    ct-spawn --root $TEST_DIR/run resume $id &&
	    ct-spawn --root $TEST_DIR/run state $id | jq -r .status &&
	    ct-spawn --root $TEST_DIR/run delete --force $id &&
	    test ! -e /sys/fs/cgroup/ct-spawn/$id && echo gone" >out &&
	printf "1\npaused\nrunning\ngone\n" >expect &&
	test_cmp expect out
'

test_done
