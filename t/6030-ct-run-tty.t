#!/bin/sh
test_description='ct run -it in a terminal (tmux): type, exit; ctrl-p ctrl-q detaches, ct attach comes back; -d --rm; 126/127'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT OVERLAY BUSYBOX TMUX

sess= n=0
test_cleanup "for s in \$(seq 0 9); do tmux kill-session -t ct-test-runtty-$$-\$s 2>/dev/null; done; for d in \"\$CT_ROOT\"/containers/*/; do [ -d \"\$d\" ] && ct rm -f \"\$(basename \"\$d\")\" >/dev/null 2>&1; done; true"

screen() { tmux capture-pane -p -t "$sess"; }
wait_screen() {
	for i in $(seq 400); do
		screen | grep -q "$1" && return 0
		sleep 0.05
	done
	echo "never saw '$1' on the screen:" >&2
	screen >&2
	return 1
}
# in_tmux CMD: run CMD in a new tmux session, then say how it exited.
# The old session goes only after the new one is there: the last session
# of the tmux server (shared with other tests) would take it down.
in_tmux() {
	old=$sess
	n=$((n + 1))
	sess=ct-test-runtty-$$-$n
	tmux new-session -d -s "$sess" -x 100 -y 30 \
		"export CT_ROOT=$CT_ROOT PATH=$PATH; $1; echo EXIT=\$?; sleep 60" || return
	[ -z "$old" ] || tmux kill-session -t "$old" 2>/dev/null
	return 0
}
wait_gone() {
	for i in $(seq 200); do
		[ -z "$(ct ps -aq)" ] && return 0
		sleep 0.1
	done
	ct ps -a >&2
	return 1
}

test_expect_success 'setup: a busybox image with an os-release' '
	mkdir -p rootfs/bin rootfs/etc rootfs/tmp &&
	cp "$(command -v busybox)" rootfs/bin/busybox &&
	for a in sh echo cat sleep tty; do ln -s busybox rootfs/bin/$a || return 1; done &&
	printf "NAME=\"ct test\"\nID=cttest\n" >rootfs/etc/os-release &&
	ct import -c "CMD [\"/bin/sh\"]" rootfs busybox >/dev/null
'

test_expect_success 'run -it: a shell on a terminal; type cat /etc/os-release, then exit' '
	in_tmux "ct run -it --rm --network none busybox sh" &&
	wait_screen "^/ #" &&
	tmux send-keys -t "$sess" "cat /etc/os-release; tty" Enter &&
	wait_screen "^ID=cttest" &&
	wait_screen "^/dev/pts/0" &&
	tmux send-keys -t "$sess" "exit 4" Enter &&
	wait_screen "EXIT=4" &&
	wait_gone
'

test_expect_success 'ctrl-p ctrl-q detaches and leaves it running; ct attach comes back' '
	in_tmux "ct run -it --name tty1 --network none busybox sh" &&
	wait_screen "^/ #" &&
	tmux send-keys -t "$sess" "echo \$((6*7))" Enter &&
	wait_screen "^42" &&
	tmux send-keys -t "$sess" C-p C-q &&
	wait_screen "EXIT=0" &&
	ct ps --format "{{.Names}} {{.Status}}" >ps &&
	test_grep "^tty1 Up" ps &&
	in_tmux "ct attach tty1" &&
	sleep 0.5 &&
	tmux send-keys -t "$sess" "echo back-\$((2+3))" Enter &&
	wait_screen "^back-5" &&
	tmux send-keys -t "$sess" "exit 6" Enter &&
	wait_screen "EXIT=6" &&
	test "$(ct wait tty1)" = 6 &&
	ct rm tty1 >/dev/null
'

test_expect_success 'run -d --rm: the container is removed when it ends' '
	ct run -d --rm --network none busybox sh -c "sleep 0.5" >id &&
	test $(wc -c <id) = 65 &&
	wait_gone
'

test_expect_success 'a command not found is 127, one that cannot run is 126, -d too; nothing is left' '
	test_expect_code 127 ct run --rm --network none busybox nosuch 2>err &&
	test_grep "nosuch" err &&
	test_expect_code 126 ct run --rm --network none busybox /etc/os-release 2>err &&
	test_expect_code 127 ct run -d --network none busybox nosuch 2>err &&
	wait_gone
'

test_done
