#!/bin/sh
test_description='ct-spawn attach: a terminal (or stdio) reconnected to a run -d container; ctrl-p ctrl-q detaches'
. "$(dirname "$0")/lib/test-lib.sh"
. "$CT_SRC/t/4000-spawn-lib.sh"
test_require ROOT MOUNTNS UMOCI JQ MKIMAGE TMUX

sess=ct-test-attach-$$
attach_in_tmux() {
	tmux new-session -d -s "$sess" -x 100 -y 30 \
		"ct-spawn --root $TEST_DIR/run attach $1; echo EXIT=\$?; sleep 30"
}

test_expect_success 'set up a busybox bundle with umoci' '
	spawn_base &&
	mkbundle tty ".process.terminal = true | .process.args = [\"sh\"]" &&
	id=$(sid tty)
'

test_expect_success 'run -d -t: the supervisor owns the pty; attach gives a working terminal' '
	test_cleanup "tmux kill-session -t $sess 2>/dev/null; true" &&
	spawn run -d -t --bundle tty "$id" &&
	wait_ini "$id" status running &&
	test -S "run/$id/attach.sock" &&
	attach_in_tmux "$id" &&
	sleep 0.3 &&
	tmux send-keys -t "$sess" "tty; echo \$((6*7))" Enter &&
	wait_screen "^42" &&
	screen | test_grep "^/dev/pts/0" &&
	tmux send-keys -t "$sess" "stty size" Enter &&
	wait_screen "^30 100"
'

test_expect_success 'ctrl-p ctrl-q detaches; the container keeps running' '
	tmux send-keys -t "$sess" C-p C-q &&
	wait_screen "^EXIT=0" &&
	screen | test_grep "detached from $id" &&
	test "$(spawn state "$id" | jq -r .status)" = running &&
	tmux kill-session -t "$sess"
'

test_expect_success 'attach again: the shell is the same one; its output went to the log meanwhile' '
	attach_in_tmux "$id" &&
	sleep 0.3 &&
	tmux send-keys -t "$sess" "echo again-\$\$" Enter &&
	wait_screen "^again-1" &&
	test_grep "42" "run/$id/log"
'

test_expect_success 'the container ending while attached: attach exits with its status' '
	tmux send-keys -t "$sess" "exit 7" Enter &&
	wait_screen "^EXIT=7" &&
	wait_ini "$id" status stopped &&
	test_grep -x "exit_code = 7" "run/$id/state.ini" &&
	tmux kill-session -t "$sess" &&
	spawn delete "$id"
'

test_expect_success 'plain stdio: attach streams output and, with -i, feeds stdin' '
	id=$(sid plain) &&
	mkbundle plain ".process.args = [\"sh\", \"-c\", \"echo ready; while read l; do echo got-\$l; echo err-\$l >&2; [ \$l = bye ] && exit 4; done\"]" &&
	spawn run -d -i --bundle plain "$id" &&
	wait_ini "$id" status running &&
	{ echo one; sleep 0.5; echo bye; sleep 5; } | spawn attach "$id" >out 2>err;
	test $? = 4 &&
	test_grep -x got-one out &&
	test_grep -x got-bye out &&
	test_grep -x err-one err &&
	test_grep "stdout F got-one" "run/$id/log" &&
	spawn delete "$id"
'

test_expect_success 'run -d --attach: the caller sees the output from the first byte and gets the status' '
	id=$(sid runa) &&
	mkbundle runa ".process.args = [\"sh\", \"-c\", \"echo first; echo second >&2; exit 6\"]" &&
	test_expect_code 6 spawn run -d --attach --bundle runa "$id" >out 2>err &&
	echo first >expect &&
	test_cmp expect out &&
	test_grep -x second err &&
	wait_ini "$id" status stopped &&
	spawn delete "$id"
'

test_expect_success 'run -d -t --attach (ct run -it): the first prompt shows; ctrl-p ctrl-q leaves it running' '
	id=$(sid runit) &&
	tmux new-session -d -s "$sess" -x 100 -y 30 \
		"ct-spawn --root $TEST_DIR/run run -d -t --attach --bundle $TEST_DIR/tty $id; echo EXIT=\$?; sleep 30" &&
	wait_screen "^/ #" &&
	tmux send-keys -t "$sess" "echo \$((7*6))" Enter &&
	wait_screen "^42" &&
	tmux send-keys -t "$sess" C-p C-q &&
	wait_screen "^EXIT=0" &&
	test "$(spawn state "$id" | jq -r .status)" = running &&
	tmux kill-session -t "$sess" &&
	attach_in_tmux "$id" &&
	sleep 0.3 &&
	tmux send-keys -t "$sess" "exit 3" Enter &&
	wait_screen "^EXIT=3" &&
	tmux kill-session -t "$sess" &&
	spawn delete "$id"
'

test_expect_success 'run -d -i --attach: the end of the caller'\''s stdin ends the container'\''s' '
	id=$(sid stdin) &&
	mkbundle cat ".process.args = [\"sh\", \"-c\", \"cat; echo after-eof\"]" &&
	printf "line1\nline2\n" | spawn run -d -i --attach --bundle cat "$id" >out &&
	printf "line1\nline2\nafter-eof\n" >expect &&
	test_cmp expect out &&
	spawn delete "$id"
'

test_expect_success 'a relative --root works for the supervisor and attach' '
	test_cleanup "ct-spawn --root $TEST_DIR/rel/relroot delete --force rel1 2>/dev/null; true" &&
	mkdir rel &&
	(cd rel && ct-spawn --root relroot run -d --attach --bundle ../runa rel1 >../out 2>/dev/null; echo $? >../rc) &&
	echo 6 >expect &&
	test_cmp expect rc &&
	test_grep -x first out &&
	test -f rel/relroot/rel1/state.json &&
	ct-spawn --root rel/relroot delete rel1
'

test_expect_success 'attach to a stopped or unknown container is an error' '
	test_expect_code 1 spawn attach "$(sid nope)" 2>err &&
	test_grep "does not exist" err &&
	mkbundle quick ".process.args = [\"true\"]" &&
	spawn run -d --bundle quick "$(sid quick)" &&
	wait_ini "$(sid quick)" status stopped &&
	test_expect_code 1 spawn attach "$(sid quick)" 2>err &&
	test_grep "not running" err
'

test_done
