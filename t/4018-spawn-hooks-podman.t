#!/bin/sh
test_description='podman --runtime ct-spawn --hooks-dir: the hooks Podman puts into config.json run (createRuntime, poststart, poststop with the state on stdin)'
. "$(dirname "$0")/lib/test-lib.sh"
test_require ROOT MOUNTNS PODMAN MKIMAGE JQ

# Podman without systemd, all state in $TEST_DIR
. "$CT_SRC/t/4059-podman-lib.sh"
podman_private_config
pm() {
	timeout 60 podman --root "$TEST_DIR/pm/graph" --runroot "$TEST_DIR/pm/run" \
		--runtime "$CT_BUILD/bin/ct-spawn" --hooks-dir "$TEST_DIR/hooks.d" "$@"
}
test_cleanup 'pm rm -af -t 0; pm system reset -f'

test_expect_success 'a hook and its hooks.d entry for three stages' '
	mkdir -p hooks.d rec &&
	cat >hook.sh <<-EOF &&
	#!/bin/sh
	cat >"$TEST_DIR/rec/\$1.state"
	echo "\$1" >>"$TEST_DIR/rec/order"
	EOF
	chmod 755 hook.sh &&
	for st in createRuntime poststart poststop; do
		jq -n --arg p "$TEST_DIR/hook.sh" --arg s $st \
			"{version: \"1.0.0\", hook: {path: \$p, args: [\"hook\", \$s]},
			  when: {always: true}, stages: [\$s]}" >hooks.d/$st.json || return 1
	done
'

test_expect_success 'load the busybox image into a private podman store' '
	layout=$(ct_fixture busybox) &&
	pm pull -q "oci:$layout:latest" >img &&
	test -s img
'
img=$(cat img 2>/dev/null)

test_expect_success 'podman run --rm: the hooks run in order, with the container'"'"'s state' '
	pm run --rm --network none "$img" echo ok >out &&
	echo ok >expect &&
	test_cmp expect out &&
	printf "%s\n" createRuntime poststart poststop >expect &&
	test_cmp expect rec/order &&
	test "$(jq -r .status rec/createRuntime.state)" = creating &&
	test "$(jq -r .status rec/poststart.state)" = running &&
	test "$(jq -r .status rec/poststop.state)" = stopped &&
	id=$(jq -r .id rec/createRuntime.state) &&
	test "$(jq -r .id rec/poststop.state)" = "$id" &&
	test "$(jq -r .pid rec/createRuntime.state)" -gt 1
'

test_done
