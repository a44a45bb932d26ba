#!/bin/sh
test_description='podman --runtime ct-spawn: run --rm, exit status, -it through tmux, -d + exec + stop'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT MOUNTNS PODMAN MKIMAGE JQ

# Podman without systemd, all state in $TEST_DIR
. "$CT_SRC/t/4059-podman-lib.sh"
podman_private_config
pm() {
	timeout 60 podman --root "$TEST_DIR/pm/graph" --runroot "$TEST_DIR/pm/run" \
		--runtime "$CT_BUILD/bin/ct-spawn" "$@"
}
test_cleanup 'pm rm -af -t 0; pm system reset -f; tmux kill-session -t ct-test-pm-$$'

test_expect_success 'load the busybox image into a private podman store' '
	layout=$(ct_fixture busybox) &&
	pm pull -q "oci:$layout:latest" >img &&
	test -s img
'
img=$(cat img 2>/dev/null)

test_expect_success 'podman run --rm IMAGE echo ok' '
	pm run --rm --network none "$img" echo ok >out &&
	echo ok >expect &&
	test_cmp expect out
'

test_expect_success 'the exit status comes back through podman' '
	test_expect_code 7 pm run --rm --network none "$img" sh -c "exit 7"
'

test_expect_success 'a missing command is 127 through podman, with the runc message' '
	test_expect_code 127 pm run --rm --network none "$img" nosuch-cmd 2>err &&
	test_grep "executable file not found" err
'

test_expect_success 'podman -d, exec, ps, stop (SIGKILL after the timeout) and rm' '
	pm run -d --network none "$img" sleep 60 >cid &&
	id=$(cat cid) &&
	pm exec "$id" sh -c "cat /proc/1/cmdline" | tr "\0" " " >cmd &&
	test_grep "^sleep 60" cmd &&
	pm ps --format "{{.ID}}" >ps &&
	test_grep "^$(echo "$id" | cut -c1-12)" ps &&
	pm stop -t 1 "$id" &&
	test "$(pm inspect "$id" --format "{{.State.ExitCode}}")" = 137 &&
	pm rm "$id"
'

test_expect_success TMUX 'podman run -it: a terminal through --console-socket' '
	sess=ct-test-pm-$$ &&
	tmux new-session -d -s "$sess" -x 90 -y 20 \
		"podman --root $TEST_DIR/pm/graph --runroot $TEST_DIR/pm/run --runtime $CT_BUILD/bin/ct-spawn run --rm -it --network none $img sh; echo EXIT=\$?; sleep 30" &&
	for i in $(seq 200); do tmux capture-pane -p -t "$sess" | grep -q "^/ #" && break; sleep 0.05; done &&
	tmux send-keys -t "$sess" "tty; stty size; exit 4" Enter &&
	for i in $(seq 200); do tmux capture-pane -p -t "$sess" | grep -q "^EXIT=" && break; sleep 0.05; done &&
	tmux capture-pane -p -t "$sess" >screen &&
	test_grep "^/dev/pts/0" screen &&
	test_grep "^20 90" screen &&
	test_grep "^EXIT=4" screen
'

test_done
