# t/4000-spawn-lib.sh: helpers for the ct-spawn tests (t/40xx-spawn-*.t).
# Sourced after test-lib.sh. Not a test script itself.
#
#   spawn_base              unpack the busybox fixture with umoci into
#                           $TEST_DIR/base (config.json + rootfs, as umoci makes it)
#   mkbundle DIR 'JQ' [jq args...]
#                           a bundle whose config.json is base's passed through
#                           the jq filter, sharing base's rootfs (absolute root.path)
#   spawn ARGS...           ct-spawn with a private --root
#   sid NAME                a container id unique to this script run
#   wait_ini ID KEY VALUE   wait (10 s) until run/ID/state.ini has KEY = VALUE
#   screen, wait_screen RE  the tmux pane of session $sess; wait (20 s) for RE

spawn_base() {
	layout=$(ct_fixture busybox) || return 1
	umoci unpack --image "$layout:latest" "$TEST_DIR/base" >/dev/null 2>&1 || return 1
	chmod 755 "$TEST_DIR/base" &&
	jq '.process.terminal = false' "$TEST_DIR/base/config.json" >"$TEST_DIR/base/c.json" &&
	mv "$TEST_DIR/base/c.json" "$TEST_DIR/base/config.json"
}

mkbundle() {
	mb_dir=$1
	mb_filter=$2
	shift 2
	mkdir -p "$mb_dir" &&
	jq "$@" --arg rootfs "$TEST_DIR/base/rootfs" \
		".root.path = \$rootfs | $mb_filter" "$TEST_DIR/base/config.json" >"$mb_dir/config.json"
}

spawn() {
	ct-spawn --root "$TEST_DIR/run" "$@"
}

sid() {
	printf 'ct%s-%s\n' "$$" "$1"
}

# Every container this script made is gone at exit, with its cgroup.
test_cleanup 'for d in "$TEST_DIR"/run/*/; do [ -d "$d" ] && ct-spawn --root "$TEST_DIR/run" delete --force "$(basename "$d")"; done'

wait_ini() {
	for i in $(seq 200); do
		grep -qx "$2 = $3" "run/$1/state.ini" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "state.ini of $1 never had $2 = $3:" >&2
	cat "run/$1/state.ini" >&2
	return 1
}

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
