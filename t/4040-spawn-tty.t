#!/bin/sh
test_description='ct-spawn run -t: a pty session driven through tmux (type, read the screen, resize)'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE TMUX

sess=ct-test-tty-$$

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base &&
	mkbundle tty ".process.args = [\"sh\"]"
'

test_expect_success 'run -t gives the container a terminal; typed input reaches it' '
	test_cleanup "tmux kill-session -t $sess" &&
	tmux new-session -d -s "$sess" -x 100 -y 30 \
		"ct-spawn --root $TEST_DIR/run run -t --bundle $TEST_DIR/tty $(sid tty); echo EXIT=\$?; sleep 30" &&
	wait_screen "^/ #" &&
	tmux send-keys -t "$sess" "tty; echo \$((6*7))" Enter &&
	wait_screen "^42" &&
	screen | test_grep "^/dev/pts/0"
'

test_expect_success 'the window size is forwarded, also after a resize' '
	tmux send-keys -t "$sess" "stty size" Enter &&
	wait_screen "^30 100" &&
	tmux resize-window -t "$sess" -x 120 -y 40 &&
	sleep 0.2 &&
	tmux send-keys -t "$sess" "clear; stty size" Enter &&
	wait_screen "^40 120"
'

test_expect_success 'the exit status comes back through the terminal session' '
	tmux send-keys -t "$sess" "exit 5" Enter &&
	wait_screen "^EXIT=5"
'

test_done
